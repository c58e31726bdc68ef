using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Thousands of seeded random byte mutations of real lines: no exception, and an Error on every broken line.</summary>
    public class FuzzTests
    {
        private static readonly UTF8Encoding Strict = new UTF8Encoding(false, true);

        [SkippableTheory]
        [InlineData(1, null)]
        [InlineData(2, "gpt-4o-mini-2024-07-18")]
        public void MutatedRealLinesNeverCrashAndBrokenLinesAreFound(int seed, string? model)
        {
            var sources = new[] { "chat_gsm8k_train.jsonl", "chat_tools_stock_toolcall_training.jsonl", "legacy_prompt_completion_semaphore_qa.jsonl", "bad_missing_assistant_ja_lessonplans.jsonl" }
                .SelectMany(f => File.ReadAllLines(SharedData.Require("data/" + f), Encoding.UTF8).Where(l => l.Length > 0))
                .Select(l => Encoding.UTF8.GetBytes(l))
                .ToArray();
            var random = new Random(seed);
            var lines = new List<byte[]> { sources[0] }; // a clean first line keeps file-level sniffing (BOM, UTF-16, '[') out of it
            for (int i = 0; i < 3000; i++) lines.Add(Mutate(sources[random.Next(sources.Length)], random));

            byte[] file = lines.SelectMany(l => l.Concat(new[] { (byte)'\n' })).ToArray();
            Result r = Check(file, new DatasetCheckOptions { Model = model });

            var errorLines = new HashSet<long>(r.Findings.Where(f => f.Severity == FindingSeverity.Error && f.Line != null).Select(f => f.Line!.Value));
            int broken = 0;
            for (int i = 0; i < lines.Count; i++)
            {
                if (IsBlank(lines[i]) || !IsBroken(lines[i])) continue;
                broken++;
                Assert.True(errorLines.Contains(i + 1), $"line {i + 1} is broken but has no Error finding: {Show(lines[i])}");
            }

            Assert.True(broken > 1000, $"only {broken} broken lines: the mutations are too gentle to test anything");
            Assert.Equal(lines.Count(l => !IsBlank(l)), r.Report.Examples);
        }

        internal static byte[] Mutate(byte[] line, Random random)
        {
            var bytes = new List<byte>(line);
            int n = random.Next(1, 4);
            for (int k = 0; k < n && bytes.Count > 0; k++)
            {
                int at = random.Next(bytes.Count);
                byte b = random.Next(4) == 0 ? (byte)"{}[]\",:\\"[random.Next(8)] : (byte)random.Next(256);
                if (b == (byte)'\n') b = (byte)'x';
                switch (random.Next(4))
                {
                    case 0: bytes[at] = b; break;
                    case 1: bytes.RemoveAt(at); break;
                    case 2: bytes.Insert(at, b); break;
                    default: bytes.RemoveRange(at, bytes.Count - at); break;
                }
            }

            return bytes.ToArray();
        }

        private static string Show(byte[] line)
        {
            string text = Encoding.UTF8.GetString(line);
            return text.Length > 300 ? text.Substring(0, 300) : text;
        }

        private static bool IsBlank(byte[] line) => line.All(b => b == ' ' || b == '\t' || b == '\r');

        /// <summary>The oracle: not strict UTF-8, not JSON, or not an object.</summary>
        private static bool IsBroken(byte[] line)
        {
            try
            {
                Strict.GetString(line);
            }
            catch (DecoderFallbackException)
            {
                return true;
            }

            try
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                return doc.RootElement.ValueKind != JsonValueKind.Object;
            }
            catch (JsonException)
            {
                return true;
            }
        }
    }
}
