using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    public class MeasureTests
    {
        [Fact]
        public void DistributionIsExact()
        {
            var d = new TokenDistribution();
            foreach (int v in new[] { 100, 3, 1, 4, 2 }) d.Add(v);
            Assert.Equal(3, d.Median);
            Assert.Equal(100, d.P95); // rank ceil(0.95 * 5) = 5
            Assert.Equal(1, d.Min);
            Assert.Equal(100, d.Max);
            Assert.Equal(110, d.Sum);

            var even = new TokenDistribution();
            foreach (int v in new[] { 4, 1, 3, 2 }) even.Add(v);
            Assert.Equal(2.5, even.Median);

            var large = new TokenDistribution();
            foreach (int v in new[] { 300_000, 5, 200_000 }) large.Add(v);
            Assert.Equal(200_000, large.Median);
            Assert.Equal(300_000, large.P95);

            var many = new TokenDistribution();
            for (int v = 1; v <= 1000; v++) many.Add(v);
            Assert.Equal(950, many.P95);
            Assert.Equal(500.5, many.Median);
        }

        /// <summary>Completion examples made of corpus strings: tokens must equal tiktoken's ids for prompt plus completion.</summary>
        [SkippableFact]
        public void CompletionTokensEqualTiktoken()
        {
            string[] corpus = File.ReadAllLines(SharedData.Require("tokens/corpus.jsonl"));
            string[] ids = File.ReadAllLines(SharedData.Require("tokens/corpus.cl100k_base.tiktoken.jsonl"));
            var prose = new List<(string Text, int Count)>();
            for (int i = 0; i < corpus.Length && prose.Count < 24; i++)
            {
                using JsonDocument c = JsonDocument.Parse(corpus[i]);
                if (c.RootElement.GetProperty("cat").GetString() != "prose") continue;
                using JsonDocument t = JsonDocument.Parse(ids[i]);
                Assert.Equal(i, t.RootElement.GetProperty("i").GetInt32());
                prose.Add((c.RootElement.GetProperty("text").GetString()!, t.RootElement.GetProperty("ids").GetArrayLength()));
            }

            Skip.If(prose.Count < 24, "corpus.jsonl has too few prose lines");
            var lines = new List<string>();
            for (int k = 0; k < 12; k++)
            {
                lines.Add(JsonSerializer.Serialize(new { prompt = prose[2 * k].Text, completion = prose[2 * k + 1].Text }));
            }

            string path = Write(Utf8Lines(lines));
            var counts = new List<ExampleTokenCount>();
            DatasetMeasurement m = DatasetChecker.Measure(path, "davinci-002", DatasetFormat.Auto, counts.Add, null, CancellationToken.None);
            File.Delete(path);
            for (int k = 0; k < 12; k++)
            {
                Assert.Equal(prose[2 * k].Count + prose[2 * k + 1].Count, counts[k].Tokens);
                Assert.Equal(prose[2 * k + 1].Count, counts[k].AssistantTokens);
                Assert.Equal(k + 1, counts[k].Line);
            }

            Assert.Equal("cl100k_base", m.Encoding);
            Assert.Equal(DatasetFormat.Completion, m.Format);
            Assert.Equal(counts.Sum(c => (long)c.Tokens), m.TotalTokens);
            Assert.Equal(16384, m.TokenLimit);
        }

        [Fact]
        public void BilledTokensAreCappedAtTheModelsLimit()
        {
            // "hello" x 5000 is 5000 tokens in cl100k_base ("hello" then " hello" each one token)
            string longLine = "{\"prompt\":\"" + string.Join(" ", Enumerable.Repeat("hello", 5000)) + "\",\"completion\":\" ok\"}";
            string path = Write(Utf8Lines(Many(Completion).Append(longLine)));
            var counts = new List<ExampleTokenCount>();
            DatasetMeasurement m = DatasetChecker.Measure(path, "gpt-3.5-turbo-0613", DatasetFormat.Auto, counts.Add, null, CancellationToken.None);
            File.Delete(path);
            ExampleTokenCount big = counts.Last();
            Assert.Equal(5001, big.Tokens);
            Assert.True(big.OverLimit);
            Assert.Equal(4096, m.TokenLimit);
            Assert.Equal(1, m.ExamplesOverLimit);
            Assert.Equal(counts.Take(10).Sum(c => (long)c.Tokens) + 4096, m.BilledTokensPerEpoch);
            Assert.Equal(m.TotalTokens - 5001 + 4096, m.BilledTokensPerEpoch);
            Assert.Equal(5001, m.MaxTokens);
            Assert.Equal(11, m.CountedExamples);
        }

        [SkippableFact]
        public void RealFileDistributionIsConsistent()
        {
            var counts = new List<ExampleTokenCount>();
            DatasetMeasurement m = DatasetChecker.Measure(SharedData.Require("data/chat_gsm8k_train.jsonl"), "gpt-4o-mini-2024-07-18", DatasetFormat.Auto, counts.Add, null, CancellationToken.None);
            Assert.Equal(449, m.CountedExamples);
            Assert.Equal(449, counts.Count);
            Assert.Equal(Enumerable.Range(1, 449).Select(i => (long)i), counts.Select(c => c.Line));
            int[] sorted = counts.Select(c => c.Tokens).OrderBy(x => x).ToArray();
            Assert.Equal(sorted[0], m.MinTokens);
            Assert.Equal(sorted[448], m.MaxTokens);
            Assert.Equal(sorted[224], m.MedianTokens);
            Assert.Equal(sorted[(int)Math.Ceiling(0.95 * 449) - 1], m.P95Tokens);
            Assert.Equal(sorted.Sum(x => (long)x), m.TotalTokens);
            Assert.Equal(m.TotalTokens, m.BilledTokensPerEpoch);
            Assert.Equal(0, m.ExamplesOverLimit);
            Assert.Equal(65536, m.TokenLimit);
            Assert.InRange(m.AssistantTokens, 1, m.TotalTokens - 1);
        }

        [SkippableTheory]
        [InlineData("data/chat_toy_openai_cookbook.jsonl")]
        [InlineData("data/chat_tools_stock_toolcall_training.jsonl")]
        [InlineData("data/bad_missing_assistant_ja_lessonplans.jsonl")]
        public void MeasureCountsWhatTheFullCheckCounts(string file)
        {
            // Measure skips the structure rules (countOnly); its counts must equal those of the full check.
            string path = SharedData.Require(file);
            var measured = new List<ExampleTokenCount>();
            DatasetReport report = DatasetChecker.Test(path, new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" }, null, null, CancellationToken.None);
            DatasetMeasurement m = DatasetChecker.Measure(path, "gpt-4o-mini-2024-07-18", DatasetFormat.Auto, measured.Add, null, CancellationToken.None);
            Assert.True(m.TotalTokens > 0);
            Assert.Equal(report.Tokens, (long?)m.TotalTokens);
            Assert.Equal(report.Examples, m.Examples);
            Assert.Equal(report.Format, m.Format);
            Assert.Equal(measured.Sum(c => (long)c.Tokens), m.TotalTokens);

            // the check's own measurement (one read for findings and tokens) is Measure's, field by field
            DatasetMeasurement one = report.Measurement!;
            Assert.Equal(
                (m.Path, m.Model, m.Encoding, m.Format, m.Examples, m.CountedExamples, m.TotalTokens, m.AssistantTokens, m.MinTokens, m.MeanTokens, m.MedianTokens, m.P95Tokens, m.MaxTokens, m.TokenLimit, m.ExamplesOverLimit, m.BilledTokensPerEpoch),
                (one.Path, one.Model, one.Encoding, one.Format, one.Examples, one.CountedExamples, one.TotalTokens, one.AssistantTokens, one.MinTokens, one.MeanTokens, one.MedianTokens, one.P95Tokens, one.MaxTokens, one.TokenLimit, one.ExamplesOverLimit, one.BilledTokensPerEpoch));
            Assert.Null(DatasetChecker.Test(path, new DatasetCheckOptions(), null, null, CancellationToken.None).Measurement);
        }

        [Fact]
        public void UnknownModelAndMissingFileThrow()
        {
            string path = Write(Utf8Lines(Many(Chat)));
            Assert.Throws<ArgumentException>(() => DatasetChecker.Measure(path, "llama-3", DatasetFormat.Auto, null, null, CancellationToken.None));
            File.Delete(path);
            Assert.Throws<FileNotFoundException>(() => DatasetChecker.Test(path, new DatasetCheckOptions(), null, null, CancellationToken.None));
        }
    }
}
