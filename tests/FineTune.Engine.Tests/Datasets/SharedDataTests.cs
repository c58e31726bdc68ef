using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Every JSONL file in ../shared/data, and each failure pattern in its SOURCES.md, gets the right findings.</summary>
    public class SharedDataTests
    {
        [SkippableTheory]
        [InlineData("chat_gsm8k_train.jsonl", 449)]
        [InlineData("chat_ticket_classification_train.jsonl", 50)]
        [InlineData("chat_tools_stock_toolcall_training.jsonl", 86)]
        public void CleanChatFilesHaveNoFindings(string file, int examples)
        {
            Result r = CheckFile(SharedData.Require("data/" + file), new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" });
            Assert.Empty(r.Findings);
            Assert.True(r.Report.Valid);
            Assert.Equal(DatasetFormat.Chat, r.Report.Format);
            Assert.Equal(examples, r.Report.Examples);
            Assert.Equal(new FileInfo(r.Report.Path).Length, r.Report.Bytes);
            Assert.True(r.Report.Tokens > examples * 10);
        }

        [SkippableFact]
        public void LegacySemaphoreQaIsCleanCompletion()
        {
            Result r = CheckFile(SharedData.Require("data/legacy_prompt_completion_semaphore_qa.jsonl"));
            Assert.Empty(r.Findings);
            Assert.Equal(DatasetFormat.Completion, r.Report.Format);
            Assert.Equal(464, r.Report.Examples);
        }

        [SkippableFact]
        public void UnescapedQuotesGiveInvalidJsonOnLine6AndTheOtherLinesAreStillChecked()
        {
            Result r = CheckFile(SharedData.Require("data/bad_legacy_unescaped_quotes_semaphore.jsonl"));
            DatasetFinding invalid = Assert.Single(r.Findings, f => f.Severity == FindingSeverity.Error);
            Assert.Equal("FT013", invalid.RuleId);
            Assert.Equal(6, invalid.Line);
            Assert.Equal(5, invalid.ExampleIndex);
            Assert.Contains("byte 353", invalid.Message); // tiktoken-independent: Python's json says column 353
            // the parser's own position ("LineNumber: 0 | BytePositionInLine: 352") would contradict line 6, byte 353
            Assert.Equal("Line 6 is not valid JSON at byte 353: 'p' is invalid after a value. Expected either ',', '}', or ']'.", invalid.Message);
            Assert.Equal(10, r.Report.Examples);
            Assert.Equal(DatasetFormat.Completion, r.Report.Format);
            // completions without the leading space (lines 3-5, before the broken line)
            Assert.Equal(new long?[] { 3, 4, 5 }, r.Of("FT302").Select(f => f.Line).ToArray());
            // the lines after it are still read: 9 of 10 examples are counted
            DatasetMeasurement m = DatasetChecker.Measure(r.Report.Path, "babbage-002", DatasetFormat.Auto, null, null, default);
            Assert.Equal(9, m.CountedExamples);
            Assert.Equal(10, m.Examples);
        }

        [SkippableFact]
        public void JapaneseLessonPlansHaveNoAssistantOnAnyLine()
        {
            Result r = CheckFile(SharedData.Require("data/bad_missing_assistant_ja_lessonplans.jsonl"));
            Assert.Equal(new long?[] { 1, 2, 3 }, r.Of("FT130").Select(f => f.Line).ToArray());
            Assert.Contains("system, user", r.Of("FT130").First().Message);
            Assert.Equal(new[] { "FT130", "FT400" }, r.Ids);
            Assert.Equal(3, r.Report.Examples);
            Assert.Equal(4, r.Report.Errors);
        }

        [SkippableFact]
        public void CookbookToyFileShowsItsKnownImperfections()
        {
            // The cookbook's own checks on this file: a missing system message (line 3), a missing user
            // message (line 4), one very long example (line 5), and fewer than 10 examples.
            Result r = CheckFile(SharedData.Require("data/chat_toy_openai_cookbook.jsonl"), new DatasetCheckOptions { Model = "gpt-3.5-turbo-0613" });
            Assert.Equal(new[] { "FT132", "FT134", "FT400", "FT401" }, r.Ids);
            Assert.Equal(3, Assert.Single(r.Of("FT134")).Line);
            Assert.Equal(4, Assert.Single(r.Of("FT132")).Line);
            Assert.Equal(5, Assert.Single(r.Of("FT401")).Line);
            Assert.Equal(5, r.Report.Examples);
        }

        [SkippableFact]
        public void TravelFileHasExactlyTenExamplesAndNoFinalNewline()
        {
            Result r = CheckFile(SharedData.Require("data/chat_travel_assistant_mslearn_small.jsonl"));
            Assert.Equal(new[] { "FT015" }, r.Ids);
            Assert.Equal(10, r.Report.Examples);
            Assert.True(r.Report.Valid);
        }

        [SkippableFact]
        public void AlpacaSeedTasksMatchNoTrainingFormat()
        {
            Result r = CheckFile(SharedData.Require("data/instruct_alpaca_seed_tasks.jsonl"));
            Assert.Equal(175, r.Of("FT020").Count());
            Assert.Equal(new[] { "FT020" }, r.Ids);
            Assert.Equal(DatasetFormat.Unknown, r.Report.Format);
            Assert.Contains("instruction", r.Findings[0].Message);
        }

        // Failure patterns of SOURCES.md, made from real files.
        [SkippableFact]
        public void PowerShellBomOnRealFile()
        {
            byte[] bytes = File.ReadAllBytes(SharedData.Require("data/chat_ticket_classification_train.jsonl"));
            Result r = Check(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(bytes).ToArray());
            Assert.Equal(new[] { "FT001" }, r.Ids);
            Assert.Equal(50, r.Report.Examples);
        }

        [SkippableFact]
        public void JsonArrayOfRealExamples()
        {
            string[] lines = File.ReadAllLines(SharedData.Require("data/chat_ticket_classification_train.jsonl"));
            Result compact = Check(Encoding.UTF8.GetBytes("[" + string.Join(",", lines) + "]"));
            Assert.Equal(new[] { "FT010" }, compact.Ids);
            Result pretty = Check(Encoding.UTF8.GetBytes("[\n  " + string.Join(",\n  ", lines) + "\n]\n"));
            Assert.Equal(new[] { "FT010" }, pretty.Ids);
            Assert.False(pretty.Report.Valid);
        }

        [SkippableTheory]
        [InlineData("utf-16")]
        [InlineData("utf-16BE")]
        [InlineData("utf-16-nobom")]
        public void Utf16RealFile(string encoding)
        {
            string text = File.ReadAllText(SharedData.Require("data/chat_gsm8k_train.jsonl"));
            byte[] bytes = encoding == "utf-16" ? Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(text)).ToArray()
                : encoding == "utf-16BE" ? Encoding.BigEndianUnicode.GetPreamble().Concat(Encoding.BigEndianUnicode.GetBytes(text)).ToArray()
                : Encoding.Unicode.GetBytes(text);
            Result r = Check(bytes);
            Assert.Equal(new[] { "FT003" }, r.Ids);
            Assert.False(r.Report.Valid);
        }

        [SkippableFact]
        public void SystemOnlyFirstLineAsGlobalPrompt()
        {
            string[] lines = File.ReadAllLines(SharedData.Require("data/chat_ticket_classification_train.jsonl"));
            string global = "{\"messages\": [{\"role\": \"system\", \"content\": \"You are a customer support ticket classifier. Respond with only one of these categories: Technical, Billing, Account, Product, or Other.\"}]}";
            Result r = CheckLines(new[] { global }.Concat(lines));
            Assert.Equal(1, Assert.Single(r.Of("FT133")).Line);
            Assert.Equal(1, Assert.Single(r.Of("FT130")).Line);
            Assert.Equal(new[] { "FT130", "FT133" }, r.Ids);
        }

        [SkippableFact]
        public void CrlfCopyOfRealFileIsReadWithOneInfo()
        {
            string text = File.ReadAllText(SharedData.Require("data/chat_gsm8k_train.jsonl"));
            Result r = Check(Encoding.UTF8.GetBytes(text.Replace("\n", "\r\n")));
            DatasetFinding crlf = Assert.Single(r.Findings);
            Assert.Equal("FT012", crlf.RuleId);
            Assert.Contains("449 lines", crlf.Message);
            Assert.Equal(449, r.Report.Examples);
        }
    }
}

namespace FineTune.Engine.Tests.Datasets
{
    public class BatchingTests
    {
        /// <summary>A real file repeated past several 4 MB batches: the same findings in line order, in parallel or not.</summary>
        [SkippableFact]
        public void FindingsAreInLineOrderAcrossBatchesAndThreads()
        {
            byte[] one = System.IO.File.ReadAllBytes(SharedData.Require("data/chat_gsm8k_train.jsonl"));
            byte[] bytes = System.Linq.Enumerable.Repeat(one, 15).SelectMany(b => b).ToArray(); // 4.9 MB, 6735 lines
            string path = DatasetHarness.Write(bytes);
            try
            {
                var serial = DatasetHarness.CheckFile(path, new DatasetCheckOptions { MaxDegreeOfParallelism = 1, Model = "gpt-4o-mini-2024-07-18" });
                var parallel = DatasetHarness.CheckFile(path, new DatasetCheckOptions { MaxDegreeOfParallelism = 4, Model = "gpt-4o-mini-2024-07-18" });
                Assert.Equal(6735, serial.Report.Examples);
                Assert.Equal(6735 - 449, serial.Of("FT501").Count());
                Assert.Equal(450, serial.Of("FT501").First().Line);
                Assert.Contains("line 449", serial.Of("FT501").Last().Message);
                Assert.Equal(6735, serial.Of("FT501").Last().Line);
                Assert.Equal(serial.Findings.Select(f => f.ToString()), parallel.Findings.Select(f => f.ToString()));
                Assert.Equal(serial.Report.Tokens, parallel.Report.Tokens);
                Assert.Equal(serial.Findings.Select(f => f.Line), serial.Findings.Select(f => f.Line).OrderBy(l => l));
            }
            finally
            {
                System.IO.File.Delete(path);
            }
        }
    }
}
