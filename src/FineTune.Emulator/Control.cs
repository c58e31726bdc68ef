using System;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// Control routes for tests, outside /v1 and without a key:
    /// <c>GET /_emulator/requests</c> → {"counts": {"METHOD /v1/template": n}, "total": n};
    /// <c>POST /_emulator/reset-counts</c>;
    /// <c>POST /_emulator/faults</c> {"faults": ["429", "drop", "500", "delay:200"], "route": "optional path prefix"}
    /// queues faults for the next matching requests, in order; <c>GET /_emulator/faults</c> shows the queue;
    /// <c>DELETE /_emulator/faults</c> empties it; <c>GET /_emulator/health</c> answers once the emulator is up;
    /// <c>POST /_emulator/closure</c> {"noNewJobsFrom": "yyyy-MM-dd" or null} sets the day from which job creation is
    /// refused (<see cref="JobRoutes.Closed"/>), <c>GET /_emulator/closure</c> shows it.
    /// </summary>
    public static class ControlRoutes
    {
        /// <summary>Maps the routes on <paramref name="app"/>.</summary>
        public static void Map(IEndpointRouteBuilder app, EmulatorState state)
        {
            var control = app.MapGroup("/_emulator");
            control.MapGet("/health", () => Results.Json(new JsonObject { ["status"] = "ok", ["flavor"] = state.Options.Flavor.ToString() }));

            control.MapGet("/requests", () =>
            {
                lock (state.Sync)
                {
                    var counts = new JsonObject();
                    foreach (var kv in state.RequestCounts.OrderBy(k => k.Key, System.StringComparer.Ordinal)) counts[kv.Key] = kv.Value;
                    return Results.Json(new JsonObject { ["counts"] = counts, ["total"] = state.RequestCounts.Values.Sum() });
                }
            });

            control.MapPost("/reset-counts", () =>
            {
                lock (state.Sync) state.RequestCounts.Clear();
                return Results.Json(new JsonObject { ["total"] = 0 });
            });

            control.MapGet("/closure", () => Results.Json(Closure(state)));

            control.MapPost("/closure", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                string? date = Requests.String(body, "noNewJobsFrom");
                try
                {
                    DateTime? from = date == null ? null : EmulatorOptions.ParseDate("noNewJobsFrom", date);
                    lock (state.Sync) state.NoNewJobsFrom = from;
                }
                catch (System.ArgumentException e)
                {
                    return ApiError.BadRequest(e.Message, "noNewJobsFrom");
                }

                return Results.Json(Closure(state));
            });

            control.MapGet("/faults", () => Results.Json(Queue(state)));

            control.MapDelete("/faults", () =>
            {
                lock (state.Sync) state.FaultQueue.Clear();
                return Results.Json(Queue(state));
            });

            control.MapPost("/faults", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                if (body["faults"] is not JsonArray faults) return ApiError.BadRequest("Send {\"faults\": [\"429\", \"drop\", ...], \"route\": \"optional path prefix\"}.", "faults");
                string? route = Requests.String(body, "route");
                var names = faults.Select(f => f?.ToString().Trim().ToLowerInvariant() ?? "").ToList();
                string? unknown = names.FirstOrDefault(n => !Gate.IsKnown(n));
                if (unknown != null) return ApiError.BadRequest($"Unknown fault '{unknown}'. Use 429, 500, 503, drop, drop-after, delay:MS or cut-after:BYTES.", "faults", "unknown_fault");
                lock (state.Sync)
                {
                    foreach (string name in names) state.FaultQueue.Add(new ScriptedFault(name, string.IsNullOrEmpty(route) ? null : route));
                }

                return Results.Json(Queue(state));
            });
        }

        private static JsonObject Closure(EmulatorState state)
        {
            lock (state.Sync) return new JsonObject { ["noNewJobsFrom"] = state.NoNewJobsFrom?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) };
        }

        private static JsonObject Queue(EmulatorState state)
        {
            lock (state.Sync)
            {
                var list = new JsonArray(state.FaultQueue.Select(f => (JsonNode)new JsonObject { ["fault"] = f.Fault, ["route"] = f.Route }).ToArray());
                return new JsonObject { ["faults"] = list, ["count"] = list.Count };
            }
        }
    }
}
