using System.Management.Automation;
using FineTune.Engine;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets one deployment of an Azure OpenAI account, or lists them all (Azure Resource Manager).</para>
    /// <para type="description">GET .../accounts/{account}/deployments[/{name}]?api-version=2024-10-01. Shows each deployment's name, model, SKU, capacity and provisioning state. A name that does not exist is a non-terminating ObjectNotFound error.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneDeployment -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso</code>
    ///   <para>Lists the account's deployments (ARM token from Get-AzAccessToken).</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneDeployment support-bot -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso -ArmToken $armToken | Invoke-FineTuneChat 'Hello'</code>
    ///   <para>Gets one deployment and asks it a question.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FineTuneDeployment")]
    [OutputType(typeof(AzureDeployment))]
    public sealed class GetFineTuneDeploymentCommand : DeploymentCmdlet
    {
        /// <summary>The deployment name; without it, every deployment of the account.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DeploymentName")]
        public string? Name { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            IModelDeployments arm = Arm;
            if (string.IsNullOrEmpty(Name))
            {
                if (TryRun(ct => arm.ListAsync(SubscriptionId, ResourceGroupName, AccountName, ct), AccountName, out var all)) WriteObject(all, true);
                return;
            }

            if (!TryRun(ct => arm.GetAsync(SubscriptionId, ResourceGroupName, AccountName, Name!, ct), Name, out AzureDeployment? one)) return;
            if (one == null)
            {
                Report(Failure("NotFound", ErrorKind.NotFound,
                    $"Deployment '{Name}' does not exist in account {AccountName}. List them with Get-FineTuneDeployment without -Name."), Name);
                return;
            }

            WriteObject(one);
        }
    }
}
