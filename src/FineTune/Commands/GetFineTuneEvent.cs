using System;
using System.Collections.Generic;
using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Workflow;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a job's events (messages and training metrics), oldest first; -Follow keeps writing new ones until the job ends.</para>
    /// <para type="description">Reads every page of the job's events (the service lists them newest first, 100 a page) and writes them in the order they happened; -First N keeps only the newest N. -Follow then polls for new events and writes each as it arrives until the job succeeds, fails, is cancelled or paused; Ctrl+C stops following and leaves the job running. Metrics events carry Step, TotalSteps, TrainLoss and the full Data.</para>
    /// </summary>
    /// <example><code>Get-FineTuneEvent $jobId -First 5</code><para>The five newest events.</para></example>
    /// <example><code>Get-FineTuneEvent $jobId -Follow | Where-Object Type -eq metrics</code><para>Follows the training metrics live.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneEvent")]
    [OutputType(typeof(FineTuneEvent))]
    public sealed class GetFineTuneEventCommand : ServiceCmdlet
    {
        /// <summary>The job id (ftjob-...); binds JobId of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <summary>Only the newest N events (still written oldest first).</summary>
        [Parameter]
        [ValidateRange(1, int.MaxValue)]
        public int? First { get; set; }

        /// <summary>After the existing events, writes new ones as they arrive until the job ends or is paused.</summary>
        [Parameter]
        public SwitchParameter Follow { get; set; }

        /// <summary>With -Follow: seconds between polls (0.1 or more); default adaptive.</summary>
        [Parameter]
        [ValidateRange(0.1, 3600)]
        public double? PollIntervalSec { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            int backlog = First ?? int.MaxValue;
            if (Follow)
            {
                WaitForJob(JobId, new WaitOptions { Backlog = backlog, PollInterval = PollIntervalSec is double p ? TimeSpan.FromSeconds(p) : (TimeSpan?)null }, eventsAsOutput: true);
                return;
            }

            if (TryRun(ct => JobWatcher.NewEventsAsync(Service, JobId, null, backlog, ct), JobId, out IReadOnlyList<FineTuneEvent> events))
            {
                WriteObject(events, true);
            }
        }
    }
}
