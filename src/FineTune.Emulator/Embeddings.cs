using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>POST /embeddings</c> {model, input: a string or an array of strings, dimensions?, encoding_format float|base64}.
    /// Vectors are deterministic and need no model: every lower-cased word (letters and digits), every pair of
    /// neighbouring words and every character trigram of the text is hashed (FNV-1a, 64 bits) to one of the vector's
    /// components with a sign from the hash, the counts are summed and the vector is scaled to length 1. Texts that
    /// share words therefore have a high cosine similarity, unrelated texts one near 0. Models: text-embedding-3-small
    /// (1,536 dimensions), text-embedding-3-large (3,072) and text-embedding-ada-002 (1,536; refuses
    /// <c>dimensions</c>, as the service does). The service's limits (OPENAI-FACTS.md): at most 2,048 inputs, 8,192
    /// tokens an input and 300,000 tokens a request, tokens estimated as for chat
    /// (<see cref="TrainingFile.EstimateTokens"/>: one per 4 characters); usage reports prompt_tokens = total_tokens.
    /// Azure flavour: the model is a deployment name, 404 DeploymentNotFound until it has Succeeded.
    /// </summary>
    public static partial class EmbeddingRoutes
    {
        /// <summary>At most this many inputs a request.</summary>
        public const int MaxInputs = 2048;

        /// <summary>At most this many tokens an input.</summary>
        public const int MaxTokensPerInput = 8192;

        /// <summary>At most this many tokens a request (all inputs together).</summary>
        public const int MaxTokensPerRequest = 300_000;

        /// <summary>The embedding models and their native dimensions.</summary>
        public static readonly IReadOnlyDictionary<string, int> Dimensions = new Dictionary<string, int>(StringComparer.Ordinal)
        {
            ["text-embedding-3-small"] = 1536,
            ["text-embedding-3-large"] = 3072,
            ["text-embedding-ada-002"] = 1536,
        };

        /// <summary>Maps the route on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/embeddings", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                (Parsed? parsed, RouteAnswer? refused) = Parse(state, body);
                if (parsed == null) return Results.Json(refused!.Body, statusCode: refused.Status);
                var vectors = parsed.Inputs.Select(t => Vector(t, parsed.Dimensions)).ToList();
                return Results.Stream(stream => Write(stream, parsed.Model, vectors, parsed.Format, parsed.Tokens), "application/json");
            });
        }

        /// <summary>The answer to one embeddings request as a JSON tree (a batch's line; the route streams the same shape).</summary>
        public static RouteAnswer Answer(EmulatorState state, JsonObject body)
        {
            (Parsed? p, RouteAnswer? refused) = Parse(state, body);
            if (p == null) return refused!;
            using var stream = new System.IO.MemoryStream();
            Write(stream, p.Model, p.Inputs.Select(t => Vector(t, p.Dimensions)).ToList(), p.Format, p.Tokens).GetAwaiter().GetResult();
            return new RouteAnswer(200, JsonNode.Parse(stream.ToArray())!.AsObject());
        }

        private sealed record Parsed(string Model, List<string> Inputs, int Dimensions, string Format, long Tokens);

        private static (Parsed?, RouteAnswer?) Fail(RouteAnswer error) => (null, error);

        private static (Parsed?, RouteAnswer?) Fail(int status, string message, string param, string code) => (null, new RouteAnswer(status, ApiError.Body(message, "invalid_request_error", param, code)));

        /// <summary>Checks a request as the service does: the model, inputs, dimensions, format and the limits.</summary>
        private static (Parsed?, RouteAnswer?) Parse(EmulatorState state, JsonObject body)
        {
            string? model = Requests.String(body, "model");
            if (string.IsNullOrEmpty(model)) return Fail(400, "Missing required parameter: 'model'.", "model", "missing_required_parameter");
            string requested = model;
            if (state.Options.IsAzure)
            {
                Deployment? d = DeploymentRoutes.Find(state, model);
                if (d == null || d.ProvisioningState(state.Options.TimeScale) != "Succeeded") return Fail(new RouteAnswer(404, DeploymentRoutes.DeploymentNotFoundBody()));
                model = d.Model;
            }

            if (!Dimensions.TryGetValue(model, out int native))
            {
                return Fail(404, $"The model '{requested}' does not exist or is not an embedding model.", "model", "model_not_found");
            }

            List<string>? inputs = body["input"] switch
            {
                JsonValue v when v.TryGetValue(out string? s) => new List<string> { s },
                JsonArray a when a.All(i => i is JsonValue iv && iv.TryGetValue(out string? _)) => a.Select(i => (string)i!).ToList(),
                _ => null,
            };
            if (inputs == null) return Fail(400, "'input' must be a string or an array of strings (the emulator does not take token arrays).", "input", "invalid_type");
            if (inputs.Count == 0) return Fail(400, "'input' must not be an empty array.", "input", "invalid_value");
            if (inputs.Count > MaxInputs) return Fail(400, $"'input' is an array of {inputs.Count} items; at most {MaxInputs} are allowed.", "input", "invalid_value");
            int empty = inputs.FindIndex(i => i.Length == 0);
            if (empty >= 0) return Fail(400, $"'input' must not hold an empty string ($.input[{empty}]).", "input", "invalid_value");

            int dims = native;
            if (body["dimensions"] is JsonNode dn)
            {
                if (model == "text-embedding-ada-002") return Fail(400, "This model does not support specifying dimensions.", "dimensions", "invalid_value");
                if (dn is not JsonValue dv || !dv.TryGetValue(out int d) || d < 1 || d > native)
                {
                    return Fail(400, $"'dimensions' must be a whole number from 1 to {native} for {model}, not {dn.ToJsonString()}.", "dimensions", "invalid_value");
                }

                dims = d;
            }

            string format = Requests.String(body, "encoding_format") ?? "float";
            if (format != "float" && format != "base64") return Fail(400, $"'encoding_format' must be 'float' or 'base64', not '{format}'.", "encoding_format", "invalid_value");

            long total = 0;
            for (int i = 0; i < inputs.Count; i++)
            {
                long tokens = TrainingFile.EstimateTokens(inputs[i]);
                if (tokens > MaxTokensPerInput)
                {
                    return Fail(400, $"This model's maximum context length is {MaxTokensPerInput} tokens, however you requested {tokens} tokens ({tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length. ($.input[{i}])", "input", "context_length_exceeded");
                }

                total += tokens;
            }

            if (total > MaxTokensPerRequest)
            {
                return Fail(new RouteAnswer(400, ApiError.Body($"Requested {total} tokens, max {MaxTokensPerRequest} tokens per request", "max_tokens_per_request", "input", "max_tokens_per_request")));
            }

            return (new Parsed(model, inputs, dims, format, total), null);
        }

        /// <summary>The unit vector of <paramref name="text"/> with <paramref name="dimensions"/> components (see the class).</summary>
        public static float[] Vector(string text, int dimensions)
        {
            var v = new double[dimensions];
            void Add(string feature, double weight)
            {
                ulong h = Fnv1a(feature);
                v[(int)(h % (ulong)dimensions)] += (h >> 63) == 0 ? weight : -weight;
            }

            string lower = text.ToLowerInvariant();
            string? previous = null;
            foreach (Match m in WordPattern().Matches(lower))
            {
                Add("w:" + m.Value, 1.0);
                if (previous != null) Add("b:" + previous + " " + m.Value, 1.0);
                previous = m.Value;
            }

            string squeezed = SpacePattern().Replace(lower, " ").Trim();
            if (squeezed.Length < 3) Add("t:" + squeezed, 0.5);
            for (int i = 0; i + 3 <= squeezed.Length; i++) Add("t:" + squeezed.Substring(i, 3), 0.5);

            double norm = Math.Sqrt(v.Sum(x => x * x));
            if (norm == 0) v[0] = norm = 1; // every feature cancelled out (practically never): still a unit vector
            return v.Select(x => (float)(x / norm)).ToArray();
        }

        private static ulong Fnv1a(string s)
        {
            ulong h = 14695981039346656037UL;
            foreach (byte b in Encoding.UTF8.GetBytes(s))
            {
                h ^= b;
                h *= 1099511628211UL;
            }

            return h;
        }

        // Written with Utf8JsonWriter: 2,048 vectors of 3,072 floats as a JsonNode tree would be slow.
        private static async System.Threading.Tasks.Task Write(System.IO.Stream stream, string model, List<float[]> vectors, string format, long tokens)
        {
            await using var w = new Utf8JsonWriter(stream);
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            for (int i = 0; i < vectors.Count; i++)
            {
                w.WriteStartObject();
                w.WriteString("object", "embedding");
                w.WriteNumber("index", i);
                if (format == "base64")
                {
                    var bytes = new byte[vectors[i].Length * 4];
                    for (int k = 0; k < vectors[i].Length; k++) BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(k * 4), vectors[i][k]);
                    w.WriteString("embedding", Convert.ToBase64String(bytes));
                }
                else
                {
                    w.WriteStartArray("embedding");
                    foreach (float f in vectors[i]) w.WriteNumberValue(f);
                    w.WriteEndArray();
                }

                w.WriteEndObject();
                if (w.BytesPending > 64 * 1024) await w.FlushAsync();
            }

            w.WriteEndArray();
            w.WriteString("model", model);
            w.WriteStartObject("usage");
            w.WriteNumber("prompt_tokens", tokens);
            w.WriteNumber("total_tokens", tokens);
            w.WriteEndObject();
            w.WriteEndObject();
            await w.FlushAsync();
        }

        [GeneratedRegex(@"[\p{L}\p{N}]+")]
        private static partial Regex WordPattern();

        [GeneratedRegex(@"\s+")]
        private static partial Regex SpacePattern();
    }
}
