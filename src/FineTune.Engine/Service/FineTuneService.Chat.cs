using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;

namespace FineTune.Engine.Service
{
    public sealed partial class FineTuneService
    {
        /// <summary>
        /// One chat completion (<c>POST /chat/completions</c>) with an optional system message and one user
        /// message; returns the first choice's answer, the token usage and the cost from
        /// <see cref="Costs.Current"/> (null when the model has no price). Read with lenient JSON so that
        /// compatible services that leave fields out still answer. Throws <see cref="FineTuneServiceException"/> (Operation Chat).
        /// </summary>
        public async Task<ChatAnswer> ChatAsync(string model, string? systemMessage, string userMessage, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            var messages = new List<object>();
            if (!string.IsNullOrEmpty(systemMessage)) messages.Add(new Dictionary<string, string> { ["role"] = "system", ["content"] = systemMessage! });
            messages.Add(new Dictionary<string, string> { ["role"] = "user", ["content"] = userMessage });
            var request = new Dictionary<string, object> { ["model"] = model, ["messages"] = messages };
            if (maxTokens != null) request["max_completion_tokens"] = maxTokens.Value;
            if (temperature != null) request["temperature"] = temperature.Value;
            var options = new SendOptions();
            using JsonDocument doc = await SendAsync("Chat", "POST", "chat/completions", BinaryContent.Create(BinaryData.FromString(JsonSerializer.Serialize(request))), cancellationToken, options: options).ConfigureAwait(false);
            JsonElement root = doc.RootElement;
            JsonElement choice = default;
            JsonElement choices = root.Child("choices");
            if (choices.ValueKind == JsonValueKind.Array && choices.GetArrayLength() > 0) choice = choices[0];
            JsonElement usage = root.Child("usage");
            long input = usage.Long("prompt_tokens") ?? 0, output = usage.Long("completion_tokens") ?? 0;
            return new ChatAnswer
            {
                Model = root.Str("model") ?? model,
                Question = userMessage,
                Answer = choice.Child("message").Str("content"),
                FinishReason = choice.Str("finish_reason"),
                PromptTokens = input,
                CompletionTokens = output,
                CostUsd = CostOf(model, input, output),
                RequestId = options.RequestId,
            };
        }

        private static decimal? CostOf(string model, long input, long output)
        {
            try
            {
                return Costs.Current.ChatCost(model, input, output);
            }
            catch (Pricing.PriceCatalogException)
            {
                return null; // a broken catalog file costs the answer its price, not the answer
            }
        }

        /// <summary>Deletes a fine-tuned model (<c>DELETE /models/{id}</c>; needs the organization's Owner role; Azure has no such route).</summary>
        public async Task DeleteModelAsync(string model, CancellationToken cancellationToken)
        {
            if (Connection.Provider == ServiceProvider.Azure)
            {
                throw new FineTuneServiceException("RemoveModel", ErrorKind.NotSupported, "NotSupportedOnAzure",
                    $"Azure OpenAI has no DELETE /models, so {model} cannot be deleted through the API. To stop paying for it, remove its deployment (Remove-FineTuneDeployment); the model itself can be deleted in the Azure AI Foundry portal.");
            }

            using JsonDocument _ = await SendAsync("RemoveModel", "DELETE", "models/" + Uri.EscapeDataString(model), null, cancellationToken).ConfigureAwait(false);
        }
    }
}
