using System;
using System.IO;
using System.Threading;
using FineTune.Engine.Datasets;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;

namespace FineTune.Engine.Jobs
{
    /// <summary>
    /// Everything Start-FineTuneJob (-WhatIf, -MaxCost) and Invoke-FineTuneChat need to know about money: prices from
    /// <see cref="ModelCatalog"/> (<see cref="ModelCatalog.Load"/>: FINETUNE_PRICE_CATALOG, else the embedded one); training
    /// tokens as Measure-FineTuneDataset counts them (<see cref="DatasetChecker.Measure"/>: the model's encoding, each
    /// example capped at the model's limit), then <see cref="CostEstimator.Estimate"/> (auto epochs as the service picks
    /// them). Plain functions: no state, nothing to swap.
    /// </summary>
    public static class Costs
    {
        /// <summary>
        /// Estimates training a local JSONL file on <paramref name="model"/> for <paramref name="epochs"/> (null = auto)
        /// at <paramref name="provider"/>'s price (<c>OpenAI</c> or <c>Azure</c>) for <paramref name="trainingType"/>
        /// (Azure: Standard, GlobalStandard, Developer); null when the catalog has no row for the model on that provider.
        /// Throws <see cref="IOException"/> when the file cannot be read, <see cref="ModelCatalogException"/> when the catalog cannot.
        /// </summary>
        public static CostEstimate? EstimateTraining(string model, string trainingPath, int? epochs, CancellationToken cancellationToken,
            string provider = ModelCatalog.OpenAI, string? trainingType = null)
        {
            if (ModelCatalog.Load().Find(model, provider) == null) return null;
            DatasetMeasurement measured;
            try
            {
                measured = DatasetChecker.Measure(trainingPath, model, DatasetFormat.Auto, null, null, cancellationToken);
            }
            catch (InvalidDataException)
            {
                return null; // not JSON Lines: the checks report it; there is nothing to price
            }

            return EstimateTraining(model, measured, epochs, provider, trainingType);
        }

        /// <summary>
        /// Estimates as <see cref="EstimateTraining(string, string, int?, CancellationToken, string, string?)"/> does from a file
        /// already measured (<see cref="DatasetChecker.Measure"/>, or the measurement of <see cref="DatasetChecker.Test"/> with a model).
        /// </summary>
        public static CostEstimate? EstimateTraining(string model, DatasetMeasurement measured, int? epochs, string provider = ModelCatalog.OpenAI, string? trainingType = null)
        {
            ModelEntry? price = ModelCatalog.Load().Find(model, provider);
            return price == null || measured.Examples == 0 ? null
                : CostEstimator.Estimate(price, measured.BilledTokensPerEpoch, (int)Math.Min(int.MaxValue, measured.Examples), epochs, 0, model, trainingType: trainingType);
        }

        /// <summary>The USD cost of one chat call on <paramref name="model"/> (<see cref="ModelCatalog.InferencePriceOf"/>: a fine-tuned model at its base row's fine-tuned rates); null when unknown.</summary>
        public static decimal? ChatCost(string model, long inputTokens, long outputTokens, string provider = ModelCatalog.OpenAI) =>
            ModelCatalog.Load().InferencePriceOf(model, provider)?.Cost(inputTokens, outputTokens);
    }
}
