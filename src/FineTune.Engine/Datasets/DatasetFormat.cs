namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// The shape of a training file's lines (OPENAI-FACTS.md, Training files). <see cref="Auto"/> means
    /// "detect from the first valid line" and is only an input; a detected format is never Auto.
    /// </summary>
    public enum DatasetFormat
    {
        /// <summary>Detect the format from the data.</summary>
        Auto = 0,

        /// <summary>Supervised chat: <c>{"messages": [...], "tools"?: [...]}</c>.</summary>
        Chat = 1,

        /// <summary>Preference (DPO): <c>{"input": {"messages": [...]}, "preferred_output": [...], "non_preferred_output": [...]}</c>.</summary>
        Preference = 2,

        /// <summary>Legacy prompt/completion for babbage-002 and davinci-002: <c>{"prompt": "...", "completion": "..."}</c>.</summary>
        Completion = 3,

        /// <summary>No line matched a known format (detected value only).</summary>
        Unknown = 4,
    }

    /// <summary>
    /// The service a training file is meant for. It changes a few rules: Azure OpenAI accepts (and its docs
    /// ask for) a UTF-8 byte-order mark where OpenAI rejects line 1 (OPENAI-FACTS.md, Azure OpenAI).
    /// </summary>
    public enum DatasetTarget
    {
        /// <summary>OpenAI's fine-tuning service (api.openai.com).</summary>
        OpenAI = 0,

        /// <summary>Azure OpenAI (v1 API).</summary>
        Azure = 1,
    }

    /// <summary>How bad a finding is. Only <see cref="Error"/> makes a file invalid.</summary>
    public enum FindingSeverity
    {
        /// <summary>Worth knowing; the service accepts it.</summary>
        Info = 0,

        /// <summary>The service accepts it, but training will likely suffer or it is deprecated.</summary>
        Warning = 1,

        /// <summary>The service rejects the file or the job fails.</summary>
        Error = 2,
    }
}
