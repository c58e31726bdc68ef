using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Moderation;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>
    /// An escaped lone surrogate (<c>\ud800</c> without its pair) is not text: it cannot be encoded as UTF-8.
    /// One rule in every reader: an Error (FT004) naming the line and the field; the other lines are still read.
    /// </summary>
    public sealed class LoneSurrogateTests
    {
        private const string InRole = "{\"messages\":[{\"role\":\"user\\ud800\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}";
        private const string InKey = "{\"messages\":[{\"role\":\"user\",\"con\\ud800tent\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}";
        private const string InContent = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\udc00 there\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}";
        private const string Pair = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi \\ud83d\\ude00\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}";

        private static string[] File() => Many(Chat).Take(3).Concat(new[] { InRole, InKey, InContent, Pair }).Concat(Many(Chat, 20).Skip(10)).ToArray();

        [Fact]
        public void EveryLoneSurrogateIsAnErrorNamingLineAndField()
        {
            Result r = CheckLines(File(), new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" });
            List<DatasetFinding> found = r.Of("FT004").ToList();
            Assert.Equal(new long?[] { 4, 5, 6 }, found.Select(f => f.Line).ToArray());
            Assert.All(found, f => Assert.Equal(FindingSeverity.Error, f.Severity));
            Assert.Contains("messages[0].role", found[0].Message);
            Assert.Contains("messages[0]", found[1].Message);
            Assert.Contains("con\\ud800tent", found[1].Message);
            Assert.Contains("messages[0].content", found[2].Message);
            Assert.Contains("\\udc00", found[2].Message);
            Assert.Equal(17, r.Report.Examples);
            Assert.False(r.Report.Valid);
        }

        [Fact]
        public void MeasureCountsTheOtherLines()
        {
            string path = Write(Utf8Lines(File()));
            DatasetMeasurement m = DatasetChecker.Measure(path, "gpt-4o-mini-2024-07-18", DatasetFormat.Auto, null, null, CancellationToken.None);
            Assert.Equal(17, m.Examples);
            Assert.Equal(14, m.CountedExamples);
        }

        [Fact]
        public async Task ModerationWarnsWithLineAndFieldAndScreensTheRest()
        {
            string path = Write(Utf8Lines(File()));
            var warnings = new List<string>();
            int texts = 0;
            ModerationReport report = await ModerationScreener.ScreenAsync(
                (inputs, ct) =>
                {
                    Interlocked.Add(ref texts, inputs.Count);
                    return Task.FromResult<IReadOnlyList<ModerationResult>>(inputs.Select(_ => new ModerationResult(false, Array.Empty<string>(), new Dictionary<string, double>())).ToList());
                },
                new ModerationOptions { Path = path, ResumeFile = path + ".j" }, new Warnings(warnings), CancellationToken.None);
            Assert.Equal(3, warnings.Count(w => w.Contains("lone surrogate")));
            Assert.Contains(warnings, w => w.Contains("Line 4") && w.Contains("messages[0].role"));
            Assert.Equal((13 * 3) + 2, texts);
            Assert.Equal(17, report.Summary.Examples);
        }

        private sealed class Warnings : IFeedback
        {
            private readonly List<string> list;

            public Warnings(List<string> list) => this.list = list;

            public void Verbose(string message)
            {
            }

            public void Debug(string message)
            {
            }

            public void Warning(string message)
            {
                lock (list) list.Add(message);
            }

            public void Information(object message)
            {
            }

            public void Progress(int activityId, string activity, string status, int percent, bool completed = false)
            {
            }
        }
    }
}
