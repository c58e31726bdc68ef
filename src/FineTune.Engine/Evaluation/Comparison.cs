using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// One model under comparison, with the system message it gets. <see cref="SystemMessage"/> null sends each
    /// example's own messages; a text replaces the example's system (and developer) messages with itself; the
    /// empty string removes them.
    /// </summary>
    public sealed class Contender
    {
        /// <summary>The name rows and summaries show (default: the model).</summary>
        public string Name { get; set; } = string.Empty;

        /// <summary>The model (a base model, a fine-tuned model, a checkpoint, or an Azure deployment name).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The system message (see the class).</summary>
        public string? SystemMessage { get; set; }

        /// <summary>What training this model cost in USD, for the break-even against the first contender; null when unknown or not fine-tuned.</summary>
        public decimal? TrainingCostUsd { get; set; }

        /// <summary>The service this contender's calls go to when it is not the comparison's (a connection of its own), else null.</summary>
        public IEvalClient? Client { get; set; }

        /// <summary>That service's endpoint, part of each request's journal key (one model on two services gives two answers); null with <see cref="Client"/>.</summary>
        public string? ServiceEndpoint { get; set; }

        /// <summary>The price catalog's provider for this contender's calls ("OpenAI" or "Azure"), or null for the comparison's.</summary>
        public string? PriceProvider { get; set; }

        /// <summary>Whether the contender is given the top passages of the comparison's knowledge index for each question (in a system message; see <see cref="ComparisonOptions.Retriever"/>); its cost per call includes embedding the question.</summary>
        public bool Retrieval { get; set; }

        /// <summary>Legacy models (babbage-002, davinci-002 and their fine-tunes) answer through the completions route.</summary>
        public bool UsesCompletions => IsLegacy(Model);

        /// <summary>Whether a model is babbage-002 or davinci-002 or a fine-tune of one.</summary>
        public static bool IsLegacy(string model)
        {
            string m = (model ?? string.Empty).Trim().ToLowerInvariant();
            if (m.StartsWith("ft:", StringComparison.Ordinal)) m = m.Substring(3);
            return m.StartsWith("babbage-002", StringComparison.Ordinal) || m.StartsWith("davinci-002", StringComparison.Ordinal);
        }

        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    /// <summary>One example answered by one contender, with its grades.</summary>
    public sealed class ComparisonRow
    {
        /// <summary>The example's 1-based line in the evaluation file.</summary>
        public long Line { get; set; }

        /// <summary>The contender's name.</summary>
        public string Contender { get; set; } = string.Empty;

        /// <summary>The model asked.</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The last user message (or the legacy prompt).</summary>
        public string Question { get; set; } = string.Empty;

        /// <summary>The reference answer.</summary>
        public string Reference { get; set; } = string.Empty;

        /// <summary>The model's answer (null when the call failed).</summary>
        public string? Answer { get; set; }

        /// <summary>Whether every grader passed the answer.</summary>
        public bool Passed { get; set; }

        /// <summary>The mean of the graders' scores.</summary>
        public double Score { get; set; }

        /// <summary>The label the answer was read as (label graders), or null.</summary>
        public string? Label { get; set; }

        /// <summary>The reference's label (label graders), or null.</summary>
        public string? ReferenceLabel { get; set; }

        /// <summary>Whether the answer had the expected form (true only when every form-judging grader says so); null when no grader judges form.</summary>
        public bool? FormatValid { get; set; }

        /// <summary>Each grader's result.</summary>
        public IReadOnlyList<GradeResult> Grades { get; set; } = Array.Empty<GradeResult>();

        /// <summary>Input tokens billed.</summary>
        public long PromptTokens { get; set; }

        /// <summary>Output tokens billed.</summary>
        public long CompletionTokens { get; set; }

        /// <summary>Seconds from sending the request to its answer (retries included; for batch results, 0).</summary>
        public double LatencySeconds { get; set; }

        /// <summary>The call's cost in USD from the price catalog (half for a batch call), with retrieval the question's embedding too; null when the model has no price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>With retrieval: the passages the model was given, as "source:line" (best first); else empty.</summary>
        public IReadOnlyList<string> Passages { get; set; } = Array.Empty<string>();

        /// <summary>Why the call failed (the service's message), or null.</summary>
        public string? Error { get; set; }

        /// <summary>Whether the answer came from the journal of an earlier run (nothing was sent for it).</summary>
        public bool FromJournal { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Line} {Contender}: {(Passed ? "pass" : "fail")}";
    }

    /// <summary>Label-set figures of one contender: accuracy, per-label precision and recall, the confusion matrix.</summary>
    public sealed class LabelReport
    {
        /// <summary>The contender.</summary>
        public string Contender { get; set; } = string.Empty;

        /// <summary>The labels, in the order of the matrix (the last, <c>(none)</c>, holds answers that are no label).</summary>
        public IReadOnlyList<string> Labels { get; set; } = Array.Empty<string>();

        /// <summary>Matrix[reference][predicted]: how many examples of a reference label were answered with each label.</summary>
        public int[][] Matrix { get; set; } = Array.Empty<int[]>();

        /// <summary>Correct answers / examples.</summary>
        public double Accuracy { get; set; }

        /// <summary>Per label: correct / answered with that label (null when never answered).</summary>
        public IReadOnlyDictionary<string, double?> Precision { get; set; } = new Dictionary<string, double?>();

        /// <summary>Per label: correct / examples with that reference label (null when there are none).</summary>
        public IReadOnlyDictionary<string, double?> Recall { get; set; } = new Dictionary<string, double?>();
    }

    /// <summary>The figures of one contender, and against the first contender (the baseline).</summary>
    public sealed class ContenderSummary
    {
        /// <summary>The contender's name.</summary>
        public string Contender { get; set; } = string.Empty;

        /// <summary>The model.</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>Examples answered (rows).</summary>
        public int Examples { get; set; }

        /// <summary>Examples every grader passed.</summary>
        public int Passed { get; set; }

        /// <summary>Passed / Examples.</summary>
        public double PassRate { get; set; }

        /// <summary>The 95% Wilson interval's lower end.</summary>
        public double PassRateLow { get; set; }

        /// <summary>The 95% Wilson interval's upper end.</summary>
        public double PassRateHigh { get; set; }

        /// <summary>The mean of the rows' scores.</summary>
        public double MeanScore { get; set; }

        /// <summary>Rows of the expected form / rows whose form was judged; null when no grader judges form.</summary>
        public double? FormatValidRate { get; set; }

        /// <summary>Passes per grader (name → examples passed).</summary>
        public IReadOnlyDictionary<string, int> GraderPassed { get; set; } = new Dictionary<string, int>();

        /// <summary>Calls that failed.</summary>
        public int Errors { get; set; }

        /// <summary>Mean input tokens per call.</summary>
        public double PromptTokensPerCall { get; set; }

        /// <summary>Mean output tokens per call.</summary>
        public double CompletionTokensPerCall { get; set; }

        /// <summary>Median latency in seconds (type-7 percentile over rows with a latency).</summary>
        public double? LatencyP50Seconds { get; set; }

        /// <summary>95th-percentile latency in seconds.</summary>
        public double? LatencyP95Seconds { get; set; }

        /// <summary>USD for 1,000 calls at this contender's mean tokens per call (catalog inference prices; half for batch); null when the model has no price.</summary>
        public decimal? CostPer1000Usd { get; set; }

        /// <summary>The first contender, which the flips are counted against (null on the first itself).</summary>
        public string? Baseline { get; set; }

        /// <summary>Examples this contender passes and the baseline fails.</summary>
        public int? Gained { get; set; }

        /// <summary>Examples the baseline passes and this contender fails.</summary>
        public int? Lost { get; set; }

        /// <summary>McNemar's two-sided p-value for the flips (see <see cref="McNemarMethod"/>).</summary>
        public double? McNemarP { get; set; }

        /// <summary><c>exact</c> (binomial, fewer than 25 flips), <c>chi-square</c> (with continuity correction) or <c>none</c> (no flips).</summary>
        public string? McNemarMethod { get; set; }

        /// <summary>What training this contender cost (USD), when known.</summary>
        public decimal? TrainingCostUsd { get; set; }

        /// <summary>Calls after which the training cost is paid back by a cheaper call than the baseline's; null with <see cref="BreakEven"/> "never" or "unknown".</summary>
        public long? BreakEvenCalls { get; set; }

        /// <summary>The break-even in words: a number of calls, "never" (not cheaper per call), or "unknown" (no training cost or price).</summary>
        public string? BreakEven { get; set; }

        /// <summary>The label-set figures, when a label grader was used.</summary>
        public LabelReport? Labels { get; set; }

        /// <summary>This contender's rows.</summary>
        public IReadOnlyList<ComparisonRow> Rows { get; set; } = Array.Empty<ComparisonRow>();

        /// <summary>The whole comparison (every contender's summary and rows).</summary>
        public Comparison? Comparison { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Contender}: {PassRate.ToString("P1", CultureInfo.InvariantCulture)}";
    }

    /// <summary>A whole comparison: the contenders' summaries and every row.</summary>
    public sealed class Comparison
    {
        /// <summary>The evaluation file.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The graders' names.</summary>
        public IReadOnlyList<string> Graders { get; set; } = Array.Empty<string>();

        /// <summary>One summary per contender, the baseline first.</summary>
        public IReadOnlyList<ContenderSummary> Summaries { get; set; } = Array.Empty<ContenderSummary>();

        /// <summary>Every row (example × contender), by line then contender.</summary>
        public IReadOnlyList<ComparisonRow> Rows { get; set; } = Array.Empty<ComparisonRow>();

        /// <summary>Requests this run sent (answers and grader-model calls; batch files and polls not counted).</summary>
        public int RequestsSent { get; set; }

        /// <summary>The journal that lets a re-run send only what is missing.</summary>
        public string? JournalPath { get; set; }

        /// <summary>The batch whose results this run used (-UseBatch), or null.</summary>
        public string? BatchId { get; set; }

        /// <summary>Examples per second of this run (answered examples / wall time).</summary>
        public double ExamplesPerSecond { get; set; }
    }

    /// <summary>Turns rows into summaries (pure: the figures follow from the rows alone).</summary>
    public static class ComparisonSummarizer
    {
        /// <summary>
        /// Summarises <paramref name="rows"/> per contender (in the order of <paramref name="contenders"/>; the first is
        /// the baseline). <paramref name="labels"/>: the label set whose confusion matrix to build, or null.
        /// </summary>
        public static IReadOnlyList<ContenderSummary> Summarize(IReadOnlyList<Contender> contenders, IReadOnlyList<ComparisonRow> rows, IReadOnlyList<string>? labels)
        {
            var list = new List<ContenderSummary>();
            Dictionary<long, bool>? baseline = null;
            decimal? baselinePerCall = null;
            foreach (Contender c in contenders)
            {
                var mine = rows.Where(r => r.Contender == c.Name).OrderBy(r => r.Line).ToList();
                int n = mine.Count, passed = mine.Count(r => r.Passed);
                (double lo, double hi) = Stats.Wilson(passed, n);
                var judged = mine.Where(r => r.FormatValid != null).ToList();
                var latencies = mine.Where(r => r.Error == null && r.LatencySeconds > 0).Select(r => r.LatencySeconds).ToList();
                var answered = mine.Where(r => r.Error == null).ToList();
                decimal? perCall = answered.Count > 0 && answered.All(r => r.CostUsd != null) ? answered.Sum(r => r.CostUsd!.Value) / answered.Count : (decimal?)null;
                var s = new ContenderSummary
                {
                    Contender = c.Name,
                    Model = c.Model,
                    Examples = n,
                    Passed = passed,
                    PassRate = n == 0 ? 0 : (double)passed / n,
                    PassRateLow = lo,
                    PassRateHigh = hi,
                    MeanScore = n == 0 ? 0 : mine.Average(r => r.Score),
                    FormatValidRate = judged.Count == 0 ? (double?)null : (double)judged.Count(r => r.FormatValid == true) / judged.Count,
                    GraderPassed = mine.SelectMany(r => r.Grades).GroupBy(g => g.Grader).ToDictionary(g => g.Key, g => g.Count(x => x.Passed)),
                    Errors = n - answered.Count,
                    PromptTokensPerCall = answered.Count == 0 ? 0 : answered.Average(r => (double)r.PromptTokens),
                    CompletionTokensPerCall = answered.Count == 0 ? 0 : answered.Average(r => (double)r.CompletionTokens),
                    LatencyP50Seconds = latencies.Count == 0 ? (double?)null : Stats.Percentile(latencies, 0.5),
                    LatencyP95Seconds = latencies.Count == 0 ? (double?)null : Stats.Percentile(latencies, 0.95),
                    CostPer1000Usd = perCall * 1000,
                    TrainingCostUsd = c.TrainingCostUsd,
                    Rows = mine,
                };
                if (labels != null) s.Labels = LabelFigures(c.Name, mine, labels);
                var outcome = mine.GroupBy(r => r.Line).ToDictionary(g => g.Key, g => g.First().Passed);
                if (baseline == null)
                {
                    baseline = outcome;
                    baselinePerCall = perCall;
                }
                else
                {
                    var shared = outcome.Keys.Where(baseline.ContainsKey).ToList();
                    int gained = shared.Count(k => outcome[k] && !baseline[k]);
                    int lost = shared.Count(k => !outcome[k] && baseline[k]);
                    McNemarResult m = Stats.McNemar(lost, gained);
                    s.Baseline = list[0].Contender;
                    s.Gained = gained;
                    s.Lost = lost;
                    s.McNemarP = m.P;
                    s.McNemarMethod = m.Method;
                    if (c.TrainingCostUsd is decimal cost && baselinePerCall is decimal b && perCall is decimal p)
                    {
                        s.BreakEvenCalls = Stats.BreakEvenCalls(cost, b, p);
                        s.BreakEven = s.BreakEvenCalls?.ToString("N0", CultureInfo.InvariantCulture) ?? "never";
                    }
                    else
                    {
                        s.BreakEven = "unknown";
                    }
                }

                list.Add(s);
            }

            return list;
        }

        /// <summary>Accuracy, precision, recall and the confusion matrix of rows whose <see cref="ComparisonRow.Label"/> and <see cref="ComparisonRow.ReferenceLabel"/> are set.</summary>
        public static LabelReport LabelFigures(string contender, IReadOnlyList<ComparisonRow> rows, IReadOnlyList<string> labels)
        {
            var all = labels.Concat(new[] { LabelSetGrader.NoLabel }).ToList();
            int Index(string? l)
            {
                int i = all.FindIndex(x => string.Equals(x, l ?? LabelSetGrader.NoLabel, StringComparison.OrdinalIgnoreCase));
                return i >= 0 ? i : all.Count - 1;
            }

            var matrix = all.Select(_ => new int[all.Count]).ToArray();
            foreach (ComparisonRow r in rows) matrix[Index(r.ReferenceLabel)][Index(r.Label)]++;
            var precision = new Dictionary<string, double?>();
            var recall = new Dictionary<string, double?>();
            for (int k = 0; k < labels.Count; k++)
            {
                int predicted = matrix.Sum(row => row[k]), actual = matrix[k].Sum();
                precision[labels[k]] = predicted == 0 ? (double?)null : (double)matrix[k][k] / predicted;
                recall[labels[k]] = actual == 0 ? (double?)null : (double)matrix[k][k] / actual;
            }

            int correct = Enumerable.Range(0, labels.Count).Sum(k => matrix[k][k]);
            return new LabelReport { Contender = contender, Labels = all, Matrix = matrix, Accuracy = rows.Count == 0 ? 0 : (double)correct / rows.Count, Precision = precision, Recall = recall };
        }
    }
}
