using System;
using System.Collections.Generic;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A model deployment of an Azure OpenAI account (ARM resource Microsoft.CognitiveServices/accounts/deployments,
    /// api-version 2024-10-01). <see cref="Name"/> (also <see cref="DeploymentName"/>) is what chat calls take as model.
    /// </summary>
    public sealed class AzureDeployment
    {
        /// <summary>The deployment name: Azure's chat calls take it as <c>model</c>.</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The same as <see cref="Name"/>, so that <c>| Invoke-FineTuneChat</c> binds -Model by property name.</summary>
        public string DeploymentName => Name;

        /// <summary>The deployed model id (<c>properties.model.name</c>), e.g. <c>gpt-4.1-2025-04-14.ft-0123…</c>.</summary>
        public string? ModelName { get; set; }

        /// <summary>The deployed model's version (<c>properties.model.version</c>).</summary>
        public string? ModelVersion { get; set; }

        /// <summary>Standard, GlobalStandard or DeveloperTier.</summary>
        public string? SkuName { get; set; }

        /// <summary>Capacity units of the SKU.</summary>
        public int? Capacity { get; set; }

        /// <summary>Accepted, Creating, Succeeded, Failed, Deleting... (an open string).</summary>
        public string? ProvisioningState { get; set; }

        /// <summary>The Azure subscription id.</summary>
        public string SubscriptionId { get; set; } = string.Empty;

        /// <summary>The resource group of the Azure OpenAI account.</summary>
        public string ResourceGroupName { get; set; } = string.Empty;

        /// <summary>The Azure OpenAI (Cognitive Services) account name.</summary>
        public string AccountName { get; set; } = string.Empty;

        /// <summary>The full ARM resource id.</summary>
        public string? Id { get; set; }

        /// <summary>
        /// The Azure Resource Manager endpoint and token this object was read with, so that piping it to another
        /// deployment cmdlet reaches the same ARM without -ArmEndpoint and -ArmToken again (binds -ArmAccess by
        /// property name). Shows only the endpoint; the token is never shown nor serialized.
        /// </summary>
        public ArmAccess? ArmAccess { get; set; }

        /// <summary>True in Succeeded: chat calls on <see cref="Name"/> are served.</summary>
        public bool IsReady => string.Equals(ProvisioningState, "Succeeded", StringComparison.OrdinalIgnoreCase);

        /// <summary>True in Succeeded, Failed or Canceled: provisioning has ended.</summary>
        public bool IsTerminal => IsReady ||
            string.Equals(ProvisioningState, "Failed", StringComparison.OrdinalIgnoreCase) ||
            string.Equals(ProvisioningState, "Canceled", StringComparison.OrdinalIgnoreCase);

        internal static AzureDeployment FromJson(JsonElement e, string subscriptionId, string resourceGroupName, string accountName)
        {
            JsonElement sku = e.Child("sku");
            JsonElement properties = e.Child("properties");
            JsonElement model = properties.Child("model");
            return new AzureDeployment
            {
                Name = e.Str("name") ?? string.Empty,
                Id = e.Str("id"),
                SkuName = sku.Str("name"),
                Capacity = (int?)sku.Long("capacity"),
                ModelName = model.Str("name"),
                ModelVersion = model.Str("version"),
                ProvisioningState = properties.Str("provisioningState"),
                SubscriptionId = subscriptionId,
                ResourceGroupName = resourceGroupName,
                AccountName = accountName,
            };
        }

        /// <inheritdoc/>
        public override string ToString() => $"{Name} ({ModelName}, {SkuName}, {ProvisioningState})";
    }

    /// <summary>An Azure Resource Manager endpoint with the access token to call it: only the endpoint is public.</summary>
    public sealed class ArmAccess
    {
        internal ArmAccess(Uri endpoint, string token)
        {
            Endpoint = endpoint;
            Token = token;
        }

        /// <summary>The ARM endpoint (https://management.azure.com/, or the emulator's base URI).</summary>
        public Uri Endpoint { get; }

        internal string Token { get; }

        /// <summary>The endpoint (never the token).</summary>
        public override string ToString() => Endpoint.ToString();
    }

    /// <summary>Azure Resource Manager, where Azure OpenAI deployments live (OPENAI-FACTS.md, "Azure OpenAI").</summary>
    public static class AzureArm
    {
        /// <summary>Azure Resource Manager's public endpoint.</summary>
        public static readonly Uri DefaultEndpoint = new Uri("https://management.azure.com/");

        /// <summary>The token scope for ARM (what Get-AzAccessToken is asked for).</summary>
        public const string Scope = "https://management.azure.com/.default";

        /// <summary>Deployment SKUs a fine-tuned model takes.</summary>
        public static readonly IReadOnlyList<string> Skus = new[] { "Standard", "GlobalStandard", "DeveloperTier" };
    }
}
