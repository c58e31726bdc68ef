using System.IO;
using System.Management.Automation;
using FineTune.Engine.IO;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Downloads a file's content from the service to a local file.</para>
    /// <para type="description">A job's result file comes back as CSV even when the service sends it base64-encoded. The file is written atomically (a temporary file renamed over the target); an existing file is replaced only with -Force. Outputs the local file (FileInfo).</para>
    /// </summary>
    /// <example><code>(Get-FineTuneJob ftjob-abc).ResultFiles | Save-FineTuneFile -Path ./results</code><para>Saves a job's result CSV into the results folder under the service's file name.</para></example>
    /// <example><code>Save-FineTuneFile file-abc123 -Path ./train-copy.jsonl -Force</code><para>Downloads a training file, replacing an existing copy.</para></example>
    [Cmdlet(VerbsData.Save, "FineTuneFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FileInfo))]
    public sealed class SaveFineTuneFileCommand : FineTuneCmdlet
    {
        /// <summary>The file id (file-...); binds Id of a file object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId")]
        public string Id { get; set; } = string.Empty;

        /// <summary>Where to write: a file path, or an existing folder (the service's file name is used). Default: the current folder.</summary>
        [Parameter(Position = 1)]
        public string Path { get; set; } = ".";

        /// <summary>Replaces an existing file.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string target = FileSystemPath(Path);
            if (Directory.Exists(target))
            {
                if (!TryRun(ct => Service.GetFileAsync(Id, ct), Id, out FineTuneFile meta)) return;
                string name = System.IO.Path.GetFileName(meta.Filename ?? string.Empty);
                target = System.IO.Path.Combine(target, string.IsNullOrEmpty(name) ? Id : name);
            }

            if (File.Exists(target) && !Force)
            {
                WriteError(new ErrorRecord(new IOException($"The file '{target}' exists. Pass -Force to replace it, or give another -Path."), "FineTune.SaveFile.FileExists", ErrorCategory.ResourceExists, target));
                return;
            }

            if (!ShouldProcess(target, $"Save file {Id}")) return;
            if (!TryRun(ct => Service.DownloadFileAsync(Id, ct), Id, out byte[] content)) return;
            AtomicFile.Write(target, Force, stream => stream.Write(content, 0, content.Length));
            WriteObject(new FileInfo(target));
        }
    }
}
