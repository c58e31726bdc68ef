using System;
using System.Collections.Generic;

namespace FineTune.Engine.Pricing
{
    /// <summary>
    /// One model's row of the price catalog (<see cref="PriceCatalog"/>): money in the catalog's currency
    /// (USD), tokens as the service bills them.
    /// </summary>
    public sealed class ModelPrice
    {
        /// <summary>The catalog's name of the model, a dated snapshot where one exists (<c>gpt-4o-mini-2024-07-18</c>).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>Other names that find this row (<c>gpt-4o-mini</c>).</summary>
        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        /// <summary>Who bills it: <c>OpenAI</c> or <c>Azure</c>.</summary>
        public string Provider { get; set; } = "OpenAI";

        /// <summary>The tokenizer encoding: <c>o200k_base</c> or <c>cl100k_base</c>.</summary>
        public string? Encoding { get; set; }

        /// <summary>Training price, USD per 1,000,000 trained tokens (tokens × epochs); null when billed otherwise or unknown.</summary>
        public decimal? TrainingPerMillion { get; set; }

        /// <summary>Training price, USD per training hour (reinforcement fine-tuning); null when billed per token.</summary>
        public decimal? TrainingPerHour { get; set; }

        /// <summary>Inference of the fine-tuned model, USD per 1,000,000 input tokens.</summary>
        public decimal? InputPerMillion { get; set; }

        /// <summary>Inference of the fine-tuned model, USD per 1,000,000 output tokens.</summary>
        public decimal? OutputPerMillion { get; set; }

        /// <summary>Azure: hosting of a deployed fine-tuned model, USD per hour.</summary>
        public decimal? HostingPerHour { get; set; }

        /// <summary>Azure: discounts by deployment type (<c>GlobalStandard</c>, <c>DeveloperTier</c>) as a fraction off (0.5 = half price); null values are unknown.</summary>
        public IReadOnlyDictionary<string, decimal?> Discounts { get; set; } = new Dictionary<string, decimal?>();

        /// <summary>Tokens an example may hold; longer ones are cut, and billed only up to this.</summary>
        public int? MaxTokensPerExample { get; set; }

        /// <summary>The base model's shutdown date (UTC), if announced.</summary>
        public DateTime? ShutdownDate { get; set; }

        /// <summary>The first day (UTC) on which no new fine-tuning job can be created, if announced.</summary>
        public DateTime? NoNewTrainingFrom { get; set; }

        /// <summary>True once the model is retired for fine-tuning.</summary>
        public bool Retired { get; set; }

        /// <summary>True when the numbers were read from the provider's own pages; false for third-party copies or not yet checked.</summary>
        public bool Verified { get; set; }

        /// <summary>Where the numbers come from (the row's own source, else the catalog's).</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The catalog's date (<c>2026-11</c>): when the prices were gathered.</summary>
        public string CatalogDate { get; set; } = string.Empty;

        /// <summary>The catalog's currency (<c>USD</c>).</summary>
        public string Currency { get; set; } = "USD";

        /// <summary>Free text from the catalog.</summary>
        public string? Notes { get; set; }

        /// <summary>
        /// Whether a new fine-tuning job can be created on <paramref name="today"/> (UTC date): not retired,
        /// before <see cref="NoNewTrainingFrom"/> and before <see cref="ShutdownDate"/>.
        /// </summary>
        public bool CanTrainOn(DateTime today) =>
            !Retired && !(NoNewTrainingFrom is DateTime stop && today.Date >= stop) && !(ShutdownDate is DateTime end && today.Date >= end);

        /// <inheritdoc/>
        public override string ToString() => $"{Provider} {Model}";
    }
}
