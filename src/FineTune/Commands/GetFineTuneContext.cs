using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows where FineTune cmdlets send their calls: endpoint, provider, organization, project, retries, timeout, proxy, and where the key came from (never the key).</para>
    /// <para type="description">Each PowerShell session (runspace) has its own connections; -ListAvailable lists them all, the current one (the last Connect-FineTune) first. Without Connect-FineTune it shows what the environment gives (OPENAI_API_KEY, OPENAI_BASE_URL). Provider is OpenAI, Azure or Other; AuthKind is ApiKey, AccessToken (Entra ID) or None; KeySource is Parameter, Context, Environment, AzAccounts or None.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneContext</code>
    ///   <para>Shows the endpoint, provider and where the key came from (Parameter, Context, Environment or None).</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneContext -ListAvailable</code>
    ///   <para>Lists every connection of this session (Connect-FineTune -Name), the current one first; keys are never shown.</para>
    /// </example>
    /// <example>
    ///   <code>if ((Get-FineTuneContext).KeySource -eq 'None') { throw 'Set OPENAI_API_KEY or run Connect-FineTune first.' }</code>
    ///   <para>A runbook checks that a key is available before it starts.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FineTuneContext")]
    [OutputType(typeof(FineTuneConnection))]
    public sealed class GetFineTuneContextCommand : FineTuneCmdlet
    {
        /// <summary>Lists every connection of this session (current first) instead of the one the next command would use; nothing when there is none.</summary>
        [Parameter]
        public SwitchParameter ListAvailable { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (ListAvailable) WriteObject(FineTuneSession.Connections(SessionState.PSVariable).All, true);
            else WriteObject(ResolveConnection());
        }
    }
}
