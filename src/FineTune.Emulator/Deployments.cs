using System;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// A model deployment (Azure flavour). Its provisioning state follows from its age: Accepted for one
    /// --time-scale, Creating for the next, then Succeeded. Chat answers on its name only once it is Succeeded.
    /// </summary>
    public sealed class Deployment
    {
        /// <summary>The ARM id: /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}.</summary>
        public string Id { get; init; } = "";

        /// <summary>The deployment name (what chat calls take as <c>model</c>).</summary>
        public string Name { get; init; } = "";

        /// <summary>The deployed model id (a fine-tuned model or a base model).</summary>
        public string Model { get; init; } = "";

        /// <summary>Standard, GlobalStandard or DeveloperTier.</summary>
        public string Sku { get; init; } = "Standard";

        /// <summary>Capacity units (thousands of tokens a minute for Standard).</summary>
        public int Capacity { get; init; } = 1;

        /// <summary>When the PUT arrived (UTC).</summary>
        public DateTime CreatedUtc { get; init; } = DateTime.UtcNow;

        /// <summary>Accepted, Creating or Succeeded, from the age and <paramref name="timeScale"/> seconds a phase.</summary>
        public string ProvisioningState(double timeScale)
        {
            double phases = (DateTime.UtcNow - CreatedUtc).TotalSeconds / timeScale;
            return phases < 1 ? "Accepted" : phases < 2 ? "Creating" : "Succeeded";
        }

        /// <summary>The ARM resource (Microsoft.CognitiveServices/accounts/deployments, api-version 2024-10-01).</summary>
        public JsonObject ToJson(double timeScale) => new JsonObject
        {
            ["id"] = Id,
            ["type"] = "Microsoft.CognitiveServices/accounts/deployments",
            ["name"] = Name,
            ["sku"] = new JsonObject { ["name"] = Sku, ["capacity"] = Capacity },
            ["properties"] = new JsonObject
            {
                ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = Model, ["version"] = "1" },
                ["provisioningState"] = ProvisioningState(timeScale),
            },
            ["systemData"] = new JsonObject { ["createdAt"] = CreatedUtc.ToString("o", System.Globalization.CultureInfo.InvariantCulture) },
        };
    }

    /// <summary>
    /// The Azure Resource Manager deployments endpoint (Azure flavour), on the emulator's root:
    /// <c>PUT/GET/DELETE /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments/{name}?api-version=2024-10-01</c>
    /// and <c>GET .../deployments</c> (list, <c>{"value": [...]}</c>). A bearer ARM token is required (any
    /// non-empty one); errors come in ARM's shape <c>{"error": {"code", "message"}}</c>. PUT takes
    /// <c>{"sku": {"name", "capacity"}, "properties": {"model": {"format": "OpenAI", "name", "version"}}}</c>
    /// (OPENAI-FACTS.md, "Azure OpenAI") and answers 201 for a new deployment, 200 for an update.
    /// </summary>
    public static class DeploymentRoutes
    {
        /// <summary>The one api-version the emulator serves.</summary>
        public const string ApiVersion = "2024-10-01";

        /// <summary>Deployment SKUs for fine-tuned models.</summary>
        public static readonly string[] Skus = { "Standard", "GlobalStandard", "DeveloperTier" };

        private const string Account = "/subscriptions/{subscription}/resourceGroups/{group}/providers/Microsoft.CognitiveServices/accounts/{account}/deployments";

        /// <summary>Maps the routes on <paramref name="app"/>.</summary>
        public static void Map(IEndpointRouteBuilder app, EmulatorState state)
        {
            app.MapGet(Account, (HttpRequest request) =>
            {
                if (BadVersion(request) is IResult bad) return bad;
                string prefix = request.Path.Value!.TrimEnd('/').ToLowerInvariant() + "/";
                lock (state.Sync)
                {
                    var value = new JsonArray(state.Deployments.Where(d => d.Key.StartsWith(prefix, StringComparison.Ordinal))
                        .OrderBy(d => d.Value.CreatedUtc).Select(d => (JsonNode)d.Value.ToJson(state.Options.TimeScale)).ToArray());
                    return Results.Json(new JsonObject { ["value"] = value });
                }
            });

            app.MapGet(Account + "/{name}", (string name, HttpRequest request) =>
            {
                if (BadVersion(request) is IResult bad) return bad;
                lock (state.Sync)
                {
                    return state.Deployments.TryGetValue(Key(request), out Deployment? d) ? Results.Json(d.ToJson(state.Options.TimeScale)) : NotFound(name);
                }
            });

            app.MapDelete(Account + "/{name}", (string name, HttpRequest request) =>
            {
                if (BadVersion(request) is IResult bad) return bad;
                lock (state.Sync)
                {
                    return state.Deployments.Remove(Key(request)) ? Results.Ok() : Results.NoContent();
                }
            });

            app.MapPut(Account + "/{name}", async (string name, HttpRequest request) =>
            {
                if (BadVersion(request) is IResult bad) return bad;
                JsonObject? body;
                try
                {
                    body = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
                }
                catch (JsonException e)
                {
                    return Error(400, "InvalidRequestContent", "The request content was invalid and could not be deserialized: " + e.Message);
                }

                if (body == null) return Error(400, "InvalidRequestContent", "The request content must be a JSON object.");
                string? sku = (body["sku"] as JsonObject) is JsonObject s ? Requests.String(s, "name") : null;
                if (!Skus.Contains(sku, StringComparer.Ordinal)) return Error(400, "InvalidResourceProperties", $"The sku '{sku}' is not supported for this deployment: use {string.Join(", ", Skus)}.");
                int capacity = body["sku"]!["capacity"] is JsonValue c && c.TryGetValue(out int n) ? n : 1;
                if (capacity < 1) return Error(400, "InvalidCapacity", $"The capacity {capacity} is invalid: it must be at least 1.");
                JsonObject? model = body["properties"]?["model"] as JsonObject;
                string? modelName = model == null ? null : Requests.String(model, "name");
                if (string.IsNullOrEmpty(modelName)) return Error(400, "InvalidResourceProperties", "properties.model.name is required.");
                if (model!["format"] is JsonNode f && Requests.String(model, "format") != "OpenAI") return Error(400, "InvalidResourceProperties", $"properties.model.format '{f}' is not supported: use OpenAI.");
                lock (state.Sync)
                {
                    bool known = ModelCatalog.Find(modelName) != null || state.Jobs.Values.Any(j => j.FineTunedModel == modelName && !state.DeletedModels.Contains(modelName));
                    if (!known) return Error(400, "DeploymentModelNotSupported", $"The model '{modelName}' does not exist on this account or cannot be deployed. Deploy a fine-tuned model of a succeeded job.");
                    string key = Key(request);
                    bool exists = state.Deployments.ContainsKey(key);
                    var d = new Deployment { Id = request.Path.Value!, Name = name, Model = modelName, Sku = sku!, Capacity = capacity };
                    state.Deployments[key] = d;
                    return Results.Json(d.ToJson(state.Options.TimeScale), statusCode: exists ? 200 : 201);
                }
            });
        }

        /// <summary>The deployment named <paramref name="name"/> (any account), or null.</summary>
        public static Deployment? Find(EmulatorState state, string name)
        {
            lock (state.Sync) return state.Deployments.Values.FirstOrDefault(d => string.Equals(d.Name, name, StringComparison.Ordinal));
        }

        /// <summary>Azure's 404 for a chat call on a deployment that does not exist or is not ready.</summary>
        public static IResult DeploymentNotFound() => Results.Json(DeploymentNotFoundBody(), statusCode: 404);

        /// <summary>The body of <see cref="DeploymentNotFound"/>.</summary>
        public static JsonObject DeploymentNotFoundBody() => new JsonObject
        {
            ["error"] = new JsonObject
            {
                ["code"] = "DeploymentNotFound",
                ["message"] = "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
            },
        };

        /// <summary>ARM's 401 when the bearer token is missing.</summary>
        public static Task Unauthorized(HttpContext context)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(new JsonObject
            {
                ["error"] = new JsonObject { ["code"] = "AuthenticationFailed", ["message"] = "Authentication failed. The 'Authorization' header is missing or holds no bearer token." },
            }.ToJsonString());
        }

        private static string Key(HttpRequest request) => request.Path.Value!.TrimEnd('/').ToLowerInvariant();

        private static IResult NotFound(string name) =>
            Error(404, "DeploymentNotFound", $"The deployment '{name}' does not exist under this account.");

        private static IResult? BadVersion(HttpRequest request)
        {
            string version = request.Query["api-version"].ToString();
            if (version.Length == 0) return Error(400, "MissingApiVersionParameter", "The api-version query parameter (?api-version=) is required for all requests.");
            return version == ApiVersion ? null
                : Error(400, "InvalidApiVersionParameter", $"The api-version '{version}' is invalid. The supported versions are '{ApiVersion}'.");
        }

        private static IResult Error(int status, string code, string message) =>
            Results.Json(new JsonObject { ["error"] = new JsonObject { ["code"] = code, ["message"] = message } }, statusCode: status);
    }
}
