using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Deletes files from the service.</para>
    /// <para type="description">Deleting a training file does not affect jobs or models made from it. Supports -WhatIf and -Confirm.</para>
    /// </summary>
    /// <example><code>Remove-FineTuneFile $fileId</code><para>Deletes one file after confirmation.</para></example>
    /// <example><code>Get-FineTuneFile -Purpose fine-tune | Remove-FineTuneFile -Confirm:$false</code><para>Deletes every training file without asking.</para></example>
    [Cmdlet(VerbsCommon.Remove, "FineTuneFile", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveFineTuneFileCommand : ServiceCmdlet
    {
        /// <summary>File ids (file-...); binds Id of a file object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FileId")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public string[] Id { get; set; } = new string[0];

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (string id in Id)
            {
                if (ShouldProcess(id, "Delete file")) TryRun(async ct => { await Service.DeleteFileAsync(id, ct).ConfigureAwait(false); return true; }, id, out bool _);
            }
        }
    }
}
