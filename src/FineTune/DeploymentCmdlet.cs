using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine;

namespace FineTune
{
    /// <summary>
    /// The base of the deployment cmdlets (New-, Get-, Remove-FineTuneDeployment): the Azure OpenAI account's
    /// coordinates (subscription, resource group, account; bound by property name from a deployment object),
    /// the ARM token (-ArmToken, else Az.Accounts' Get-AzAccessToken for https://management.azure.com/.default)
    /// and the ARM endpoint. Retries, timeout and proxy come from -Connection, else the session's current connection.
    /// </summary>
    public abstract class DeploymentCmdlet : ServiceCmdlet
    {
        private IModelDeployments? arm;

        /// <summary>The Azure subscription id of the Azure OpenAI account.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string SubscriptionId { get; set; } = string.Empty;

        /// <summary>The resource group of the Azure OpenAI account.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string ResourceGroupName { get; set; } = string.Empty;

        /// <summary>The Azure OpenAI (Cognitive Services) account name: RESOURCE in https://RESOURCE.openai.azure.com.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public string AccountName { get; set; } = string.Empty;

        /// <summary>An Azure Resource Manager access token (scope https://management.azure.com/.default); default: from Get-AzAccessToken (Az.Accounts, after Connect-AzAccount).</summary>
        [Parameter]
        public SecureString? ArmToken { get; set; }

        /// <summary>The Azure Resource Manager endpoint (default https://management.azure.com; the emulator's Azure flavour serves it on its base URI).</summary>
        [Parameter]
        public Uri ArmEndpoint { get; set; } = new Uri("https://management.azure.com/");

        /// <summary>The ARM endpoint and token a deployment object was read with (bound by property name from New- or Get-FineTuneDeployment output): used when -ArmToken is not given, so a piped deployment reaches the same ARM.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true, DontShow = true)]
        public PSObject? ArmAccess { get; set; }

        /// <summary>The ARM client, made once per command (retries, timeout and proxy from the session's connection).</summary>
        internal IModelDeployments Arm
        {
            get
            {
                if (arm != null) return arm;
                string token;
                FineTuneConnection? connection = Connection == null ? FineTuneSession.Connections(SessionState.PSVariable).Current : ResolveConnection();
                if (ArmToken == null && ArmAccess?.BaseObject is ArmAccess kept && !MyInvocation.BoundParameters.ContainsKey(nameof(ArmEndpoint)))
                {
                    arm = ProviderFactory.Deployments(kept, connection);
                    return arm;
                }

                if (ArmToken != null)
                {
                    token = new NetworkCredential(string.Empty, ArmToken).Password;
                }
                else if (AzAccessToken.IsAvailable(this))
                {
                    token = AzAccessToken.Get(this, AzureArm.Scope);
                }
                else
                {
                    Fail(Failure("NoArmToken", ErrorKind.Authentication,
                        "No ARM access token: pass -ArmToken (a SecureString), or install Az.Accounts and sign in with Connect-AzAccount."));
                    return null!;
                }

                arm = ProviderFactory.Deployments(ArmEndpoint, token, connection);
                return arm;
            }
        }
    }
}
