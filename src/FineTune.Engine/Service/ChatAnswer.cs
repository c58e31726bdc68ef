using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>The answer of one chat completion, with its token usage and cost.</summary>
    public sealed class ChatAnswer
    {
        /// <summary>The model that answered (as the service names it).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The user message that was sent.</summary>
        public string Question { get; set; } = string.Empty;

        /// <summary>The assistant's reply (the first choice's content).</summary>
        public string? Answer { get; set; }

        /// <summary>Why generation stopped: stop, length, content_filter, tool_calls.</summary>
        public string? FinishReason { get; set; }

        /// <summary>Input tokens billed (<c>usage.prompt_tokens</c>).</summary>
        public long PromptTokens { get; set; }

        /// <summary>Output tokens billed (<c>usage.completion_tokens</c>).</summary>
        public long CompletionTokens { get; set; }

        /// <summary>Prompt plus completion tokens.</summary>
        public long TotalTokens => PromptTokens + CompletionTokens;

        /// <summary>The call's cost in USD from the price catalog (fine-tuned inference prices of the base model); null when the model has no price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>The <c>x-request-id</c> of the call, or null.</summary>
        public string? RequestId { get; set; }

        /// <summary>The model's refusal (<c>message.refusal</c>) when it declined to answer, else null.</summary>
        public string? Refusal { get; set; }

        /// <inheritdoc/>
        public override string ToString() => Answer ?? string.Empty;
    }
}
