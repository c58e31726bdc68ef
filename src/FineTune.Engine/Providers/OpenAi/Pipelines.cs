using System;
using System.ClientModel.Primitives;
using System.Net;
using System.Net.Http;
using System.Threading;

namespace FineTune.Engine.Providers
{
    /// <summary>The pipeline settings every wire client shares (the OpenAI SDK client and Azure's ARM client): timeout, retries, proxy.</summary>
    internal static class Pipelines
    {
        /// <summary>
        /// Sets the network timeout of one try (<paramref name="connection"/>'s TimeoutSec, else 100 s), the capped
        /// retry policy (<paramref name="maxRetries"/>; Retry-After capped at MaxRetryDelaySec, else 60 s), the -Debug wire
        /// log (<see cref="WireLogPolicy"/>, each try) and the proxy, when the connection has one.
        /// </summary>
        internal static void Configure(ClientPipelineOptions options, FineTuneConnection? connection, int maxRetries)
        {
            options.NetworkTimeout = TimeSpan.FromSeconds(connection?.TimeoutSec ?? 100);
            options.RetryPolicy = new CappedRetryPolicy(maxRetries, TimeSpan.FromSeconds(connection?.MaxRetryDelaySec ?? 60));
            options.AddPolicy(WireLogPolicy.Instance, PipelinePosition.PerTry);
            if (connection?.ProxyAddress is Uri proxy)
            {
                var address = new UriBuilder(proxy) { UserName = string.Empty, Password = string.Empty }.Uri;
                string?[] secrets = FineTuneConnection.ProxySecrets(proxy);
                var webProxy = new WebProxy(address) { Credentials = secrets.Length > 0 ? new NetworkCredential(secrets[0], secrets.Length > 1 ? secrets[1] : string.Empty) : null };
                var handler = new HttpClientHandler { Proxy = webProxy, UseProxy = true };
                options.Transport = new HttpClientPipelineTransport(new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan });
            }
        }
    }
}
