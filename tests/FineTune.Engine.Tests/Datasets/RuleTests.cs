using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Every rule fires on a minimal input that breaks it, on the right line, with its severity.</summary>
    public class RuleTests
    {
        private const string Sys = "{\"role\":\"system\",\"content\":\"You are terse.\"}";
        private const string User = "{\"role\":\"user\",\"content\":\"Hi?\"}";
        private const string Asst = "{\"role\":\"assistant\",\"content\":\"Hello.\"}";
        private const string ToolF = "\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]";

        private sealed class Case
        {
            public Case(Func<byte[]> input, long? line, DatasetCheckOptions? options = null)
            {
                Input = input;
                Line = line;
                Options = options;
            }

            public Func<byte[]> Input { get; }

            public long? Line { get; }

            public DatasetCheckOptions? Options { get; }
        }

        /// <summary>Ten clean chat lines, then <paramref name="bad"/> as line 11.</summary>
        private static Case ChatLine11(string bad, DatasetCheckOptions? options = null) => new Case(() => Utf8Lines(Many(Chat).Append(bad)), 11, options);

        private static string Msgs(params string[] messages) => "{\"messages\":[" + string.Join(",", messages) + "]}";

        private static readonly Dictionary<string, Case> Cases = new Dictionary<string, Case>
        {
            ["FT001"] = new Case(() => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8Lines(Many(Chat))).ToArray(), 1),
            ["FT002"] = new Case(() => new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8Lines(Many(Chat))).ToArray(), 1, new DatasetCheckOptions { Target = DatasetTarget.Azure }),
            ["FT003"] = new Case(() => Encoding.Unicode.GetPreamble().Concat(Encoding.Unicode.GetBytes(string.Join("\n", Many(Chat)))).ToArray(), 1),
            ["FT004"] = new Case(() => Utf8Lines(Many(Chat)).Concat(Encoding.ASCII.GetBytes("{\"messages\":[{\"role\":\"user\",\"content\":\"caf")).Concat(new byte[] { 0xE9 }).Concat(Encoding.ASCII.GetBytes("\"}]}\n")).ToArray(), 11),
            ["FT005"] = new Case(() => Array.Empty<byte>(), null), // written sparse in the test below
            ["FT010"] = new Case(() => Utf8Lines(new[] { "[" }.Concat(Many(Chat).Select(l => l + ",")).Append("{}]")), 1),
            ["FT011"] = new Case(() => Utf8Lines(Many(Chat, 5).Append("   ").Concat(Many(i => Chat(i + 5), 5))), 6),
            ["FT012"] = new Case(() => Encoding.UTF8.GetBytes(string.Join("\r\n", Many(Chat)) + "\r\n"), 1),
            ["FT013"] = ChatLine11("{\"messages\":[{\"role\":\"user\",\"content\":\"He said \"hi\"\"}]}"),
            ["FT014"] = ChatLine11("[1, 2, 3]"),
            ["FT015"] = new Case(() => Encoding.UTF8.GetBytes(string.Join("\n", Many(Chat))), null),
            ["FT016"] = new Case(() => Array.Empty<byte>(), 11), // written in the test below
            ["FT017"] = new Case(() => Utf8Lines(Many(Chat).Concat(new[] { "{", "  \"messages\": []", "}" })), 11),
            ["FT018"] = new Case(() => Utf8Lines(new[] { "text,category", "\"Cannot log in, help\",Account", "Refund my last invoice,Billing" }), 1),
            ["FT020"] = ChatLine11("{\"instruction\":\"Name a colour.\",\"output\":\"Blue\"}"),
            ["FT021"] = ChatLine11(Completion(1)),
            ["FT022"] = new Case(() => Utf8Lines(Many(Completion)), null, new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" }),
            ["FT100"] = ChatLine11("{\"messages\":\"Hi\"}"),
            ["FT101"] = ChatLine11("{\"messages\":[]}"),
            ["FT102"] = ChatLine11(Msgs(Sys, "\"Hi\"", Asst)),
            ["FT103"] = ChatLine11(Msgs(Sys, "{\"role\":\"bot\",\"content\":\"Hi\"}", Asst)),
            ["FT104"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":42}", Asst)),
            ["FT105"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":[{\"type\":\"audio\",\"data\":\"x\"}]}", Asst)),
            ["FT106"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":[{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}]}")),
            ["FT107"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":[" + string.Join(",", Enumerable.Repeat("{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/a.png\"}}", 11)) + "]}", Asst)),
            ["FT108"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\"}", Asst)),
            ["FT109"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":\"\"}", Asst)),
            ["FT110"] = ChatLine11("{\"messages\":[" + Sys + "," + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}]," + ToolF + "}"),
            ["FT111"] = ChatLine11("{\"messages\":[" + Sys + "," + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"city=Paris\"}}]}]," + ToolF + "}"),
            ["FT112"] = ChatLine11("{\"messages\":[" + Sys + "," + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]}," + Asst + "]," + ToolF + "}"),
            ["FT113"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"tool\",\"tool_call_id\":\"c9\",\"content\":\"42\"}", Asst)),
            ["FT114"] = ChatLine11("{\"messages\":[" + Sys + "," + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{}\"}}]},{\"role\":\"tool\",\"content\":\"42\"}," + Asst + "]," + ToolF + "}"),
            ["FT115"] = ChatLine11("{\"messages\":[" + Sys + "," + User + "," + Asst + "],\"tools\":[{\"type\":\"function\"}]}"),
            ["FT116"] = ChatLine11("{\"messages\":[" + Sys + "," + User + "," + Asst + "],\"functions\":[{\"name\":\"f\",\"parameters\":{}}]}"),
            ["FT117"] = ChatLine11("{\"messages\":[" + Sys + "," + User + ",{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"g\",\"arguments\":\"{}\"}}]}]," + ToolF + "}"),
            ["FT120"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":\"Hello.\",\"weight\":2}")),
            ["FT121"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":\"Hi?\",\"weight\":1}", Asst)),
            ["FT122"] = ChatLine11(Msgs(Sys, "{\"role\":\"user\",\"content\":\"Hi?\",\"name\":\"Jane Doe!\"}", Asst)),
            ["FT123"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":null,\"function_call\":{\"name\":\"f\",\"arguments\":\"{}\"}}", "{\"role\":\"function\",\"name\":\"f\",\"content\":\"42\"}", Asst)),
            ["FT124"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"function\",\"name\":\"f\",\"content\":\"42\"}", Asst), new DatasetCheckOptions { Target = DatasetTarget.Azure }),
            ["FT125"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"function\",\"content\":\"42\"}", Asst)),
            ["FT130"] = ChatLine11(Msgs(Sys, User)),
            ["FT131"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":\"Hello.\",\"weight\":0}")),
            ["FT132"] = ChatLine11(Msgs(Sys, Asst)),
            ["FT133"] = new Case(() => Utf8Lines(new[] { Msgs(Sys) }.Concat(Many(Chat))), 1),
            ["FT134"] = ChatLine11(Msgs("{\"role\":\"system\",\"content\":\"You are verbose.\"}", User, Asst)),
            ["FT200"] = new Case(() => Utf8Lines(Many(Preference).Append("{\"input\":{\"text\":\"Hi\"},\"preferred_output\":[" + Asst + "],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Go away.\"}]}")), 11),
            ["FT201"] = new Case(() => Utf8Lines(Many(Preference).Append("{\"input\":{\"messages\":[" + User + "]},\"preferred_output\":[" + Asst + "," + Asst + "],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Go away.\"}]}")), 11),
            ["FT202"] = new Case(() => Utf8Lines(Many(Preference).Append("{\"input\":{\"messages\":[" + User + "]},\"preferred_output\":[" + Asst + "],\"non_preferred_output\":[" + Asst + "]}")), 11),
            ["FT203"] = new Case(() => Utf8Lines(Many(Preference).Append("{\"input\":{\"messages\":[" + User + "," + Asst + "]},\"preferred_output\":[" + Asst + "],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"Go away.\"}]}")), 11),
            ["FT300"] = new Case(() => Utf8Lines(Many(Completion).Append("{\"prompt\":5,\"completion\":\" x\"}")), 11),
            ["FT301"] = new Case(() => Utf8Lines(Many(Completion).Append("{\"prompt\":\"Q\",\"completion\":\"\"}")), 11),
            ["FT302"] = new Case(() => Utf8Lines(Many(Completion).Append("{\"prompt\":\"Q\",\"completion\":\"x\"}")), 11),
            ["FT400"] = new Case(() => Utf8Lines(Many(Chat, 3)), null),
            ["FT401"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":\"" + string.Concat(Enumerable.Repeat("hello ", 5000)) + "\"}"), new DatasetCheckOptions { Model = "gpt-3.5-turbo-0613" }),
            ["FT402"] = new Case(() => Utf8Lines(Many(Chat)), null, new DatasetCheckOptions { Model = "gpt-4" }),
            ["FT500"] = ChatLine11(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":\"Done.<|endoftext|>\"}")),
            ["FT501"] = ChatLine11(Chat(1)),
        };

        public static IEnumerable<object[]> RuleIds => Cases.Keys.Where(k => k != "FT005" && k != "FT016").Select(k => new object[] { k });

        [Fact]
        public void EveryRuleHasACase() =>
            Assert.Equal(DatasetRules.All.Select(r => r.Id).OrderBy(x => x), Cases.Keys.OrderBy(x => x));

        [Theory]
        [MemberData(nameof(RuleIds))]
        public void RuleFiresOnItsInput(string id)
        {
            Case c = Cases[id];
            Result r = Check(c.Input(), c.Options);
            DatasetFinding f = Assert.Single(r.Of(id).Take(1));
            Assert.Equal(c.Line, f.Line);
            Assert.Equal(DatasetRules.Find(id)!.Severity, f.Severity);
            Assert.False(string.IsNullOrWhiteSpace(f.Hint));
            Assert.Equal(f.Severity == FindingSeverity.Error ? false : r.Report.Valid, r.Report.Valid);
        }

        [Fact]
        public void CsvFileIsOneFindingThatSaysHowToConvertIt()
        {
            Result r = Check(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8Lines(new[] { "text,category" }.Concat(Enumerable.Range(1, 66).Select(i => $"\"Ticket {i}, please help\",Technical")))).ToArray(), null);
            DatasetFinding f = Assert.Single(r.Findings);
            Assert.Equal("FT018", f.RuleId);
            Assert.Contains("(text,category)", f.Message);
            Assert.Contains("Import-Csv", f.Hint);
            Assert.False(r.Report.Valid);
        }

        [Theory]
        [InlineData("chat")]
        [InlineData("preference")]
        [InlineData("completion")]
        public void CleanFilesHaveNoFindings(string kind)
        {
            Func<int, string> make = kind == "chat" ? Chat : kind == "preference" ? (Func<int, string>)Preference : Completion;
            // prompt/completion trains only the legacy models (FT022)
            Result r = CheckLines(Many(make), new DatasetCheckOptions { Model = kind == "completion" ? "davinci-002" : "gpt-4o-mini-2024-07-18" });
            Assert.Empty(r.Findings);
            Assert.True(r.Report.Valid);
            Assert.Equal(10, r.Report.Examples);
            Assert.True(r.Report.Tokens > 10 * 5);
            Assert.Equal(kind == "chat" ? DatasetFormat.Chat : kind == "preference" ? DatasetFormat.Preference : DatasetFormat.Completion, r.Report.Format);
        }

        [Fact]
        public void FileOver512MegabytesIsAnError()
        {
            string path = Path.Combine(Dir, "huge-sparse.jsonl");
            using (var fs = new FileStream(path, FileMode.Create)) fs.SetLength(DatasetChecker.MaxFileBytes + 1);
            try
            {
                Result r = CheckFile(path);
                Assert.Single(r.Of("FT005"));
                Assert.False(r.Report.Valid);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void LineOver64MegabytesIsSkippedAndLaterLinesAreRead()
        {
            string path = Path.Combine(Dir, "long-line.jsonl");
            using (var fs = new FileStream(path, FileMode.Create))
            {
                byte[] good = Utf8Lines(Many(Chat));
                fs.Write(good, 0, good.Length);
                byte[] chunk = Encoding.ASCII.GetBytes(new string('x', 1 << 20));
                for (int i = 0; i < 65; i++) fs.Write(chunk, 0, chunk.Length);
                byte[] tail = Utf8Lines(new[] { "\n" + Chat(99), "[]" });
                fs.Write(tail, 0, tail.Length);
            }

            try
            {
                Result r = CheckFile(path);
                Assert.Equal(11, Assert.Single(r.Of("FT016")).Line);
                Assert.Equal(13, Assert.Single(r.Of("FT014")).Line); // line 12 is Chat(99), line 13 "[]"
                Assert.Equal(13, r.Report.Examples);
                Assert.Equal(new[] { "FT014", "FT016" }, r.Ids);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void BomIsAcceptedForAzureAndTheRestIsClean()
        {
            byte[] bytes = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Utf8Lines(Many(Chat))).ToArray();
            Result azure = Check(bytes, new DatasetCheckOptions { Target = DatasetTarget.Azure });
            Assert.True(azure.Report.Valid);
            Assert.Equal(new[] { "FT002" }, azure.Ids);
            Result openai = Check(bytes);
            Assert.False(openai.Report.Valid);
            Assert.Equal(new[] { "FT001" }, openai.Ids);
        }

        [Fact]
        public void AToolCallEndingTheExampleNeedsNoAnswerAndAnsweredCallsPair()
        {
            string call = "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"a\\\":1}\"}}]}";
            string answered = "{\"messages\":[" + Sys + "," + User + "," + call + ",{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"42\"}," + Asst + "]," + ToolF + "}";
            string ending = "{\"messages\":[" + Sys + "," + User + "," + call + "]," + ToolF + "}";
            Result r = CheckLines(Many(Chat).Append(answered).Append(ending));
            Assert.Empty(r.Findings);
        }

        [Fact]
        public void FormatGivenExplicitlyChecksUnknownLinesAsThatFormat()
        {
            Result r = CheckLines(Many(Chat).Append("{\"text\":\"hi\"}"), new DatasetCheckOptions { Format = DatasetFormat.Chat });
            Assert.Equal(11, Assert.Single(r.Of("FT100")).Line);
            Assert.Empty(r.Of("FT020"));
        }

        [Theory]
        [InlineData("FT104", "Line 11: messages[1].content is a number.")]
        [InlineData("FT111", "Line 11: messages[2].tool_calls[0].function.arguments is a string that is not a JSON object.")]
        [InlineData("FT105", "Line 11: messages[1].content[0].type is \"audio\"; use text or image_url.")]
        [InlineData("FT013", "Line 11 is not valid JSON at byte 49")]
        public void MessagesNameTheLineAndTheField(string id, string expected)
        {
            Case c = Cases[id];
            Assert.StartsWith(expected, Check(c.Input(), c.Options).Of(id).First().Message);
        }

        [Fact]
        public void SpecialTokenEscapedInJsonIsFound()
        {
            Result r = CheckLines(Many(Chat).Append(Msgs(Sys, User, "{\"role\":\"assistant\",\"content\":\"a\\u003c|im_end|>b\"}")));
            Assert.Contains("<|im_end|>", Assert.Single(r.Of("FT500")).Message);
        }

        [Fact]
        public void InconsistentSystemMessageIsReportedOncePerVariantWithItsCount()
        {
            // 10 examples like line 1, then 3 with another system message, 2 without one, 1 more like line 1
            // and 1 more of the second variant: one finding per variant, at its first line, with its count.
            string Verbose(int i) => Chat(i).Replace("You are terse.", "You are verbose.");
            string NoSystem(int i) => Chat(i).Replace("{\"role\":\"system\",\"content\":\"You are terse.\"},", string.Empty);
            var lines = Many(Chat).Concat(new[] { Verbose(11), Verbose(12), Verbose(13), NoSystem(14), NoSystem(15), Chat(16), Verbose(17) });
            Result r = CheckLines(lines);
            DatasetFinding[] f = r.Of("FT134").ToArray();
            Assert.Equal(new long?[] { 11, 14 }, f.Select(x => x.Line).ToArray());
            Assert.Equal(new long?[] { 10, 13 }, f.Select(x => x.ExampleIndex).ToArray());
            Assert.Equal("Line 11's system message differs from line 1's (4 examples are like it, the first on line 11).", f[0].Message);
            Assert.Equal("Line 14 has no system message; line 1 has one (2 examples are like it, the first on line 14).", f[1].Message);
            Assert.Equal(2, r.Report.Warnings);
        }

        [Fact]
        public void SystemMessageVariantsBeyondTheCapAreReportedTogether()
        {
            int n = SystemVariants.MaxVariants + 5;
            var lines = Enumerable.Range(1, n + 1).Select(i => Chat(i).Replace("You are terse.", i == 1 ? "You are terse." : "Variant " + i + "."));
            DatasetFinding[] f = CheckLines(lines).Of("FT134").ToArray();
            Assert.Equal(SystemVariants.MaxVariants + 1, f.Length);
            Assert.Equal(SystemVariants.MaxVariants + 2, f[f.Length - 1].Line);
            Assert.Contains("and 4 later examples", f[f.Length - 1].Message);
        }

        [Fact]
        public void DuplicateSetKeepsTheFirstLineOfEveryHashAcrossGrowth()
        {
            // 300,000 distinct hashes make every one of the 64 tables grow several times.
            var set = new LineHashSet();
            ulong Hash(int i) => TestHashes.Mix((ulong)i * 0x9E3779B97F4A7C15UL + 1);
            for (int i = 1; i <= 300000; i++) Assert.Equal(0, set.AddOrGet(Hash(i), i));
            for (int i = 1; i <= 300000; i += 997) Assert.Equal(i, set.AddOrGet(Hash(i), 400000 + i));
            Assert.Equal(0, set.AddOrGet(Hash(300001), 300001));
        }

        [Fact]
        public void DuplicateSetGrowsToTheProjectedSizeOnce()
        {
            // As the checker does: from a tenth of the file on, the projection is the file over what was read.
            const int total = 300000;
            var set = new LineHashSet();
            ulong Hash(int i) => TestHashes.Mix((ulong)i * 0x9E3779B97F4A7C15UL + 1);
            for (int i = 1; i <= total; i++)
            {
                if (i >= total / 10) set.Projection = (double)total / i;
                Assert.Equal(0, set.AddOrGet(Hash(i), i));
            }

            for (int i = 1; i <= total; i += 991) Assert.Equal(i, set.AddOrGet(Hash(i), total + i));

            // doubling alone ends at 64 tables of 8,192 slots (1.75 slots an example); the projection at about
            // 1.04 x 5/4 = 1.3 slots an example, every table still under 4/5 full
            Assert.InRange(set.Capacity, (long)(total * 5 / 4.0), (long)(total * 1.4));
        }

        [Fact]
        public void AnUnknownModelNamesTheCloseOne()
        {
            DatasetFinding f = Assert.Single(CheckLines(Many(Chat), new DatasetCheckOptions { Model = "gpt-4o-mni" }).Of("FT402"));
            Assert.Equal("No per-example token limit is known for 'gpt-4o-mni'. Did you mean 'gpt-4o-mini'?", f.Message);
        }

        [Fact]
        public void DuplicatesIgnoreFormattingWhitespace()
        {
            string spaced = Chat(3).Replace("\",\"", "\", \"").Replace(":", ": ");
            Result r = CheckLines(Many(Chat).Append(spaced));
            Assert.Contains("line 3", Assert.Single(r.Of("FT501")).Message);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(10_000)] // longer than the hash's 4 KB buffer: hashed in pieces
        public void TheDuplicateHashDropsOnlyTheWhitespaceOutsideStrings(int padding)
        {
            string pad = new string('x', padding);
            ulong Hash(string line) => ExampleChecker.NormalizedHash(Encoding.UTF8.GetBytes(line));
            ulong compact = Hash("{\"a\":\"" + pad + "q\\\" b\\\\\",\"n\":[1,2]}");
            Assert.Equal(compact, Hash(" { \"a\" :\t\"" + pad + "q\\\" b\\\\\" ,\r\n\"n\": [1, 2] } "));
            Assert.NotEqual(compact, Hash("{\"a\":\"" + pad + "q\\\"b\\\\\",\"n\":[1,2]}")); // the space after \" is inside the string
            Assert.NotEqual(compact, Hash("{\"a\":\"" + pad + "q\\\" b\\\\ \",\"n\":[1,2]}")); // a space before the closing quote is inside the string
            Assert.NotEqual(compact, Hash("{\"a\":\"" + pad + "q\\\" b\\\\\",\"n\":[12]}"));
        }

        [Fact]
        public void EscapedAndRepeatedNamesInAMessageReadAsTryGetPropertyReadsThem()
        {
            // Names and roles are compared where they lie in the line; one with an escape is read through the JSON reader,
            // and of a repeated name the last counts. Written plainly, these lines give the same findings.
            string[] escaped =
            {
                "{\"messages\":[{\"r\\u006fle\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"us\\u0065r\",\"c\\u006fntent\":\"Hi?\"},{\"role\":\"assistant\",\"content\":\"Hello.\",\"w\\u0065ight\":2}]}",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"tool\",\"role\":\"user\",\"content\":\"Hi?\"},{\"role\":\"assistant\",\"content\":\"Hello.\",\"name\":\"bad name!\"}]}",
            };
            string[] plain =
            {
                "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Hi?\"},{\"role\":\"assistant\",\"content\":\"Hello.\",\"weight\":2}]}",
                "{\"messages\":[{\"role\":\"system\",\"content\":\"You are terse.\"},{\"role\":\"user\",\"content\":\"Hi?\"},{\"role\":\"assistant\",\"content\":\"Hello.\",\"name\":\"bad name!\"}]}",
            };
            for (int i = 0; i < escaped.Length; i++)
            {
                string[] got = CheckLines(Many(Chat).Append(escaped[i])).Findings.Where(f => f.Line == 11).Select(f => f.RuleId).OrderBy(x => x).ToArray();
                string[] want = CheckLines(Many(Chat).Append(plain[i])).Findings.Where(f => f.Line == 11).Select(f => f.RuleId).OrderBy(x => x).ToArray();
                Assert.NotEmpty(want);
                Assert.Equal(want, got);
            }
        }
    }
}
