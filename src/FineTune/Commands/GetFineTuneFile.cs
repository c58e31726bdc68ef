using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the files on the service, or gets files by id.</para>
    /// <para type="description">Without -Id lists every file (all pages), optionally of one -Purpose (fine-tune for training files, fine-tune-results for jobs' result files). Status is an open string: Azure reports pending, running and processed where OpenAI says processed.</para>
    /// </summary>
    /// <example><code>Get-FineTuneFile -Purpose fine-tune</code><para>Lists the training and validation files.</para></example>
    /// <example><code>Get-FineTuneFile file-abc123</code><para>Gets one file's size, status and dates.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneFile", DefaultParameterSetName = "List")]
    [OutputType(typeof(FineTuneFile))]
    public sealed class GetFineTuneFileCommand : FineTuneCmdlet
    {
        /// <summary>File ids (file-...); binds Id of a file object and FileId.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId")]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Lists only files of this purpose (fine-tune, fine-tune-results...).</summary>
        [Parameter(ParameterSetName = "List")]
        public string? Purpose { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ParameterSetName == "List")
            {
                WriteObject(Run(ct => Pages.AllAsync((after, limit, c) => Service.ListFilesAsync(Purpose, after, limit, c), Pages.FilePageSize, ct)), true);
                return;
            }

            foreach (string id in Id)
            {
                if (TryRun(ct => Service.GetFileAsync(id, ct), id, out FineTuneFile file)) WriteObject(file);
            }
        }
    }
}
