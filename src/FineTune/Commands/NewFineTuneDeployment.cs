using System;
using System.Globalization;
using System.Management.Automation;
using FineTune.Engine.Providers;
using FineTune.Engine.Models;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Deploys a fine-tuned model on Azure OpenAI (Azure Resource Manager) and waits until it serves.</para>
    /// <para type="description">Azure serves a fine-tuned model only through a deployment, which this cmdlet creates with PUT .../providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}?api-version=2024-10-01 (SKU Standard, GlobalStandard or DeveloperTier, and capacity), then waits (with progress) until the provisioning state is Succeeded. It asks for confirmation (ConfirmImpact High: a deployment is billed by the hour; runbooks pass -Confirm:$false, and a session that cannot ask gets the error FineTune.NewDeployment.ConfirmationNeeded), and the confirmation message gives the hourly hosting cost from the price catalog (Azure rows; DeveloperTier has no hosting fee and expires after 24 h). Azure deletes a deployment unused for 15 days (the model stays): a warning says so. -Model binds FineTunedModel from Wait-FineTuneJob; the output's Name (also DeploymentName) binds Invoke-FineTuneChat's -Model.</para>
    /// </summary>
    /// <example>
    ///   <code>Wait-FineTuneJob ftjob-abc | New-FineTuneDeployment -Name support-bot -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso | Invoke-FineTuneChat 'Where is my parcel?'</code>
    ///   <para>Deploys the model a job made (ARM token from Get-AzAccessToken), waits until it serves, and asks it a question.</para>
    /// </example>
    /// <example>
    ///   <code>New-FineTuneDeployment -Name trial -Model gpt-4.1-mini-2025-04-14.ft-0123abcd -SkuName DeveloperTier -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso -ArmToken $armToken -WhatIf</code>
    ///   <para>Shows what would be deployed and what it would cost an hour, without deploying.</para>
    /// </example>
    [Cmdlet(VerbsCommon.New, "FineTuneDeployment", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(AzureDeployment))]
    public sealed class NewFineTuneDeploymentCommand : DeploymentCmdlet
    {
        /// <summary>The deployment name (what chat calls take as model), e.g. support-bot.</summary>
        [Parameter(Mandatory = true, Position = 0)]
        [Alias("DeploymentName")]
        public string Name { get; set; } = string.Empty;

        /// <summary>The fine-tuned model id to deploy; binds FineTunedModel from a job (Wait-FineTuneJob) or ModelName from a deployment.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModel", "ModelName")]
        public string Model { get; set; } = string.Empty;

        /// <summary>Standard (default), GlobalStandard or DeveloperTier (no hosting fee, deleted after 24 h).</summary>
        [Parameter]
        [ValidateSet("Standard", "GlobalStandard", "DeveloperTier")]
        public string SkuName { get; set; } = "Standard";

        /// <summary>Capacity units of the SKU (default 1).</summary>
        [Parameter]
        [ValidateRange(1, 100000)]
        public int Capacity { get; set; } = 1;

        /// <summary>Returns as soon as ARM accepts the deployment, without waiting for Succeeded.</summary>
        [Parameter]
        public SwitchParameter NoWait { get; set; }

        /// <summary>The longest wait for provisioning, in seconds (default 1800).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int TimeoutSec { get; set; } = 1800;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            // DeveloperTier is not billed by the hour, whether or not the catalog knows the model
            ModelEntry? row = ModelCatalog.CurrentOrEmbedded().Find(Model, ModelCatalog.Azure);
            decimal? perHour = row != null ? row.HostingPerHourFor(SkuName) : SkuName == "DeveloperTier" ? 0m : (decimal?)null;
            string cost = perHour == null
                ? "hosting cost unknown (no Azure price for this model in the catalog)"
                : string.Format(CultureInfo.InvariantCulture, "hosting costs ${0:0.00} an hour while it exists{1}", perHour,
                    row == null ? string.Empty : row.Verified ? $" (price catalog {row.CatalogDate})" : $" (price catalog {row.CatalogDate}, unverified)");
            string target = $"deployment '{Name}' of account {AccountName}";
            if (!ShouldProcessOrExplain(target, $"Deploy {Model} ({SkuName}, capacity {Capacity}): {cost}", $"deploys {Model} ({cost})")) return;

            WriteWarning($"Azure deletes a deployment that has not been used for 15 days (the fine-tuned model stays); {(perHour is decimal p && p > 0 ? "hosting is billed every hour until Remove-FineTuneDeployment" : "remove it with Remove-FineTuneDeployment when done")}.");
            IModelDeployments arm = Arm;
            if (!TryRun(async ct =>
                {
                    AzureDeployment created = await arm.CreateAsync(SubscriptionId, ResourceGroupName, AccountName, Name, Model, SkuName, Capacity, ct).ConfigureAwait(false);
                    return NoWait ? created : await arm.WaitAsync(created, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(TimeoutSec), Feedback, ct).ConfigureAwait(false);
                }, target, out AzureDeployment deployment))
            {
                return;
            }

            WriteObject(deployment);
        }
    }
}
