using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Cancels fine-tuning jobs.</para>
    /// <para type="description">A cancelled job cannot be resumed; training done so far is billed. Supports -WhatIf and -Confirm; -PassThru outputs the job as the service reports it.</para>
    /// </summary>
    /// <example><code>Stop-FineTuneJob ftjob-abc123</code><para>Cancels one job after confirmation.</para></example>
    /// <example><code>Get-FineTuneJob -Status running | Stop-FineTuneJob -Confirm:$false -PassThru</code><para>Cancels every running job among the newest 20 and shows them.</para></example>
    [Cmdlet(VerbsLifecycle.Stop, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class StopFineTuneJobCommand : FineTuneCmdlet
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
                if (ShouldProcess(id, "Cancel fine-tuning job") && TryRun(ct => Service.CancelJobAsync(id, ct), id, out FineTuneJob job) && PassThru) WriteObject(job);
            }
        }
    }
}
