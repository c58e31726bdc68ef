using System.IO;
using System.Management.Automation;
using FineTune.Engine;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Uploads a training or validation file (JSON Lines) to the service.</para>
    /// <para type="description">Checks the file while it is sent and refuses one with errors (each named with its line), unless -SkipValidation: the bytes go out while the check runs, and when the check finds an error the upload is stopped and nothing is left on the service (a direct upload that had already become a file is deleted; an Uploads API upload is cancelled before it is completed). The file is streamed from disk with progress in bytes and read once: the SHA-256 for the ledger is taken in the same read. Files above 512 MB, or any file with -UseUploadApi, go through the Uploads API: the file is read once, in order, into 16 MB parts sent four at a time (64 MB of memory for a file of any size), an md5 checked on completion, and the upload cancelled on the service when a part fails or you press Ctrl+C. A direct upload is stored under the local name with a marker of 8 random hex digits (at least one a letter) before the extension (train.jsonl becomes train.1a2b3c4d.jsonl in Filename; data.20240101.jsonl keeps its date; LocalPath keeps the local file), new for each upload: a dropped connection never leaves two copies, since before trying again it looks for a file of exactly that name and size, and never takes another client's file of the same name. Outputs the file object, whose Id binds to Start-FineTuneJob -TrainingFile. Each upload is recorded in the upload ledger (uploads.jsonl in $env:FINETUNE_DATA_HOME, else %LOCALAPPDATA%\FineTune on Windows or ~/.local/share/FineTune elsewhere): the local path, size, SHA-256 and file id, since OpenAI never hands a training file's content out again; Get-FineTuneFile, Export-FineTuneArchive and Copy-FineTuneJob read it. A ledger that cannot be written is a warning.</para>
    /// </summary>
    /// <example><code>Add-FineTuneFile ./train.jsonl</code><para>Checks and uploads train.jsonl with purpose fine-tune.</para></example>
    /// <example><code>Get-Item ./train.jsonl | Add-FineTuneFile | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18</code><para>Uploads a file and starts a job on it.</para></example>
    /// <example><code>Add-FineTuneFile ./train.jsonl -Moderate</code><para>Screens every example with the moderation endpoint first; when one is flagged it lists them as warnings and uploads nothing (-Force uploads anyway).</para></example>
    /// <example><code>Add-FineTuneFile ./big.jsonl -UseUploadApi -Verbose</code><para>Uploads in parts through the Uploads API.</para></example>
    [Cmdlet(VerbsCommon.Add, "FineTuneFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low, DefaultParameterSetName = PathSet)]
    [OutputType(typeof(FineTuneFile))]
    public sealed class AddFineTuneFileCommand : ServiceCmdlet
    {
        /// <summary>The local file(s) (JSON Lines): wildcards and any PowerShell path; binds the Path of New-FineTuneDataset output. Each file is uploaded.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string Path { get; set; } = string.Empty;

        /// <summary>The local file, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string LiteralPath { get; set; } = string.Empty;

        /// <summary>The file's purpose on the service: fine-tune (default) for training and validation files.</summary>
        [Parameter]
        public string Purpose { get; set; } = "fine-tune";

        /// <summary>Uploads without checking the file first.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <summary>Uses the Uploads API (16 MB parts, four at a time) even for a file below 512 MB.</summary>
        [Parameter]
        public SwitchParameter UseUploadApi { get; set; }

        /// <summary>Screens the file with the moderation endpoint first (as Test-FineTuneModeration does) and uploads nothing when an example is flagged, unless -Force. Passing the screen does not guarantee the service will accept the file.</summary>
        [Parameter]
        public SwitchParameter Moderate { get; set; }

        /// <summary>With -Moderate: uploads even when examples were flagged (each is still listed as a warning).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            foreach (string path in InputFiles(new[] { literal ? LiteralPath : Path }, literal)) Upload(path);
        }

        private void Upload(string path)
        {
            if (!IsInputFile(path)) return;

            if (!ShouldProcess(path, $"Upload ({new FileInfo(path).Length:N0} bytes, purpose {Purpose})")) return;
            IFineTuneProvider provider = Service;
            IFeedback feedback = Feedback;
            if (TryRun(async ct =>
                {
                    if (Moderate) await Screening.ScreenBeforeUploadAsync(provider, path, Force, feedback, ct).ConfigureAwait(false);
                    return await JobLauncher.UploadAsync(provider, path, Purpose, SkipValidation, UseUploadApi, feedback, ct).ConfigureAwait(false);
                }, path, out FineTuneFile file, Screening.EndsCommand))
            {
                WriteObject(file);
            }
        }
    }
}
