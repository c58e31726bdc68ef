using System;
using System.IO;
using System.Management.Automation;
using System.Threading;
using FineTune.Engine;
using FineTune.Engine.IO;
using FineTune.Engine.Datasets;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads a file's content from the service to a local file.</para>
    /// <para type="description">The content streams from the service straight to disk through a 64 KB buffer, so a file of any size (training files go up to 512 MB) takes about the same memory, with progress in bytes. It is written atomically: into a temporary file in the target's folder (.name.random.tmp), renamed over the target only once the whole body has arrived. A dropped connection, a failure or Ctrl+C deletes the temporary file and leaves no partial file; an existing file is kept as it was, and replaced only with -Force. The network timeout (Connect-FineTune -TimeoutSec, default 100 s) limits each wait for data, not the whole download: a large download that keeps arriving is never cut; one that stalls that long fails with FineTune.Timeout, one that breaks off with FineTune.DownloadInterrupted. OpenAI does not hand out the content of training and validation files (purpose fine-tune): that is FineTune.DownloadNotAllowed, which names the local file it was uploaded from when the upload ledger knows it and it still matches (Get-FineTuneFile shows it as LocalPath); Azure hands them out. A job's result file comes back as CSV even when the service sends it base64-encoded (a body that starts like base64, never a training file, is also kept in memory up to 16 MB and decoded at the end). Outputs the local file (FileInfo).</para>
    /// </summary>
    /// <example><code>(Get-FineTuneJob $jobId).ResultFiles | Save-FineTuneFile -Path ./results/</code><para>Saves a job's result CSV into the results folder (created when missing: the path ends with a separator) under the service's file name. Without the final separator a missing ./results would be taken as the file name.</para></example>
    /// <example><code>(Get-FineTuneJob $jobId).ResultFiles | Save-FineTuneFile -Path ./metrics.csv -Force</code><para>Downloads a job's result file, replacing an existing copy once the download is complete (a failed download leaves the copy as it was).</para></example>
    /// <example><code>New-Item -ItemType Directory ./backup -Force | Out-Null; Get-FineTuneFile -Purpose fine-tune-results | ForEach-Object { Save-FineTuneFile $_.Id -Path "./backup/$($_.Id).csv" }</code><para>Backs up every result file into the backup folder, one file per id (the service's file names repeat from job to job, and an existing file is not replaced without -Force); a file that fails to download is reported and the others go on.</para></example>
    [Cmdlet(VerbsData.Save, "FineTuneFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveFineTuneFileCommand : ServiceCmdlet
    {
        /// <summary>The file id (file-...); binds Id of a file object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public string Id { get; set; } = string.Empty;

        /// <summary>Where to write: a file path, or a folder (the service's file name is used): an existing one, or one to create when the path ends with a separator (./results/). Default: the current folder.</summary>
        [Parameter(Position = 1)]
        public string Path { get; set; } = ".";

        /// <summary>Replaces an existing file, once the whole download has arrived (a failed download leaves it as it was).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string target = FileSystemPath(Path, nameof(Path), folderAllowed: true);
            // a folder: an existing one, or a path that ends with a separator (created once the service has answered)
            bool folder = Directory.Exists(target) || target.EndsWith(System.IO.Path.DirectorySeparatorChar.ToString(), StringComparison.Ordinal) ||
                target.EndsWith(System.IO.Path.AltDirectorySeparatorChar.ToString(), StringComparison.Ordinal);
            if (folder)
            {
                if (!TryRun(ct => Service.GetFileAsync(Id, ct), Id, out FineTuneFile meta)) return;
                target = System.IO.Path.Combine(target, Engine.IO.FilePaths.SafeFileName(meta.Filename, Id));
            }

            if (File.Exists(target) && !Force)
            {
                Report(FileExists(target));
                return;
            }

            if (!ShouldProcess(target, $"Save file {Id}")) return;
            var progress = new ProgressThrottle(Feedback, ProgressIds.Download, $"Downloading {Id} to {System.IO.Path.GetFileName(target)}");

            bool ok;
            try
            {
                ok = TryRun(ct => Service.SaveFileAsync(Id, target, Force, progress.Report, ct), Id, out long _);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                ok = false;
                Report(ex, target);
            }

            progress.Complete();
            if (!ok) return;
            WriteObject(new FileInfo(target));
        }
    }
}
