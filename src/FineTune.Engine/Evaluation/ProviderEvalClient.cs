using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// A comparison's wire through the provider port: chat or completions calls, and the Batch API as an uploaded
    /// input file (purpose <c>batch</c>), a batch, and its output and error files read back.
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
        public async Task<ModelReply> SendAsync(EvalRequest request, CancellationToken cancellationToken)
        {
            ChatAnswer a = request.Messages == null
                ? await provider.CompleteAsync(request.Model, request.Prompt ?? string.Empty, request.MaxTokens, request.Temperature, cancellationToken).ConfigureAwait(false)
                : await provider.ChatAsync(request.Model, request.Messages, request.MaxTokens, request.Temperature, cancellationToken).ConfigureAwait(false);
            return new ModelReply { Text = a.Answer ?? string.Empty, PromptTokens = a.PromptTokens, CompletionTokens = a.CompletionTokens };
        }

        /// <summary>
        /// Writes the requests as a batch input file (<c>{"custom_id","method":"POST","url","body"}</c> lines, UTF-8
        /// without a BOM, in the temporary folder), uploads it with purpose <c>batch</c> and creates the batch.
        /// </summary>
        public async Task<string> CreateBatchAsync(IReadOnlyList<EvalRequest> requests, CancellationToken cancellationToken)
        {
            string url = requests[0].Messages == null ? "/v1/completions" : "/v1/chat/completions";
            string temp = Path.Combine(Path.GetTempPath(), "finetune-batch-" + Guid.NewGuid().ToString("N") + ".jsonl");
            try
            {
                var text = new StringBuilder();
                foreach (EvalRequest r in requests)
                {
                    text.Append(new JsonObject { ["custom_id"] = r.Key, ["method"] = "POST", ["url"] = url, ["body"] = BodyOf(r) }.ToJsonString()).Append('\n');
                }

                File.WriteAllText(temp, text.ToString(), new UTF8Encoding(false));
                FineTuneFile file = await provider.UploadFileAsync(temp, "batch", false, null, feedback, cancellationToken).ConfigureAwait(false);
                return (await provider.CreateBatchAsync(file.Id, url, cancellationToken).ConfigureAwait(false)).Id;
            }
            finally
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // a temporary file left behind costs nothing
                }
            }
        }

        /// <inheritdoc/>
        public Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken) => provider.GetBatchAsync(batchId, cancellationToken);

        /// <summary>Reads the output and error files: one result per <c>custom_id</c>; a line that is not JSON is <see cref="FineTuneServiceException"/> (InvalidResponse).</summary>
        public async Task<IReadOnlyList<BatchResult>> GetBatchResultsAsync(FineTuneBatch batch, CancellationToken cancellationToken)
        {
            var results = new List<BatchResult>();
            foreach (string? fileId in new[] { batch.OutputFileId, batch.ErrorFileId })
            {
                if (string.IsNullOrEmpty(fileId)) continue;
                byte[] content = await provider.DownloadFileAsync(fileId!, cancellationToken).ConfigureAwait(false);
                int number = 0;
                foreach (string line in Encoding.UTF8.GetString(content).Split('\n'))
                {
                    number++;
                    if (line.Trim().Length == 0) continue;
                    JsonObject o;
                    try
                    {
                        o = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("not an object");
                    }
                    catch (JsonException ex)
                    {
                        throw new FineTuneServiceException("Batch", ErrorKind.InvalidResponse, "InvalidResponse", $"Line {number} of the batch file {fileId} is not a JSON object ({ex.Message}).");
                    }

                    string key = (string?)(o["custom_id"] as JsonValue) ?? string.Empty;
                    JsonObject? response = o["response"] as JsonObject;
                    JsonObject? body = response?["body"] as JsonObject;
                    int status = response?["status_code"] is JsonValue s && s.TryGetValue(out int code) ? code : 0;
                    if (status == 200 && body != null)
                    {
                        JsonObject? choice = (body["choices"] as JsonArray)?.FirstOrDefault() as JsonObject;
                        JsonObject? usage = body["usage"] as JsonObject;
                        results.Add(new BatchResult
                        {
                            Key = key,
                            Reply = new ModelReply
                            {
                                Text = (string?)((choice?["message"] as JsonObject)?["content"] as JsonValue) ?? (string?)(choice?["text"] as JsonValue) ?? string.Empty,
                                PromptTokens = (long?)(usage?["prompt_tokens"] as JsonValue) ?? 0,
                                CompletionTokens = (long?)(usage?["completion_tokens"] as JsonValue) ?? 0,
                            },
                        });
                    }
                    else
                    {
                        string? message = (string?)((o["error"] as JsonObject)?["message"] as JsonValue) ?? (string?)(((body?["error"]) as JsonObject)?["message"] as JsonValue);
                        results.Add(new BatchResult { Key = key, Error = message ?? $"status {status}" });
                    }
                }
            }

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
