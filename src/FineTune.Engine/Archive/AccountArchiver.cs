using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.IO;
using FineTune.Engine.Jobs;
using FineTune.Engine.Models;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Archive
{
    /// <summary>Which jobs to archive and how (<see cref="AccountArchiver.ExportAsync"/>).</summary>
    public sealed class ArchiveOptions
    {
        /// <summary>The archive's folder (created when missing).</summary>
        public string Folder { get; set; } = string.Empty;

        /// <summary>Only these jobs (ids); null or empty: every job.</summary>
        public IReadOnlyCollection<string>? JobIds { get; set; }

        /// <summary>Only jobs in one of these statuses (case-insensitive); null or empty: any.</summary>
        public IReadOnlyCollection<string>? Statuses { get; set; }

        /// <summary>Only jobs created at or after this time.</summary>
        public DateTimeOffset? CreatedAfter { get; set; }

        /// <summary>Only jobs created before this time.</summary>
        public DateTimeOffset? CreatedBefore { get; set; }

        /// <summary>Only jobs whose metadata holds every one of these pairs.</summary>
        public IReadOnlyDictionary<string, string>? Metadata { get; set; }

        /// <summary>Works out what would be written and writes nothing (-WhatIf).</summary>
        public bool DryRun { get; set; }

        /// <summary>Whose prices and dates the price catalog gives: OpenAI or Azure.</summary>
        public string Provider { get; set; } = "OpenAI";

        /// <summary>True when any job filter is set: then only the files of the chosen jobs are archived.</summary>
        internal bool Filtered => (JobIds?.Count ?? 0) > 0 || (Statuses?.Count ?? 0) > 0 || CreatedAfter != null || CreatedBefore != null || (Metadata?.Count ?? 0) > 0;
    }

    /// <summary>What an export did (or, with <see cref="ArchiveOptions.DryRun"/>, would do).</summary>
    public sealed class ArchiveReport
    {
        /// <summary>The archive's full path.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Jobs archived.</summary>
        public int Jobs { get; set; }

        /// <summary>Service files archived (metadata, and content where the service hands it out).</summary>
        public int Files { get; set; }

        /// <summary>Paths inside the archive written (or to be written) by this export, new or changed.</summary>
        public List<string> Written { get; } = new List<string>();

        /// <summary>Files of the archive that were already up to date.</summary>
        public int Unchanged { get; set; }

        /// <summary>Bytes written (or to be written; unknown sizes of downloads count 0).</summary>
        public long BytesWritten { get; set; }

        /// <summary>Files whose content the service does not hand out, with where a local copy is (or "no local copy").</summary>
        public List<string> NotDownloadable { get; } = new List<string>();

        /// <summary>True for a -WhatIf run: nothing was written.</summary>
        public bool WhatIf { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Path}: {Jobs} jobs, {Files} files, {Written.Count} written, {Unchanged} unchanged";
    }

    /// <summary>
    /// Exports what a fine-tuning account holds into a folder that outlives the service (DESIGN.md: keeping data is a
    /// feature). Layout: <c>jobs/&lt;job id&gt;/</c> with <c>job.json</c> (the service's JSON), <c>events.jsonl</c> (every event,
    /// oldest first), <c>checkpoints.json</c>, <c>metrics.csv</c> (the result file), <c>loss.svg</c> and <c>model.json</c> (the
    /// fine-tuned model: whether it still serves, when it stops and where that date comes from); <c>files/&lt;file id&gt;/</c> with
    /// <c>file.json</c> (metadata), the content under the file's name where the service hands it out, and <c>content.json</c>
    /// saying whether it did and where the local copy is (the upload ledger) when it did not; <c>models.json</c>;
    /// <c>index.html</c> (<see cref="ArchiveIndexPage"/>); <c>manifest.json</c> (<see cref="ArchiveManifest"/>). A file is written
    /// (atomically) only when its bytes differ from what the archive holds, so a second export writes nothing new; a
    /// file's content is downloaded once (a file id's content never changes).
    /// </summary>
    public static class AccountArchiver
    {
        private static readonly JsonWriterOptions Indented = new JsonWriterOptions { Indented = true };

        /// <summary>
        /// Exports the jobs <paramref name="options"/> chooses. Progress goes to <paramref name="feedback"/> (activity 7).
        /// Throws <see cref="FineTuneServiceException"/> when listing jobs fails, <see cref="IOException"/> when the folder
        /// cannot be written, and <see cref="InvalidDataException"/> when the folder holds a manifest of another kind.
        /// </summary>
        public static async Task<ArchiveReport> ExportAsync(IFineTuneProvider service, ArchiveOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            string root = System.IO.Path.GetFullPath(options.Folder);
            ArchiveManifest manifest = ArchiveManifest.Read(root);
            var report = new ArchiveReport { Path = root, WhatIf = options.DryRun };
            var writer = new Writer(root, manifest, report, options.DryRun);
            string activity = "Archiving to " + root;
            try
            {
                await ExportJobsAsync(service, options, writer, feedback, activity, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                // also after a failure or Ctrl+C: what was written is listed
                if (report.Written.Count > 0 && !options.DryRun)
                {
                    manifest.Endpoint = service.Connection.Endpoint.AbsoluteUri;
                    manifest.ExportedAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
                    manifest.Write(root);
                }
            }

            feedback.Progress(ProgressIds.Archive, activity, "done", 100, completed: true);
            return report;
        }

        private static async Task ExportJobsAsync(IFineTuneProvider service, ArchiveOptions options, Writer writer, IFeedback feedback, string activity, CancellationToken cancellationToken)
        {
            ArchiveReport report = writer.Report;

            feedback.Progress(ProgressIds.Archive, activity, "Listing jobs", -1);
            Dictionary<string, string>? filter = options.Metadata?.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal);
            var jobs = (await Pages.AllAsync((after, limit, c) => service.ListJobsAsync(after, limit, filter, c), 100, cancellationToken).ConfigureAwait(false))
                .Where(j => Chosen(j, options))
                .OrderBy(j => j.CreatedAt).ThenBy(j => j.Id, StringComparer.Ordinal).ToList();
            if (options.JobIds != null)
            {
                foreach (string missing in options.JobIds.Where(id => jobs.All(j => j.Id != id)))
                {
                    feedback.Warning($"Job {missing} is not on the service (or not among the jobs chosen by the other filters); it was not archived.");
                }
            }

            IReadOnlyList<FineTuneModel>? models = null;
            try
            {
                models = await service.ListModelsAsync(cancellationToken).ConfigureAwait(false);
                writer.Put("models.json", PrettyArray(models.Select(m => m.ServiceJson ?? JsonSerializer.Serialize(m))));
            }
            catch (FineTuneServiceException ex)
            {
                feedback.Warning($"The models could not be listed ({ex.Message}); whether each fine-tuned model still serves is recorded as unknown.");
            }

            // files: every file of the account, or with a filter those of the chosen jobs
            var files = new Dictionary<string, FineTuneFile?>(StringComparer.Ordinal);
            if (!options.Filtered)
            {
                feedback.Progress(ProgressIds.Archive, activity, "Listing files", -1);
                foreach (FineTuneFile f in await Pages.AllAsync((after, limit, c) => service.ListFilesAsync(null, after, limit, c), Pages.FilePageSize, cancellationToken).ConfigureAwait(false)) files[f.Id] = f;
            }

            foreach (string id in jobs.SelectMany(j => new[] { j.TrainingFile, j.ValidationFile }.Concat(j.ResultFiles)).Where(id => !string.IsNullOrEmpty(id)).Distinct().Cast<string>())
            {
                if (files.ContainsKey(id)) continue;
                try
                {
                    files[id] = await service.GetFileAsync(id, cancellationToken).ConfigureAwait(false);
                }
                catch (FineTuneServiceException ex) when (ex.Kind == ErrorKind.NotFound)
                {
                    files[id] = null; // deleted on the service
                }
            }

            files.Remove(string.Empty);
            IReadOnlyList<LedgerEntry> ledger = UploadLedger.ReadAll();
            var fileRows = new Dictionary<string, FileRow>(StringComparer.Ordinal);
            int n = 0;
            foreach (KeyValuePair<string, FineTuneFile?> f in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                feedback.Progress(ProgressIds.Archive, activity, $"File {++n} of {files.Count}: {f.Key}", 50 * n / Math.Max(1, files.Count));
                fileRows[f.Key] = await ArchiveFileAsync(service, writer, f.Key, f.Value, ledger, feedback, cancellationToken).ConfigureAwait(false);
            }

            ModelCatalog? catalog = null;
            try
            {
                catalog = ModelCatalog.Load();
            }
            catch (ModelCatalogException ex)
            {
                feedback.Warning($"The price catalog could not be read ({ex.Message}); costs and catalog dates are left out.");
            }

            var rows = new List<JobRow>();
            n = 0;
            foreach (FineTuneJob job in jobs)
            {
                feedback.Progress(ProgressIds.Archive, activity, $"Job {++n} of {jobs.Count}: {job.Id}", 50 + 50 * n / Math.Max(1, jobs.Count));
                rows.Add(await ArchiveJobAsync(service, writer, job, models, catalog, options.Provider, fileRows, feedback, cancellationToken).ConfigureAwait(false));
            }

            report.Jobs = rows.Count;
            report.Files = fileRows.Count;
            writer.Put("index.html", AtomicFile.Utf8NoBom.GetBytes(ArchiveIndexPage.Render(service.Connection.Endpoint.AbsoluteUri, rows, fileRows.Values.ToList())));
        }

        private static bool Chosen(FineTuneJob job, ArchiveOptions o) =>
            (o.JobIds == null || o.JobIds.Count == 0 || o.JobIds.Contains(job.Id)) &&
            (o.Statuses == null || o.Statuses.Count == 0 || o.Statuses.Any(s => string.Equals(s, job.Status, StringComparison.OrdinalIgnoreCase))) &&
            (o.CreatedAfter == null || job.CreatedAt >= o.CreatedAfter) &&
            (o.CreatedBefore == null || job.CreatedAt < o.CreatedBefore) &&
            (o.Metadata == null || o.Metadata.All(p => job.Metadata.TryGetValue(p.Key, out string? v) && v == p.Value));

        private static async Task<FileRow> ArchiveFileAsync(IFineTuneProvider service, Writer writer, string id, FineTuneFile? meta, IReadOnlyList<LedgerEntry> ledger, IFeedback feedback, CancellationToken ct)
        {
            string dir = "files/" + Safe(id) + "/";
            var row = new FileRow { Id = id };
            if (meta == null)
            {
                row.Content = "deleted on the service";
                writer.Put(dir + "content.json", Pretty(w => { w.WriteBoolean("onService", false); w.WriteBoolean("downloaded", false); WriteLocalCopy(w, id, ledger, row, ct); }));
                return row;
            }

            row.Filename = meta.Filename;
            row.Purpose = meta.Purpose;
            row.Bytes = meta.Bytes;
            writer.Put(dir + "file.json", Pretty(meta.ServiceJson ?? JsonSerializer.Serialize(meta)));
            string name = Safe(System.IO.Path.GetFileName(row.Filename ?? string.Empty));
            if (name.Length == 0 || name is "file.json" or "content.json") name = "content";
            string contentPath = dir + name;
            if (writer.Holds(contentPath))
            {
                writer.Keep(contentPath);
                row.Content = "in the archive: " + contentPath;
                row.ContentPath = contentPath;
                writer.Put(dir + "content.json", Pretty(w => { w.WriteBoolean("onService", true); w.WriteBoolean("downloaded", true); w.WriteString("path", contentPath); }));
                return row;
            }

            string? refused = null;
            try
            {
                if (writer.Report.WhatIf && row.Purpose == "fine-tune" && !service.HandsOutTrainingFiles)
                {
                    // -WhatIf asks nothing of the service: the provider knows its rule
                    throw new FineTuneServiceException("SaveFile", ErrorKind.InvalidRequest, "DownloadNotAllowed", ProviderRefusals.NotAllowedToDownload + ": fine-tune", 400);
                }

                await writer.DownloadAsync(service, id, contentPath, row.Bytes, ct).ConfigureAwait(false);
                row.Content = "in the archive: " + contentPath;
                row.ContentPath = contentPath;
            }
            catch (FineTuneServiceException ex) when (ex.Reason == "DownloadNotAllowed" || ex.Kind == ErrorKind.InvalidRequest || ex.Kind == ErrorKind.PermissionDenied)
            {
                // the service's words without the request id, which differs on every call (the file must not)
                string said = (ex.InnerException ?? ex).Message;
                int cut = said.IndexOf(" (HTTP ", StringComparison.Ordinal);
                refused = $"HTTP {ex.Status}: " + (cut > 0 ? said.Substring(0, cut) : said);
            }

            writer.Put(dir + "content.json", Pretty(w =>
            {
                w.WriteBoolean("onService", true);
                w.WriteBoolean("downloaded", refused == null);
                if (refused == null)
                {
                    w.WriteString("path", contentPath);
                    return;
                }

                w.WriteString("refusedByService", refused);
                WriteLocalCopy(w, id, ledger, row, ct);
            }));
            if (refused != null)
            {
                string where = row.LocalCopy != null ? "local copy: " + row.LocalCopy : "no local copy known";
                row.Content = "not handed out by the service; " + where;
                writer.Report.NotDownloadable.Add($"{id} ({row.Filename}): {where}");
                feedback.Verbose($"{id}: the service does not hand out its content ({refused}); {where}.");
            }

            return row;
        }

        private static void WriteLocalCopy(Utf8JsonWriter w, string id, IReadOnlyList<LedgerEntry> ledger, FileRow row, CancellationToken ct)
        {
            LedgerEntry? copy = UploadLedger.FindLocalCopy(id, ledger, ct);
            LedgerEntry? known = copy ?? ledger.LastOrDefault(e => e.FileId == id);
            row.LocalCopy = copy?.Path;
            if (known == null)
            {
                w.WriteNull("localCopy");
                return;
            }

            w.WriteStartObject("localCopy");
            w.WriteString("path", known.Path);
            w.WriteNumber("bytes", known.Bytes);
            w.WriteString("sha256", known.Sha256);
            w.WriteBoolean("stillMatches", copy != null);
            w.WriteEndObject();
        }

        private static async Task<JobRow> ArchiveJobAsync(IFineTuneProvider service, Writer writer, FineTuneJob job, IReadOnlyList<FineTuneModel>? models,
            ModelCatalog? catalog, string provider, IReadOnlyDictionary<string, FileRow> files, IFeedback feedback, CancellationToken ct)
        {
            string dir = "jobs/" + Safe(job.Id) + "/";
            writer.Put(dir + "job.json", Pretty(job.ServiceJson ?? JsonSerializer.Serialize(job)));

            IReadOnlyList<FineTuneEvent> events = await Pages.AllAsync((after, limit, c) => service.ListEventsAsync(job.Id, after, limit, c), 100, ct).ConfigureAwait(false);
            var lines = new StringBuilder();
            foreach (FineTuneEvent e in events.Reverse()) lines.Append(Compact(e.ServiceJson ?? JsonSerializer.Serialize(e))).Append('\n');
            writer.Put(dir + "events.jsonl", AtomicFile.Utf8NoBom.GetBytes(lines.ToString()));

            try
            {
                IReadOnlyList<FineTuneCheckpoint> checkpoints = await Pages.AllAsync((after, limit, c) => service.ListCheckpointsAsync(job.Id, after, limit, c), Pages.FilePageSize, ct).ConfigureAwait(false);
                writer.Put(dir + "checkpoints.json", PrettyArray(checkpoints.Select(c => c.ServiceJson ?? JsonSerializer.Serialize(c))));
            }
            catch (FineTuneServiceException ex) when (ex.Kind == ErrorKind.NotFound)
            {
                feedback.Verbose($"{job.Id}: the service has no checkpoints route ({ex.Message}).");
            }

            var row = new JobRow { Job = job, Folder = dir, Training = job.TrainingFile != null && files.TryGetValue(job.TrainingFile, out FileRow? t) ? t : null };
            if (job.ResultFiles.Length > 0 && files.TryGetValue(job.ResultFiles[0], out FileRow? result) && result.ContentPath != null &&
                !File.Exists(System.IO.Path.Combine(writer.Root, result.ContentPath)))
            {
                writer.Report.Written.Add(dir + "metrics.csv"); // -WhatIf: the result file is not downloaded yet
                writer.Report.Written.Add(dir + "loss.svg");
            }
            else if (job.ResultFiles.Length > 0 && files.TryGetValue(job.ResultFiles[0], out result) && result.ContentPath != null)
            {
                byte[] csv = File.ReadAllBytes(System.IO.Path.Combine(writer.Root, result.ContentPath));
                writer.Put(dir + "metrics.csv", ResultFile.Decode(csv));
                try
                {
                    row.Points = ResultFile.ParseMetrics(ResultFile.Decode(csv), job.Id).Select(m => new LossPoint(m.Step, m.TrainLoss, m.ValidLoss)).ToList();
                    writer.Put(dir + "loss.svg", AtomicFile.Utf8NoBom.GetBytes("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + LossChart.RenderSvg(row.Points, "Loss of " + job.Id)));
                }
                catch (InvalidDataException ex)
                {
                    feedback.Warning($"{job.Id}: its result file {result.Id} is not a metrics CSV ({ex.Message}); no loss chart.");
                }
            }

            ModelEntry? price = job.BaseModel != null ? catalog?.Find(job.BaseModel, provider) : null;
            if (job.TrainedTokens is long tokens && price?.TrainingPerMillionFor(null) is decimal perMillion) row.CostUsd = tokens * perMillion / 1_000_000m;
            if (job.FineTunedModel != null)
            {
                FineTuneModel? listed = models?.FirstOrDefault(m => m.Id == job.FineTunedModel);
                row.Serving = models == null ? "unknown" : listed == null ? "deleted" : "listed";
                row.ShutdownDate = listed?.ShutdownDate ?? price?.ShutdownDate;
                row.ShutdownSource = listed?.ShutdownDate != null ? "service (GET /models shutdown_date)" : price?.ShutdownDate != null ? $"price catalog {price.CatalogDate} ({price.Source})" : null;
                if (row.Serving == "listed") row.Serving = row.ShutdownDate is DateTime d && d.Date <= DateTime.UtcNow.Date ? "shut down" : "serving";
                writer.Put(dir + "model.json", Pretty(w =>
                {
                    w.WriteString("fineTunedModel", job.FineTunedModel);
                    w.WriteString("baseModel", job.BaseModel);
                    w.WriteString("status", row.Serving);
                    if (row.ShutdownDate is DateTime sd) w.WriteString("shutdownDate", sd.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                    else w.WriteNull("shutdownDate");
                    w.WriteString("shutdownDateFrom", row.ShutdownSource);
                }));
            }

            return row;
        }

        /// <summary>The service's JSON, indented (the same bytes for the same object on every run).</summary>
        private static byte[] Pretty(string json) => Write(w =>
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            doc.RootElement.WriteTo(w);
        });

        /// <summary>An array of the service's JSON objects, indented.</summary>
        private static byte[] PrettyArray(IEnumerable<string> items) => Write(w =>
        {
            w.WriteStartArray();
            foreach (string json in items)
            {
                using JsonDocument doc = JsonDocument.Parse(json);
                doc.RootElement.WriteTo(w);
            }

            w.WriteEndArray();
        });

        /// <summary>An object written by <paramref name="body"/>, indented.</summary>
        private static byte[] Pretty(Action<Utf8JsonWriter> body) => Write(w =>
        {
            w.WriteStartObject();
            body(w);
            w.WriteEndObject();
        });

        private static byte[] Write(Action<Utf8JsonWriter> write)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, Indented)) write(w);
            stream.WriteByte((byte)'\n');
            return stream.ToArray();
        }

        /// <summary>The service's JSON on one line (a line of events.jsonl).</summary>
        private static string Compact(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return doc.RootElement.GetRawText().IndexOf('\n') < 0 ? doc.RootElement.GetRawText() : JsonSerializer.Serialize(doc.RootElement);
        }

        /// <summary>A name safe as one path segment on every file system (ids and file names from the service).</summary>
        internal static string Safe(string name)
        {
            var sb = new StringBuilder(name.Length);
            foreach (char c in name) sb.Append(char.IsLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_');
            string s = sb.ToString().Trim('.');
            return s.Length > 120 ? s.Substring(0, 120) : s;
        }

        /// <summary>Writes files into the archive when their bytes differ from what it holds, and keeps the manifest.</summary>
        private sealed class Writer
        {
            private readonly ArchiveManifest manifest;
            private readonly bool dryRun;

            internal Writer(string root, ArchiveManifest manifest, ArchiveReport report, bool dryRun)
            {
                Root = root;
                this.manifest = manifest;
                Report = report;
                this.dryRun = dryRun;
            }

            internal string Root { get; }

            internal ArchiveReport Report { get; }

            private string Full(string relative) => System.IO.Path.Combine(Root, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

            /// <summary>True when the manifest lists the file and it is on disk with its listed size.</summary>
            internal bool Holds(string relative) =>
                manifest.Find(relative) is ManifestEntry e && new FileInfo(Full(relative)) is FileInfo f && f.Exists && f.Length == e.Bytes;

            internal void Keep(string relative) => Report.Unchanged++;

            internal void Put(string relative, byte[] bytes)
            {
                string sha;
                using (SHA256 h = SHA256.Create()) sha = IO.FileHash.Hex(h.ComputeHash(bytes));
                string full = Full(relative);
                if (manifest.Find(relative) is ManifestEntry e && e.Sha256 == sha && e.Bytes == bytes.LongLength &&
                    File.Exists(full) && new FileInfo(full).Length == bytes.LongLength && IO.FileHash.Sha256Of(full, CancellationToken.None) == sha)
                {
                    Report.Unchanged++;
                    return;
                }

                Report.Written.Add(relative);
                Report.BytesWritten += bytes.LongLength;
                if (dryRun) return;
                AtomicFile.Write(full, true, s => s.Write(bytes, 0, bytes.Length));
                manifest.Set(new ManifestEntry { Path = relative, Bytes = bytes.LongLength, Sha256 = sha });
            }

            internal async Task DownloadAsync(IFineTuneProvider service, string fileId, string relative, long? size, CancellationToken ct)
            {
                if (dryRun)
                {
                    Report.Written.Add(relative);
                    Report.BytesWritten += size ?? 0;
                    return;
                }

                string full = Full(relative);
                long bytes = await service.SaveFileAsync(fileId, full, true, null, ct).ConfigureAwait(false);
                manifest.Set(new ManifestEntry { Path = relative, Bytes = bytes, Sha256 = IO.FileHash.Sha256Of(full, ct) });
                Report.Written.Add(relative);
                Report.BytesWritten += bytes;
            }
        }
    }

    /// <summary>A file as the index page shows it.</summary>
    internal sealed class FileRow
    {
        public string Id { get; set; } = string.Empty;
        public string? Filename { get; set; }
        public string? Purpose { get; set; }
        public long? Bytes { get; set; }
        public string Content { get; set; } = string.Empty;
        public string? ContentPath { get; set; }
        public string? LocalCopy { get; set; }
    }

    /// <summary>A job as the index page shows it.</summary>
    internal sealed class JobRow
    {
        public FineTuneJob Job { get; set; } = new FineTuneJob();
        public string Folder { get; set; } = string.Empty;
        public decimal? CostUsd { get; set; }
        public string? Serving { get; set; }
        public DateTime? ShutdownDate { get; set; }
        public string? ShutdownSource { get; set; }
        public IReadOnlyList<LossPoint> Points { get; set; } = Array.Empty<LossPoint>();
        public FileRow? Training { get; set; }
    }
}
