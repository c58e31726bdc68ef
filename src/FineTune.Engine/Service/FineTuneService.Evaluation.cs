using System;
using System.ClientModel;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Evaluation;

namespace FineTune.Engine.Service
{
    public sealed partial class FineTuneService : IEvalClient
    {
        /// <summary>
        /// Sends one comparison request: <c>POST /chat/completions</c> with the messages, or <c>POST /completions</c>
        /// with the prompt (legacy models). Throws <see cref="FineTuneServiceException"/> (Operation CompareModel).
        /// </summary>
        public async Task<ModelReply> SendAsync(EvalRequest request, CancellationToken cancellationToken)
        {
            string route = request.Messages == null ? "completions" : "chat/completions";
            using JsonDocument doc = await SendAsync("CompareModel", "POST", route, BinaryContent.Create(BinaryData.FromString(BodyOf(request).ToJsonString())), cancellationToken).ConfigureAwait(false);
            return ReplyOf(doc.RootElement);
        }

        /// <summary>
        /// Writes the requests as a batch input file (<c>{"custom_id","method":"POST","url","body"}</c> lines, UTF-8
        /// without a BOM), uploads it with purpose <c>batch</c> and creates the batch (<c>POST /batches</c>,
        /// completion_window 24h). Returns the batch id.
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
                FineTuneFile file = await UploadFileAsync(temp, "batch", false, null, NoFeedback.Instance, cancellationToken).ConfigureAwait(false);
                var body = new JsonObject { ["input_file_id"] = file.Id, ["endpoint"] = url, ["completion_window"] = "24h" };
                using JsonDocument doc = await SendAsync("CompareModel", "POST", "batches", BinaryContent.Create(BinaryData.FromString(body.ToJsonString())), cancellationToken, options: new SendOptions { NoRetry = true }).ConfigureAwait(false);
                return doc.RootElement.Str("id") ?? throw new FineTuneServiceException("CompareModel", ErrorKind.InvalidResponse, "NoBatchId", "The service created a batch but named no id.");
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

        /// <summary>Where a batch stands (<c>GET /batches/{id}</c>).</summary>
        public async Task<BatchState> GetBatchAsync(string batchId, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync("CompareModel", "GET", "batches/" + Uri.EscapeDataString(batchId), null, cancellationToken).ConfigureAwait(false);
            JsonElement root = doc.RootElement, counts = root.Child("request_counts");
            return new BatchState
            {
                Id = root.Str("id") ?? batchId,
                Status = root.Str("status") ?? string.Empty,
                Completed = counts.Long("completed") ?? 0,
                Failed = counts.Long("failed") ?? 0,
                Total = counts.Long("total") ?? 0,
                OutputFileId = root.Str("output_file_id"),
                ErrorFileId = root.Str("error_file_id"),
            };
        }

        /// <summary>Reads a finished batch's output and error files (<c>GET /files/{id}/content</c>): one result per <c>custom_id</c>.</summary>
        public async Task<IReadOnlyList<BatchResult>> GetBatchResultsAsync(BatchState batch, CancellationToken cancellationToken)
        {
            var results = new List<BatchResult>();
            foreach (string? fileId in new[] { batch.OutputFileId, batch.ErrorFileId })
            {
                if (string.IsNullOrEmpty(fileId)) continue;
                BinaryData content = await SendRawAsync("CompareModel", "GET", $"files/{Uri.EscapeDataString(fileId)}/content", null, cancellationToken, contentType: null).ConfigureAwait(false);
                foreach (string line in content.ToString().Split('\n'))
                {
                    if (line.Trim().Length == 0) continue;
                    using JsonDocument doc = JsonDocument.Parse(line);
                    JsonElement root = doc.RootElement, response = root.Child("response");
                    string key = root.Str("custom_id") ?? string.Empty;
                    long status = response.Long("status_code") ?? 0;
                    if (status == 200 && response.Child("body").ValueKind == JsonValueKind.Object)
                    {
                        results.Add(new BatchResult { Key = key, Reply = ReplyOf(response.Child("body")) });
                    }
                    else
                    {
                        string message = root.Child("error").Str("message") ?? response.Child("body").Child("error").Str("message") ?? $"status {status}";
                        results.Add(new BatchResult { Key = key, Error = message });
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

        private static ModelReply ReplyOf(JsonElement root)
        {
            JsonElement choices = root.Child("choices");
            JsonElement choice = choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0 ? choices[0] : default;
            JsonElement usage = root.Child("usage");
            return new ModelReply
            {
                Text = choice.Child("message").Str("content") ?? choice.Str("text") ?? string.Empty,
                PromptTokens = usage.Long("prompt_tokens") ?? 0,
                CompletionTokens = usage.Long("completion_tokens") ?? 0,
            };
        }
    }
}
