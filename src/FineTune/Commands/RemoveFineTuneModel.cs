using System.Management.Automation;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes fine-tuned models.</para>
    /// <para type="description">Needs the organization's Owner role on OpenAI; Azure has no such route (delete the deployment instead). The job, its files and events stay. Supports -WhatIf and -Confirm (ConfirmImpact High).</para>
    /// </summary>
    /// <example><code>Remove-FineTuneModel $model</code><para>Deletes one model after confirmation.</para></example>
    /// <example><code>Get-FineTuneJob $jobId | Remove-FineTuneModel -Confirm:$false</code><para>Deletes the model a job made (binds FineTunedModel).</para></example>
    [Cmdlet(VerbsCommon.Remove, "FineTuneModel", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(void))]
    public sealed class RemoveFineTuneModelCommand : ServiceCmdlet
    {
        /// <summary>Fine-tuned model ids; binds FineTunedModel of a job or Id of a model.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModel", "Id")]
        [ArgumentCompleter(typeof(FineTunedModelCompleter))]
        public string[] Model { get; set; } = new string[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (string id in Model)
            {
                if (ShouldProcess(id, "Delete fine-tuned model")) TryRun(async ct => { await Service.DeleteModelAsync(id, ct).ConfigureAwait(false); return true; }, id, out bool _);
            }
        }
    }
}
