using System.Management.Automation;
using FineTune.Engine;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Removes a deployment of an Azure OpenAI account (the fine-tuned model stays); hosting stops being billed.</para>
    /// <para type="description">DELETE .../accounts/{account}/deployments/{name}?api-version=2024-10-01. Takes deployments from the pipeline (New- or Get-FineTuneDeployment). A deployment that does not exist is a non-terminating ObjectNotFound error. On Azure this is also the way to stop paying for a fine-tuned model: Azure has no DELETE /models.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneDeployment -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso | Remove-FineTuneDeployment -Confirm:$false</code>
    ///   <para>Removes every deployment of the account.</para>
    /// </example>
    /// <example>
    ///   <code>Remove-FineTuneDeployment support-bot -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso -ArmToken $armToken</code>
    ///   <para>Removes one deployment by name.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Remove, "FineTuneDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
    [OutputType(typeof(void))]
    public sealed class RemoveFineTuneDeploymentCommand : DeploymentCmdlet
    {
        /// <summary>The deployment name; binds Name from a deployment object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("DeploymentName")]
        public string Name { get; set; } = string.Empty;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!ShouldProcess($"deployment '{Name}' of account {AccountName}", "Remove the deployment (the fine-tuned model stays)")) return;
            IModelDeployments arm = Arm;
            if (TryRun(ct => arm.DeleteAsync(SubscriptionId, ResourceGroupName, AccountName, Name, ct), Name, out bool existed) && !existed)
            {
                Report(Failure("NotFound", ErrorKind.NotFound,
                    $"Deployment '{Name}' does not exist in account {AccountName}: nothing was removed."), Name);
            }
        }
    }
}
