using System;
using FineTune.Engine.Service;
using System.Linq;

namespace FineTune.Engine.Providers
{
    /// <summary>Where the API key of a connection came from (never the key itself).</summary>
    public enum KeySource
    {
        /// <summary>No key was found.</summary>
        None,
        /// <summary>Given to <c>Connect-FineTune</c> as <c>-ApiKey</c> or <c>-Credential</c>.</summary>
        Parameter,
        /// <summary>Kept from an earlier <c>Connect-FineTune</c> in this session.</summary>
        Context,
        /// <summary>Read from the <c>OPENAI_API_KEY</c> environment variable.</summary>
        Environment,
        /// <summary>An Entra ID token taken from Az.Accounts' <c>Get-AzAccessToken</c> by <c>Connect-FineTune</c>.</summary>
        AzAccounts,
    }

    /// <summary>What the connection's secret is (never the secret itself).</summary>
    public enum AuthKind
    {
        /// <summary>No secret: calls fail with the NoApiKey error.</summary>
        None,
        /// <summary>An API key: sent as <c>Authorization: Bearer</c>, and for Azure also as the <c>api-key</c> header.</summary>
        ApiKey,
        /// <summary>A Microsoft Entra ID access token (Azure): sent as <c>Authorization: Bearer</c> only.</summary>
        AccessToken,
    }

    /// <summary>Which kind of service the endpoint is, told from its URL.</summary>
    public enum ServiceProvider
    {
        /// <summary>api.openai.com.</summary>
        OpenAI,
        /// <summary>Azure OpenAI's v1 API (<c>https://RESOURCE.openai.azure.com/openai/v1/</c>).</summary>
        Azure,
        /// <summary>Any other OpenAI-compatible base URL, the FineTune emulator among them.</summary>
        Other,
    }

    /// <summary>
    /// Everything needed to call the service: endpoint, key, organization, project, retries, timeout,
    /// proxy. Resolution order: key from parameter, then the session's context, then
    /// <c>OPENAI_API_KEY</c>; endpoint from parameter, then context, then <c>OPENAI_BASE_URL</c>, then
    /// <c>https://api.openai.com/v1</c>. The key is held privately: no public member, no
    /// <see cref="ToString"/>, no serializer ever sees it.
    /// </summary>
    public sealed class FineTuneConnection
    {
        /// <summary>The public OpenAI endpoint, used when nothing else names one.</summary>
        public static readonly Uri DefaultEndpoint = new Uri("https://api.openai.com/v1");

        /// <summary>The environment variable that holds the key when no parameter or context does.</summary>
        public const string KeyVariable = "OPENAI_API_KEY";

        /// <summary>The environment variable that holds the base URL when no parameter or context does.</summary>
        public const string EndpointVariable = "OPENAI_BASE_URL";

        private readonly string? apiKey;

        /// <summary>Creates a connection. Use <see cref="Resolve"/> to apply the resolution order.</summary>
        public FineTuneConnection(
            Uri endpoint,
            string? apiKey,
            KeySource keySource,
            string? organization = null,
            string? project = null,
            int maxRetries = 2,
            int timeoutSec = 100,
            Uri? proxy = null,
            int maxRetryDelaySec = 60,
            AuthKind authKind = AuthKind.ApiKey,
            ServiceProvider? provider = null,
            string? name = null)
        {
            if (endpoint == null) throw new ArgumentNullException(nameof(endpoint));
            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            {
                throw new ArgumentException($"The endpoint '{endpoint}' is not an http(s) URL. Give a base URL that includes /v1, such as https://api.openai.com/v1.", nameof(endpoint));
            }

            if (maxRetries < 0 || maxRetries > 10) throw new ArgumentOutOfRangeException(nameof(maxRetries), maxRetries, "MaxRetries must be between 0 and 10.");
            if (timeoutSec < 1) throw new ArgumentOutOfRangeException(nameof(timeoutSec), timeoutSec, "TimeoutSec must be at least 1 second.");

            Name = string.IsNullOrWhiteSpace(name) ? ConnectionSet.DefaultName : name!.Trim();
            Endpoint = endpoint;
            this.apiKey = string.IsNullOrEmpty(apiKey) ? null : apiKey;
            KeySource = this.apiKey == null ? KeySource.None : keySource;
            Organization = string.IsNullOrEmpty(organization) ? null : organization;
            Project = string.IsNullOrEmpty(project) ? null : project;
            MaxRetries = maxRetries;
            TimeoutSec = timeoutSec;
            ProxyAddress = proxy;
            MaxRetryDelaySec = maxRetryDelaySec;
            Provider = provider ?? ProviderFactory.KindOf(endpoint);
            AuthKind = this.apiKey == null ? AuthKind.None : authKind == AuthKind.None ? AuthKind.ApiKey : authKind;
        }

        /// <summary>The name a session knows it by (Connect-FineTune -Name; <see cref="ConnectionSet.DefaultName"/> without one).</summary>
        public string Name { get; }

        /// <summary>The base URL, including <c>/v1</c> (Azure: <c>/openai/v1</c>).</summary>
        public Uri Endpoint { get; }

        /// <summary>OpenAI, Azure or Other: given to Connect-FineTune as -Provider, else told from the endpoint's host.</summary>
        public ServiceProvider Provider { get; }

        /// <summary>Where the key came from; <see cref="KeySource.None"/> when there is none.</summary>
        public KeySource KeySource { get; }

        /// <summary>ApiKey or AccessToken: what the secret is (None when there is none).</summary>
        public AuthKind AuthKind { get; }

        /// <summary>True when a key or access token is present (neither is ever shown).</summary>
        public bool HasKey => apiKey != null;

        /// <summary>The <c>OpenAI-Organization</c> header, or null.</summary>
        public string? Organization { get; }

        /// <summary>The <c>OpenAI-Project</c> header, or null.</summary>
        public string? Project { get; }

        /// <summary>Retries after the first try for 408, 429 (not <c>insufficient_quota</c>) and 5xx.</summary>
        public int MaxRetries { get; }

        /// <summary>Network timeout of one try, in seconds.</summary>
        public int TimeoutSec { get; }

        /// <summary>The longest wait a <c>Retry-After</c> header can ask for, in seconds (longer asks are capped).</summary>
        public int MaxRetryDelaySec { get; }

        /// <summary>The HTTP proxy, or null for the system's default; a user name and password in it show as <c>***</c>.</summary>
        public Uri? Proxy => ProxyAddress == null || string.IsNullOrEmpty(ProxyAddress.UserInfo) ? ProxyAddress : new Uri(SecretMasker.MaskUri(ProxyAddress)!);

        /// <summary>The proxy as given, with its user name and password (for the wire only).</summary>
        internal Uri? ProxyAddress { get; }

        /// <summary>Masks this connection's secrets (key or token, proxy user and password) and every secret-shaped text.</summary>
        internal SecretMasker Masker => masker ??= new SecretMasker(new[] { apiKey }.Concat(ProxySecrets(ProxyAddress)));

        private SecretMasker? masker;

        /// <summary>The user name and password of a proxy URL (unescaped), when it has them.</summary>
        internal static string?[] ProxySecrets(Uri? proxy)
        {
            if (proxy == null || string.IsNullOrEmpty(proxy.UserInfo)) return Array.Empty<string?>();
            string[] parts = proxy.UserInfo.Split(new[] { ':' }, 2);
            return parts.Select(p => Uri.UnescapeDataString(p)).Concat(parts).ToArray<string?>();
        }

        internal string? ApiKey => apiKey;

        /// <summary>
        /// Applies the resolution order. <paramref name="context"/> is the session's earlier connection;
        /// <paramref name="environment"/> reads an environment variable (injectable for tests).
        /// Values not given as parameters (organization, project, retries, timeout, proxy) are kept from the context.
        /// <paramref name="accessToken"/> (an Entra ID token) takes the place of the key when given; the provider is
        /// <paramref name="provider"/>, else the context's when the endpoint is kept, else told from the URL.
        /// </summary>
        public static FineTuneConnection Resolve(
            string? apiKey,
            Uri? endpoint,
            FineTuneConnection? context,
            Func<string, string?> environment,
            string? organization = null,
            string? project = null,
            int? maxRetries = null,
            int? timeoutSec = null,
            Uri? proxy = null,
            int? maxRetryDelaySec = null,
            string? accessToken = null,
            ServiceProvider? provider = null,
            KeySource accessTokenSource = KeySource.Parameter,
            string? name = null)
        {
            string? key = string.IsNullOrEmpty(accessToken) ? apiKey : accessToken;
            AuthKind kind = string.IsNullOrEmpty(accessToken) ? AuthKind.ApiKey : AuthKind.AccessToken;
            KeySource source = string.IsNullOrEmpty(accessToken) ? KeySource.Parameter : accessTokenSource;
            if (string.IsNullOrEmpty(key) && context?.apiKey != null)
            {
                key = context.apiKey;
                kind = context.AuthKind;
                source = context.KeySource == KeySource.Environment || context.KeySource == KeySource.AzAccounts ? context.KeySource : KeySource.Context;
            }

            if (string.IsNullOrEmpty(key))
            {
                key = environment(KeyVariable);
                kind = AuthKind.ApiKey;
                source = KeySource.Environment;
            }

            Uri? url = endpoint ?? context?.Endpoint;
            if (url == null)
            {
                string? fromEnv = environment(EndpointVariable);
                if (!string.IsNullOrWhiteSpace(fromEnv))
                {
                    if (!Uri.TryCreate(fromEnv!.Trim(), UriKind.Absolute, out url))
                    {
                        throw new ArgumentException($"The environment variable {EndpointVariable} holds '{fromEnv}', which is not an absolute URL. Set it to a base URL that includes /v1, or pass -Endpoint.");
                    }
                }
            }

            return new FineTuneConnection(
                url ?? DefaultEndpoint,
                key,
                source,
                organization ?? context?.Organization,
                project ?? context?.Project,
                maxRetries ?? context?.MaxRetries ?? 2,
                timeoutSec ?? context?.TimeoutSec ?? 100,
                proxy ?? context?.ProxyAddress,
                maxRetryDelaySec ?? context?.MaxRetryDelaySec ?? 60,
                kind,
                provider ?? (endpoint == null ? context?.Provider : null),
                name ?? context?.Name);
        }

        /// <summary>A one-line description without the key.</summary>
        public override string ToString() => $"{Provider} at {Endpoint} ({AuthKind}: {KeySource})";
    }
}
