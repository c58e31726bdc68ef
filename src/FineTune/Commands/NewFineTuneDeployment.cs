using System;
using System.Management.Automation;
using FineTune.Engine;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Deploys a fine-tuned model on Azure OpenAI (Azure Resource Manager) and waits until it serves.</para>
    /// <para type="description">Azure serves a fine-tuned model only through a deployment, which this cmdlet creates with PUT .../providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}?api-version=2024-10-01 (SKU Standard, GlobalStandard or DeveloperTier, and capacity), then waits (with progress) until the provisioning state is Succeeded. It asks for confirmation (ConfirmImpact High: a deployment is billed by the hour; runbooks pass -Confirm:$false, and a session that cannot ask gets the error FineTune.ConfirmationNeeded), and the confirmation message gives the hourly hosting cost from the price catalog (Azure rows; DeveloperTier has no hosting fee and expires after 24 h). Azure deletes a deployment unused for 15 days (the model stays): a warning says so. -Model binds FineTunedModel from Wait-FineTuneJob; the output's Name (also DeploymentName) binds Invoke-FineTuneChat's -Model.</para>
    /// </summary>
    /// <example>
    ///   <code>Wait-FineTuneJob $jobId | New-FineTuneDeployment -Name support-bot -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso | Invoke-FineTuneChat 'Where is my parcel?'</code>
    ///   <para>Deploys the model a job made (ARM token from Get-AzAccessToken), waits until it serves, and asks it a question.</para>
    /// </example>
    /// <example>
    ///   <code>New-FineTuneDeployment -Name trial -Model $model -SkuName DeveloperTier -SubscriptionId $sub -ResourceGroupName rg-ai -AccountName contoso -ArmToken $armToken -WhatIf</code>
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
            DeploymentPlan plan = Deploying.Plan(Model, SkuName);
            string target = $"deployment '{Name}' of account {AccountName}";
            if (!ShouldProcessOrExplain(target, $"Deploy {Model} ({SkuName}, capacity {Capacity}): {plan.Cost}", $"deploys {Model} ({plan.Cost})")) return;

            WriteWarning(plan.Warning);
            IModelDeployments arm = Arm;
            IFeedback feedback = Feedback;
            if (TryRun(ct => Deploying.DeployAsync(arm, SubscriptionId, ResourceGroupName, AccountName, Name, Model, SkuName, Capacity, NoWait, TimeSpan.FromSeconds(TimeoutSec), feedback, ct), target, out AzureDeployment deployment))
            {
                WriteObject(deployment);
            }
        }
    }
}
