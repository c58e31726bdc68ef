using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Pauses running fine-tuning jobs (Resume-FineTuneJob goes on).</para>
    /// <para type="description">The service pauses at the next checkpoint (status pausing, then paused). Supports -WhatIf and -Confirm; -PassThru outputs the job.</para>
    /// </summary>
    /// <example><code>Suspend-FineTuneJob ftjob-abc123</code><para>Pauses a job.</para></example>
    /// <example><code>Get-FineTuneJob -Status running | Suspend-FineTuneJob -Confirm:$false</code><para>Pauses every running job among the newest 20.</para></example>
    [Cmdlet(VerbsLifecycle.Suspend, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class SuspendFineTuneJobCommand : FineTuneCmdlet
    {
        /// <summary>Job ids (ftjob-...); binds JobId of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        public string[] JobId { get; set; } = new string[0];

        /// <summary>Outputs the job after the change.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (string id in JobId)
            {
                if (ShouldProcess(id, "Pause fine-tuning job") && TryRun(ct => Service.PauseJobAsync(id, ct), id, out FineTuneJob job) && PassThru) WriteObject(job);
            }
        }
    }
}
