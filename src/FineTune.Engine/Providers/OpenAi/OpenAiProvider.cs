using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using OpenAI;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// OpenAI's wire format (api.openai.com and compatible base URLs, the FineTune emulator among them): the one
    /// place besides <see cref="AzureProvider"/> that talks to the OpenAI SDK (DESIGN.md 2.3). Every call goes
    /// through the SDK's client pipeline (authentication, organization/project headers, retries, timeout, proxy)
    /// and is read into our own types with lenient JSON, so shapes the typed SDK models reject (Azure's statuses,
    /// nulls, new fields) never break a command. Every method takes the caller's cancellation token and throws
    /// <see cref="FineTuneServiceException"/> on failure. <see cref="AzureProvider"/> derives from it and
    /// overrides what Azure OpenAI does differently.
    /// </summary>
    public partial class OpenAiProvider : IFineTuneProvider
    {
        private readonly Uri baseUri;
        private readonly bool apiKeyHeader;
        private readonly object clientSync = new object();
        private OpenAIClient? client;

        /// <summary>A provider for <paramref name="connection"/>; nothing is sent and no key is needed until the first call (which throws the NoApiKey error without one).</summary>
        public OpenAiProvider(FineTuneConnection connection)
            : this(connection, false)
        {
        }

        /// <summary>
        /// For a provider that differs: <paramref name="apiKeyHeader"/> sends a key in the <c>api-key</c> header as well
        /// as <c>Authorization: Bearer</c>.
        /// </summary>
        protected OpenAiProvider(FineTuneConnection connection, bool apiKeyHeader)
        {
            Connection = connection ?? throw new ArgumentNullException(nameof(connection));
            string url = connection.Endpoint.AbsoluteUri;
            baseUri = new Uri(url.EndsWith("/", StringComparison.Ordinal) ? url : url + "/");
            this.apiKeyHeader = apiKeyHeader;
        }

        /// <inheritdoc/>
        public virtual string Name => "OpenAI";

        /// <inheritdoc/>
        public virtual bool SignsInWithEntraId => false;

        /// <inheritdoc/>
        public virtual DatasetTarget Target => DatasetTarget.OpenAI;

        /// <inheritdoc/>
        public virtual bool HandsOutTrainingFiles => false;

        /// <inheritdoc/>
        public virtual bool BatchServesEmbeddings => true;

        /// <inheritdoc/>
        public virtual bool BatchServesFineTunedModels => true;

        /// <inheritdoc/>
        public virtual void CheckJob(JobRequest request)
        {
            request.Validate();
            if (request.TrainingType != null)
            {
                throw new ArgumentException($"-TrainingType applies to Azure OpenAI only; this connection is to {Connection.Provider}. Leave -TrainingType out, or Connect-FineTune to an Azure endpoint (-Provider Azure for a URL that does not tell).");
            }
        }

        /// <summary>The SDK client, made at the first call (NoApiKey error when the connection has no key).</summary>
        private OpenAIClient Client
        {
            get
            {
                lock (clientSync)
                {
                    return client ??= CreateClient(Connection.MaxRetries);
                }
            }
        }

        /// <summary>
        /// An SDK client whose retry policy allows <paramref name="maxRetries"/> retries. The key or Entra ID token goes as
        /// <c>Authorization: Bearer</c>; with <see cref="apiKeyHeader"/> a key also as the <c>api-key</c> header (OPENAI-FACTS.md, "Azure OpenAI").
        /// </summary>
        private OpenAIClient CreateClient(int maxRetries)
        {
            if (Connection.ApiKey == null) throw FineTuneServiceException.NoKey("Connect");
            var options = new OpenAIClientOptions
            {
                Endpoint = Connection.Endpoint,
                OrganizationId = Connection.Organization,
                ProjectId = Connection.Project,
                UserAgentApplicationId = "FineTune-PowerShell",
            };
            Pipelines.Configure(options, Connection, maxRetries);
            if (apiKeyHeader && Connection.AuthKind == AuthKind.ApiKey)
            {
                options.AddPolicy(ApiKeyAuthenticationPolicy.CreateHeaderApiKeyPolicy(new ApiKeyCredential(Connection.ApiKey), "api-key"), PipelinePosition.PerCall);
            }

            return new OpenAIClient(new ApiKeyCredential(Connection.ApiKey), options);
        }

        /// <inheritdoc/>
        public FineTuneConnection Connection { get; }

        /// <summary>Lists the models the endpoint serves (<c>GET /models</c>).</summary>
        public virtual async Task<IReadOnlyList<FineTuneModel>> ListModelsAsync(CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync("GetModel", "GET", "models", null, cancellationToken).ConfigureAwait(false);
            var list = new List<FineTuneModel>();
            foreach (JsonElement e in Items(doc.RootElement))
            {
                list.Add(FineTuneModel.FromJson(e));
            }

            // a fine-tuned model serves until its base model shuts down
            var byId = new Dictionary<string, FineTuneModel>(StringComparer.Ordinal);
            foreach (FineTuneModel m in list) byId[m.Id] = m;
            foreach (FineTuneModel m in list)
            {
                if (m.ShutdownDate == null && m.BaseModel != null && byId.TryGetValue(m.BaseModel, out FineTuneModel? b)) m.ShutdownDate = b.ShutdownDate;
            }

            return list;
        }

        /// <summary>
        /// Whether the endpoint serves the model <paramref name="id"/> (<c>GET /models/{id}</c>), asked before an
        /// upload so that a mistyped model costs none. <see cref="ModelLookup.Serves"/>: true when it answers with
        /// the model; false on 404 <c>model_not_found</c> (OpenAI's answer for a model that does not exist or that
        /// the key cannot use); null when it cannot tell: another 404 (a compatible server without the route), or
        /// a failure to ask (5xx, 429 or a dropped connection after the retries, a 401 without a code, which is a
        /// restricted key without the models scope), whose message is <see cref="ModelLookup.Unanswered"/>. A wrong
        /// key (401 <c>invalid_api_key</c>) or <c>insufficient_quota</c> would fail the upload too: those throw
        /// <see cref="FineTuneServiceException"/>.
        /// </summary>
        public virtual async Task<ModelLookup> LookUpModelAsync(string id, CancellationToken cancellationToken)
        {
            try
            {
                using JsonDocument doc = await SendAsync("GetModel", "GET", "models/" + Uri.EscapeDataString(id), null, cancellationToken).ConfigureAwait(false);
                return new ModelLookup(true, null);
            }
            catch (FineTuneServiceException ex) when (ex.Kind == ErrorKind.NotFound)
            {
                return new ModelLookup(ex.Code == "model_not_found" ? false : (bool?)null, null);
            }
            catch (FineTuneServiceException ex) when (ex.Code != "invalid_api_key" && ex.Kind != ErrorKind.QuotaExceeded && !cancellationToken.IsCancellationRequested)
            {
                return new ModelLookup(null, ex.Message);
            }
        }

        /// <summary>Gets one model by id (<c>GET /models/{id}</c>).</summary>
        public virtual async Task<FineTuneModel> GetModelAsync(string id, CancellationToken cancellationToken)
        {
            FineTuneModel model;
            using (JsonDocument doc = await SendAsync("GetModel", "GET", "models/" + Uri.EscapeDataString(id), null, cancellationToken).ConfigureAwait(false))
            {
                model = FineTuneModel.FromJson(doc.RootElement);
            }

            if (model.ShutdownDate == null && model.BaseModel != null)
            {
                try
                {
                    using JsonDocument b = await SendAsync("GetModel", "GET", "models/" + Uri.EscapeDataString(model.BaseModel), null, cancellationToken).ConfigureAwait(false);
                    model.ShutdownDate = FineTuneModel.FromJson(b.RootElement).ShutdownDate; // a fine-tuned model serves until its base shuts down
                }
                catch (FineTuneServiceException)
                {
                    // the base model is not listed: no date to give
                }
            }

            return model;
        }

        /// <summary>The <c>data</c> array of a list answer (empty when missing).</summary>
        internal static IEnumerable<JsonElement> Items(JsonElement root)
        {
            JsonElement data = root.Child("data");
            if (data.ValueKind != JsonValueKind.Array) yield break;
            foreach (JsonElement e in data.EnumerateArray()) yield return e;
        }

        /// <summary>
        /// Sends one request through the SDK's pipeline and returns the parsed JSON answer.
        /// <paramref name="path"/> is relative to the endpoint (no leading slash), with its query.
        /// </summary>
        internal async Task<JsonDocument> SendAsync(string operation, string method, string path, BinaryContent? content, CancellationToken cancellationToken, string? contentType = "application/json", SendOptions? options = null)
        {
            options ??= new SendOptions();
            BinaryData body = Connection.Masker.MaskBody(await SendRawAsync(operation, method, path, content, cancellationToken, contentType, options).ConfigureAwait(false));
            try
            {
                return JsonDocument.Parse(body.ToMemory());
            }
            catch (JsonException ex)
            {
                throw Masked(WireErrors.NotJson(operation, body, options.RequestId, Connection.Endpoint, ex));
            }
        }

        /// <summary>A service failure with this connection's secrets masked (see <see cref="SecretMasker"/>); other exceptions as they are.</summary>
        internal Exception Masked(Exception ex) => ex is FineTuneServiceException f ? f.MaskedWith(Connection.Masker) : ex;

        /// <summary>Per-call options: no automatic retry (create calls), a longer network timeout (uploads), the answer's request id.</summary>
        internal sealed class SendOptions
        {
            public bool NoRetry { get; set; }

            public TimeSpan? NetworkTimeout { get; set; }

            public string? RequestId { get; set; }

            /// <summary>Retries of a 404 DeploymentNotFound (a deployment still provisioning; Azure); 0: none.</summary>
            public int DeploymentNotReadyRetries { get; set; }

            /// <summary>Another pipeline of this connection to send through (moderation's, which allows more retries).</summary>
            public ClientPipeline? Pipeline { get; set; }
        }

        /// <summary>Sends one request and returns the raw body (file content, for example).</summary>
        internal async Task<BinaryData> SendRawAsync(string operation, string method, string path, BinaryContent? content, CancellationToken cancellationToken, string? contentType = "application/json", SendOptions? options = null)
        {
            using PipelineMessage message = await SendMessageAsync(operation, method, path, content, cancellationToken, contentType, options, bufferResponse: true).ConfigureAwait(false);
            return message.Response!.Content;
        }

        /// <summary>
        /// Sends one request and returns the message with a success response (the caller disposes it). With
        /// <paramref name="bufferResponse"/> false the body is not read into memory: <c>Response.ContentStream</c> is
        /// the live network stream, each read limited by the network timeout (the SDK's ReadTimeoutStream), so a
        /// long download that keeps arriving is never cut; an error answer's body is still read (it is small) to
        /// build the <see cref="FineTuneServiceException"/>.
        /// </summary>
        internal async Task<PipelineMessage> SendMessageAsync(string operation, string method, string path, BinaryContent? content, CancellationToken cancellationToken, string? contentType, SendOptions? options, bool bufferResponse)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ClientPipeline pipeline = options?.Pipeline ?? Client.Pipeline;
            PipelineMessage message = pipeline.CreateMessage();
            try
            {
                message.Apply(new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow, BufferResponse = bufferResponse });
                message.ResponseClassifier = PipelineMessageClassifier.Create(stackalloc ushort[] { 200, 201, 204 });
                if (options?.NoRetry == true) CappedRetryPolicy.DisableFor(message);
                if (options?.DeploymentNotReadyRetries > 0) CappedRetryPolicy.RetryWhileDeploying(message, options.DeploymentNotReadyRetries);
                if (options?.NetworkTimeout is TimeSpan timeout) message.NetworkTimeout = timeout;
                PipelineRequest request = message.Request;
                request.Method = method;
                request.Uri = new Uri(baseUri, path);
                request.Headers.Set("Accept", "application/json");
                if (content != null)
                {
                    request.Content = content;
                    if (contentType != null) request.Headers.Set("Content-Type", contentType);
                }

                try
                {
                    await pipeline.SendAsync(message).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is FineTuneServiceException))
                {
                    throw Masked(WireErrors.FromException(operation, ex, cancellationToken.IsCancellationRequested));
                }

                PipelineResponse response = message.Response!;
                if (response.IsError)
                {
                    if (!bufferResponse) await CappedRetryPolicy.TryBufferAsync(response, cancellationToken).ConfigureAwait(false);
                    throw Masked(WireErrors.FromResponse(operation, response.Status, response, response.ReasonPhrase));
                }

                if (options != null && response.Headers.TryGetValue("x-request-id", out string? id)) options.RequestId = id;
                return message;
            }
            catch
            {
                message.Dispose();
                throw;
            }
        }
    }
}
