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
    /// <summary>An answer of the chat or completions route: the HTTP status and the JSON body (also a batch output line's response).</summary>
    public sealed record RouteAnswer(int Status, JsonObject Body);

    /// <summary>
    /// <c>POST /chat/completions</c> and <c>POST /completions</c> (no streaming). Answers follow <see cref="Skill"/>: a
    /// model answers a question it knows (right only sometimes, by its skill); a fine-tuned model (or one of its
    /// checkpoints) asked something outside its files answers with the assistant reply of the training example
    /// whose prompt shares the most words with the question (Jaccard similarity of lower-cased words); a base
    /// model asked something it does not know answers with a generic reply. <c>/completions</c> serves only
    /// babbage-002, davinci-002 and their fine-tunes (404 for chat models, as the service). Usage counts tokens as
    /// the emulator estimates them (<see cref="TrainingFile.EstimateTokens"/>). Azure flavour: the model is a
    /// deployment name; 404 DeploymentNotFound until the deployment's provisioning has Succeeded.
    /// </summary>
    public static partial class ChatRoutes
    {
        /// <summary>Maps the routes on <paramref name="v1"/>.</summary>
        public static void Map(RouteGroupBuilder v1, EmulatorState state)
        {
            v1.MapPost("/chat/completions", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                RouteAnswer answer = Answer(state, body, completions: false);
                return Results.Json(answer.Body, statusCode: answer.Status);
            });

            v1.MapPost("/completions", async (HttpRequest request) =>
            {
                (JsonObject? body, IResult? error) = await Requests.ReadJsonAsync(request);
                if (body == null) return error!;
                RouteAnswer answer = Answer(state, body, completions: true);
                return Results.Json(answer.Body, statusCode: answer.Status);
            });
        }

        private static RouteAnswer Error(int status, string message, string? param, string? code) =>
            new RouteAnswer(status, ApiError.Body(message, "invalid_request_error", param, code));

        /// <summary>Answers one chat (<paramref name="completions"/> false) or completions request body.</summary>
        public static RouteAnswer Answer(EmulatorState state, JsonObject body, bool completions)
        {
            string? model = Requests.String(body, "model");
            if (string.IsNullOrEmpty(model)) return Error(400, "Missing required parameter: 'model'.", "model", "missing_required_parameter");
            if (body["stream"] is JsonValue s && s.TryGetValue(out bool stream) && stream) return Error(400, "The emulator does not stream: send stream=false.", "stream", "unsupported_value");
            JsonArray? messages = null;
            string question, key;
            if (completions)
            {
                JsonNode? p = body["prompt"];
                string? prompt = p is JsonValue pv && pv.TryGetValue(out string? one) ? one : p is JsonArray { Count: 1 } pa && pa[0] is JsonValue first && first.TryGetValue(out string? f) ? f : null;
                if (prompt == null) return Error(400, "Missing required parameter: 'prompt' (a string).", "prompt", "missing_required_parameter");
                question = key = prompt;
            }
            else
            {
                if (body["messages"] is not JsonArray { Count: > 0 } m) return Error(400, "Missing required parameter: 'messages' (a non-empty array).", "messages", "missing_required_parameter");
                messages = m;
                question = messages.OfType<JsonObject>().LastOrDefault(x => Requests.String(x, "role") == "user") is JsonObject last ? TrainingFile.TextOf(last["content"]) : "";
                key = Skill.KeyOf(messages);
            }

            if (state.Options.IsAzure)
            {
                // Azure: the model is a deployment name, served once provisioning has Succeeded.
                Deployment? d = DeploymentRoutes.Find(state, model);
                if (d == null || d.ProvisioningState(state.Options.TimeScale) != "Succeeded") return new RouteAnswer(404, DeploymentRoutes.DeploymentNotFoundBody());
                model = d.Model;
            }

            string reply;
            if (ModelCatalog.Find(model) is BaseModel baseModel)
            {
                if (completions != ModelCatalog.IsLegacy(baseModel.Id)) return WrongRoute(model, completions);
                reply = (messages != null ? Skill.GraderReply(messages) : null)
                    ?? Skill.BaseAnswer(state, baseModel.Id, key)
                    ?? $"This is the emulated base model {baseModel.Id}. You asked: {question}";
            }
            else
            {
                Job? job;
                JsonObject? checkpoint;
                lock (state.Sync)
                {
                    job = state.Jobs.Values.FirstOrDefault(j => j.FineTunedModel != null && !state.DeletedModels.Contains(j.FineTunedModel)
                        && (j.FineTunedModel == model || j.Checkpoints.Any(c => (string?)c["fine_tuned_model_checkpoint"] == model)));
                    checkpoint = job?.Checkpoints.FirstOrDefault(c => (string?)c["fine_tuned_model_checkpoint"] == model && model != job.FineTunedModel);
                }

                if (job?.Data == null) return new RouteAnswer(404, ApiError.Body($"The model '{model}' does not exist or you do not have access to it.", "invalid_request_error", "model", "model_not_found"));
                if (completions != ModelCatalog.IsLegacy(job.Model)) return WrongRoute(model, completions);
                double progress = checkpoint != null && (int?)checkpoint["step_number"] is int step ? (double)step / Math.Max(1, job.TotalSteps) : 1;
                reply = Skill.TunedAnswer(state, model, key, job.Data, job.ValidationData, progress) ?? MostSimilar(job.Data.Examples, question).Reply;
            }

            long promptTokens = messages != null ? 3 + messages.OfType<JsonObject>().Sum(m => 3 + TrainingFile.EstimateTokens(TrainingFile.TextOf(m["content"]))) : TrainingFile.EstimateTokens(question);
            long completionTokens = TrainingFile.EstimateTokens(reply);
            var usage = new JsonObject { ["prompt_tokens"] = promptTokens, ["completion_tokens"] = completionTokens, ["total_tokens"] = promptTokens + completionTokens };
            if (completions)
            {
                return new RouteAnswer(200, new JsonObject
                {
                    ["id"] = state.NewId("cmpl-"),
                    ["object"] = "text_completion",
                    ["created"] = EmulatorState.Now,
                    ["model"] = model,
                    ["choices"] = new JsonArray(new JsonObject { ["text"] = reply, ["index"] = 0, ["logprobs"] = null, ["finish_reason"] = "stop" }),
                    ["usage"] = usage,
                });
            }

            return new RouteAnswer(200, new JsonObject
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
                ["usage"] = usage,
                ["service_tier"] = "default",
            });
        }

        private static RouteAnswer WrongRoute(string model, bool completions) => completions
            ? Error(404, $"This is a chat model and not supported in the v1/completions endpoint. Did you mean to use v1/chat/completions? ({model})", "model", null)
            : Error(404, $"This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions? ({model})", "model", null);

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
