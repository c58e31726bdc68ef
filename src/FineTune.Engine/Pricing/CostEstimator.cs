using System;
using System.Collections.Generic;
using System.Globalization;
using FineTune.Engine.Models;

namespace FineTune.Engine.Pricing
{
    /// <summary>Training cost from token counts and a model's catalog row (<see cref="ModelEntry"/>). Pure functions; thread-safe.</summary>
    public static class CostEstimator
    {
        /// <summary>
        /// The epochs the service picks for <c>n_epochs: "auto"</c>, as OpenAI's cookbook estimates it
        /// (OPENAI-FACTS.md, Counting tokens): 3; but when examples × 3 &lt; 100, min(25, 100 ÷ examples); and
        /// when examples × 3 &gt; 25,000, max(1, 25,000 ÷ examples), in integer division. So 10 examples → 10,
        /// 33 → 3, 8,333 → 3, 8,334 → 2, 12,501 → 1. Throws <see cref="ArgumentOutOfRangeException"/> below 1.
        /// </summary>
        public static int AutoEpochs(int examples)
        {
            if (examples < 1) throw new ArgumentOutOfRangeException(nameof(examples), examples, "Auto epochs need at least one training example.");
            const int target = 3, minTokens = 100, maxTokens = 25_000, maxEpochs = 25, minEpochs = 1;
            long total = (long)examples * target;
            if (total < minTokens) return Math.Min(maxEpochs, minTokens / examples);
            if (total > maxTokens) return Math.Max(minEpochs, maxTokens / examples);
            return target;
        }

        /// <summary>The tokens billed for one example: its tokens, capped at the model's per-example limit (longer examples are cut).</summary>
        public static int BilledTokens(ModelEntry price, int exampleTokens) =>
            price?.MaxTokensPerExample is int max && exampleTokens > max ? max : exampleTokens;

        /// <summary>
        /// The cost of training: <paramref name="billedTokensPerEpoch"/> (already capped per example) ×
        /// epochs (<paramref name="epochs"/>, or <see cref="AutoEpochs"/> of <paramref name="examples"/> when
        /// null) × the price per 1M tokens. <paramref name="validationTokens"/> are reported, not billed.
        /// <paramref name="model"/> is the name as typed (default: the catalog row's), <paramref name="today"/>
        /// the UTC date for <see cref="CostEstimate.CanTrain"/> (default: now).
        /// Azure: <paramref name="trainingType"/> (GlobalStandard, Developer/DeveloperTier) takes the row's price
        /// for that type (<see cref="ModelEntry.TrainingPerMillionFor"/>: its own, else the Standard price less its
        /// discount, else the Standard price with a warning); <paramref name="hostingHours"/> prices the deployment's hosting at the
        /// catalog's USD per hour (none for a Developer deployment, which Azure does not bill by the hour).
        /// Throws <see cref="ArgumentException"/> for negative tokens or hours, epochs outside 1–50, or auto epochs without examples.
        /// </summary>
        public static CostEstimate Estimate(ModelEntry price, long billedTokensPerEpoch, int examples, int? epochs, long validationTokens,
            string? model = null, DateTime? today = null, string? trainingType = null, decimal hostingHours = 0)
        {
            if (hostingHours < 0) throw new ArgumentOutOfRangeException(nameof(hostingHours), hostingHours, "Hosting hours cannot be negative.");
            if (price == null) throw new ArgumentNullException(nameof(price));
            if (billedTokensPerEpoch < 0) throw new ArgumentOutOfRangeException(nameof(billedTokensPerEpoch), billedTokensPerEpoch, "Training tokens cannot be negative.");
            if (validationTokens < 0) throw new ArgumentOutOfRangeException(nameof(validationTokens), validationTokens, "Validation tokens cannot be negative.");
            if (examples < 0) throw new ArgumentOutOfRangeException(nameof(examples), examples, "Examples cannot be negative.");
            if (epochs is int e && (e < 1 || e > 50)) throw new ArgumentOutOfRangeException(nameof(epochs), e, "Epochs must be from 1 to 50 (n_epochs).");
            if (epochs == null && examples < 1) throw new ArgumentException("Auto epochs depend on the number of training examples: give the examples, or a number of epochs.", nameof(examples));

            int n = epochs ?? AutoEpochs(examples);
            if (billedTokensPerEpoch > long.MaxValue / n)
            {
                throw new ArgumentOutOfRangeException(nameof(billedTokensPerEpoch), $"{billedTokensPerEpoch:N0} training tokens × {n} epochs is more tokens than can be counted (over 9.2 × 10^18); a training file holds at most 512 MB. Check -TrainingTokens.");
            }

            if (hostingHours > 1_000_000m) throw new ArgumentOutOfRangeException(nameof(hostingHours), "Hosting hours above 1,000,000 (114 years) are not an estimate. Check -HostingHours.");
            DateTime day = (today ?? DateTime.UtcNow).Date;
            var estimate = new CostEstimate
            {
                Model = string.IsNullOrWhiteSpace(model) ? price.Model : model!.Trim(),
                CatalogModel = price.Model,
                Provider = price.Provider,
                Encoding = price.Encoding,
                Examples = examples,
                BilledTokensPerEpoch = billedTokensPerEpoch,
                Epochs = n,
                EpochsAuto = epochs == null,
                TrainedTokens = billedTokensPerEpoch * n,
                ValidationTokens = validationTokens,
                PricePerMillion = price.TrainingPerMillion,
                Currency = price.Currency,
                CatalogDate = price.CatalogDate,
                CatalogSource = price.Source,
                PriceVerified = price.Verified,
                ShutdownDate = price.ShutdownDate,
                CanTrain = price.CanTrainOn(day),
            };

            var warnings = new List<string>();
            if (ModelCatalog.TrainingTypeKey(trainingType) is string type)
            {
                estimate.TrainingType = trainingType;
                estimate.PricePerMillion = price.TrainingPerMillionFor(type);
                if (estimate.PricePerMillion == null && price.TrainingPerMillion != null)
                {
                    estimate.PricePerMillion = price.TrainingPerMillion;
                    warnings.Add($"The catalog has no {type} training price or discount for {price.Model}; the Standard training price is used.");
                }
            }

            if (estimate.PricePerMillion is decimal perMillion)
            {
                estimate.EstimatedUsd = Math.Round(estimate.TrainedTokens * perMillion / 1_000_000m, 2, MidpointRounding.AwayFromZero);
            }

            if (hostingHours > 0)
            {
                estimate.HostingHours = hostingHours;
                estimate.HostingPerHour = price.HostingPerHourFor(trainingType);
                if (estimate.HostingPerHour is decimal perHour)
                {
                    estimate.HostingUsd = Math.Round(perHour * hostingHours, 2, MidpointRounding.AwayFromZero);
                }
                else
                {
                    warnings.Add($"The catalog has no hosting price for {price.Provider} {price.Model}.");
                }
            }

            if (!estimate.CanTrain) warnings.Add(WhyNot(price, day));
            else if (SoonUnavailable(price, day) is string soon) warnings.Add(soon);
            if (estimate.PricePerMillion == null)
            {
                warnings.Add(price.TrainingPerHour is decimal hour
                    ? $"{price.Model} is billed per training hour (${hour.ToString("0.00", CultureInfo.InvariantCulture)}/h), which tokens cannot predict."
                    : $"The catalog has no training price for {price.Provider} {price.Model}; supply one with -PriceCatalog.");
            }

            if (!price.Verified) warnings.Add($"The price of {price.Model} is not verified ({price.Source}).");
            estimate.Warning = warnings.Count == 0 ? null : string.Join(" ", warnings);
            return estimate;
        }

        /// <summary>Days before a model's last day of new jobs or its shutdown within which estimates warn (as Get-FineTuneModel does).</summary>
        public const int WarnDays = 60;

        // "takes no new fine-tuning jobs from D (in n days)" and/or "shuts down on D (in n days)" when within WarnDays.
        private static string? SoonUnavailable(ModelEntry price, DateTime day)
        {
            string In(DateTime d) => $"{d:yyyy-MM-dd} (in {(d - day.Date).Days} days)";
            var parts = new List<string>();
            if (price.NoNewTrainingFrom is DateTime stop && (stop - day.Date).Days <= WarnDays) parts.Add($"takes no new fine-tuning jobs from {In(stop)}");
            if (price.ShutdownDate is DateTime end && (end - day.Date).Days <= WarnDays) parts.Add($"shuts down on {In(end)}");
            return parts.Count == 0 ? null : $"{price.Model} {string.Join(" and ", parts)}.";
        }

        private static string WhyNot(ModelEntry price, DateTime day)
        {
            if (price.Retired) return $"{price.Model} is retired for fine-tuning{(price.ShutdownDate is DateTime s ? $" (shut down {s:yyyy-MM-dd})" : string.Empty)}: no new job can be created on it. Pick a current model (Get-FineTuneCost -Model gpt-4.1-mini-2025-04-14).";
            if (price.ShutdownDate is DateTime end && day >= end) return $"{price.Model} shut down on {end:yyyy-MM-dd}: no new job can be created on it.";
            DateTime from = price.NoNewTrainingFrom ?? day;
            return $"{price.Model} takes no new fine-tuning jobs since {from:yyyy-MM-dd}.";
        }
    }
}
