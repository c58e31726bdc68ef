using System;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using Xunit;
using static FineTune.Engine.Tests.Datasets.RecordTestData;

namespace FineTune.Engine.Tests.Datasets
{
    public class DatasetSplitterTests
    {
        private static string[] Lines(string path) => Encoding.UTF8.GetString(File.ReadAllBytes(path)).Split('\n').Where(l => l.Length > 0).ToArray();

        [SkippableFact]
        public void SplitLosesAndDuplicatesNothingAndASeedReproducesIt()
        {
            string source = SharedData.Require("data/chat_gsm8k_train.jsonl");
            string dir = NewFolder();
            string Out(string n) => Path.Combine(dir, n);

            DatasetSplit a = DatasetSplitter.Split(source, Out("t1.jsonl"), Out("v1.jsonl"), 0.2, null, 7, DatasetFormat.Chat, DatasetWriteMode.New, CancellationToken.None);
            string[] all = Lines(source);
            Assert.Equal(449, all.Length);
            Assert.Equal(90, a.Validation.ExampleCount); // round(449 × 0.2) = round(89.8)
            Assert.Equal(359, a.Training.ExampleCount);
            string[] t1 = Lines(Out("t1.jsonl")), v1 = Lines(Out("v1.jsonl"));
            Assert.Equal(359, t1.Length);
            Assert.Equal(90, v1.Length);
            Assert.Equal(all.OrderBy(l => l, StringComparer.Ordinal), t1.Concat(v1).OrderBy(l => l, StringComparer.Ordinal));
            Assert.NotEqual(all.Take(359), t1); // shuffled
            Assert.Equal(new FileInfo(Out("t1.jsonl")).Length, a.Training.Bytes);

            DatasetSplit b = DatasetSplitter.Split(source, Out("t2.jsonl"), Out("v2.jsonl"), 0.2, null, 7, DatasetFormat.Chat, DatasetWriteMode.New, CancellationToken.None);
            Assert.Equal(File.ReadAllBytes(Out("t1.jsonl")), File.ReadAllBytes(Out("t2.jsonl")));
            Assert.Equal(File.ReadAllBytes(Out("v1.jsonl")), File.ReadAllBytes(Out("v2.jsonl")));
            Assert.Equal(7, b.Seed);

            DatasetSplitter.Split(source, Out("t3.jsonl"), Out("v3.jsonl"), 0.2, 10, 8, DatasetFormat.Chat, DatasetWriteMode.New, CancellationToken.None);
            Assert.Equal(10, Lines(Out("v3.jsonl")).Length);
            Assert.NotEqual(File.ReadAllBytes(Out("v1.jsonl")).Take(2000), File.ReadAllBytes(Out("v3.jsonl")).Take(2000));
        }

        [SkippableFact]
        public void RefusesExistingOutputsAndImpossibleCounts()
        {
            string source = SharedData.Require("data/chat_toy_openai_cookbook.jsonl");
            string dir = NewFolder();
            string t = Path.Combine(dir, "t.jsonl"), v = Path.Combine(dir, "v.jsonl");
            File.WriteAllText(t, "mine");
            Assert.Throws<DatasetFileExistsException>(() => DatasetSplitter.Split(source, t, v, 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.New, CancellationToken.None));
            Assert.Equal("mine", File.ReadAllText(t));
            Assert.False(File.Exists(v));
            Assert.Single(Directory.GetFiles(dir));

            ArgumentException ex = Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(source, t, v, 0.2, 5, 1, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None));
            Assert.Contains("has 5 examples", ex.Message);
            Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(source, source, v, 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None));

            DatasetSplit s = DatasetSplitter.Split(source, t, v, 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None);
            Assert.Equal(4, s.Training.ExampleCount);
            Assert.Equal(1, s.Validation.ExampleCount);
        }

        [Fact]
        public void LinesSkipsBomBlankLinesAndCarriageReturns()
        {
            byte[] bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes("a\r\n\n  \nb c\nd")).ToArray();
            var lines = DatasetSplitter.Lines(bytes).Select(x => Encoding.UTF8.GetString(bytes, x.Item1, x.Item2)).ToArray();
            Assert.Equal(new[] { "a", "b c", "d" }, lines);
        }
    }
}
