using System.Management.Automation;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Forgets a connection made by Connect-FineTune (key included): the current one, or those named by -Name; without a current connection later calls use the environment again.</para>
    /// <para type="description">Only this session's context is removed; OPENAI_API_KEY and OPENAI_BASE_URL are left as they are, so later calls use them if they are set. Nothing is sent to the service.</para>
    /// </summary>
    /// <example>
    ///   <code>Disconnect-FineTune</code>
    ///   <para>Forgets the key and endpoint given to Connect-FineTune.</para>
    /// </example>
    /// <example>
    ///   <code>Disconnect-FineTune -Name azure-test</code>
    ///   <para>Forgets the connection named azure-test; the others stay.</para>
    /// </example>
    /// <example>
    ///   <code>try { Connect-FineTune -ApiKey $key; Get-FineTuneJob } finally { Disconnect-FineTune }</code>
    ///   <para>A script that keeps the key in the session only while it runs.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Disconnect, "FineTune")]
    [OutputType(typeof(void))]
    public sealed class DisconnectFineTuneCommand : FineTuneCmdlet
    {
        /// <summary>The names of the connections to forget (Connect-FineTune -Name); default: the current one.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string[]? Name { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            Engine.Providers.ConnectionSet set = FineTuneSession.Connections(SessionState.PSVariable);
            foreach (string name in Name ?? new[] { set.Current?.Name ?? Engine.Providers.ConnectionSet.DefaultName })
            {
                if (set.Remove(name)) WriteVerbose($"The FineTune connection '{name}' was removed.");
                else if (Name != null) WriteWarning($"This session has no connection named '{name}'; nothing was removed.");
            }
        }
    }
}
