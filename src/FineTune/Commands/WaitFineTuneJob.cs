using System;
using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Workflow;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Waits for fine-tuning jobs to end, with progress and the job's events, and outputs the final jobs.</para>
    /// <para type="description">Shows a progress bar with the status, the step of total steps and the latest training loss, and writes every new event to the information stream as it arrives (-InformationAction Continue, or 6>&amp;1, shows them). Returns when the job succeeds, fails or is cancelled; a paused job, or a status FineTune does not know, ends the wait with a warning instead of hanging. -TimeoutSec bounds the whole wait, the service calls and their retries included, and then gives up (an OperationTimeout error; the job keeps running). Ctrl+C stops waiting at once and leaves the job running. A failed or cancelled job is output with a warning that gives the service's error.</para>
    /// </summary>
    /// <example><code>Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -TrainingFile $fileId -Confirm:$false | Wait-FineTuneJob | Invoke-FineTuneChat 'Where is my order?'</code><para>Starts a job, waits for it and asks the fine-tuned model a question.</para></example>
    /// <example><code>Wait-FineTuneJob $jobId -TimeoutSec 3600 -InformationAction Continue</code><para>Waits at most an hour, printing events as they come.</para></example>
    [Cmdlet(VerbsLifecycle.Wait, "FineTuneJob")]
    [OutputType(typeof(FineTuneJob))]
    public sealed class WaitFineTuneJobCommand : ServiceCmdlet
    {
        /// <summary>The job id (ftjob-...); binds JobId of a job, event or checkpoint.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <summary>Gives up after this many seconds, however long a service call takes (the job keeps running); default: wait until it ends.</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? TimeoutSec { get; set; }

        /// <summary>Seconds between polls (0.1 or more); default adaptive: 1 s, growing to 15 s while nothing changes.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double? PollIntervalSec { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var options = new WaitOptions
            {
                Timeout = TimeoutSec is int t ? TimeSpan.FromSeconds(t) : (TimeSpan?)null,
                PollInterval = PollIntervalSec is double p ? TimeSpan.FromSeconds(p) : (TimeSpan?)null,
                Backlog = 20,
            };
            FineTuneJob? job = WaitForJob(JobId, options, eventsAsOutput: false);
            if (job != null) WriteObject(job);
        }
    }
}
