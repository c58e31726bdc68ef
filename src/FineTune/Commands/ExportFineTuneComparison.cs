using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Evaluation;
using FineTune.Engine.IO;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Writes a comparison (Compare-FineTuneModel output) as a self-contained HTML report.</para>
    /// <para type="description">Takes the summaries of Compare-FineTuneModel from the pipeline and writes one HTML page with inline CSS and SVG (no script, font or image from the network, so it opens offline and can be mailed): the summary table (pass rate and its 95% interval, mean score, format validity, tokens per call, latency, USD per 1,000 calls, flips, McNemar's p, break-even), a chart of pass rate against USD per 1,000 calls per contender, the confusion matrix of each contender when a label set was graded, and the flips against the first contender with the question, the reference and both answers side by side. The file is written atomically (a temporary file, then a rename); an existing file is replaced only with -Force. Outputs the file (FileInfo). Errors: FineTune.FileExists without -Force; FineTune.NoComparison when nothing with a Comparison came in; FineTune.IOFailed when the folder cannot be written.</para>
    /// </summary>
    /// <example><code>Compare-FineTuneModel val.jsonl -Model gpt-4o-mini, $model -Exact | Export-FineTuneComparison -Path ./report.html</code><para>Compares and writes the report.</para></example>
    /// <example><code>$s = Wait-FineTuneJob $jobId | Compare-FineTuneModel tickets.jsonl -Label Technical, Billing, Other; $s | Export-FineTuneComparison ./tickets.html -Title 'Ticket classifier' -Force | Invoke-Item</code><para>Keeps the summaries, writes a report with both confusion matrices (replacing an older one) and opens it.</para></example>
    [Cmdlet(VerbsData.Export, "FineTuneComparison", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportFineTuneComparisonCommand : FineTuneCmdlet
    {
        private readonly List<object> comparisons = new List<object>();

        /// <summary>A summary from Compare-FineTuneModel (its Comparison property is what is written).</summary>
        [Parameter(Mandatory = true, ValueFromPipeline = true)]
        public PSObject InputObject { get; set; } = null!;

        /// <summary>The HTML file to write (.html or .htm).</summary>
        [Parameter(Mandatory = true, Position = 0)]
        public string Path { get; set; } = string.Empty;

        /// <summary>The page's title.</summary>
        [Parameter]
        public string Title { get; set; } = "Model comparison";

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            object? c = InputObject.BaseObject is ContenderSummary s ? s.Comparison : InputObject.BaseObject as Comparison;
            if (c != null && !comparisons.Contains(c)) comparisons.Add(c);
        }

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            if (comparisons.Count == 0)
            {
                Fail(Failure("NoComparison", ErrorKind.InvalidRequest, "Nothing to export: pipe the output of Compare-FineTuneModel."));
            }

            if (comparisons.Count > 1) WriteWarning($"{comparisons.Count} comparisons came in; the report shows the first ({((Comparison)comparisons[0]).Path}).");
            string full = FileSystemPath(Path, nameof(Path));
            if (File.Exists(full) && !Force)
            {
                Fail(FileExists(full));
            }

            if (!ShouldProcess(full, "Write comparison report")) return;
            try
            {
                AtomicFile.WriteAllText(full, ComparisonReport.Render((Comparison)comparisons[0], Title), Force);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex, full);
            }

            WriteObject(new FileInfo(full));
        }
    }
}
