using System;
using System.Collections.Generic;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// The token counts of one example (<c>Measure-FineTuneDataset -PerExample</c>): total tokens with the
    /// model's encoding (message overhead and tool definitions counted), tokens of the assistant's part, and
    /// whether the total is over the model's per-example limit.
    /// </summary>
    public sealed class ExampleTokenCount
    {
        internal ExampleTokenCount(string path, long line, long exampleIndex, int tokens, int assistantTokens, bool overLimit)
        {
            Path = path;
            Line = line;
            ExampleIndex = exampleIndex;
            Tokens = tokens;
            AssistantTokens = assistantTokens;
            OverLimit = overLimit;
        }

        /// <summary>The file's full path.</summary>
        public string Path { get; }

        /// <summary>The 1-based line number.</summary>
        public long Line { get; }

        /// <summary>The 0-based index of the example in the file.</summary>
        public long ExampleIndex { get; }

        /// <summary>Tokens of the example (prompt and answer, with overhead).</summary>
        public int Tokens { get; }

        /// <summary>Tokens of the assistant's messages (what is learnt).</summary>
        public int AssistantTokens { get; }

        /// <summary>True when <see cref="Tokens"/> is over the model's per-example limit.</summary>
        public bool OverLimit { get; }
    }

    /// <summary>
    /// What <c>Measure-FineTuneDataset</c> returns: the token distribution of a file's examples for a model
    /// (tokens), the examples over its per-example limit, and the tokens billed for one epoch (each example
    /// capped at the limit, as OpenAI's fine-tuning guide counts them). Examples that could not be read (invalid JSON,
    /// unknown format) are not counted: see <see cref="Examples"/> against <see cref="CountedExamples"/>.
    /// </summary>
    public sealed class DatasetMeasurement
    {
        /// <summary>The file's full path.</summary>
        public string Path { get; internal set; } = string.Empty;

        /// <summary>The model counted for.</summary>
        public string Model { get; internal set; } = string.Empty;

        /// <summary>Its encoding (o200k_base or cl100k_base).</summary>
        public string Encoding { get; internal set; } = string.Empty;

        /// <summary>The format given or detected.</summary>
        public DatasetFormat Format { get; internal set; }

        /// <summary>Examples (non-blank lines).</summary>
        public long Examples { get; internal set; }

        /// <summary>Examples whose tokens were counted.</summary>
        public long CountedExamples { get; internal set; }

        /// <summary>Sum of the tokens of counted examples.</summary>
        public long TotalTokens { get; internal set; }

        /// <summary>Sum of the assistant tokens of counted examples.</summary>
        public long AssistantTokens { get; internal set; }

        /// <summary>Fewest tokens in one example (0 when none counted).</summary>
        public int MinTokens { get; internal set; }

        /// <summary>Mean tokens per example.</summary>
        public double MeanTokens { get; internal set; }

        /// <summary>Median tokens per example (mean of the two middle values for an even count).</summary>
        public double MedianTokens { get; internal set; }

        /// <summary>95th percentile of tokens per example (nearest rank: the value at rank ceil(0.95 n)).</summary>
        public int P95Tokens { get; internal set; }

        /// <summary>Most tokens in one example.</summary>
        public int MaxTokens { get; internal set; }

        /// <summary>The model's per-example token limit, or null when unknown.</summary>
        public int? TokenLimit { get; internal set; }

        /// <summary>Examples with more tokens than <see cref="TokenLimit"/>.</summary>
        public long ExamplesOverLimit { get; internal set; }

        /// <summary>Tokens billed for one epoch: the sum over examples of min(tokens, limit).</summary>
        public long BilledTokensPerEpoch { get; internal set; }
    }

    /// <summary>
    /// Exact min/mean/median/p95/max of per-example token counts in constant memory: a count per value for
    /// values below 131,072 and a list only for the (rare) larger ones.
    /// </summary>
    internal sealed class TokenDistribution
    {
        private const int Dense = 1 << 17;
        private readonly long[] counts = new long[Dense];
        private readonly List<int> large = new List<int>();

        public long Count { get; private set; }

        public long Sum { get; private set; }

        public int Min { get; private set; } = int.MaxValue;

        public int Max { get; private set; }

        public void Add(int tokens)
        {
            if (tokens < 0) tokens = 0;
            if (tokens < Dense) counts[tokens]++;
            else large.Add(tokens);
            Count++;
            Sum += tokens;
            Min = Math.Min(Min, tokens);
            Max = Math.Max(Max, tokens);
        }

        /// <summary>The value at 1-based rank <paramref name="rank"/> in sorted order.</summary>
        public int AtRank(long rank)
        {
            long seen = 0;
            for (int v = 0; v < Dense; v++)
            {
                seen += counts[v];
                if (seen >= rank) return v;
            }

            large.Sort();
            return large[(int)(rank - seen - 1)];
        }

        public double Median => Count == 0 ? 0 : Count % 2 == 1 ? AtRank((Count + 1) / 2) : (AtRank(Count / 2) + (double)AtRank(Count / 2 + 1)) / 2;

        public int P95 => Count == 0 ? 0 : AtRank((long)Math.Ceiling(0.95 * Count));
    }
}
