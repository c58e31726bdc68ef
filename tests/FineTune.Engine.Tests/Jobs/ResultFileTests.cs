using System;
using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Jobs;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class ResultFileTests
    {
        // the header and rows OpenAI writes in a result file (step_metrics.csv)
        private const string Csv =
            "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n" +
            "1,1.52347,0.5,,\n" +
            "2,0.98,0.625,1.1,0.55\n" +
            "3,0.5,0.75,,\n";

        [Fact]
        public void ParsesEveryStepWithBlanksAsNull()
        {
            var rows = ResultFile.ParseMetrics(Encoding.UTF8.GetBytes(Csv), "ftjob-1");
            Assert.Equal(new[] { 1, 2, 3 }, rows.Select(r => r.Step));
            Assert.Equal(1.52347, rows[0].TrainLoss);
            Assert.Equal(0.5, rows[0].TrainAccuracy);
            Assert.Null(rows[0].ValidLoss);
            Assert.Equal(1.1, rows[1].ValidLoss);
            Assert.Equal(0.55, rows[1].ValidAccuracy);
            Assert.All(rows, r => Assert.Equal("ftjob-1", r.JobId));
        }

        [Fact]
        public void DecodesBase64Content()
        {
            byte[] encoded = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Csv)));
            Assert.Equal(Csv, Encoding.UTF8.GetString(ResultFile.Decode(encoded)));
            var rows = ResultFile.ParseMetrics(encoded);
            Assert.Equal(3, rows.Count);
            Assert.Equal(0.98, rows[1].TrainLoss);
        }

        [Fact]
        public void LeavesPlainCsvAndJsonLinesAlone()
        {
            byte[] plain = Encoding.UTF8.GetBytes(Csv);
            Assert.Same(plain, ResultFile.Decode(plain));
            byte[] jsonl = Encoding.UTF8.GetBytes("{\"messages\":[]}\n");
            Assert.Same(jsonl, ResultFile.Decode(jsonl));
            // base64 of something that is not a result file stays as it is
            byte[] other = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes("hello world, not metrics")));
            Assert.Same(other, ResultFile.Decode(other));
        }

        [Fact]
        public void ReadsTheAlternativeColumnNamesAndFullValidation()
        {
            string csv = "step,train_loss,train_mean_token_accuracy,valid_loss,valid_accuracy,full_valid_loss,full_valid_mean_token_accuracy\n7,0.1,0.9,0.2,0.8,0.25,0.85\n";
            var row = ResultFile.ParseMetrics(Encoding.UTF8.GetBytes(csv)).Single();
            Assert.Equal(7, row.Step);
            Assert.Equal(0.9, row.TrainAccuracy);
            Assert.Equal(0.8, row.ValidAccuracy);
            Assert.Equal(0.25, row.FullValidLoss);
            Assert.Equal(0.85, row.FullValidAccuracy);
        }

        [Fact]
        public void RejectsAFileWithoutStepColumnOrWithABadStep()
        {
            var noStep = Assert.Throws<InvalidDataException>(() => ResultFile.ParseMetrics(Encoding.UTF8.GetBytes("a,b\n1,2\n")));
            Assert.Contains("'step'", noStep.Message);
            var bad = Assert.Throws<InvalidDataException>(() => ResultFile.ParseMetrics(Encoding.UTF8.GetBytes("step,train_loss\n1,0.5\nx,0.4\n")));
            Assert.Contains("line 3", bad.Message);
        }
    }
}
