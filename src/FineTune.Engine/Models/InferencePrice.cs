using System;

namespace FineTune.Engine.Models
{
    /// <summary>
    /// What a chat call on a model costs (<see cref="ModelCatalog.InferencePriceOf"/>): USD per 1,000,000
    /// input, cached input and output tokens, for the base model or for a model fine-tuned from it.
    /// </summary>
    public sealed class InferencePrice
    {
        /// <summary>The model as asked for (<c>ft:gpt-4o-mini-2024-07-18:acme::x</c>).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The catalog row the prices come from (<c>gpt-4o-mini-2024-07-18</c>).</summary>
        public string CatalogModel { get; set; } = string.Empty;

        /// <summary>Who bills it: <c>OpenAI</c> or <c>Azure</c>.</summary>
        public string Provider { get; set; } = string.Empty;

        /// <summary>True for a fine-tuned model (priced at the fine-tuned rates), false for the base model.</summary>
        public bool FineTuned { get; set; }

        /// <summary>USD per 1,000,000 input tokens.</summary>
        public decimal InputPerMillion { get; set; }

        /// <summary>USD per 1,000,000 cached input tokens (equal to <see cref="InputPerMillion"/> when the catalog gives none).</summary>
        public decimal CachedInputPerMillion { get; set; }

        /// <summary>USD per 1,000,000 output tokens.</summary>
        public decimal OutputPerMillion { get; set; }

        /// <summary>False when the prices come from a third-party copy or were not checked.</summary>
        public bool Verified { get; set; }

        /// <summary>Where the prices come from.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>When the catalog's prices were gathered (<c>2026-11</c>).</summary>
        public string CatalogDate { get; set; } = string.Empty;

        /// <summary>
        /// USD for one call: (input − cached) × input price + cached × cached price + output × output price, per
        /// 1,000,000 tokens, not rounded. <paramref name="inputTokens"/> includes <paramref name="cachedInputTokens"/>
        /// (as the service's usage reports them). Throws <see cref="ArgumentOutOfRangeException"/> for negative counts
        /// or more cached than input tokens.
        /// </summary>
        public decimal Cost(long inputTokens, long outputTokens, long cachedInputTokens = 0)
        {
            if (inputTokens < 0 || outputTokens < 0 || cachedInputTokens < 0) throw new ArgumentOutOfRangeException(nameof(inputTokens), "Token counts cannot be negative.");
            if (cachedInputTokens > inputTokens) throw new ArgumentOutOfRangeException(nameof(cachedInputTokens), cachedInputTokens, "Cached input tokens are part of the input tokens and cannot be more.");
            return ((inputTokens - cachedInputTokens) * InputPerMillion + cachedInputTokens * CachedInputPerMillion + outputTokens * OutputPerMillion) / 1_000_000m;
        }

        /// <inheritdoc/>
        public override string ToString() => $"{Provider} {Model}: ${InputPerMillion}/${CachedInputPerMillion}/${OutputPerMillion} per 1M in/cached/out";
    }
}
