using System;
using System.Management.Automation;
using System.Net;
using System.Security;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Sets the endpoint, key and options that FineTune cmdlets in this session use; -Name keeps several connections side by side.</para>
    /// <para type="description">The key is taken from -ApiKey or -Credential, else from an earlier Connect-FineTune, else from OPENAI_API_KEY. The endpoint from -Endpoint, else the earlier context, else OPENAI_BASE_URL, else https://api.openai.com/v1. Nothing is sent to the service. The key is never shown.</para>
    /// <para type="description">Azure OpenAI (v1 API, https://RESOURCE.openai.azure.com/openai/v1/): the key is sent both as a bearer token and in the api-key header. Instead of a key, -AccessToken takes a Microsoft Entra ID token; when neither is given and Az.Accounts' Get-AzAccessToken is available, the token is taken from it for -TokenScope (default https://ai.azure.com/.default). The provider (OpenAI, Azure, Other) is told from the URL; -Provider sets it for a URL that does not tell (a proxy, the emulator's Azure flavour).</para>
    /// </summary>
    /// <example>
    ///   <code>Connect-FineTune -ApiKey (Read-Host -AsSecureString 'OpenAI key')</code>
    ///   <para>Connects to OpenAI (https://api.openai.com/v1) with a key typed at the prompt.</para>
    /// </example>
    /// <example>
    ///   <code>Connect-FineTune -Endpoint https://contoso.openai.azure.com/openai/v1/ -Credential (Get-Credential -UserName key)</code>
    ///   <para>Connects to Azure OpenAI's v1 API; the credential's password is the key.</para>
    /// </example>
    /// <example>
    ///   <code>Connect-AzAccount; Connect-FineTune -Endpoint https://contoso.openai.azure.com/openai/v1/</code>
    ///   <para>Connects to Azure OpenAI with an Entra ID token taken from Get-AzAccessToken (scope https://ai.azure.com/.default).</para>
    /// </example>
    /// <example>
    ///   <code>Connect-FineTune -Endpoint http://127.0.0.1:5000/v1 -ApiKey (ConvertTo-SecureString 'any' -AsPlainText -Force) -MaxRetries 5 -TimeoutSec 30 -PassThru</code>
    ///   <para>Connects to a compatible base URL (here the FineTune emulator) with more retries and a shorter timeout, and shows the context.</para>
    /// </example>
    /// <example>
    ///   <code>$openai = Connect-FineTune -Name openai -ApiKey $key -PassThru; Connect-FineTune -Name azure -Endpoint https://contoso.openai.azure.com/openai/v1/ -ApiKey $azureKey; Get-FineTuneJob -Connection openai</code>
    ///   <para>Keeps two connections in this session; the last one (azure) is current, and -Connection picks the other by name or object.</para>
    /// </example>
    [Cmdlet(VerbsCommunications.Connect, "FineTune", DefaultParameterSetName = KeySet)]
    [OutputType(typeof(FineTuneConnection))]
    public sealed class ConnectFineTuneCommand : FineTuneCmdlet
    {
        private const string KeySet = "ApiKey";
        private const string CredentialSet = "Credential";
        private const string TokenSet = "AccessToken";

        /// <summary>The API key, as a SecureString (Read-Host -AsSecureString, or Get-Secret).</summary>
        [Parameter(ParameterSetName = KeySet, Position = 0)]
        public SecureString? ApiKey { get; set; }

        /// <summary>A credential whose password is the API key (the user name is ignored).</summary>
        [Parameter(ParameterSetName = CredentialSet, Mandatory = true)]
        [Credential]
        public PSCredential? Credential { get; set; }

        /// <summary>A Microsoft Entra ID access token for Azure OpenAI (scope https://ai.azure.com/.default), sent as a bearer token instead of a key.</summary>
        [Parameter(ParameterSetName = TokenSet, Mandatory = true)]
        public SecureString? AccessToken { get; set; }

        /// <summary>The scope asked of Get-AzAccessToken when no key or token is given for Azure (default https://ai.azure.com/.default; older docs use https://cognitiveservices.azure.com/.default).</summary>
        [Parameter(ParameterSetName = KeySet)]
        public string TokenScope { get; set; } = "https://ai.azure.com/.default";

        /// <summary>OpenAI, Azure or Other; default: told from the endpoint's host (*.openai.azure.com is Azure). Set it for a URL that does not tell, such as the emulator's Azure flavour.</summary>
        [Parameter]
        [ValidateSet("OpenAI", "Azure", "Other")]
        public string? Provider { get; set; }

        /// <summary>The base URL including /v1, e.g. https://api.openai.com/v1, https://RESOURCE.openai.azure.com/openai/v1/ or http://127.0.0.1:5000/v1.</summary>
        [Parameter]
        [Alias("BaseUrl", "Uri")]
        public Uri? Endpoint { get; set; }

        /// <summary>The OpenAI organization id (OpenAI-Organization header).</summary>
        [Parameter]
        public string? Organization { get; set; }

        /// <summary>The OpenAI project id (OpenAI-Project header).</summary>
        [Parameter]
        public string? Project { get; set; }

        /// <summary>Retries after the first try for 408, 429 and 5xx answers and dropped connections (0–10; default 2).</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int? MaxRetries { get; set; }

        /// <summary>The longest wait in seconds that a Retry-After header may ask for (default 60); longer asks are capped.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int? MaxRetryDelaySec { get; set; }

        /// <summary>Network timeout of one try, in seconds (default 100).</summary>
        [Parameter]
        [ValidateRange(1, 86400)]
        public int? TimeoutSec { get; set; }

        /// <summary>An HTTP proxy URL.</summary>
        [Parameter]
        public Uri? Proxy { get; set; }

        /// <summary>The name this session keeps the connection by (default: the current connection's, else Default). Connecting under a name replaces that name's connection, keeps the others, and makes it current; -Connection on any cmdlet picks one by name. Values not given are kept only from the connection of the same name, never from another one.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public string? Name { get; set; }

        /// <summary>Writes the new connection (without the key) to the pipeline: pass it to -Connection of other cmdlets.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            SecureString? secret = Credential?.Password ?? ApiKey;
            string? key = secret == null ? null : new NetworkCredential(string.Empty, secret).Password;
            string? token = AccessToken == null ? null : new NetworkCredential(string.Empty, AccessToken).Password;
            ServiceProvider? provider = Provider == null ? (ServiceProvider?)null : (ServiceProvider)Enum.Parse(typeof(ServiceProvider), Provider, true);
            ConnectionSet set = FineTuneSession.Connections(SessionState.PSVariable);
            FineTuneConnection? context = Name == null ? set.Current : set.Find(Name);
            string name = Name ?? context?.Name ?? ConnectionSet.DefaultName;
            FineTuneConnection connection;
            try
            {
                KeySource tokenSource = KeySource.Parameter;
                connection = Resolve();
                if (key == null && token == null && ProviderFactory.Create(connection).SignsInWithEntraId && AzAccessToken.IsAvailable(this))
                {
                    // Azure without a key or token: Entra ID through Az.Accounts (Connect-AzAccount beforehand).
                    token = AzAccessToken.Get(this, TokenScope);
                    tokenSource = KeySource.AzAccounts;
                    connection = Resolve();
                }

                FineTuneConnection Resolve() => FineTuneConnection.Resolve(key, Endpoint, context, Environment.GetEnvironmentVariable,
                    Organization, Project, MaxRetries, TimeoutSec, Proxy, MaxRetryDelaySec, token, provider, tokenSource, name);
            }
            catch (ArgumentException ex)
            {
                Fail(ex, Endpoint);
                return;
            }

            if (!connection.HasKey)
            {
                Fail(FineTuneServiceException.NoKey("Connect"));
            }

            set.Add(connection);
            WriteVerbose($"Connected '{connection.Name}': {connection}.");
            if (PassThru)
            {
                WriteObject(connection);
            }
        }
    }
}
