using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Resumes paused fine-tuning jobs.</para>
    /// <para type="description">Training goes on and is billed again, so it asks for confirmation (ConfirmImpact High; runbooks pass -Confirm:$false, and a session that cannot ask gets the error FineTune.ConfirmationNeeded). Supports -WhatIf; -PassThru outputs the job, which can be piped to Wait-FineTuneJob.</para>
    /// </summary>
    /// <example><code>Resume-FineTuneJob $jobId -PassThru | Wait-FineTuneJob</code><para>Resumes a job and waits for it.</para></example>
    /// <example><code>Get-FineTuneJob -Status paused | Resume-FineTuneJob -Confirm:$false</code><para>Resumes every paused job among the newest 20.</para></example>
    [Cmdlet(VerbsLifecycle.Resume, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class ResumeFineTuneJobCommand : JobControlCmdlet
    {
        private protected override string Action => "Resume fine-tuning job (its training is billed again)";

        private protected override Task<FineTuneJob> ChangeAsync(string id, CancellationToken cancellationToken) => Service.ResumeJobAsync(id, cancellationToken);
    }
}
