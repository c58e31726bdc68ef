using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// Creates, reads, lists and removes deployments through Azure Resource Manager
    /// (<c>{arm}/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}?api-version=2024-10-01</c>;
    /// OPENAI-FACTS.md, "Azure OpenAI"). Calls go through a System.ClientModel <see cref="ClientPipeline"/> with
    /// the bearer ARM token (scope https://management.azure.com/.default), the capped retry policy (408, 429,
    /// 5xx), the network timeout and the proxy. Failures are <see cref="FineTuneServiceException"/>.
    /// </summary>
    internal sealed class AzureDeployments : IModelDeployments
    {
        /// <summary>The ARM api-version used for every call.</summary>
        public const string ApiVersion = "2024-10-01";

        private readonly ClientPipeline pipeline;
        private readonly Uri armEndpoint;
        private readonly SecretMasker masker;
        private readonly ArmAccess access;

        /// <summary>
        /// A client for <paramref name="armEndpoint"/> (null: https://management.azure.com) with <paramref name="armToken"/>.
        /// Retries, timeout and proxy come from <paramref name="connection"/> when given (else 2 retries, 100 s).
        /// Throws <see cref="ArgumentException"/> when the token is empty.
        /// </summary>
        public AzureDeployments(Uri? armEndpoint, string armToken, FineTuneConnection? connection = null)
        {
            if (string.IsNullOrEmpty(armToken)) throw new ArgumentException("An ARM access token is needed: pass -ArmToken or sign in with Connect-AzAccount (Az.Accounts).", nameof(armToken));
            string url = (armEndpoint ?? AzureArm.DefaultEndpoint).AbsoluteUri;
            this.armEndpoint = new Uri(url.EndsWith("/", StringComparison.Ordinal) ? url : url + "/");
            masker = new SecretMasker(new[] { armToken, connection?.ApiKey }.Concat(FineTuneConnection.ProxySecrets(connection?.ProxyAddress)));
            access = new ArmAccess(this.armEndpoint, armToken);
            var options = new ClientPipelineOptions();
            Pipelines.Configure(options, connection, connection?.MaxRetries ?? 2);
            pipeline = ClientPipeline.Create(options,
                new PipelinePolicy[] { ApiKeyAuthenticationPolicy.CreateBearerAuthorizationPolicy(new ApiKeyCredential(armToken)) },
                Array.Empty<PipelinePolicy>(), Array.Empty<PipelinePolicy>());
        }

        /// <summary>
        /// Creates or updates the deployment (PUT) of <paramref name="model"/> with <paramref name="sku"/> and
        /// <paramref name="capacity"/>; returns it as ARM answers (usually Accepted).
        /// </summary>
        public async Task<AzureDeployment> CreateAsync(string subscriptionId, string resourceGroupName, string accountName, string name, string model, string sku, int capacity, CancellationToken cancellationToken)
        {
            var body = new Dictionary<string, object>
            {
                ["sku"] = new Dictionary<string, object> { ["name"] = sku, ["capacity"] = capacity },
                ["properties"] = new Dictionary<string, object>
                {
                    ["model"] = new Dictionary<string, string> { ["format"] = "OpenAI", ["name"] = model, ["version"] = "1" },
                },
            };
            using JsonDocument doc = (await SendAsync("NewDeployment", "PUT", Path(subscriptionId, resourceGroupName, accountName, name), JsonSerializer.Serialize(body), cancellationToken).ConfigureAwait(false))!;
            return Read(doc.RootElement, subscriptionId, resourceGroupName, accountName);
        }

        /// <summary>The deployment, or null when it does not exist (404).</summary>
        public async Task<AzureDeployment?> GetAsync(string subscriptionId, string resourceGroupName, string accountName, string name, CancellationToken cancellationToken)
        {
            using JsonDocument? doc = await SendAsync("GetDeployment", "GET", Path(subscriptionId, resourceGroupName, accountName, name), null, cancellationToken, allowNotFound: true).ConfigureAwait(false);
            return doc == null ? null : Read(doc.RootElement, subscriptionId, resourceGroupName, accountName);
        }

        /// <summary>
        /// Every deployment of the account (<c>GET .../deployments</c>, following <c>nextLink</c> on the ARM endpoint's own
        /// host only: the token is never sent elsewhere). A nextLink to another host, or one given before (a loop), is an
        /// InvalidResponse error.
        /// </summary>
        public async Task<IReadOnlyList<AzureDeployment>> ListAsync(string subscriptionId, string resourceGroupName, string accountName, CancellationToken cancellationToken)
        {
            var list = new List<AzureDeployment>();
            string? path = Path(subscriptionId, resourceGroupName, accountName, null);
            var seen = new HashSet<string>(StringComparer.Ordinal) { path };
            while (path != null)
            {
                using JsonDocument doc = (await SendAsync("GetDeployment", "GET", path, null, cancellationToken).ConfigureAwait(false))!;
                JsonElement value = doc.RootElement.Child("value");
                if (value.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement e in value.EnumerateArray()) list.Add(Read(e, subscriptionId, resourceGroupName, accountName));
                }

                path = NextPage(doc.RootElement.Str("nextLink"), seen);
            }

            return list;
        }

        // The next page to read, or null; a link given before would go round in a loop. (SendAsync refuses a link off the ARM host.)
        private static string? NextPage(string? link, HashSet<string> seen)
        {
            if (string.IsNullOrEmpty(link) || seen.Add(link!)) return link;
            throw new FineTuneServiceException("GetDeployment", ErrorKind.InvalidResponse, "InvalidResponse",
                "Azure Resource Manager's list of deployments has a nextLink that was given before (the pages would go round in a loop). The deployments read so far are not returned; try again, or list them in the Azure portal.");
        }

        /// <summary>Deletes the deployment (the model stays); false when there was none (204 or 404).</summary>
        public async Task<bool> DeleteAsync(string subscriptionId, string resourceGroupName, string accountName, string name, CancellationToken cancellationToken)
        {
            using JsonDocument? doc = await SendAsync("RemoveDeployment", "DELETE", Path(subscriptionId, resourceGroupName, accountName, name), null, cancellationToken, allowNotFound: true, noContentIsNull: true).ConfigureAwait(false);
            return doc != null;
        }

        /// <summary>
        /// Polls the deployment (every 0.25 s at first, doubling up to <paramref name="pollInterval"/>) until its provisioning ends (Succeeded, Failed,
        /// Canceled) or <paramref name="timeout"/> passes, reporting the state as progress. Returns the last state
        /// read; throws <see cref="FineTuneServiceException"/> (WaitDeployment.Failed / Timeout / NotFound).
        /// </summary>
        public async Task<AzureDeployment> WaitAsync(AzureDeployment deployment, TimeSpan pollInterval, TimeSpan timeout, IFeedback feedback, CancellationToken cancellationToken)
        {
            AzureDeployment current = deployment;
            string activity = $"Deploying {deployment.ModelName} as {deployment.Name}";
            TimeSpan delay = TimeSpan.FromMilliseconds(250);
            FineTuneServiceException TimedOut() => new FineTuneServiceException("WaitDeployment", ErrorKind.Timeout, "Timeout",
                $"Deployment {deployment.Name} is still {current.ProvisioningState} after {timeout.TotalSeconds:0} s. Check it later with Get-FineTuneDeployment.");

            // the timeout bounds the whole wait, ARM calls and their retries included
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            if (timeout.TotalMilliseconds < int.MaxValue) deadline.CancelAfter(timeout < TimeSpan.Zero ? TimeSpan.Zero : timeout);
            try
            {
                while (!current.IsTerminal)
                {
                    feedback.Progress(ProgressIds.Deployment, activity, "Provisioning state: " + current.ProvisioningState, -1);
                    await Task.Delay(delay, deadline.Token).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks, delay.Ticks * 2));
                    current = await GetAsync(deployment.SubscriptionId, deployment.ResourceGroupName, deployment.AccountName, deployment.Name, deadline.Token).ConfigureAwait(false)
                        ?? throw new FineTuneServiceException("WaitDeployment", ErrorKind.NotFound, "NotFound", $"Deployment {deployment.Name} disappeared while it was provisioning.");
                }
            }
            catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
                (ex is OperationCanceledException || (ex is FineTuneServiceException f && f.Kind == ErrorKind.Timeout)))
            {
                throw TimedOut();
            }

            feedback.Progress(ProgressIds.Deployment, activity, current.ProvisioningState ?? string.Empty, 100, completed: true);
            if (!current.IsReady)
            {
                throw new FineTuneServiceException("WaitDeployment", ErrorKind.InvalidRequest, "DeploymentFailed",
                    $"Deployment {current.Name} ended {current.ProvisioningState}. Check the model, SKU and quota of account {current.AccountName} in the Azure portal.");
            }

            return current;
        }

        /// <summary>A deployment as ARM describes it, carrying this client's <see cref="ArmAccess"/>.</summary>
        private AzureDeployment Read(JsonElement e, string subscriptionId, string resourceGroupName, string accountName)
        {
            AzureDeployment d = AzureDeployment.FromJson(e, subscriptionId, resourceGroupName, accountName);
            d.ArmAccess = access;
            return d;
        }

        /// <summary>The ARM path of a deployment (or the account's deployments when <paramref name="name"/> is null), with the api-version.</summary>
        public static string Path(string subscriptionId, string resourceGroupName, string accountName, string? name) =>
            "subscriptions/" + Uri.EscapeDataString(subscriptionId) + "/resourceGroups/" + Uri.EscapeDataString(resourceGroupName) +
            "/providers/Microsoft.CognitiveServices/accounts/" + Uri.EscapeDataString(accountName) + "/deployments" +
            (name == null ? string.Empty : "/" + Uri.EscapeDataString(name)) + "?api-version=" + ApiVersion;

        private async Task<JsonDocument?> SendAsync(string operation, string method, string path, string? json, CancellationToken cancellationToken, bool allowNotFound = false, bool noContentIsNull = false)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using PipelineMessage message = pipeline.CreateMessage();
            message.Apply(new RequestOptions { CancellationToken = cancellationToken, ErrorOptions = ClientErrorBehaviors.NoThrow });
            message.ResponseClassifier = PipelineMessageClassifier.Create(stackalloc ushort[] { 200, 201, 202, 204 });
            message.Request.Method = method;
            Uri uri = Uri.TryCreate(path, UriKind.Absolute, out Uri? absolute) ? absolute : new Uri(armEndpoint, path);
            if (Uri.Compare(uri, armEndpoint, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) != 0)
            {
                // a link from an answer (nextLink) to another host: the bearer token goes with every request, so none is sent
                throw new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "InvalidResponse",
                    $"Azure Resource Manager answered a link to another host ({uri.Host}); the ARM token is not sent there. Try again, or use the Azure portal.");
            }

            message.Request.Uri = uri;
            message.Request.Headers.Set("Accept", "application/json");
            if (json != null)
            {
                message.Request.Content = BinaryContent.Create(BinaryData.FromString(json));
                message.Request.Headers.Set("Content-Type", "application/json");
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
            if (allowNotFound && response.Status == 404) return null;
            if (response.IsError) throw Masked(WireErrors.FromResponse(operation, response.Status, response, response.ReasonPhrase));
            if (response.Status == 204 || response.Content.ToMemory().Length == 0) return noContentIsNull && response.Status == 204 ? null : JsonDocument.Parse("{}");
            try
            {
                return JsonDocument.Parse(masker.MaskBody(response.Content).ToMemory());
            }
            catch (JsonException ex)
            {
                throw WireErrors.FromException(operation, ex, false);
            }
        }

        private Exception Masked(Exception ex) => ex is FineTuneServiceException f ? f.MaskedWith(masker) : ex;
    }
}
