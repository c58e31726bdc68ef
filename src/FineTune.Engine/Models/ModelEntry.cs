using System;
using System.Collections.Generic;

namespace FineTune.Engine.Models
{
    /// <summary>
    /// One row of the model catalog (<see cref="ModelCatalog"/>): what one provider says of one model — its
    /// names, encoding, per-example token limit, the training file formats it takes, training, hosting and
    /// inference prices (in the catalog's currency, USD) and its dates. Field names and units are those of
    /// the catalog file (docs/PRICING.md).
    /// </summary>
    public sealed class ModelEntry
    {
        /// <summary>The catalog's name of the model, a dated snapshot where one exists (<c>gpt-4o-mini-2024-07-18</c>).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>Other names that find this row (<c>gpt-4o-mini</c>).</summary>
        public IReadOnlyList<string> Aliases { get; set; } = Array.Empty<string>();

        /// <summary>Who serves and bills it: <c>OpenAI</c> or <c>Azure</c>.</summary>
        public string Provider { get; set; } = ModelCatalog.OpenAI;

        /// <summary>The tokenizer encoding: <c>o200k_base</c> or <c>cl100k_base</c>; null when the row does not say.</summary>
        public string? Encoding { get; set; }

        /// <summary>The training file formats the model takes on this provider: <c>chat</c>, <c>preference</c> (DPO), <c>completion</c> (legacy prompt/completion); empty when the row does not say.</summary>
        public IReadOnlyList<string> Formats { get; set; } = Array.Empty<string>();

        /// <summary>Training price, USD per 1,000,000 trained tokens (tokens × epochs), OpenAI's or Azure's Standard training type; null when billed otherwise or unknown.</summary>
        public decimal? TrainingPerMillion { get; set; }

        /// <summary>Azure: training price in USD per 1,000,000 trained tokens by training type (<c>GlobalStandard</c>, <c>Developer</c>); a type named here wins over <see cref="Discounts"/>.</summary>
        public IReadOnlyDictionary<string, decimal> TrainingPerMillionByType { get; set; } = new Dictionary<string, decimal>();

        /// <summary>Training price, USD per training hour (reinforcement fine-tuning); null when billed per token.</summary>
        public decimal? TrainingPerHour { get; set; }

        /// <summary>Inference of a model fine-tuned from this one, USD per 1,000,000 input tokens.</summary>
        public decimal? InputPerMillion { get; set; }

        /// <summary>Inference of a model fine-tuned from this one, USD per 1,000,000 cached input tokens; null when unknown (then priced as input).</summary>
        public decimal? CachedInputPerMillion { get; set; }

        /// <summary>Inference of a model fine-tuned from this one, USD per 1,000,000 output tokens.</summary>
        public decimal? OutputPerMillion { get; set; }

        /// <summary>Inference of the base model itself, USD per 1,000,000 input tokens.</summary>
        public decimal? BaseInputPerMillion { get; set; }

        /// <summary>Inference of the base model itself, USD per 1,000,000 cached input tokens; null when unknown (then priced as input).</summary>
        public decimal? BaseCachedInputPerMillion { get; set; }

        /// <summary>Inference of the base model itself, USD per 1,000,000 output tokens.</summary>
        public decimal? BaseOutputPerMillion { get; set; }

        /// <summary>Where the base model's inference prices come from (default: <see cref="Source"/>).</summary>
        public string BaseSource { get; set; } = string.Empty;

        /// <summary>True when the base model's inference prices were read from the provider's own pages.</summary>
        public bool BaseVerified { get; set; }

        /// <summary>Azure: hosting of a deployed fine-tuned model, USD per hour (Standard and GlobalStandard deployments).</summary>
        public decimal? HostingPerHour { get; set; }

        /// <summary>Azure: fractions off <see cref="TrainingPerMillion"/> by training type (<c>GlobalStandard</c>, <c>DeveloperTier</c>), 0.5 = half price; null values are unknown.</summary>
        public IReadOnlyDictionary<string, decimal?> Discounts { get; set; } = new Dictionary<string, decimal?>();

        /// <summary>Tokens an example may hold; longer ones are cut, and billed only up to this.</summary>
        public int? MaxTokensPerExample { get; set; }

        /// <summary>The base model's shutdown date (UTC), if announced; fine-tuned models serve until then.</summary>
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

        /// <summary>
        /// USD per 1,000,000 trained tokens for an Azure training type (<c>Standard</c> or null, <c>GlobalStandard</c>,
        /// <c>Developer</c>/<c>DeveloperTier</c>): the type's own price, else <see cref="TrainingPerMillion"/> less the
        /// type's discount; null when the row has neither (<see cref="TrainingPerMillion"/> for Standard).
        /// </summary>
        public decimal? TrainingPerMillionFor(string? trainingType)
        {
            string? type = ModelCatalog.TrainingTypeKey(trainingType);
            if (type == null) return TrainingPerMillion;
            if (TrainingPerMillionByType.TryGetValue(type, out decimal own)) return own;
            decimal? off = null;
            foreach (string key in type == ModelCatalog.Developer ? new[] { "DeveloperTier", ModelCatalog.Developer } : new[] { type })
            {
                if (Discounts.TryGetValue(key, out decimal? d) && d != null) off = d;
            }

            return off is decimal fraction && TrainingPerMillion is decimal standard ? standard * (1 - fraction) : (decimal?)null;
        }

        /// <summary>Azure: USD per hour of hosting a deployment with <paramref name="sku"/> (<c>DeveloperTier</c>/<c>Developer</c>: 0, not billed by the hour; else <see cref="HostingPerHour"/>).</summary>
        public decimal? HostingPerHourFor(string? sku) =>
            ModelCatalog.TrainingTypeKey(sku) == ModelCatalog.Developer ? 0m : HostingPerHour;

        /// <inheritdoc/>
        public override string ToString() => $"{Provider} {Model}";
    }
}
