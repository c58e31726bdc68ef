using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>A base model the emulator serves: id, alias, creation (unix seconds), shutdown date, whether it takes new jobs.</summary>
    public sealed record BaseModel(string Id, string? Alias, long Created, string? ShutdownDate, bool Trainable, string OwnedBy = "system");

    /// <summary>
    /// Base models with their shutdown dates, from OPENAI-FACTS.md ("Platform status", 2026-11): gpt-4o,
    /// gpt-4o-mini, gpt-4.1 and gpt-4.1-mini shut down 2027-01-14; gpt-3.5-turbo, gpt-4.1-nano and o4-mini
    /// retired 2026-10-23; babbage-002/davinci-002 take no new training since 2024-10-28.
    /// A job on a model past its shutdown date, or one that takes no training, is refused.
    /// </summary>
    public static class ModelCatalog
    {
        /// <summary>The base models, in list order.</summary>
        public static IReadOnlyList<BaseModel> BaseModels { get; } = new[]
        {
            new BaseModel("gpt-4o-mini-2024-07-18", "gpt-4o-mini", 1721172717, "2027-01-14", true),
            new BaseModel("gpt-4o-2024-08-06", "gpt-4o", 1722814719, "2027-01-14", true),
            new BaseModel("gpt-4.1-2025-04-14", "gpt-4.1", 1744316542, "2027-01-14", true),
            new BaseModel("gpt-4.1-mini-2025-04-14", "gpt-4.1-mini", 1744318173, "2027-01-14", true),
            new BaseModel("gpt-4.1-nano-2025-04-14", "gpt-4.1-nano", 1744321707, "2026-10-23", true),
            new BaseModel("gpt-3.5-turbo-0125", "gpt-3.5-turbo", 1706048358, "2026-10-23", true),
            new BaseModel("o4-mini-2025-04-16", "o4-mini", 1744133506, "2026-10-23", true),
            new BaseModel("babbage-002", null, 1692634615, null, false),
            new BaseModel("davinci-002", null, 1692634301, null, false),
            new BaseModel("omni-moderation-latest", null, 1731689265, null, false),
            new BaseModel("text-embedding-3-small", null, 1705948997, null, false),
            new BaseModel("text-embedding-3-large", null, 1705953180, null, false),
            new BaseModel("text-embedding-ada-002", null, 1671217299, null, false, "openai-internal"),
        };

        /// <summary>The base model named by id or alias, or null.</summary>
        public static BaseModel? Find(string name) => BaseModels.FirstOrDefault(m => m.Id == name || m.Alias == name);

        /// <summary>True when a job may start on <paramref name="model"/> today (not shut down, takes training).</summary>
        public static bool TakesTraining(BaseModel model) =>
            model.Trainable && (model.ShutdownDate == null || string.CompareOrdinal(model.ShutdownDate, DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)) > 0);

        /// <summary>True for babbage-002 and davinci-002, which train on prompt/completion pairs.</summary>
        public static bool IsLegacy(string modelId) => modelId is "babbage-002" or "davinci-002";
    }

    /// <summary><c>GET /models</c>, <c>GET /models/{model}</c>, <c>DELETE /models/{model}</c> (fine-tuned models only; the Azure flavour answers 404, as Azure lacks the route).</summary>
    public static class ModelRoutes
    {
        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapGet("/models", () =>
            {
                var data = new JsonArray();
                foreach (JsonObject m in All(state)) data.Add(m);
                return Results.Json(new JsonObject { ["object"] = "list", ["data"] = data });
            });

            v1.MapGet("/models/{model}", (string model) =>
            {
                JsonObject? found = All(state).FirstOrDefault(m => (string?)m["id"] == model);
                if (found == null && ModelCatalog.Find(model) is BaseModel alias) found = ToJson(alias);
                return found != null ? Results.Json(found) : ModelNotFound(model);
            });

            if (state.Options.IsAzure)
            {
                // Azure has no DELETE /models: its answer to a route it lacks.
                v1.MapDelete("/models/{model}", () => Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = "404", ["message"] = "Resource not found" } }, statusCode: 404));
                return;
            }

            v1.MapDelete("/models/{model}", (string model) =>
            {
                if (ModelCatalog.Find(model) != null)
                {
                    return ApiError.Result(403, $"You cannot delete the base model '{model}'; only fine-tuned models can be deleted.", "invalid_request_error", "model", "model_not_deletable");
                }

                lock (state.Sync)
                {
                    bool exists = state.Jobs.Values.Any(j => j.FineTunedModel == model) && !state.DeletedModels.Contains(model);
                    if (!exists) return ModelNotFound(model);
                    state.DeletedModels.Add(model);
                }

                return Results.Json(new JsonObject { ["id"] = model, ["object"] = "model", ["deleted"] = true });
            });
        }

        /// <summary>404 with code model_not_found, as the service answers.</summary>
        public static IResult ModelNotFound(string model) =>
            ApiError.Result(404, $"The model '{model}' does not exist or you do not have access to it.", "invalid_request_error", "model", "model_not_found");

        private static JsonObject ToJson(BaseModel m) => new JsonObject
        {
            ["id"] = m.Id, ["object"] = "model", ["created"] = m.Created, ["owned_by"] = m.OwnedBy, ["shutdown_date"] = m.ShutdownDate,
        };

        private static List<JsonObject> All(EmulatorState state)
        {
            var list = ModelCatalog.BaseModels.Select(ToJson).ToList();
            lock (state.Sync)
            {
                foreach (Job job in state.Jobs.Values.Where(j => j.FineTunedModel != null && !state.DeletedModels.Contains(j.FineTunedModel)).OrderBy(j => j.Sequence))
                {
                    BaseModel? baseModel = ModelCatalog.Find(job.Model);
                    list.Add(new JsonObject
                    {
                        ["id"] = job.FineTunedModel, ["object"] = "model", ["created"] = job.FinishedAt ?? job.CreatedAt,
                        ["owned_by"] = state.Options.IsAzure ? "organization-owner" : state.Options.Organization, ["shutdown_date"] = baseModel?.ShutdownDate,
                    });
                }
            }

            return list;
        }
    }
}
