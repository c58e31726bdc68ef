using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;
using FineTune.Engine.Jobs;

namespace FineTune.Engine.Archive
{
    /// <summary>
    /// The archive's <c>index.html</c>: the overview of a fine-tuning account on one self-contained page (inline CSS and
    /// SVG, no script, no network): totals, then every job with its status, trained tokens, cost, base and fine-tuned
    /// model, whether the model still serves and its shutdown date, where its training data is, and its loss chart
    /// (<see cref="LossChart.RenderSvg"/>); then every file and whether its content is in the archive. Nothing on it
    /// depends on the time of the export, so an export that changes nothing rewrites nothing.
    /// </summary>
    internal static class ArchiveIndexPage
    {
        private const string Style = "body{font-family:sans-serif;margin:1.5em;color:#222}table{border-collapse:collapse;margin-bottom:2em}" +
            "th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top;text-align:left}td.n{text-align:right}" +
            ".succeeded{color:#1a7f37}.failed{color:#cf222e}.cancelled{color:#6e7781}.error{font-size:small;color:#cf222e}small{color:#555}";

        internal static string Render(string endpoint, IReadOnlyList<JobRow> jobs, IReadOnlyList<FileRow> files)
        {
            var h = new StringBuilder();
            h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Fine-tuning archive</title><style>").Append(Style).Append("</style></head>\n<body>\n");
            h.Append("<h1>Fine-tuning archive</h1>\n<p>Taken from <code>").Append(E(endpoint)).Append("</code>. Every file of this folder is listed with its SHA-256 in <code>manifest.json</code>; check it with <code>Test-FineTuneArchive</code>.</p>\n");
            decimal total = jobs.Sum(j => j.CostUsd ?? 0);
            string byStatus = string.Join(", ", jobs.GroupBy(j => j.Job.Status).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Count()} {g.Key}"));
            h.Append("<p id=\"totals\">").Append(jobs.Count).Append(" jobs (").Append(E(byStatus)).Append("); training cost ").Append(Usd(total))
             .Append(" (trained tokens × the price catalog's training price)</p>\n");

            h.Append("<h2>Jobs</h2>\n<table id=\"jobs\"><thead><tr><th>Job</th><th>Status</th><th>Created (UTC)</th><th>Trained tokens</th><th>Cost</th><th>Base model</th><th>Fine-tuned model</th><th>Model</th><th>Last day of service</th><th>Training data</th><th>Loss</th></tr></thead>\n<tbody>\n");
            foreach (JobRow r in jobs)
            {
                var j = r.Job;
                h.Append("<tr id=\"").Append(E(j.Id)).Append("\" data-status=\"").Append(E(j.Status)).Append("\">");
                h.Append("<td><a href=\"").Append(E(r.Folder)).Append("job.json\">").Append(E(j.Id)).Append("</a></td>");
                h.Append("<td class=\"status ").Append(E(j.Status)).Append("\">").Append(E(j.Status));
                if (j.ErrorMessage != null) h.Append("<div class=\"error\">").Append(E(j.ErrorMessage)).Append("</div>");
                h.Append("</td><td>").Append(j.CreatedAt?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "").Append("</td>");
                h.Append("<td class=\"n\">").Append(j.TrainedTokens?.ToString("N0", CultureInfo.InvariantCulture) ?? "").Append("</td>");
                h.Append("<td class=\"n cost\">").Append(r.CostUsd is decimal c ? Usd(c) : "").Append("</td>");
                h.Append("<td>").Append(E(j.BaseModel)).Append("</td><td class=\"model\">").Append(E(j.FineTunedModel)).Append("</td>");
                h.Append("<td class=\"serving\">").Append(E(r.Serving)).Append("</td>");
                h.Append("<td class=\"lastday\">");
                if (r.ShutdownDate is DateTime d)
                {
                    h.Append(d.AddDays(-1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("<br><small>shuts down ").Append(d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                     .Append("; from the ").Append(E(r.ShutdownSource)).Append("</small>");
                }

                h.Append("</td><td class=\"training\">");
                if (r.Training != null) h.Append(E(r.Training.Filename ?? r.Training.Id)).Append("<br><small>").Append(E(r.Training.Content)).Append("</small>");
                else h.Append(E(j.TrainingFile));
                h.Append("</td><td class=\"loss\">");
                if (r.Points.Count > 0) h.Append(LossChart.RenderSvg(r.Points, j.Id, 360, 180));
                h.Append("</td></tr>\n");
            }

            h.Append("</tbody></table>\n<h2>Files</h2>\n<table id=\"files\"><thead><tr><th>File</th><th>Name</th><th>Purpose</th><th>Bytes</th><th>Content</th></tr></thead>\n<tbody>\n");
            foreach (FileRow f in files)
            {
                h.Append("<tr id=\"").Append(E(f.Id)).Append("\"><td>").Append(E(f.Id)).Append("</td><td>").Append(E(f.Filename)).Append("</td><td>").Append(E(f.Purpose))
                 .Append("</td><td class=\"n\">").Append(f.Bytes?.ToString("N0", CultureInfo.InvariantCulture) ?? "").Append("</td><td>");
                if (f.ContentPath != null) h.Append("<a href=\"").Append(E(f.ContentPath)).Append("\">").Append(E(f.Content)).Append("</a>");
                else h.Append(E(f.Content));
                h.Append("</td></tr>\n");
            }

            h.Append("</tbody></table>\n</body></html>\n");
            return h.ToString();
        }

        private static string E(string? s) => WebUtility.HtmlEncode(s ?? string.Empty);

        private static string Usd(decimal usd) => "$" + usd.ToString("N2", CultureInfo.InvariantCulture);
    }
}
