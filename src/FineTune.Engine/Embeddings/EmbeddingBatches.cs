using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Embeddings
{
    /// <summary>
    /// Embedding through the Batch API (OpenAI; OPENAI-FACTS.md: half the price, results within 24 h): one request a
    /// text to <c>/v1/embeddings</c> (base64 vectors), its <c>custom_id</c> the text's journal key
    /// (<see cref="EmbeddingJournal.KeyOf"/>), up to 50,000 requests and 200 MB a batch (<see cref="BatchFiles"/>).
    /// Each batch's id and keys go to the journal as soon as it is created, so that a re-run (after Ctrl+C, or when the
    /// wait ended) picks the batch up instead of sending its texts again. The wait is bounded by
    /// <see cref="EmbeddingOptions.BatchWait"/>; a batch still running then stops the run with
    /// <see cref="FineTuneServiceException"/> (Embed, BatchPending) naming it. Vectors of an ended batch go to the journal.
    /// </summary>
    internal static class EmbeddingBatches
    {
        /// <summary>Creates the plan's batches, waits for them and for those of earlier runs, and journals their vectors; returns the requests sent and the tokens billed.</summary>
        public static async Task<(int Sent, long Billed)> RunAsync(IFineTuneProvider provider, IReadOnlyList<string> texts, EmbeddingPlan plan, EmbeddingJournal journal, EmbeddingOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            var ids = plan.PendingBatches.ToList();
            int sent = 0;
            foreach (List<int> batch in plan.Batches)
            {
                feedback.Progress(ProgressIds.Embedding, "Embedding texts", $"sending {batch.Count:N0} texts as a batch", -1);
                FineTuneBatch created = await BatchFiles.SubmitAsync(provider, "/v1/embeddings", batch.Select(i => (plan.Keys[i], Body(texts[i], options))), feedback, cancellationToken).ConfigureAwait(false);
                journal.AddBatch(created.Id, batch.Select(i => plan.Keys[i]).ToList());
                feedback.Verbose($"Batch {created.Id}: {batch.Count:N0} embedding requests sent.");
                sent += batch.Count;
                ids.Add(created.Id);
            }

            DateTime until = options.BatchWait is TimeSpan wait ? DateTime.UtcNow + wait : DateTime.MaxValue;
            long billed = 0;
            foreach (string id in ids)
            {
                FineTuneBatch state = await BatchFiles.WaitAsync(c => provider.GetBatchAsync(id, c), until, options.BatchPollInterval, s =>
                {
                    int percent = s.Total > 0 ? (int)(100 * (s.Completed + s.Failed) / s.Total) : -1;
                    feedback.Progress(ProgressIds.Embedding, "Embedding texts", string.Format(CultureInfo.InvariantCulture, "batch {0} {1}: {2:N0} of {3:N0} requests", id, s.Status, s.Completed + s.Failed, s.Total), percent);
                }, cancellationToken).ConfigureAwait(false);
                if (!state.IsFinal)
                {
                    throw new FineTuneException("Embed", ErrorKind.Timeout, "BatchPending",
                        $"Batch {id} is still {state.Status} ({state.Completed:N0} of {state.Total:N0} requests done). Run the same command again later: it picks the batch up from the journal and sends nothing again.");
                }

                if (state.Status != "completed") feedback.Warning($"Batch {id} ended {state.Status}.");
                await BatchFiles.ReadResultsAsync(provider, state, line =>
                {
                    float[]? vector = line.Body == null ? null : VectorOf(line.Body);
                    if (vector == null)
                    {
                        feedback.Verbose($"Batch {id}: no vector for {line.CustomId} ({line.Error ?? "the answer holds none"}).");
                        return;
                    }

                    billed += (long?)((line.Body!["usage"] as JsonObject)?["prompt_tokens"] as JsonValue) ?? 0;
                    journal.Add(line.CustomId, VectorMath.Normalize(vector));
                }, cancellationToken).ConfigureAwait(false);
            }

            return (sent, billed);
        }

        private static JsonObject Body(string text, EmbeddingOptions options)
        {
            var body = new JsonObject { ["model"] = options.Model, ["input"] = text, ["encoding_format"] = "base64" };
            if (options.Dimensions != null) body["dimensions"] = options.Dimensions;
            return body;
        }

        // The answer's first vector: base64 of float32 little-endian values, or an array of numbers; null when it has none,
        // or one with a value that is not a finite number (it would make every similarity with it NaN), as the direct route refuses.
        private static float[]? VectorOf(JsonObject body) => Finite(Decoded(body));

        private static float[]? Finite(float[]? vector) => vector != null && vector.Any(f => float.IsNaN(f) || float.IsInfinity(f)) ? null : vector;

        private static float[]? Decoded(JsonObject body)
        {
            JsonNode? embedding = ((body["data"] as JsonArray)?.FirstOrDefault() as JsonObject)?["embedding"];
            try
            {
                if (embedding is JsonValue v && v.TryGetValue(out string? base64))
                {
                    byte[] bytes = Convert.FromBase64String(base64);
                    if (bytes.Length == 0 || bytes.Length % 4 != 0) return null;
                    var floats = new float[bytes.Length / 4];
                    Buffer.BlockCopy(bytes, 0, floats, 0, bytes.Length);
                    return floats;
                }

                return embedding is JsonArray a && a.Count > 0 && a.All(n => n is JsonValue) ? a.Select(n => n!.GetValue<float>()).ToArray() : null;
            }
            catch (Exception ex) when (ex is FormatException || ex is InvalidOperationException)
            {
                return null;
            }
        }
    }
}
