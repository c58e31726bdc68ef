using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using FineTune.Engine.Datasets;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Jobs
{
    /// <summary>
    /// The seam between the service cmdlets and pricing: everything Start-FineTuneJob (-WhatIf, -MaxCost) and
    /// Invoke-FineTuneChat need to know about money. <see cref="Costs.Current"/> can be swapped (tests).
    /// </summary>
    public interface ICostModel
    {
        /// <summary>
        /// Estimates training a local JSONL file on <paramref name="model"/> for <paramref name="epochs"/> (null = auto)
        /// at <paramref name="provider"/>'s price (<c>OpenAI</c> or <c>Azure</c>) for <paramref name="trainingType"/>
        /// (Azure: Standard, GlobalStandard, Developer); null when the catalog has no row for the model on that provider.
        /// Throws <see cref="IOException"/> when the file cannot be read, <see cref="ModelCatalogException"/> when the catalog cannot.
        /// </summary>
        CostEstimate? EstimateTraining(string model, string trainingPath, int? epochs, CancellationToken cancellationToken,
            string provider = ModelCatalog.OpenAI, string? trainingType = null);

        /// <summary>The USD cost of one chat call on <paramref name="model"/> (<see cref="ModelCatalog.InferencePriceOf"/>: a fine-tuned model at its base row's fine-tuned rates); null when unknown.</summary>
        decimal? ChatCost(string model, long inputTokens, long outputTokens, string provider = ModelCatalog.OpenAI);
    }

    /// <summary>Where the service cmdlets get prices from.</summary>
    public static class Costs
    {
        /// <summary>The cost model in use: the model catalog (<see cref="ModelCatalog.Load"/>: FINETUNE_PRICE_CATALOG, else the embedded one).</summary>
        public static ICostModel Current { get; set; } = new CatalogCostModel();
    }

    /// <summary>
    /// Prices from <see cref="ModelCatalog"/>; training tokens as Measure-FineTuneDataset counts them
    /// (<see cref="DatasetChecker.Measure"/>: the model's encoding, each example capped at the model's limit),
    /// then <see cref="CostEstimator.Estimate"/> (auto epochs as the service picks them).
    /// </summary>
    internal sealed class CatalogCostModel : ICostModel
    {
        public CostEstimate? EstimateTraining(string model, string trainingPath, int? epochs, CancellationToken cancellationToken,
            string provider = ModelCatalog.OpenAI, string? trainingType = null)
        {
            ModelEntry? price = ModelCatalog.Load().Find(model, provider);
            if (price == null) return null;
            DatasetMeasurement measured;
            try
            {
                measured = DatasetChecker.Measure(trainingPath, model, DatasetFormat.Auto, null, null, cancellationToken);
            }
            catch (InvalidDataException)
            {
                return null; // not JSON Lines: the checks report it; there is nothing to price
            }

            return measured.Examples == 0 ? null
                : CostEstimator.Estimate(price, measured.BilledTokensPerEpoch, (int)Math.Min(int.MaxValue, measured.Examples), epochs, 0, model, trainingType: trainingType);
        }

        public decimal? ChatCost(string model, long inputTokens, long outputTokens, string provider = ModelCatalog.OpenAI) =>
            ModelCatalog.Load().InferencePriceOf(model, provider)?.Cost(inputTokens, outputTokens);
    }

    /// <summary>A problem that keeps a training file from being uploaded (file, line and field, and how to fix it).</summary>
    public sealed class UploadProblem
    {
        /// <summary>The 1-based line, or 0 for the whole file.</summary>
        public int Line { get; set; }

        /// <summary>The dataset rule id (FT0xx, see Test-FineTuneDataset), or null.</summary>
        public string? Rule { get; set; }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => (Line > 0 ? $"line {Line}" : "file") + (Rule != null ? $" ({Rule})" : string.Empty) + ": " + Message;
    }

    /// <summary>
    /// The seam to the dataset checks: what Add-FineTuneFile and Start-FineTuneJob -Path run before an upload
    /// unless -SkipValidation. <see cref="UploadChecks.Current"/> can be swapped (tests).
    /// </summary>
    public interface IUploadCheck
    {
        /// <summary>The errors that would make the service (<paramref name="target"/>: OpenAI or Azure) reject <paramref name="path"/> (warnings are not returned).</summary>
        IReadOnlyList<UploadProblem> Check(string path, CancellationToken cancellationToken, DatasetTarget target = DatasetTarget.OpenAI);
    }

    /// <summary>Where the upload cmdlets get their checks from.</summary>
    public static class UploadChecks
    {
        /// <summary>The check in use: the dataset rules of Test-FineTuneDataset (errors only).</summary>
        public static IUploadCheck Current { get; set; } = new DatasetRulesUploadCheck();
    }

    /// <summary>
    /// The errors of <see cref="DatasetChecker.Test"/> (the rules of Test-FineTuneDataset), with the file-size
    /// rule left out: a file above 512 MB goes through the Uploads API instead.
    /// </summary>
    internal sealed class DatasetRulesUploadCheck : IUploadCheck
    {
        public IReadOnlyList<UploadProblem> Check(string path, CancellationToken cancellationToken, DatasetTarget target = DatasetTarget.OpenAI)
        {
            var problems = new List<UploadProblem>();
            DatasetChecker.Test(path, new DatasetCheckOptions { Target = target }, f =>
            {
                if (f.Severity != FindingSeverity.Error || f.RuleId == DatasetRules.FileTooLarge.Id) return;
                lock (problems)
                {
                    problems.Add(new UploadProblem { Line = (int)(f.Line ?? 0), Rule = f.RuleId, Message = $"{f.Message} {f.Hint}".Trim() });
                }
            }, null, cancellationToken);
            return problems;
        }
    }
}
