using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// The deployments of one Azure OpenAI account (a fine-tuned model serves chat only once deployed), through Azure
    /// Resource Manager; <c>ProviderFactory.Deployments</c> gives one. Failures are <see cref="FineTuneServiceException"/>.
    /// </summary>
    public interface IModelDeployments
    {
        /// <summary>Creates or updates the deployment <paramref name="name"/> of <paramref name="model"/> with <paramref name="sku"/> and <paramref name="capacity"/> units; returns it as ARM answers (usually Accepted).</summary>
        Task<AzureDeployment> CreateAsync(string subscriptionId, string resourceGroupName, string accountName, string name, string model, string sku, int capacity, CancellationToken cancellationToken);

        /// <summary>The deployment, or null when it does not exist.</summary>
        Task<AzureDeployment?> GetAsync(string subscriptionId, string resourceGroupName, string accountName, string name, CancellationToken cancellationToken);

        /// <summary>Every deployment of the account.</summary>
        Task<IReadOnlyList<AzureDeployment>> ListAsync(string subscriptionId, string resourceGroupName, string accountName, CancellationToken cancellationToken);

        /// <summary>Deletes the deployment (the model stays); false when there was none.</summary>
        Task<bool> DeleteAsync(string subscriptionId, string resourceGroupName, string accountName, string name, CancellationToken cancellationToken);

        /// <summary>Polls the deployment until provisioning ends or <paramref name="timeout"/> passes; returns it once Succeeded (WaitDeployment.Failed / Timeout / NotFound otherwise).</summary>
        Task<AzureDeployment> WaitAsync(AzureDeployment deployment, TimeSpan pollInterval, TimeSpan timeout, IFeedback feedback, CancellationToken cancellationToken);
    }
}
