using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;
using System.Threading;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Jobs
{
    /// <summary>A training cost estimate: billed tokens and USD.</summary>
    public sealed class TrainingEstimate
    {
        /// <summary>Examples in the file.</summary>
        public int Examples { get; set; }

        /// <summary>Tokens of one pass over the file.</summary>
        public long TokensPerEpoch { get; set; }

        /// <summary>Epochs billed (the given value, or <c>auto</c> resolved as the service does).</summary>
        public int Epochs { get; set; }

        /// <summary>Tokens billed: tokens per epoch x epochs.</summary>
        public long BilledTokens => TokensPerEpoch * Epochs;

        /// <summary>USD; null when the model has no training price.</summary>
        public decimal? CostUsd { get; set; }

        /// <inheritdoc/>
        public override string ToString() => CostUsd is decimal c
            ? $"${c:0.00} ({BilledTokens:N0} tokens = {TokensPerEpoch:N0} x {Epochs} epochs)"
            : $"unknown ({BilledTokens:N0} tokens = {TokensPerEpoch:N0} x {Epochs} epochs; no price for the model)";
    }

    /// <summary>
    /// THE SEAM to the pricing work (issue: tokens/pricing, branch <c>tokens</c>): everything the job and chat
    /// cmdlets need to know about money. Replace <see cref="Costs.Current"/> with an implementation over
    /// <c>PriceCatalog</c>/<c>CostEstimator</c> when they land; nothing else in the service code prices anything.
    /// </summary>
    public interface ICostModel
    {
        /// <summary>Estimates training a local JSONL file on <paramref name="model"/> for <paramref name="epochs"/> (null = auto).</summary>
        TrainingEstimate EstimateTraining(string model, string trainingPath, int? epochs, CancellationToken cancellationToken);

        /// <summary>The USD cost of one chat call on <paramref name="model"/> (a fine-tuned model is priced by its base); null when unknown.</summary>
        decimal? ChatCost(string model, long inputTokens, long outputTokens);
    }

    /// <summary>Where the service cmdlets get prices from.</summary>
    public static class Costs
    {
        /// <summary>The cost model in use (the interim one until the price catalog is wired in).</summary>
        public static ICostModel Current { get; set; } = new InterimCostModel();
    }

    /// <summary>
    /// INTERIM, to be replaced by the price catalog: the OPENAI-FACTS.md price table (USD per 1M tokens,
    /// 2026-11) and the cookbook's chat estimate (3 tokens a message + the tokens of each value + 1 for a
    /// name + 3 for the reply) with the exact encoder, and the cookbook's <c>auto</c> epochs rule.
    /// </summary>
    internal sealed class InterimCostModel : ICostModel
    {
        // model prefix -> (training, inference in, inference out), USD per 1M tokens
        private static readonly (string Prefix, decimal Train, decimal In, decimal Out)[] Prices =
        {
            ("gpt-4o-mini", 3.00m, 0.30m, 1.20m),
            ("gpt-4o", 25.00m, 3.75m, 15.00m),
            ("gpt-4.1-mini", 5.00m, 0.80m, 3.20m),
            ("gpt-4.1-nano", 1.50m, 0.20m, 0.80m),
            ("gpt-4.1", 25.00m, 3.00m, 12.00m),
            ("gpt-3.5-turbo", 8.00m, 3.00m, 6.00m),
            ("babbage-002", 0.40m, 1.60m, 1.60m),
            ("davinci-002", 6.00m, 12.00m, 12.00m),
        };

        public TrainingEstimate EstimateTraining(string model, string trainingPath, int? epochs, CancellationToken cancellationToken)
        {
            TokenEncoder encoder = TokenEncoder.ForModel(model);
            int examples = 0;
            long tokens = 0;
            foreach (string line in File.ReadLines(trainingPath))
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (string.IsNullOrWhiteSpace(line)) continue;
                examples++;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    tokens += Count(doc.RootElement, encoder);
                }
                catch (JsonException)
                {
                    // bad lines are the checker's business; they cost nothing here
                }
            }

            int n = epochs ?? AutoEpochs(examples);
            decimal? price = Find(model)?.Train;
            return new TrainingEstimate
            {
                Examples = examples,
                TokensPerEpoch = tokens,
                Epochs = n,
                CostUsd = price is decimal p ? Math.Round(tokens * n * p / 1_000_000m, 4) : (decimal?)null,
            };
        }

        public decimal? ChatCost(string model, long inputTokens, long outputTokens)
        {
            var p = Find(model);
            return p == null ? (decimal?)null : Math.Round((inputTokens * p.Value.In + outputTokens * p.Value.Out) / 1_000_000m, 8);
        }

        /// <summary>The cookbook's auto epochs: 3, raised to min(25, 100 / n) below 100 example-epochs, lowered to max(1, 25000 / n) above 25,000.</summary>
        internal static int AutoEpochs(int examples)
        {
            if (examples <= 0) return 3;
            if (examples * 3 < 100) return Math.Min(25, 100 / examples);
            if (examples * 3 > 25000) return Math.Max(1, 25000 / examples);
            return 3;
        }

        private static (string Prefix, decimal Train, decimal In, decimal Out)? Find(string model)
        {
            string name = (Service.FineTuneModel.BaseModelOf(model) ?? model).ToLowerInvariant();
            foreach (var p in Prices)
            {
                if (name.StartsWith(p.Prefix, StringComparison.Ordinal)) return p;
            }

            return null;
        }

        private static long Count(JsonElement example, TokenEncoder encoder)
        {
            if (example.ValueKind != JsonValueKind.Object) return 0;
            if (example.TryGetProperty("prompt", out JsonElement prompt))
            {
                return encoder.Count(prompt.ToString()) + (example.TryGetProperty("completion", out JsonElement c) ? encoder.Count(c.ToString()) : 0);
            }

            long total = 0;
            JsonElement messages = example.TryGetProperty("messages", out JsonElement m) ? m
                : example.TryGetProperty("input", out JsonElement input) && input.TryGetProperty("messages", out JsonElement im) ? im : default;
            if (messages.ValueKind == JsonValueKind.Array) total += Messages(messages, encoder);
            if (example.TryGetProperty("preferred_output", out JsonElement preferred) && preferred.ValueKind == JsonValueKind.Array) total += Messages(preferred, encoder);
            return total + 3;
        }

        private static long Messages(JsonElement messages, TokenEncoder encoder)
        {
            long total = 0;
            foreach (JsonElement message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object) continue;
                total += 3;
                foreach (JsonProperty p in message.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Null) continue;
                    total += encoder.Count(p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText());
                    if (p.Name == "name") total += 1;
                }
            }

            return total;
        }
    }

    /// <summary>A problem that keeps a training file from being uploaded (file, line and field, and how to fix it).</summary>
    public sealed class UploadProblem
    {
        /// <summary>The 1-based line, or 0 for the whole file.</summary>
        public int Line { get; set; }

        /// <summary>The field at fault, or null.</summary>
        public string? Field { get; set; }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => Line > 0 ? $"line {Line}{(Field != null ? ", field '" + Field + "'" : string.Empty)}: {Message}" : Message;
    }

    /// <summary>
    /// THE SEAM to the dataset checks (Test-FineTuneDataset, branch <c>datasets</c>): what Add-FineTuneFile and
    /// Start-FineTuneJob -Path run before an upload unless -SkipValidation. Replace <see cref="UploadChecks.Current"/> with the
    /// dataset rules (errors only) when they land.
    /// </summary>
    public interface IUploadCheck
    {
        /// <summary>The errors that would make the service reject <paramref name="path"/> (warnings are not returned).</summary>
        IReadOnlyList<UploadProblem> Check(string path, CancellationToken cancellationToken);
    }

    /// <summary>Where the upload cmdlets get their checks from.</summary>
    public static class UploadChecks
    {
        /// <summary>The check in use (the interim one until the dataset rules are wired in).</summary>
        public static IUploadCheck Current { get; set; } = new InterimUploadCheck();
    }

    /// <summary>INTERIM: every non-blank line is a JSON object, and there are at least 10 examples (the service's minimum).</summary>
    internal sealed class InterimUploadCheck : IUploadCheck
    {
        public IReadOnlyList<UploadProblem> Check(string path, CancellationToken cancellationToken)
        {
            var problems = new List<UploadProblem>();
            int line = 0, examples = 0;
            foreach (string text in File.ReadLines(path))
            {
                cancellationToken.ThrowIfCancellationRequested();
                line++;
                if (string.IsNullOrWhiteSpace(text)) continue;
                examples++;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(text);
                    if (doc.RootElement.ValueKind != JsonValueKind.Object)
                    {
                        problems.Add(new UploadProblem { Line = line, Message = "is not a JSON object; each line must hold one example object." });
                    }
                }
                catch (JsonException ex)
                {
                    problems.Add(new UploadProblem { Line = line, Message = $"is not valid JSON ({ex.Message}); fix or remove the line." });
                }

                if (problems.Count >= 20) break;
            }

            if (examples < 10 && problems.Count < 20)
            {
                problems.Add(new UploadProblem { Message = $"holds {examples} examples; the service needs at least 10. Add examples." });
            }

            return problems;
        }
    }
}
