using System;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// Picks the implementation of <see cref="IFineTuneProvider"/> once per connection, the way PSResourceGet's
    /// ServerFactory picks one server API per repository. Adding a provider is one class and one entry here.
    /// </summary>
    public static class ProviderFactory
    {
        /// <summary>The provider for <paramref name="connection"/>: <see cref="AzureProvider"/> for Azure, else <see cref="OpenAiProvider"/>. Sends nothing.</summary>
        public static IFineTuneProvider Create(FineTuneConnection connection)
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            return connection.Provider switch
            {
                ServiceProvider.Azure => new AzureProvider(connection),
                _ => new OpenAiProvider(connection),
            };
        }

        /// <summary>Tells the provider from the URL: api.openai.com is OpenAI; *.openai.azure.com, *.cognitiveservices.azure.com and *.services.ai.azure.com are Azure; anything else is Other (OpenAI's wire format).</summary>
        public static ServiceProvider KindOf(Uri endpoint)
        {
            string host = endpoint.Host.ToLowerInvariant();
            if (host == "api.openai.com") return ServiceProvider.OpenAI;
            if (host.EndsWith(".openai.azure.com", StringComparison.Ordinal) ||
                host.EndsWith(".cognitiveservices.azure.com", StringComparison.Ordinal) ||
                host.EndsWith(".services.ai.azure.com", StringComparison.Ordinal))
            {
                return ServiceProvider.Azure;
            }

            return ServiceProvider.Other;
        }

        /// <summary>
        /// The deployments of an Azure OpenAI account, through Azure Resource Manager at <paramref name="armEndpoint"/>
        /// (null: https://management.azure.com) with <paramref name="armToken"/>; retries, timeout and proxy come from
        /// <paramref name="connection"/> when given. ARM is its own endpoint, so this does not depend on the
        /// connection's provider. Throws <see cref="ArgumentException"/> when the token is empty.
        /// </summary>
        public static IModelDeployments Deployments(Uri? armEndpoint, string armToken, FineTuneConnection? connection) =>
            new AzureDeployments(armEndpoint, armToken, connection);

        /// <summary>The deployments reached through <paramref name="access"/> (the ARM endpoint and token a deployment object was read with).</summary>
        public static IModelDeployments Deployments(ArmAccess access, FineTuneConnection? connection) =>
            new AzureDeployments(access.Endpoint, access.Token, connection);
    }
}
