using System.Management.Automation;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Forgets the context set by Connect-FineTune (key included); later calls use the environment again.</para>
    /// <para type="description">Only this session's context is removed; OPENAI_API_KEY and OPENAI_BASE_URL are left as they are, so later calls use them if they are set. Nothing is sent to the service.</para>
    /// </summary>
    /// <example>
    ///   <code>Disconnect-FineTune</code>
    ///   <para>Forgets the key and endpoint given to Connect-FineTune.</para>
    /// </example>
    /// <example>
    ///   <code>try { Connect-FineTune -ApiKey $key; Get-FineTuneJob } finally { Disconnect-FineTune }</code>
    ///   <para>A script that keeps the key in the session only while it runs.</para>
    /// </example>
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
