using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists fine-tuning jobs, newest first, or gets jobs by id.</para>
    /// <para type="description">Without -JobId lists the newest 20 jobs (-First N for more, -All for every page), optionally only those with a -Status or -Metadata pairs (the service's metadata filter). Status is an open string (validating_files, queued, running, succeeded, failed, cancelled, pausing, paused; Azure: pending).</para>
    /// </summary>
    /// <example><code>Get-FineTuneJob -Status running</code><para>Lists the running jobs among the newest 20.</para></example>
    /// <example><code>Get-FineTuneJob -All -Metadata @{ team = 'support' }</code><para>Lists every job whose metadata has team=support.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneJob", DefaultParameterSetName = "List")]
    [OutputType(typeof(FineTuneJob))]
    public sealed class GetFineTuneJobCommand : ServiceCmdlet
    {
        /// <summary>Job ids (ftjob-...); binds JobId or Id of a job, event or checkpoint.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[] JobId { get; set; } = new string[0];

        /// <summary>Only jobs with one of these statuses (compared case-insensitively).</summary>
        [Parameter(ParameterSetName = "List")]
        public string[]? Status { get; set; }

        /// <summary>Only jobs whose metadata holds every pair (sent as the service's metadata[key]=value filter).</summary>
        [Parameter(ParameterSetName = "List")]
        public Hashtable? Metadata { get; set; }

        /// <summary>How many jobs to read, newest first (default 20, the service's page).</summary>
        [Parameter(ParameterSetName = "List")]
        [ValidateRange(1, int.MaxValue)]
        public int First { get; set; } = Pages.JobPageSize;

        /// <summary>Reads every page.</summary>
        [Parameter(ParameterSetName = "List")]
        public SwitchParameter All { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == "Id")
            {
                foreach (string id in JobId)
                {
                    if (TryRun(ct => Service.GetJobAsync(id, ct), id, out FineTuneJob job)) WriteObject(job);
                }

                return;
            }

            Dictionary<string, string>? filter = Metadata?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty, StringComparer.Ordinal);
            int wanted = All ? int.MaxValue : First;
            Run(ct => Pages.ReadAsync((after, limit, c) => Service.ListJobsAsync(after, limit, filter, c), job =>
            {
                if (Status == null || Status.Any(s => string.Equals(s, job.Status, StringComparison.OrdinalIgnoreCase))) Emit(job);
                return true;
            }, Pages.JobPageSize, wanted, ct));
        }
    }
}
