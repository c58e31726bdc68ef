using System.Collections.Generic;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.IO;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the files on the service, or gets files by id.</para>
    /// <para type="description">Without -Id lists every file (all pages), optionally of one -Purpose (fine-tune for training files, fine-tune-results for jobs' result files). Status is an open string: Azure reports pending, running and processed where OpenAI says processed. LocalPath names the local file a training file was uploaded from, when the upload ledger knows it (Add-FineTuneFile records path, size and SHA-256 in uploads.jsonl under $env:FINETUNE_DATA_HOME, else %LOCALAPPDATA%\FineTune on Windows or ~/.local/share/FineTune elsewhere) and the file still has the same size and SHA-256; else it is empty. OpenAI never hands a training file's content out again, so that copy is the one to keep.</para>
    /// </summary>
    /// <example><code>Get-FineTuneFile -Purpose fine-tune</code><para>Lists the training and validation files.</para></example>
    /// <example><code>Get-FineTuneFile $fileId</code><para>Gets one file's size, status and dates.</para></example>
    /// <example><code>Get-FineTuneFile -Purpose fine-tune | Format-List Id, Filename, LocalPath</code><para>Shows which training files still have their local copy.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneFile", DefaultParameterSetName = "List")]
    [OutputType(typeof(FineTuneFile))]
    public sealed class GetFineTuneFileCommand : ServiceCmdlet
    {
        /// <summary>File ids (file-...); binds Id of a file object and FileId.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Lists only files of this purpose (fine-tune, fine-tune-results...).</summary>
        [Parameter(ParameterSetName = "List")]
        public string? Purpose { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == "List")
            {
                IReadOnlyList<FineTuneFile> files = Run(ct => Pages.AllAsync((after, limit, c) => Service.ListFilesAsync(Purpose, after, limit, c), Pages.FilePageSize, ct));
                WriteObject(Run(ct => Task.Run(() => WithLocalPaths(files, ct), ct)), true);
                return;
            }

            foreach (string id in Id)
            {
                if (TryRun(ct => Service.GetFileAsync(id, ct), id, out FineTuneFile file)) WriteObject(Run(ct => Task.Run(() => WithLocalPaths(new[] { file }, ct), ct))[0], false);
            }
        }

        // LocalPath from the upload ledger, when the local file still has the size and SHA-256 it had at upload.
        private static IReadOnlyList<FineTuneFile> WithLocalPaths(IReadOnlyList<FineTuneFile> files, CancellationToken ct)
        {
            IReadOnlyList<LedgerEntry> ledger = UploadLedger.ReadAll();
            if (ledger.Count == 0) return files;
            foreach (FineTuneFile f in files) f.LocalPath = UploadLedger.FindLocalCopy(f.Id, ledger, ct)?.Path;
            return files;
        }
    }
}
