using System;
using System.Collections;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Archive;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Exports what the fine-tuning account holds into a folder: every job with its events, checkpoints, metrics and model, the files, a manifest and an index.html.</para>
    /// <para type="description">For every job (or those chosen by -JobId, -Status, -CreatedAfter, -CreatedBefore and -Metadata) the folder gets jobs/JOBID/ with job.json (the service's JSON as sent), events.jsonl (every event, oldest first), checkpoints.json, metrics.csv (the result file), loss.svg and model.json (the fine-tuned model, whether GET /models still lists it, its shutdown date and where that date comes from: the service, else the price catalog). files/FILEID/ holds file.json (metadata), the content under the file's name where the service hands it out, and content.json saying so; OpenAI does not hand out training files (purpose fine-tune), which content.json records plainly together with the local copy from the upload ledger (path, size, SHA-256, whether it still matches). Without a job filter every file of the account is archived; with one, the files of the chosen jobs. models.json is GET /models. index.html is the overview on one self-contained page (no script, no network): totals, every job with status, trained tokens, cost (trained tokens × the price catalog's training price, USD), models, whether each still serves and its last day of service, training data and loss chart; then the files. manifest.json lists every file with its size in bytes and SHA-256 (Test-FineTuneArchive checks them). Every file is written atomically and only when its bytes changed, so running the export again adds only what is new and changed (a second run writes nothing); a file's content is downloaded once. -WhatIf lists what would be written and writes nothing. Outputs a report: jobs, files, the paths written, how many were unchanged, bytes written, and the files whose content the service keeps to itself. Errors: FineTune.IOFailed when the folder cannot be written, FineTune.NotAnArchive when it holds another kind of manifest.json; service failures as FineTune.GetJob.* and so on.</para>
    /// </summary>
    /// <example><code>Export-FineTuneArchive ./ft-archive</code><para>Archives the whole account; open ./ft-archive/index.html for the overview.</para></example>
    /// <example><code>Export-FineTuneArchive ./ft-archive -Status succeeded -CreatedAfter 2026-01-01 -WhatIf</code><para>Lists what archiving this year's succeeded jobs would write.</para></example>
    /// <example><code>Get-FineTuneJob -Metadata @{ team = 'support' } | Export-FineTuneArchive ./support-archive; Test-FineTuneArchive ./support-archive</code><para>Archives the jobs of one team, then checks every file against the manifest.</para></example>
    [Cmdlet(VerbsData.Export, "FineTuneArchive", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(ArchiveReport))]
    public sealed class ExportFineTuneArchiveCommand : ServiceCmdlet
    {
        private readonly List<string> jobIds = new List<string>();

        /// <summary>The archive's folder (created when missing; an existing archive is brought up to date).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("Destination")]
        public string Path { get; set; } = string.Empty;

        /// <summary>Only these jobs (ftjob-...); binds JobId or Id of jobs from the pipeline.</summary>
        [Parameter(ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string[]? JobId { get; set; }

        /// <summary>Only jobs with one of these statuses (succeeded, failed, cancelled, running...; case-insensitive).</summary>
        [Parameter]
        public string[]? Status { get; set; }

        /// <summary>Only jobs created at or after this time (local time unless given as UTC).</summary>
        [Parameter]
        public DateTime? CreatedAfter { get; set; }

        /// <summary>Only jobs created before this time.</summary>
        [Parameter]
        public DateTime? CreatedBefore { get; set; }

        /// <summary>Only jobs whose metadata holds every pair.</summary>
        [Parameter]
        public Hashtable? Metadata { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (JobId != null) jobIds.AddRange(JobId);
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            string folder = FileSystemPath(Path, nameof(Path), folderAllowed: true);
            var options = new ArchiveOptions
            {
                Folder = folder,
                JobIds = jobIds.Count > 0 ? jobIds.Distinct().ToList() : null,
                Statuses = Status,
                CreatedAfter = CreatedAfter is DateTime a ? new DateTimeOffset(a.ToUniversalTime()) : (DateTimeOffset?)null,
                CreatedBefore = CreatedBefore is DateTime b ? new DateTimeOffset(b.ToUniversalTime()) : (DateTimeOffset?)null,
                Metadata = Metadata?.Cast<DictionaryEntry>().ToDictionary(e => e.Key.ToString()!, e => e.Value?.ToString() ?? string.Empty, StringComparer.Ordinal),
                Provider = Service.Name,
            };

            if (!ShouldProcess(folder, "Export the fine-tuning account's jobs and files"))
            {
                bool whatIf = (MyInvocation.BoundParameters.TryGetValue("WhatIf", out object? w) && LanguagePrimitives.IsTrue(w)) || LanguagePrimitives.IsTrue(GetVariableValue("WhatIfPreference"));
                if (!whatIf) return; // the user said no
                options.DryRun = true; // -WhatIf: work out what would be written and list it
                ArchiveReport plan = Export(options, folder);
                foreach (string path in plan.Written) ShouldProcess(System.IO.Path.Combine(folder, path), "Write");
                return;
            }

            ArchiveReport report = Export(options, folder);
            foreach (string refused in report.NotDownloadable) WriteVerbose("Not handed out by the service: " + refused);
            WriteObject(report);
        }

        private ArchiveReport Export(ArchiveOptions options, string folder)
        {
            try
            {
                return Run(ct => AccountArchiver.ExportAsync(Service, options, Feedback, ct));
            }
            catch (InvalidDataException ex)
            {
                Fail(Failure("NotAnArchive", ErrorKind.InvalidData, ex.Message, folder, "Give an empty folder or one Export-FineTuneArchive wrote.", ex));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex, folder);
            }

            return null!; // not reached: ThrowTerminatingError always throws
        }
    }
}
