using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// A batch: its input lines and, once it has run, its output and error files. Its status follows from its age on
    /// the time scale: <c>validating</c> for one time-scale, <c>in_progress</c> for one more, then it runs every line
    /// through the chat, completions or embeddings route and is <c>completed</c> (the 24 h completion window is never reached).
    /// A cancelled batch ends <c>cancelled</c> without output.
    /// </summary>
    public sealed class Batch
    {
        public string Id { get; init; } = "";
        public string Endpoint { get; init; } = "";
        public string InputFileId { get; init; } = "";
        public long CreatedAt { get; init; }
        public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;
        public JsonObject? Metadata { get; init; }
        public List<(string CustomId, JsonObject Body)> Lines { get; init; } = new List<(string, JsonObject)>();
        public string Status { get; set; } = "validating";
        public long? InProgressAt { get; set; }
        public long? CompletedAt { get; set; }
        public long? CancelledAt { get; set; }
        public string? OutputFileId { get; set; }
        public string? ErrorFileId { get; set; }
        public int Completed { get; set; }
        public int Failed { get; set; }
    }

    /// <summary><c>/batches</c>: create (a JSONL input file of purpose batch), list (after, limit), get, cancel.</summary>
    public static class BatchRoutes
    {
        private static readonly string[] Endpoints = { "/v1/chat/completions", "/v1/completions", "/v1/embeddings" };

        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/batches", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                string? fileId = Requests.String(body, "input_file_id");
                string? endpoint = Requests.String(body, "endpoint");
                string? window = Requests.String(body, "completion_window");
                if (string.IsNullOrEmpty(fileId)) return ApiError.BadRequest("Missing required parameter: 'input_file_id'.", "input_file_id", "missing_required_parameter");
                if (endpoint == null || !Endpoints.Contains(endpoint)) return ApiError.BadRequest($"endpoint must be one of {string.Join(", ", Endpoints)} (the emulator serves these).", "endpoint", "invalid_value");
                if (endpoint == "/v1/embeddings" && state.Options.IsAzure) return ApiError.BadRequest("Azure OpenAI's Batch API does not serve embeddings (Global Batch deployments take chat completions).", "endpoint", "invalid_value");
                if (window != "24h") return ApiError.BadRequest("completion_window must be '24h'.", "completion_window", "invalid_value");
                StoredFile? file;
                lock (state.Sync) file = state.Files.GetValueOrDefault(fileId);
                if (file == null) return ApiError.NotFound("file", fileId, "input_file_id");
                if (file.Purpose != "batch") return ApiError.BadRequest($"The file {fileId} has purpose '{file.Purpose}'; a batch input file needs purpose 'batch'.", "input_file_id", "invalid_value");
                (List<(string, JsonObject)>? lines, string? problem) = ReadInput(file.Content, endpoint);
                if (problem != null) return ApiError.BadRequest($"The batch input file {fileId} is not valid: {problem}", "input_file_id", "invalid_request");
                var batch = new Batch
                {
                    Id = state.NewId("batch_"),
                    Endpoint = endpoint,
                    InputFileId = fileId,
                    CreatedAt = EmulatorState.Now,
                    Metadata = body["metadata"] as JsonObject is JsonObject m ? (JsonObject)m.DeepClone() : null,
                    Lines = lines!,
                };
                lock (state.Sync) state.Batches[batch.Id] = batch;
                return Results.Json(ToJson(batch));
            });

            v1.MapGet("/batches", (HttpRequest request) =>
            {
                int? limit = Requests.Limit(request, 20, 100);
                if (limit == null) return Requests.BadLimit(100);
                List<Batch> all;
                lock (state.Sync) all = state.Batches.Values.OrderByDescending(b => b.CreatedUtc).ToList();
                all.ForEach(b => Advance(state, b));
                (List<Batch> page, bool more) = Paging.Take(all, b => b.Id, request.Query["after"].ToString(), limit.Value);
                return Results.Json(new JsonObject
                {
                    ["object"] = "list",
                    ["data"] = new JsonArray(page.Select(b => (JsonNode)ToJson(b)).ToArray()),
                    ["first_id"] = page.FirstOrDefault()?.Id,
                    ["last_id"] = page.LastOrDefault()?.Id,
                    ["has_more"] = more,
                });
            });

            v1.MapGet("/batches/{id}", (string id) =>
            {
                Batch? batch;
                lock (state.Sync) batch = state.Batches.GetValueOrDefault(id);
                if (batch == null) return ApiError.NotFound("batch", id, "batch_id");
                Advance(state, batch);
                return Results.Json(ToJson(batch));
            });

            v1.MapPost("/batches/{id}/cancel", (string id) =>
            {
                Batch? batch;
                lock (state.Sync) batch = state.Batches.GetValueOrDefault(id);
                if (batch == null) return ApiError.NotFound("batch", id, "batch_id");
                Advance(state, batch);
                lock (state.Sync)
                {
                    if (batch.Status is "completed" or "failed" or "expired" or "cancelled") return ApiError.Result(409, $"Cannot cancel a batch that is {batch.Status}.", "invalid_request_error");
                    batch.Status = "cancelled";
                    batch.CancelledAt = EmulatorState.Now;
                }

                return Results.Json(ToJson(batch));
            });
        }

        private static (List<(string, JsonObject)>?, string?) ReadInput(byte[] content, string endpoint)
        {
            var lines = new List<(string, JsonObject)>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF) return (null, "line 1 starts with a UTF-8 byte-order mark; save the file without BOM.");
            string[] text = Encoding.UTF8.GetString(content).Split('\n');
            for (int i = 0; i < text.Length; i++)
            {
                if (text[i].Trim().Length == 0) continue;
                JsonObject? o;
                try
                {
                    o = JsonNode.Parse(text[i]) as JsonObject;
                }
                catch (JsonException)
                {
                    return (null, $"line {i + 1} is not JSON.");
                }

                string? id = o == null ? null : Requests.String(o, "custom_id");
                if (o == null || id == null || o["body"] is not JsonObject body) return (null, $"line {i + 1} needs custom_id, method, url and body.");
                if (Requests.String(o, "url") != endpoint) return (null, $"line {i + 1}: url '{Requests.String(o, "url")}' is not the batch's endpoint {endpoint}.");
                if (!ids.Add(id)) return (null, $"line {i + 1}: custom_id '{id}' is used twice.");
                lines.Add((id, body));
            }

            return lines.Count == 0 ? (null, "it holds no requests.") : (lines, null);
        }

        /// <summary>Moves a batch along by its age; runs its lines when it reaches the end of in_progress.</summary>
        private static void Advance(EmulatorState state, Batch batch)
        {
            lock (state.Sync)
            {
                if (batch.Status is "completed" or "cancelled") return;
                double age = (DateTime.UtcNow - batch.CreatedUtc).TotalSeconds / state.Options.TimeScale;
                if (age < 1) return;
                if (batch.Status == "validating")
                {
                    batch.Status = "in_progress";
                    batch.InProgressAt = EmulatorState.Now;
                }

                if (age < 2) return;
                var output = new StringBuilder();
                var errors = new StringBuilder();
                bool completions = batch.Endpoint == "/v1/completions";
                foreach ((string customId, JsonObject body) in batch.Lines)
                {
                    RouteAnswer answer = batch.Endpoint == "/v1/embeddings" ? EmbeddingRoutes.Answer(state, body) : Refused(state, body) ?? ChatRoutes.Answer(state, body, completions);
                    var line = new JsonObject
                    {
                        ["id"] = state.NewId("batch_req_"),
                        ["custom_id"] = customId,
                        ["response"] = new JsonObject { ["status_code"] = answer.Status, ["request_id"] = state.NewId("req_"), ["body"] = answer.Body },
                        ["error"] = null,
                    };
                    (answer.Status == 200 ? output : errors).Append(line.ToJsonString()).Append('\n');
                    if (answer.Status == 200) batch.Completed++;
                    else batch.Failed++;
                }

                if (output.Length > 0) batch.OutputFileId = state.AddFile(batch.Id + "_output.jsonl", "batch_output", Encoding.UTF8.GetBytes(output.ToString())).Id;
                if (errors.Length > 0) batch.ErrorFileId = state.AddFile(batch.Id + "_error.jsonl", "batch_output", Encoding.UTF8.GetBytes(errors.ToString())).Id;
                batch.Status = "completed";
                batch.CompletedAt = EmulatorState.Now;
            }
        }

        /// <summary>Azure flavour: its Batch API does not serve fine-tuned models (OPENAI-FACTS.md).</summary>
        private static RouteAnswer? Refused(EmulatorState state, JsonObject body)
        {
            if (!state.Options.IsAzure) return null;
            string model = Requests.String(body, "model") ?? "";
            Deployment? d = DeploymentRoutes.Find(state, model);
            string served = d?.Model ?? model;
            return ModelCatalog.Find(served) == null
                ? new RouteAnswer(400, ApiError.Body($"The Batch API does not support fine-tuned models ({model}).", "invalid_request_error", "model", "model_not_supported"))
                : null;
        }

        private static JsonObject ToJson(Batch b)
        {
            var o = new JsonObject
            {
                ["id"] = b.Id,
                ["object"] = "batch",
                ["endpoint"] = b.Endpoint,
                ["input_file_id"] = b.InputFileId,
                ["completion_window"] = "24h",
                ["status"] = b.Status,
                ["created_at"] = b.CreatedAt,
                ["expires_at"] = b.CreatedAt + 24 * 3600,
                ["request_counts"] = new JsonObject { ["total"] = b.Lines.Count, ["completed"] = b.Completed, ["failed"] = b.Failed },
                ["metadata"] = b.Metadata?.DeepClone(),
            };
            if (b.InProgressAt != null) o["in_progress_at"] = b.InProgressAt;
            if (b.CompletedAt != null)
            {
                o["finalizing_at"] = b.CompletedAt;
                o["completed_at"] = b.CompletedAt;
            }

            if (b.CancelledAt != null)
            {
                o["cancelling_at"] = b.CancelledAt;
                o["cancelled_at"] = b.CancelledAt;
            }

            if (b.OutputFileId != null) o["output_file_id"] = b.OutputFileId;
            if (b.ErrorFileId != null) o["error_file_id"] = b.ErrorFileId;
            return o;
        }
    }
}
