using System;

namespace FineTune.Engine.Pricing
{
    /// <summary>
    /// What a fine-tuning job is expected to cost (<see cref="CostEstimator.Estimate"/>): trained tokens =
    /// billed tokens per epoch × epochs; USD = trained tokens × price per 1M ÷ 1,000,000. Validation tokens
    /// are free.
    /// </summary>
    public sealed class CostEstimate
    {
        /// <summary>The model as asked for (a fine-tuned or undated name is kept as typed).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The catalog row the price comes from (<c>gpt-4o-mini-2024-07-18</c>).</summary>
        public string CatalogModel { get; set; } = string.Empty;

        /// <summary>Who bills it: OpenAI or Azure.</summary>
        public string Provider { get; set; } = string.Empty;

        /// <summary>The model's tokenizer encoding.</summary>
        public string? Encoding { get; set; }

        /// <summary>Training examples (0 when only a token count was given).</summary>
        public int Examples { get; set; }

        /// <summary>Tokens billed for one pass over the training file (each example capped at the model's limit).</summary>
        public long BilledTokensPerEpoch { get; set; }

        /// <summary>Passes over the training file.</summary>
        public int Epochs { get; set; }

        /// <summary>True when <see cref="Epochs"/> was worked out as the service does for <c>auto</c>.</summary>
        public bool EpochsAuto { get; set; }

        /// <summary>Tokens billed: <see cref="BilledTokensPerEpoch"/> × <see cref="Epochs"/>.</summary>
        public long TrainedTokens { get; set; }

        /// <summary>Validation tokens (not billed).</summary>
        public long ValidationTokens { get; set; }

        /// <summary>USD per 1,000,000 trained tokens; null when the model is billed otherwise (per hour) or the price is unknown.</summary>
        public decimal? PricePerMillion { get; set; }

        /// <summary>The estimate in USD, rounded to the cent (away from zero); null when it cannot be computed from tokens.</summary>
        public decimal? EstimatedUsd { get; set; }

        /// <summary>The currency (<c>USD</c>).</summary>
        public string Currency { get; set; } = "USD";

        /// <summary>When the catalog's prices were gathered (<c>2026-11</c>).</summary>
        public string CatalogDate { get; set; } = string.Empty;

        /// <summary>Where the price comes from.</summary>
        public string CatalogSource { get; set; } = string.Empty;

        /// <summary>False when the price comes from a third-party copy or was not checked.</summary>
        public bool PriceVerified { get; set; }

        /// <summary>The base model's shutdown date (UTC), if announced.</summary>
        public DateTime? ShutdownDate { get; set; }

        /// <summary>Whether a new fine-tuning job can be created on this model today.</summary>
        public bool CanTrain { get; set; }

        /// <summary>Azure: the training type priced (GlobalStandard, Developer), or null for Standard/OpenAI.</summary>
        public string? TrainingType { get; set; }

        /// <summary>Azure: hours of hosting priced (a deployed fine-tuned model is billed by the hour); 0 when not asked.</summary>
        public decimal HostingHours { get; set; }

        /// <summary>Azure: USD per hour of hosting from the catalog (0 for a Developer deployment); null when unknown or not asked.</summary>
        public decimal? HostingPerHour { get; set; }

        /// <summary>Azure: HostingPerHour × HostingHours in USD, rounded to cents; null when not asked or unknown.</summary>
        public decimal? HostingUsd { get; set; }

        /// <summary>
        /// The estimate in one sentence, for a confirmation, -WhatIf and a log line: "estimated cost $1.23: 456,000 tokens =
        /// 152,000 x 3 epochs at $3.00 per 1M (GlobalStandard)", or "estimated cost unknown: no training price for MODEL in
        /// the price catalog".
        /// </summary>
        public string Sentence => EstimatedUsd is decimal usd
            ? $"estimated cost ${usd:0.00}: {TrainedTokens:N0} tokens = {BilledTokensPerEpoch:N0} x {Epochs} epochs at ${PricePerMillion:0.00} per 1M{(TrainingType != null ? $" ({TrainingType})" : string.Empty)}"
            : $"estimated cost unknown: no training price for {Model} in the price catalog";

        /// <summary>Why the estimate needs care (the model cannot be trained any more, a per-hour price, an unverified price); null when none.</summary>
        public string? Warning { get; set; }
    }
}
