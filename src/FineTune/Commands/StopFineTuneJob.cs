using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Cancels fine-tuning jobs.</para>
    /// <para type="description">A cancelled job cannot be resumed; training done so far is billed. Supports -WhatIf and -Confirm; -PassThru outputs the job as the service reports it.</para>
    /// </summary>
    /// <example><code>Stop-FineTuneJob $jobId</code><para>Cancels one job after confirmation.</para></example>
    /// <example><code>Get-FineTuneJob -Status running | Stop-FineTuneJob -Confirm:$false -PassThru</code><para>Cancels every running job among the newest 20 and shows them.</para></example>
    [Cmdlet(VerbsLifecycle.Stop, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class StopFineTuneJobCommand : JobControlCmdlet
    {
        private protected override string Action => "Cancel fine-tuning job";

        private protected override Task<FineTuneJob> ChangeAsync(string id, CancellationToken cancellationToken) => Service.CancelJobAsync(id, cancellationToken);
    }
}
