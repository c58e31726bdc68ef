using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Moderation;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    public partial class OpenAiProvider
    {
        /// <summary>
        /// Retries a moderation request is allowed at least: a screening sends many requests in a row and
        /// meets rate limits (429 with Retry-After) as a matter of course, so it survives a run of them
        /// where a single call would give up after the connection's default 2. Each wait stays capped by
        /// the connection's MaxRetryDelaySec; <c>insufficient_quota</c> is still never retried.
        /// </summary>
        public const int ModerationMinRetries = 8;

        private readonly object moderationSync = new object();
        private ClientPipeline? moderationPipeline;

        /// <summary>
        /// Screens <paramref name="inputs"/> (one request, <c>POST /moderations</c> with
        /// <c>{"model", "input": [strings]}</c>) and returns one result per input, in order.
        /// Errors: <see cref="FineTuneServiceException"/> with Operation <c>Moderate</c> (RateLimited once
        /// the retries ran out, InsufficientQuota at once, InvalidResponse when the answer holds fewer
        /// results than inputs).
        /// </summary>
        public async Task<IReadOnlyList<ModerationResult>> ModerateAsync(IReadOnlyList<string> inputs, string? model, CancellationToken cancellationToken)
        {
            if (inputs == null || inputs.Count == 0) throw new ArgumentException("At least one input is needed.", nameof(inputs));
            var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                writer.WriteStartObject();
                writer.WriteString("model", string.IsNullOrEmpty(model) ? ModerationScreener.DefaultModel : model);
                writer.WriteStartArray("input");
                foreach (string text in inputs) writer.WriteStringValue(text);
                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            using JsonDocument doc = await SendAsync("Moderate", "POST", "moderations", BinaryContent.Create(new BinaryData(buffer.ToArray())), cancellationToken, options: new SendOptions { Pipeline = ModerationPipeline() }).ConfigureAwait(false);
            var results = new List<ModerationResult>(inputs.Count);
            JsonElement array = doc.RootElement.Child("results");
            if (array.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement r in array.EnumerateArray()) results.Add(ModerationResult.FromJson(r));
            }

            if (results.Count != inputs.Count)
            {
                throw new FineTuneServiceException("Moderate", ErrorKind.InvalidResponse, "InvalidResponse",
                    $"The moderation answer holds {results.Count} results for {inputs.Count} inputs; the endpoint may not accept array input.");
            }

            return results;
        }

        private ClientPipeline ModerationPipeline()
        {
            lock (moderationSync)
            {
                return moderationPipeline ??= Connection.MaxRetries >= ModerationMinRetries
                    ? Client.Pipeline
                    : CreateClient(ModerationMinRetries).Pipeline;
            }
        }
    }
}
