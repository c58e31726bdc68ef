using System.IO;
using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Uploads a training or validation file (JSON Lines) to the service.</para>
    /// <para type="description">Checks the file first and refuses one with errors (each named with its line), unless -SkipValidation. The file is streamed from disk with progress in bytes. Files above 512 MB, or any file with -UseUploadApi, go through the Uploads API: 64 MB parts sent four at a time, an md5 checked on completion, and the upload cancelled on the service when a part fails or you press Ctrl+C. A dropped connection never leaves two copies: before trying again it looks for a file of the same name and size. Outputs the file object, whose Id binds to Start-FineTuneJob -TrainingFile.</para>
    /// </summary>
    /// <example><code>Add-FineTuneFile ./train.jsonl</code><para>Checks and uploads train.jsonl with purpose fine-tune.</para></example>
    /// <example><code>Get-Item ./train.jsonl | Add-FineTuneFile | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18</code><para>Uploads a file and starts a job on it.</para></example>
    /// <example><code>Add-FineTuneFile ./big.jsonl -UseUploadApi -Verbose</code><para>Uploads in parts through the Uploads API.</para></example>
    [Cmdlet(VerbsCommon.Add, "FineTuneFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
    [OutputType(typeof(FineTuneFile))]
    public sealed class AddFineTuneFileCommand : FineTuneCmdlet
    {
        /// <summary>The local file (JSON Lines). Binds FullName/PSPath of Get-Item and Path of New-FineTuneDataset output.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FullName", "PSPath", "LiteralPath")]
        public string Path { get; set; } = string.Empty;

        /// <summary>The file's purpose on the service: fine-tune (default) for training and validation files.</summary>
        [Parameter]
        public string Purpose { get; set; } = "fine-tune";

        /// <summary>Uploads without checking the file first.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <summary>Uses the Uploads API (64 MB parts in parallel) even for a file below 512 MB.</summary>
        [Parameter]
        public SwitchParameter UseUploadApi { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string path = FileSystemPath(Path);
            if (!File.Exists(path))
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"The file '{path}' does not exist. Give the path of a JSON Lines training file.", path), "FineTune.AddFile.FileNotFound", ErrorCategory.ObjectNotFound, Path));
                return;
            }

            if (!ShouldProcess(path, $"Upload ({new FileInfo(path).Length:N0} bytes, purpose {Purpose})")) return;
            if (TryUploadFile(path, Purpose, SkipValidation, UseUploadApi, out FineTuneFile file)) WriteObject(file);
        }
    }
}
