using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// A comparison's wire through the provider port: chat or completions calls, and the Batch API
    /// (<see cref="BatchFiles"/>: an uploaded input file, a batch, its output and error files read back).
    /// </summary>
    public sealed class ProviderEvalClient : IEvalClient
    {
        private readonly IFineTuneProvider provider;
        private readonly IFeedback feedback;

        /// <summary>Wraps <paramref name="provider"/>; <paramref name="feedback"/> gets the batch file's upload.</summary>
        public ProviderEvalClient(IFineTuneProvider provider, IFeedback feedback)
        {
            this.provider = provider ?? throw new ArgumentNullException(nameof(provider));
            this.feedback = feedback ?? NoFeedback.Instance;
        }

        /// <inheritdoc/>
        public bool BatchServesFineTunedModels => provider.BatchServesFineTunedModels;

        /// <inheritdoc/>
        public async Task<ModelReply> SendAsync(EvalRequest request, CancellationToken cancellationToken)
        {
            ChatAnswer a = request.Messages == null
                ? await provider.CompleteAsync(request.Model, request.Prompt ?? string.Empty, request.MaxTokens, request.Temperature, cancellationToken).ConfigureAwait(false)
                : await provider.ChatAsync(request.Model, request.Messages, request.MaxTokens, request.Temperature, cancellationToken).ConfigureAwait(false);
            return new ModelReply { Text = a.Answer ?? string.Empty, PromptTokens = a.PromptTokens, CompletionTokens = a.CompletionTokens };
        }

        /// <summary>Sends the requests as one batch (<see cref="BatchFiles.SubmitAsync"/>; custom_id = the request's journal key).</summary>
        public async Task<string> CreateBatchAsync(IReadOnlyList<EvalRequest> requests, CancellationToken cancellationToken)
        {
            string url = requests[0].Messages == null ? "/v1/completions" : "/v1/chat/completions";
            return (await BatchFiles.SubmitAsync(provider, url, requests.Select(r => (r.Key, BodyOf(r))), feedback, cancellationToken).ConfigureAwait(false)).Id;
        }

        /// <inheritdoc/>
        public Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken) => provider.GetBatchAsync(batchId, cancellationToken);

        /// <summary>Reads the output and error files (<see cref="BatchFiles.ReadResultsAsync"/>): one result per <c>custom_id</c>.</summary>
        public async Task<IReadOnlyList<BatchResult>> GetBatchResultsAsync(FineTuneBatch batch, CancellationToken cancellationToken)
        {
            var results = new List<BatchResult>();
            await BatchFiles.ReadResultsAsync(provider, batch, line =>
            {
                if (line.Body == null)
                {
                    results.Add(new BatchResult { Key = line.CustomId, Error = line.Error });
                    return;
                }

                JsonObject? choice = (line.Body["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
                JsonObject? usage = line.Body["usage"] as JsonObject;
                results.Add(new BatchResult
                {
                    Key = line.CustomId,
                    Reply = new ModelReply
                    {
                        Text = (string?)((choice?["message"] as JsonObject)?["content"] as JsonValue) ?? (string?)(choice?["text"] as JsonValue) ?? string.Empty,
                        PromptTokens = (long?)(usage?["prompt_tokens"] as JsonValue) ?? 0,
                        CompletionTokens = (long?)(usage?["completion_tokens"] as JsonValue) ?? 0,
                    },
                });
            }, cancellationToken).ConfigureAwait(false);

            return results;
        }

        private static JsonObject BodyOf(EvalRequest r)
        {
            var body = new JsonObject { ["model"] = r.Model };
            if (r.Messages != null)
            {
                body["messages"] = new JsonArray(r.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray());
                if (r.MaxTokens != null) body["max_completion_tokens"] = r.MaxTokens;
            }
            else
            {
                body["prompt"] = r.Prompt;
                if (r.MaxTokens != null) body["max_tokens"] = r.MaxTokens;
            }

            if (r.Temperature != null) body["temperature"] = r.Temperature;
            return body;
        }
    }
}
