using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Resumes paused fine-tuning jobs.</para>
    /// <para type="description">Supports -WhatIf and -Confirm; -PassThru outputs the job, which can be piped to Wait-FineTuneJob.</para>
    /// </summary>
    /// <example><code>Resume-FineTuneJob ftjob-abc123 -PassThru | Wait-FineTuneJob</code><para>Resumes a job and waits for it.</para></example>
    /// <example><code>Get-FineTuneJob -Status paused | Resume-FineTuneJob -Confirm:$false</code><para>Resumes every paused job among the newest 20.</para></example>
    [Cmdlet(VerbsLifecycle.Resume, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class ResumeFineTuneJobCommand : FineTuneCmdlet
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
                if (ShouldProcess(id, "Resume fine-tuning job") && TryRun(ct => Service.ResumeJobAsync(id, ct), id, out FineTuneJob job) && PassThru) WriteObject(job);
            }
        }
    }
}
