using System;
using System.IO;
using System.Management.Automation;
using System.Net;
using FineTune.Engine.IO;
using FineTune.Engine.Jobs;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Saves training and validation loss over steps as a self-contained SVG or HTML file.</para>
    /// <para type="description">Takes the metric objects of Get-FineTuneMetric (or any objects with Step, TrainLoss and ValidLoss) from the pipeline. The file type follows the extension of -Path: .svg writes an SVG image; .html or .htm writes a page holding the same SVG inline. Neither has scripts or external references, so it opens anywhere, offline. The file is written atomically (a temporary file, then a rename); an existing file is replaced only with -Force. Errors: FineTune.FileExists when the file exists without -Force; FineTune.UnknownExtension for another extension; FineTune.IOFailed when the folder cannot be written.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneMetric -JobId $jobId | Export-FineTuneLossChart -Path ./loss.svg</code>
    ///   <para>Saves the loss chart of a job as an SVG image.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneMetric -JobId $jobId | Export-FineTuneLossChart -Path ./report/loss.html -Force -PassThru | Invoke-Item</code>
    ///   <para>Replaces an HTML page with the chart and opens it.</para>
    /// </example>
    [Cmdlet(VerbsData.Export, "FineTuneLossChart", SupportsShouldProcess = true)]
    [OutputType(typeof(FileInfo))]
    public sealed class ExportFineTuneLossChartCommand : LossChartCmdlet
    {
        /// <summary>The file to write: .svg, .html or .htm.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("OutFile")]
        public string Path { get; set; } = string.Empty;

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Writes the file's FileInfo to the pipeline.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <summary>Image width in pixels; default 800.</summary>
        [Parameter]
        [ValidateRange(200, 4000)]
        public int Width { get; set; } = 800;

        /// <summary>Image height in pixels; default 400.</summary>
        [Parameter]
        [ValidateRange(150, 4000)]
        public int Height { get; set; } = 400;

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            string full = FileSystemPath(Path, nameof(Path));
            string ext = System.IO.Path.GetExtension(full).ToLowerInvariant();
            if (ext != ".svg" && ext != ".html" && ext != ".htm")
            {
                Fail(Failure("UnknownExtension", ErrorKind.InvalidRequest, $"'{full}' has the extension '{ext}'. Use .svg for an image or .html for a page.", Path));
            }

            if (File.Exists(full) && !Force)
            {
                Fail(FileExists(full));
            }

            if (!ShouldProcess(full, "Write loss chart"))
            {
                return;
            }

            string svg = LossChart.RenderSvg(Points, ChartTitle, Width, Height);
            string content = ext == ".svg"
                ? "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n" + svg
                : $"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(ChartTitle)}</title></head>\n<body>\n{svg}</body></html>\n";
            try
            {
                AtomicFile.WriteAllText(full, content, Force);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Fail(ex, full);
            }

            if (PassThru)
            {
                WriteObject(new FileInfo(full));
            }
        }
    }
}
