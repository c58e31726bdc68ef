using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>POST /moderations</c> {input: a string, an array of strings or of text parts; model, default
    /// omni-moderation-latest}. An input is flagged when it contains a trigger word (--trigger-words,
    /// case-insensitive; <c>word=category</c> picks the category, default violence): that category is true
    /// with score 0.97, every other of the 13 categories false with a score near 0.
    /// </summary>
    public static class ModerationRoutes
    {
        /// <summary>The 13 categories of the moderation response, in the spec's order.</summary>
        public static readonly string[] Categories =
        {
            "hate", "hate/threatening", "harassment", "harassment/threatening", "illicit", "illicit/violent",
            "self-harm", "self-harm/intent", "self-harm/instructions", "sexual", "sexual/minors", "violence", "violence/graphic",
        };

        /// <summary>Maps the route on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            var triggers = state.Options.TriggerWords.Select(t =>
            {
                string[] parts = t.Split('=', 2);
                string category = parts.Length == 2 && Categories.Contains(parts[1]) ? parts[1] : "violence";
                return (Word: parts[0], Category: category);
            }).ToList();

            v1.MapPost("/moderations", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                List<string>? inputs = body["input"] switch
                {
                    JsonValue v when v.TryGetValue(out string? s) => new List<string> { s },
                    JsonArray a => a.Select(i => i is JsonObject part ? TrainingFile.TextOf(new JsonArray(part.DeepClone())) : TrainingFile.TextOf(i)).ToList(),
                    _ => null,
                };
                if (inputs == null) return ApiError.BadRequest("Missing required parameter: 'input' (a string or an array).", "input", "missing_required_parameter");
                var results = new JsonArray();
                foreach (string input in inputs)
                {
                    var hits = triggers.Where(t => input.Contains(t.Word, StringComparison.OrdinalIgnoreCase)).Select(t => t.Category).ToHashSet();
                    var categories = new JsonObject();
                    var scores = new JsonObject();
                    var applied = new JsonObject();
                    foreach (string c in Categories)
                    {
                        categories[c] = hits.Contains(c);
                        scores[c] = hits.Contains(c) ? 0.97 : 0.0001;
                        applied[c] = new JsonArray("text");
                    }

                    results.Add(new JsonObject { ["flagged"] = hits.Count > 0, ["categories"] = categories, ["category_scores"] = scores, ["category_applied_input_types"] = applied });
                }

                return Results.Json(new JsonObject
                {
                    ["id"] = state.NewId("modr-"), ["model"] = Requests.String(body, "model") ?? "omni-moderation-latest", ["results"] = results,
                });
            });
        }
    }
}
