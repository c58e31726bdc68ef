using System.Management.Automation;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Forgets the context set by Connect-FineTune (key included); later calls use the environment again.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "FineTune")]
    [OutputType(typeof(void))]
    public sealed class DisconnectFineTuneCommand : FineTuneCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            FineTuneSession.Context = null;
            WriteVerbose("The FineTune context was removed.");
        }
    }
}
