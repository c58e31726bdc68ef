using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    public partial class OpenAiProvider
    {
        /// <summary>
        /// Creates a batch (<c>POST /batches</c>, completion_window 24h) of the requests in <paramref name="inputFileId"/>
        /// (a JSONL file uploaded with purpose <c>batch</c>) for <paramref name="endpoint"/>. Sent once (no automatic
        /// retry: a retried create could start a second, paid batch). Throws <see cref="FineTuneServiceException"/> (Operation Batch).
        /// </summary>
        public virtual async Task<FineTuneBatch> CreateBatchAsync(string inputFileId, string endpoint, CancellationToken cancellationToken)
        {
            var body = new Dictionary<string, string> { ["input_file_id"] = inputFileId, ["endpoint"] = endpoint, ["completion_window"] = "24h" };
            using JsonDocument doc = await SendAsync("Batch", "POST", "batches", BinaryContent.Create(BinaryData.FromString(JsonSerializer.Serialize(body))), cancellationToken, options: new SendOptions { NoRetry = true }).ConfigureAwait(false);
            return BatchOf(doc.RootElement);
        }

        /// <summary>One batch (<c>GET /batches/{id}</c>). Throws <see cref="FineTuneServiceException"/> (Operation Batch).</summary>
        public virtual async Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync("Batch", "GET", "batches/" + Uri.EscapeDataString(batchId), null, cancellationToken).ConfigureAwait(false);
            return BatchOf(doc.RootElement);
        }

        private static FineTuneBatch BatchOf(JsonElement root)
        {
            JsonElement counts = root.Child("request_counts");
            return new FineTuneBatch
            {
                Id = root.Str("id") ?? throw new FineTuneServiceException("Batch", ErrorKind.InvalidResponse, "InvalidResponse", "The service answered a batch without an id."),
                Status = root.Str("status") ?? string.Empty,
                Endpoint = root.Str("endpoint"),
                Completed = counts.Long("completed") ?? 0,
                Failed = counts.Long("failed") ?? 0,
                Total = counts.Long("total") ?? 0,
                OutputFileId = root.Str("output_file_id"),
                ErrorFileId = root.Str("error_file_id"),
            };
        }
    }
}
