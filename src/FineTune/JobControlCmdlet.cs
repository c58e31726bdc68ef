using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune
{
    /// <summary>
    /// What Stop-, Suspend- and Resume-FineTuneJob share: job ids from the pipeline, ShouldProcess per
    /// job (a session that cannot ask a High-impact question gets the ConfirmationNeeded error), one service call per job (a failure is a non-terminating error for that job), -PassThru.
    /// </summary>
    public abstract class JobControlCmdlet : ServiceCmdlet
    {
        /// <summary>Job ids (ftjob-...); binds JobId of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] JobId { get; set; } = new string[0];

        /// <summary>Outputs the job after the change, as the service reports it.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>The action named in the -WhatIf/-Confirm message, e.g. "Cancel fine-tuning job".</summary>
        private protected abstract string Action { get; }

        /// <summary>The service call that makes the change.</summary>
        private protected abstract Task<FineTuneJob> ChangeAsync(string id, CancellationToken cancellationToken);

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (string id in JobId)
            {
                if (ShouldProcessOrExplain(id, Action, $"does '{Action}' on {id}") && TryRun(ct => ChangeAsync(id, ct), id, out FineTuneJob job) && PassThru)
                {
                    WriteObject(job);
                }
            }
        }
    }
}
