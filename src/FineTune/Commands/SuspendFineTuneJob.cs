using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Pauses running fine-tuning jobs (Resume-FineTuneJob goes on).</para>
    /// <para type="description">The service pauses at the next checkpoint (status pausing, then paused). Supports -WhatIf and -Confirm; -PassThru outputs the job.</para>
    /// </summary>
    /// <example><code>Suspend-FineTuneJob $jobId</code><para>Pauses a job.</para></example>
    /// <example><code>Get-FineTuneJob -Status running | Suspend-FineTuneJob -Confirm:$false</code><para>Pauses every running job among the newest 20.</para></example>
    [Cmdlet(VerbsLifecycle.Suspend, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class SuspendFineTuneJobCommand : JobControlCmdlet
    {
        private protected override string Action => "Pause fine-tuning job";

        private protected override Task<FineTuneJob> ChangeAsync(string id, CancellationToken cancellationToken) => Service.PauseJobAsync(id, cancellationToken);
    }
}
