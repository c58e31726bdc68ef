using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>
    /// Lines checked while the encoder still loads are counted once it is there: the counts and the findings
    /// (over-the-limit ones included, in their place after the line's other findings) are the ones a check
    /// with the encoder loaded from the start gives.
    /// </summary>
    public class EncoderLoadingTests
    {
        [SkippableTheory]
        [InlineData("data/chat_tools_stock_toolcall_training.jsonl")]
        [InlineData("data/bad_missing_assistant_ja_lessonplans.jsonl")]
        [InlineData("data/chat_gsm8k_validation.jsonl")]
        public void LinesCheckedBeforeTheEncoderAreCountedTheSame(string file)
        {
            string path = SharedData.Require(file);
            TokenEncoder encoder = TokenEncoder.ForModel("gpt-4o-mini-2024-07-18");
            const int Limit = 60; // low, so that many lines are over it

            var loading = new TaskCompletionSource<TokenEncoder>();
            var early = new ExampleChecker(path, DatasetTarget.OpenAI, DatasetFormat.Auto, loading.Task, Limit);
            LineBatch late = Batch(path).CheckAll(early);
            Assert.True(early.EncoderLoading);
            Assert.All(Enumerable.Range(0, late.Count).Where(i => late.Results[i].Parsed && late.Results[i].Format != DatasetFormat.Unknown),
                i => Assert.True(late.Results[i].CountPending && late.Results[i].Tokens == -1, $"line {late.Lines[i].Line} was counted without an encoder"));

            loading.SetResult(encoder);
            Assert.False(early.EncoderLoading);
            late.CountPending(early);

            var loaded = new ExampleChecker(path, DatasetTarget.OpenAI, DatasetFormat.Auto, Task.FromResult(encoder), Limit);
            LineBatch atOnce = Batch(path).CheckAll(loaded);

            Assert.Equal(atOnce.Count, late.Count);
            int over = 0, counted = 0;
            for (int i = 0; i < atOnce.Count; i++)
            {
                LineOutcome a = atOnce.Results[i], b = late.Results[i];
                Assert.False(b.CountPending);
                Assert.Equal(a.Tokens, b.Tokens);
                Assert.Equal(a.AssistantTokens, b.AssistantTokens);
                Assert.Equal(Describe(a.Findings), Describe(b.Findings));
                if (a.Tokens > 0) counted++;
                over += a.Findings?.Count(f => f.RuleId == DatasetRules.OverTokenLimit.Id) ?? 0;
            }

            Assert.True(counted > 0, "no line was counted");
            Assert.True(over > 0, "no line was over the limit");
        }

        private static string[] Describe(List<DatasetFinding>? findings) =>
            findings?.Select(f => $"{f.RuleId} {f.Line} {f.Message}").ToArray() ?? new string[0];

        // The file's first batch of lines (each of these files fits in one).
        private static LineBatch Batch(string path)
        {
            using FileStream stream = File.OpenRead(path);
            using var reader = new JsonlReader(stream);
            var lines = new List<LineSlice>();
            reader.ReadBatch(lines);
            long examples = 0;
            return new LineBatch().Fill(reader.Buffer, lines, ref examples);
        }
    }
}
