using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    public partial class OpenAiProvider
    {
        /// <summary>
        /// One chat completion (<c>POST /chat/completions</c>) of <paramref name="messages"/>; returns the first choice's
        /// answer, the token usage and the cost from <see cref="Costs"/> (null when the model has no price).
        /// Read with lenient JSON so that compatible services that leave fields out still answer. Throws
        /// <see cref="FineTuneServiceException"/> (Operation Chat).
        /// </summary>
        public virtual async Task<ChatAnswer> ChatAsync(string model, IReadOnlyList<ChatMessage> messages, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            if (messages == null || messages.Count == 0) throw new ArgumentException("At least one message is needed.", nameof(messages));
            var request = new Dictionary<string, object>
            {
                ["model"] = model,
                ["messages"] = messages.Select(m => new Dictionary<string, string> { ["role"] = m.Role, ["content"] = m.Content }).ToList(),
            };
            if (maxTokens != null) request["max_completion_tokens"] = maxTokens.Value;
            if (temperature != null) request["temperature"] = temperature.Value;
            SendOptions options = InferenceOptions(model);
            using JsonDocument doc = await SendAsync("Chat", "POST", "chat/completions", Json(request), cancellationToken, options: options).ConfigureAwait(false);
            JsonElement root = doc.RootElement;
            JsonElement choice = FirstChoice("Chat", root, options.RequestId);
            string question = messages.LastOrDefault(m => m.Role == "user")?.Content ?? messages[messages.Count - 1].Content;
            ChatAnswer answer = Answer("Chat", root, model, question, choice.Child("message").Str("content"), choice.Str("finish_reason"), options.RequestId);
            answer.Refusal = choice.Child("message").Str("refusal");
            return answer;
        }

        /// <summary>
        /// One legacy completion (<c>POST /completions</c> with <c>prompt</c>): the route of babbage-002, davinci-002 and
        /// their fine-tunes, which chat completions refuse. The answer is the first choice's <c>text</c>. Throws
        /// <see cref="FineTuneServiceException"/> (Operation Complete).
        /// </summary>
        public virtual async Task<ChatAnswer> CompleteAsync(string model, string prompt, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            var request = new Dictionary<string, object> { ["model"] = model, ["prompt"] = prompt };
            if (maxTokens != null) request["max_tokens"] = maxTokens.Value;
            if (temperature != null) request["temperature"] = temperature.Value;
            SendOptions options = InferenceOptions(model);
            using JsonDocument doc = await SendAsync("Complete", "POST", "completions", Json(request), cancellationToken, options: options).ConfigureAwait(false);
            JsonElement root = doc.RootElement;
            JsonElement choice = FirstChoice("Complete", root, options.RequestId);
            return Answer("Complete", root, model, prompt, choice.Str("text"), choice.Str("finish_reason"), options.RequestId);
        }

        /// <summary>
        /// Embeddings of <paramref name="inputs"/> (<c>POST /embeddings</c>, one request, <c>encoding_format</c> base64:
        /// float32 little-endian, a third of the bytes of JSON numbers; an answer in JSON numbers is read too): one
        /// vector per input, in input order (the answer's <c>index</c> says which), and <c>usage.prompt_tokens</c>.
        /// <paramref name="dimensions"/> shortens text-embedding-3 vectors. Sent through the bulk pipeline (at least
        /// <see cref="ModerationMinRetries"/> retries of 429 and 5xx) with the inference options (Azure: the model is a
        /// deployment name). Throws <see cref="FineTuneServiceException"/> (Operation Embed; InvalidResponse when a
        /// vector is missing, not numbers, or holds an infinite or NaN value).
        /// </summary>
        public virtual async Task<EmbeddingAnswer> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, CancellationToken cancellationToken)
        {
            if (inputs == null || inputs.Count == 0) throw new ArgumentException("At least one input is needed.", nameof(inputs));
            var request = new Dictionary<string, object> { ["model"] = model, ["input"] = inputs, ["encoding_format"] = "base64" };
            if (dimensions != null) request["dimensions"] = dimensions.Value;
            SendOptions options = InferenceOptions(model);
            options.Pipeline = ModerationPipeline();
            using JsonDocument doc = await SendAsync("Embed", "POST", "embeddings", Json(request), cancellationToken, options: options).ConfigureAwait(false);
            var vectors = new float[inputs.Count][];
            int position = 0;
            foreach (JsonElement e in Items(doc.RootElement))
            {
                long index = e.Long("index") ?? position; // compared as a long: an index of 2^32 must not wrap round to slot 0
                if (index >= 0 && index < vectors.Length) vectors[index] = Finite(VectorOf(e.Child("embedding"), (int)index, options.RequestId), (int)index, options.RequestId);
                position++;
            }

            int missing = Array.FindIndex(vectors, v => v == null);
            if (missing >= 0) throw Malformed("Embed", $"has no vector for input {missing + 1} of {inputs.Count}", options.RequestId);
            long tokens = doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Child("usage").Long("prompt_tokens") ?? 0 : 0;
            return new EmbeddingAnswer { Vectors = vectors, PromptTokens = Math.Max(0, tokens), Model = (doc.RootElement.ValueKind == JsonValueKind.Object ? doc.RootElement.Str("model") : null) ?? model };
        }

        // A base64 string of float32 little-endian values, or an array of numbers.
        private static float[] VectorOf(JsonElement values, int index, string? requestId)
        {
            if (values.ValueKind == JsonValueKind.String)
            {
                byte[] bytes;
                try
                {
                    bytes = Convert.FromBase64String(values.GetString()!);
                }
                catch (FormatException)
                {
                    throw Malformed("Embed", $"has a vector (input {index + 1}) that is not base64", requestId);
                }

                if (bytes.Length % 4 != 0) throw Malformed("Embed", $"has a vector (input {index + 1}) of {bytes.Length} bytes, not whole float32 values", requestId);
                var floats = new float[bytes.Length / 4];
                for (int i = 0; i < floats.Length; i++) floats[i] = BitConverter.ToSingle(BitConverter.IsLittleEndian ? bytes : Reverse4(bytes, i * 4), BitConverter.IsLittleEndian ? i * 4 : 0);
                return floats;
            }

            if (values.ValueKind != JsonValueKind.Array || values.EnumerateArray().Any(v => v.ValueKind != JsonValueKind.Number))
            {
                throw Malformed("Embed", $"has a vector (input {index + 1}) that is neither base64 nor a list of numbers", requestId);
            }

            return values.EnumerateArray().Select(v => v.GetSingle()).ToArray();
        }

        // A vector with an infinite or NaN value would make every similarity with it NaN: the answer is malformed.
        private static float[] Finite(float[] vector, int index, string? requestId) =>
            vector.Any(f => float.IsNaN(f) || float.IsInfinity(f)) ? throw Malformed("Embed", $"has a vector (input {index + 1}) with a value that is not a finite number", requestId) : vector;

        private static byte[] Reverse4(byte[] bytes, int offset) => new[] { bytes[offset + 3], bytes[offset + 2], bytes[offset + 1], bytes[offset] };

        /// <summary>How a chat or completion call on <paramref name="model"/> is sent (Azure retries a deployment still provisioning).</summary>
        private protected virtual SendOptions InferenceOptions(string model) => new SendOptions();

        private static BinaryContent Json(object request) => BinaryContent.Create(BinaryData.FromString(JsonSerializer.Serialize(request)));

        // The first choice; an answer that is not an object or has no choice is InvalidResponse naming the request.
        private static JsonElement FirstChoice(string operation, JsonElement root, string? requestId)
        {
            if (root.ValueKind != JsonValueKind.Object) throw Malformed(operation, $"is a JSON {root.ValueKind.ToString().ToLowerInvariant()}, not an object", requestId);
            JsonElement choices = root.Child("choices");
            if (choices.ValueKind != JsonValueKind.Array || choices.GetArrayLength() == 0)
            {
                throw Malformed(operation, choices.ValueKind == JsonValueKind.Array ? "has an empty \"choices\" list" : "has no \"choices\" list", requestId);
            }

            if (choices[0].ValueKind != JsonValueKind.Object) throw Malformed(operation, "has a first choice that is not an object", requestId);
            return choices[0];
        }

        private static FineTuneServiceException Malformed(string operation, string what, string? requestId) =>
            new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "InvalidResponse",
                $"The service's answer {what}, so there is no answer to show{(requestId != null ? " (request id " + requestId + ")" : string.Empty)}. Check that -Endpoint is an OpenAI-compatible API; quote the request id to the service's support if it persists.",
                requestId: requestId);

        private static ChatAnswer Answer(string operation, JsonElement root, string model, string question, string? text, string? finishReason, string? requestId)
        {
            JsonElement usage = root.Child("usage");
            long input = usage.Long("prompt_tokens") ?? 0, output = usage.Long("completion_tokens") ?? 0;
            if (input < 0 || output < 0 || input > int.MaxValue || output > int.MaxValue)
            {
                throw Malformed(operation, $"reports a token usage that cannot be (prompt_tokens {input}, completion_tokens {output})", requestId);
            }

            return new ChatAnswer
            {
                Model = root.Str("model") ?? model,
                Question = question,
                Answer = text,
                FinishReason = finishReason,
                PromptTokens = input,
                CompletionTokens = output,
                CostUsd = CostOf(model, input, output),
                RequestId = requestId,
            };
        }

        private static decimal? CostOf(string model, long input, long output)
        {
            try
            {
                return Costs.ChatCost(model, input, output);
            }
            catch (Models.ModelCatalogException)
            {
                return null; // a broken catalog file costs the answer its price, not the answer
            }
        }

        /// <summary>Deletes a fine-tuned model (<c>DELETE /models/{id}</c>; needs the organization's Owner role).</summary>
        public virtual async Task DeleteModelAsync(string model, CancellationToken cancellationToken)
        {
            using JsonDocument _ = await SendAsync("RemoveModel", "DELETE", "models/" + Uri.EscapeDataString(model), null, cancellationToken).ConfigureAwait(false);
        }
    }
}
