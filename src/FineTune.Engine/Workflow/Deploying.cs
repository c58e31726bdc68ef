using System;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Models;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Workflow
{
    /// <summary>What deploying a model costs, said before the confirmation.</summary>
    public sealed class DeploymentPlan
    {
        internal DeploymentPlan(decimal? usdPerHour, string cost)
        {
            UsdPerHour = usdPerHour;
            Cost = cost;
        }

        /// <summary>Hosting in USD an hour (0 for DeveloperTier); null when the catalog has no Azure row for the model.</summary>
        public decimal? UsdPerHour { get; }

        /// <summary>"hosting costs $1.70 an hour while it exists (price catalog …)", or why it is unknown.</summary>
        public string Cost { get; }

        /// <summary>The warning every deployment gets: Azure deletes unused deployments, and what hosting costs until removed.</summary>
        public string Warning => "Azure deletes a deployment that has not been used for 15 days (the fine-tuned model stays); " +
            (UsdPerHour is decimal p && p > 0 ? "hosting is billed every hour until Remove-FineTuneDeployment" : "remove it with Remove-FineTuneDeployment when done") + ".";
    }

    /// <summary>Deploys a model on Azure OpenAI the one way New-FineTuneDeployment does: price first, then create and wait.</summary>
    public static class Deploying
    {
        /// <summary>The hosting price of <paramref name="model"/> with <paramref name="sku"/> from the catalog's Azure row (DeveloperTier is not billed by the hour). Sends nothing.</summary>
        public static DeploymentPlan Plan(string model, string sku)
        {
            ModelEntry? row = ModelCatalog.CurrentOrEmbedded().Find(model, ModelCatalog.Azure);
            decimal? perHour = row != null ? row.HostingPerHourFor(sku) : sku == "DeveloperTier" ? 0m : (decimal?)null;
            string cost = perHour == null
                ? "hosting cost unknown (no Azure price for this model in the catalog)"
                : string.Format(CultureInfo.InvariantCulture, "hosting costs ${0:0.00} an hour while it exists{1}", perHour,
                    row == null ? string.Empty : row.Verified ? $" (price catalog {row.CatalogDate})" : $" (price catalog {row.CatalogDate}, unverified)");
            return new DeploymentPlan(perHour, cost);
        }

        /// <summary>Creates the deployment and, unless <paramref name="noWait"/>, waits (polls up to every 10 s) until it is ready or <paramref name="timeout"/> passes.</summary>
        public static async Task<AzureDeployment> DeployAsync(IModelDeployments arm, string subscriptionId, string resourceGroupName, string accountName, string name, string model, string sku, int capacity,
            bool noWait, TimeSpan timeout, IFeedback feedback, CancellationToken cancellationToken)
        {
            AzureDeployment created = await arm.CreateAsync(subscriptionId, resourceGroupName, accountName, name, model, sku, capacity, cancellationToken).ConfigureAwait(false);
            return noWait ? created : await arm.WaitAsync(created, TimeSpan.FromSeconds(10), timeout, feedback, cancellationToken).ConfigureAwait(false);
        }
    }
}
