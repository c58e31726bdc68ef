namespace FineTune.Commands
{
    /// <summary>Training methods (the service's <c>method.type</c>).</summary>
    public enum FineTuneMethod
    {
        /// <summary>Supervised fine-tuning on chat examples.</summary>
        Supervised,
        /// <summary>Direct preference optimization on preferred/non-preferred pairs.</summary>
        Dpo,
        /// <summary>Reinforcement fine-tuning with a grader (where the service offers it).</summary>
        Reinforcement,
    }
}
