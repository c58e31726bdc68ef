using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>POST /chat/completions</c> (no streaming). A fine-tuned model (or one of its checkpoints) answers with
    /// the assistant reply of the training example whose prompt shares the most words with the last user
    /// message (Jaccard similarity of lower-cased words); a base model answers with a generic reply. Usage
    /// counts tokens as the emulator estimates them (<see cref="TrainingFile.EstimateTokens"/>). Azure flavour: the
    /// model is a deployment name; 404 DeploymentNotFound until the deployment's provisioning has Succeeded.
    /// </summary>
    public static partial class ChatRoutes
    {
        /// <summary>Maps the route on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/chat/completions", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                string? model = Requests.String(body, "model");
                if (string.IsNullOrEmpty(model)) return ApiError.BadRequest("Missing required parameter: 'model'.", "model", "missing_required_parameter");
                if (body["messages"] is not JsonArray { Count: > 0 } messages) return ApiError.BadRequest("Missing required parameter: 'messages' (a non-empty array).", "messages", "missing_required_parameter");
                if (body["stream"] is JsonValue s && s.TryGetValue(out bool stream) && stream) return ApiError.BadRequest("The emulator does not stream: send stream=false.", "stream", "unsupported_value");

                string question = messages.OfType<JsonObject>().LastOrDefault(m => Requests.String(m, "role") == "user") is JsonObject last ? TrainingFile.TextOf(last["content"]) : "";
                string reply;
                if (state.Options.IsAzure)
                {
                    // Azure: the model is a deployment name, served once provisioning has Succeeded.
                    Deployment? d = DeploymentRoutes.Find(state, model);
                    if (d == null || d.ProvisioningState(state.Options.TimeScale) != "Succeeded") return DeploymentRoutes.DeploymentNotFound();
                    model = d.Model;
                }

                if (ModelCatalog.Find(model) is BaseModel baseModel)
                {
                    reply = $"This is the emulated base model {baseModel.Id}. You asked: {question}";
                }
                else
                {
                    TrainingData? data;
                    lock (state.Sync)
                    {
                        Job? job = state.Jobs.Values.FirstOrDefault(j => j.FineTunedModel != null && !state.DeletedModels.Contains(j.FineTunedModel)
                            && (j.FineTunedModel == model || j.Checkpoints.Any(c => (string?)c["fine_tuned_model_checkpoint"] == model)));
                        data = job?.Data;
                    }

                    if (data == null) return ModelRoutes.ModelNotFound(model);
                    reply = MostSimilar(data.Examples, question).Reply;
                }

                long promptTokens = 3 + messages.OfType<JsonObject>().Sum(m => 3 + TrainingFile.EstimateTokens(TrainingFile.TextOf(m["content"])));
                long completionTokens = TrainingFile.EstimateTokens(reply);
                return Results.Json(new JsonObject
                {
                    ["id"] = state.NewId("chatcmpl-"),
                    ["object"] = "chat.completion",
                    ["created"] = EmulatorState.Now,
                    ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject
                    {
                        ["index"] = 0,
                        ["message"] = new JsonObject { ["role"] = "assistant", ["content"] = reply, ["refusal"] = null, ["annotations"] = new JsonArray() },
                        ["logprobs"] = null,
                        ["finish_reason"] = "stop",
                    }),
                    ["usage"] = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens },
                    ["service_tier"] = "default",
                });
            });
        }

        /// <summary>The example whose prompt shares the most words with <paramref name="question"/> (the first on a tie).</summary>
        public static TrainedExample MostSimilar(IReadOnlyList<TrainedExample> examples, string question)
        {
            HashSet<string> asked = Words(question);
            TrainedExample best = examples[0];
            double bestScore = -1;
            foreach (TrainedExample e in examples)
            {
                HashSet<string> words = Words(e.Prompt);
                int shared = words.Count(asked.Contains);
                double score = shared == 0 ? 0 : (double)shared / (words.Count + asked.Count - shared);
                if (score > bestScore)
                {
                    best = e;
                    bestScore = score;
                }
            }

            return best;
        }

        private static HashSet<string> Words(string text) =>
            WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

        [GeneratedRegex(@"[\p{L}\p{N}]+")]
        private static partial Regex WordPattern();
    }
}
