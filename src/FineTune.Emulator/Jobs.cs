using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>/fine_tuning/jobs</c>: create, list (after, limit, metadata[k]=v), get, cancel, pause, resume, events
    /// (newest first, after, limit), checkpoints (newest first, after, limit). Request checks and their limits
    /// follow OPENAI-FACTS.md ("Routes"): suffix 1–64 characters, seed 0–2147483647, metadata ≤ 16 pairs with
    /// keys ≤ 64 and values ≤ 512 characters, n_epochs 1–50, batch_size 1–256, learning_rate_multiplier &gt; 0,
    /// beta in (0, 2].
    /// </summary>
    public static class JobRoutes
    {
        /// <summary>Azure's training types (create field <c>trainingType</c>; Standard when absent).</summary>
        public static readonly string[] TrainingTypes = { "Standard", "GlobalStandard", "developerTier" };

        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/fine_tuning/jobs", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                return body == null ? error! : Create(state, body);
            });

            v1.MapGet("/fine_tuning/jobs", (HttpRequest request) =>
            {
                int? limit = Requests.Limit(request, 20, 100);
                if (limit == null) return Requests.BadLimit(100);
                var filter = request.Query.Where(q => q.Key.StartsWith("metadata[", StringComparison.Ordinal) && q.Key.EndsWith(']'))
                    .Select(q => (Key: q.Key.Substring(9, q.Key.Length - 10), Value: q.Value.ToString())).ToList();
                lock (state.Sync)
                {
                    var jobs = state.Jobs.Values
                        .Where(j => filter.All(f => j.Metadata != null && j.Metadata.TryGetValue(f.Key, out string? v) && v == f.Value))
                        .OrderByDescending(j => j.Sequence).ToList();
                    (List<Job> page, bool more) = Paging.Take(jobs, j => j.Id, request.Query["after"], limit.Value);
                    return List(page.Select(j => j.ToJson(state)), more, withIds: false);
                }
            });

            v1.MapGet("/fine_tuning/jobs/{fine_tuning_job_id}", (string fine_tuning_job_id) =>
                WithJob(state, fine_tuning_job_id, job => Results.Json(job.ToJson(state))));

            v1.MapPost("/fine_tuning/jobs/{fine_tuning_job_id}/cancel", (string fine_tuning_job_id) =>
                WithJob(state, fine_tuning_job_id, job =>
                {
                    if (job.IsTerminal) return ApiError.BadRequest($"Job {job.Id} is already {job.Status} and cannot be cancelled.", null, "invalid_job_state");
                    job.Status = "cancelled";
                    job.AddEvent(state, "info", "Fine-tuning job cancelled");
                    return Results.Json(job.ToJson(state));
                }));

            v1.MapPost("/fine_tuning/jobs/{fine_tuning_job_id}/pause", (string fine_tuning_job_id) =>
                WithJob(state, fine_tuning_job_id, job =>
                {
                    if (job.Status != "running") return ApiError.BadRequest($"Job {job.Id} is {job.Status}; only a running job can be paused.", null, "invalid_job_state");
                    job.Status = "paused";
                    job.AddEvent(state, "info", "Fine-tuning job paused");
                    return Results.Json(job.ToJson(state));
                }));

            v1.MapPost("/fine_tuning/jobs/{fine_tuning_job_id}/resume", (string fine_tuning_job_id) =>
                WithJob(state, fine_tuning_job_id, job =>
                {
                    if (job.Status != "paused") return ApiError.BadRequest($"Job {job.Id} is {job.Status}; only a paused job can be resumed.", null, "invalid_job_state");
                    job.Status = "running";
                    job.AddEvent(state, "info", "Fine-tuning job resumed");
                    return Results.Json(job.ToJson(state));
                }));

            v1.MapGet("/fine_tuning/jobs/{fine_tuning_job_id}/events", (string fine_tuning_job_id, HttpRequest request) =>
                WithJob(state, fine_tuning_job_id, job => Page(request, Enumerable.Reverse(job.Events).ToList(), 20, withIds: false)));

            v1.MapGet("/fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", (string fine_tuning_job_id, HttpRequest request) =>
                WithJob(state, fine_tuning_job_id, job => Page(request, Enumerable.Reverse(job.Checkpoints).ToList(), 10, withIds: true)));
        }

        /// <summary>A list body: object list, data, has_more (and first_id/last_id when <paramref name="withIds"/>).</summary>
        public static IResult List(IEnumerable<JsonNode> items, bool hasMore, bool withIds)
        {
            var data = new JsonArray(items.Select(i => i.DeepClone()).ToArray());
            var body = new JsonObject { ["object"] = "list", ["data"] = data, ["has_more"] = hasMore };
            if (withIds)
            {
                body["first_id"] = data.Count > 0 ? (string?)data[0]!["id"] : null;
                body["last_id"] = data.Count > 0 ? (string?)data[data.Count - 1]!["id"] : null;
            }

            return Results.Json(body);
        }

        private static IResult Page(HttpRequest request, List<JsonObject> ordered, int fallbackLimit, bool withIds)
        {
            int? limit = Requests.Limit(request, fallbackLimit, 100);
            if (limit == null) return Requests.BadLimit(100);
            (List<JsonObject> page, bool more) = Paging.Take(ordered, o => (string)o["id"]!, request.Query["after"], limit.Value);
            return List(page, more, withIds);
        }

        private static IResult WithJob(EmulatorState state, string id, Func<Job, IResult> action)
        {
            lock (state.Sync)
            {
                return state.Jobs.TryGetValue(id, out Job? job) ? action(job) : ApiError.NotFound("job", id, "fine_tuning_job_id");
            }
        }

        /// <summary>
        /// The answer to a job create once the organization can no longer fine-tune (<see cref="EmulatorState.NoNewJobsFrom"/>):
        /// 403, as reported for organizations shut out of OpenAI's fine-tuning since 2026-07 ("permission denied" on
        /// <c>POST /fine_tuning/jobs</c>). The status is what is known; the message, type and code are the emulator's own.
        /// </summary>
        public static IResult Closed(DateTime from) =>
            ApiError.Result(403, $"You do not have permission to create fine-tuning jobs: this organization can no longer fine-tune (new jobs are not accepted since {from:yyyy-MM-dd}).",
                "invalid_request_error", null, "permission_denied");

        private static IResult Create(EmulatorState state, JsonObject body)
        {
            if (state.NoNewJobsFrom is DateTime from && DateTime.UtcNow >= from) return Closed(from);
            string? model = Requests.String(body, "model");
            string? training = Requests.String(body, "training_file");
            string? validation = Requests.String(body, "validation_file");
            if (string.IsNullOrEmpty(model)) return ApiError.BadRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
            if (string.IsNullOrEmpty(training)) return ApiError.BadRequest("Missing required parameter: 'training_file'.", "training_file", "missing_required_parameter");

            string baseModel, resolved;
            if (ModelCatalog.Find(model) is BaseModel b)
            {
                if (!ModelCatalog.TakesTraining(b))
                {
                    string why = b.Trainable ? $"was shut down on {b.ShutdownDate}" : "takes no new fine-tuning jobs";
                    return ApiError.BadRequest($"Model {model} is not available for fine-tuning: it {why}.", "model", "model_not_available");
                }

                baseModel = resolved = b.Id;
            }
            else
            {
                lock (state.Sync)
                {
                    Job? parent = state.Jobs.Values.FirstOrDefault(j => j.FineTunedModel == model && !state.DeletedModels.Contains(model));
                    if (parent == null) return ApiError.BadRequest($"Model {model} is not available for fine-tuning or does not exist.", "model", "model_not_available");
                    baseModel = parent.BaseModel;
                    resolved = model;
                }
            }

            foreach ((string? id, string param) in new[] { (training, "training_file"), (validation, "validation_file") })
            {
                if (id == null) continue;
                lock (state.Sync)
                {
                    if (!state.Files.TryGetValue(id, out StoredFile? file)) return ApiError.BadRequest($"invalid {param}: {id}", param, "invalid_file");
                    if (file.Purpose != "fine-tune") return ApiError.BadRequest($"File {id} has purpose '{file.Purpose}'; {param} needs a file with purpose 'fine-tune'.", param, "invalid_file_purpose");
                    string status = FileRoutes.Status(file, state);
                    if (status != "processed")
                    {
                        return ApiError.BadRequest($"The {param.Replace('_', ' ')} {id} is not ready: its status is '{status}'. Wait until GET /files/{id} shows status 'processed', then create the job.", param, "invalid_file_status");
                    }
                }
            }

            string? suffix = Requests.String(body, "suffix");
            if (body["suffix"] != null && (suffix == null || suffix.Length < 1 || suffix.Length > 64)) return ApiError.BadRequest("Invalid 'suffix': must be a string of 1 to 64 characters.", "suffix", "invalid_value");

            int seed;
            if (body["seed"] is JsonNode seedNode && seedNode.GetValueKind() != JsonValueKind.Null)
            {
                if (!(seedNode is JsonValue sv && sv.TryGetValue(out long s) && s >= 0 && s <= int.MaxValue)) return ApiError.BadRequest("Invalid 'seed': must be an integer from 0 to 2147483647.", "seed", "invalid_value");
                seed = (int)s;
            }
            else
            {
                lock (state.Sync) seed = state.Random.Next(0, int.MaxValue);
            }

            (Dictionary<string, string>? metadata, IResult? metadataError) = Metadata(body["metadata"]);
            if (metadataError != null) return metadataError;

            string methodType = "supervised";
            JsonObject? hyper = body["hyperparameters"] as JsonObject;
            if (body["method"] is JsonObject method)
            {
                methodType = Requests.String(method, "type") ?? "";
                if (methodType is not ("supervised" or "dpo" or "reinforcement")) return ApiError.BadRequest("Invalid 'method.type': must be supervised, dpo or reinforcement.", "method.type", "invalid_value");
                if (methodType == "reinforcement") return ApiError.BadRequest("Reinforcement fine-tuning needs o4-mini, which was shut down on 2026-10-23.", "method.type", "model_not_available");
                hyper = (method[methodType] as JsonObject)?["hyperparameters"] as JsonObject ?? hyper;
            }

            IResult? hyperError = CheckHyperparameters(hyper, methodType);
            if (hyperError != null) return hyperError;

            // Azure's extra create field (OPENAI-FACTS.md, "Azure OpenAI"); the OpenAI flavour ignores it as before.
            string? trainingType = null;
            if (state.Options.IsAzure && body["trainingType"] != null)
            {
                trainingType = TrainingTypes.FirstOrDefault(t => string.Equals(t, Requests.String(body, "trainingType"), StringComparison.OrdinalIgnoreCase));
                if (trainingType == null) return ApiError.BadRequest($"Invalid 'trainingType': must be one of {string.Join(", ", TrainingTypes)}.", "trainingType", "invalid_value");
            }

            string jobId = state.NewId("ftjob-");
            string name = state.Options.IsAzure
                ? $"{baseModel}.ft-{state.NewHex(32)}"
                : $"ft:{baseModel}:{state.OrganizationName}:{suffix}:{state.NewId("", 8)}";
            var job = new Job(jobId, state.NextSequence(), resolved, baseModel, seed, name)
            {
                TrainingFile = training,
                ValidationFile = validation,
                Suffix = suffix,
                Metadata = metadata,
                Integrations = body["integrations"] as JsonArray,
                MethodType = methodType,
                RequestedHyperparameters = (JsonObject?)hyper?.DeepClone() ?? new JsonObject(),
                Status = state.Options.IsAzure ? "pending" : "validating_files",
                TrainingType = state.Options.IsAzure ? trainingType ?? "Standard" : null,
                Format = methodType == "dpo" ? TrainingFormat.Preference : ModelCatalog.IsLegacy(baseModel) ? TrainingFormat.Legacy : TrainingFormat.Chat,
            };
            lock (state.Sync)
            {
                job.AddEvent(state, "info", $"Created fine-tuning job: {jobId}");
                state.Jobs[jobId] = job;
                return Results.Json(job.ToJson(state));
            }
        }

        private static (Dictionary<string, string>?, IResult?) Metadata(JsonNode? node)
        {
            if (node == null || node.GetValueKind() == JsonValueKind.Null) return (null, null);
            if (node is not JsonObject obj) return (null, ApiError.BadRequest("Invalid 'metadata': must be an object of string values.", "metadata", "invalid_type"));
            if (obj.Count > 16) return (null, ApiError.BadRequest("Invalid 'metadata': at most 16 key-value pairs.", "metadata", "invalid_value"));
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var kv in obj)
            {
                if (kv.Key.Length > 64) return (null, ApiError.BadRequest($"Invalid 'metadata': key '{kv.Key[..16]}…' is longer than 64 characters.", "metadata", "invalid_value"));
                if (kv.Value is not JsonValue v || !v.TryGetValue(out string? s)) return (null, ApiError.BadRequest($"Invalid 'metadata.{kv.Key}': values must be strings.", "metadata", "invalid_type"));
                if (s.Length > 512) return (null, ApiError.BadRequest($"Invalid 'metadata.{kv.Key}': value is longer than 512 characters.", "metadata", "invalid_value"));
                result[kv.Key] = s;
            }

            return (result, null);
        }

        private static IResult? CheckHyperparameters(JsonObject? hyper, string methodType)
        {
            if (hyper == null) return null;
            foreach (var (name, min, max, integer, exclusiveMin) in new[]
            {
                ("n_epochs", 1.0, 50.0, true, false), ("batch_size", 1.0, 256.0, true, false),
                ("learning_rate_multiplier", 0.0, double.MaxValue, false, true), ("beta", 0.0, 2.0, false, true),
            })
            {
                JsonNode? v = hyper[name];
                if (v == null || (v is JsonValue sv && sv.TryGetValue(out string? text) && text == "auto")) continue;
                if (name == "beta" && methodType != "dpo") return ApiError.BadRequest("'beta' is a DPO hyperparameter.", "hyperparameters.beta", "invalid_value");
                bool ok = v.GetValueKind() == JsonValueKind.Number && v.GetValue<double>() is double d
                    && (exclusiveMin ? d > min : d >= min) && d <= max && (!integer || d == Math.Floor(d));
                if (!ok) return ApiError.BadRequest($"Invalid '{name}': must be \"auto\" or {(integer ? "an integer" : "a number")} {(exclusiveMin ? "above" : "from")} {min}{(max < double.MaxValue ? $" to {max}" : "")}.", "hyperparameters." + name, "invalid_value");
            }

            return null;
        }
    }
}
