using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Shows where FineTune cmdlets send their calls: endpoint, provider, organization, project, retries, timeout, proxy, and where the key came from (never the key).</para>
    /// <para type="description">Without Connect-FineTune it shows what the environment gives (OPENAI_API_KEY, OPENAI_BASE_URL). Provider is OpenAI, Azure or Other; AuthKind is ApiKey, AccessToken (Entra ID) or None; KeySource is Parameter, Context, Environment, AzAccounts or None.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneContext</code>
    ///   <para>Shows the endpoint, provider and where the key came from (Parameter, Context, Environment or None).</para>
    /// </example>
    /// <example>
    ///   <code>if ((Get-FineTuneContext).KeySource -eq 'None') { throw 'Set OPENAI_API_KEY or run Connect-FineTune first.' }</code>
    ///   <para>A runbook checks that a key is available before it starts.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FineTuneContext")]
    [OutputType(typeof(FineTuneConnection))]
    public sealed class GetFineTuneContextCommand : FineTuneCmdlet
    {
        /// <inheritdoc/>
        protected override void ProcessRecord() => WriteObject(FineTuneSession.Resolve());
    }
}
