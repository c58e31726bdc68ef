using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    /// <summary>
    /// Every line of ../shared/tokens/corpus.jsonl against the ids tiktoken 1.0.22 gives
    /// (corpus.&lt;encoding&gt;.tiktoken.jsonl): same ids, same count.
    /// </summary>
    public class TokenCorpusTests
    {
        /// <summary>The corpus strings, exactly as UTF-16 (the u16 field carries lone surrogates).</summary>
        internal static List<(string Category, string Text)> Corpus()
        {
            string path = SharedData.Require("tokens/corpus.jsonl");
            var list = new List<(string, string)>();
            foreach (string line in File.ReadLines(path))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                JsonElement root = doc.RootElement;
                // Every line carries u16; its "text" may hold a lone surrogate, which GetString refuses.
                string hex = root.GetProperty("u16").GetString()!;
                var sb = new StringBuilder(hex.Length / 4);
                for (int i = 0; i < hex.Length; i += 4) sb.Append((char)Convert.ToUInt16(hex.Substring(i, 4), 16));
                string text = sb.ToString();

                list.Add((root.GetProperty("cat").GetString()!, text));
            }

            return list;
        }

        private static List<int[]> Expected(string encoding)
        {
            string path = SharedData.Require($"tokens/corpus.{encoding}.tiktoken.jsonl");
            var list = new List<int[]>();
            foreach (string line in File.ReadLines(path))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                list.Add(doc.RootElement.GetProperty("ids").EnumerateArray().Select(e => e.GetInt32()).ToArray());
            }

            return list;
        }

        [SkippableTheory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EveryCorpusLineEqualsTiktoken(string encoding)
        {
            var corpus = Corpus();
            var expected = Expected(encoding);
            Assert.Equal(corpus.Count, expected.Count);
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            var wrong = new List<string>();
            for (int i = 0; i < corpus.Count; i++)
            {
                // Lines with a pre-token over MaxExactPieceChars (runs of 5,000 spaces, letters) take the
                // windowed path and are marked approximate; they must still equal tiktoken here.
                int[] ids = encoder.Encode(corpus[i].Text).ToArray();
                int count = encoder.Count(corpus[i].Text);
                if (!ids.SequenceEqual(expected[i]) || count != expected[i].Length)
                {
                    wrong.Add($"line {i + 1} ({corpus[i].Category}): count {count}, want {expected[i].Length}; ids [{string.Join(",", ids.Take(12))}...] want [{string.Join(",", expected[i].Take(12))}...]");
                }
            }

            Assert.True(wrong.Count == 0, $"{wrong.Count} of {corpus.Count} lines differ from tiktoken:\n" + string.Join("\n", wrong.Take(20)));
        }

        [SkippableFact]
        public void RepeatedTextsCountedFromTheRecentTableEqualTiktoken()
        {
            // Measure remembers short texts in a direct-mapped table: counting the corpus again, backwards
            // (hits, and slots that other texts took over), and copies of the strings, must give tiktoken's counts.
            var corpus = Corpus();
            var expected = Expected("o200k_base");
            TokenEncoder encoder = TokenEncoder.ForEncoding("o200k_base");
            for (int i = 0; i < corpus.Count; i++) encoder.Count(corpus[i].Text);
            var wrong = new List<int>();
            for (int i = corpus.Count - 1; i >= 0; i--)
            {
                if (encoder.Count(corpus[i].Text) != expected[i].Length || encoder.Count(new string(corpus[i].Text.ToCharArray())) != expected[i].Length) wrong.Add(i + 1);
            }

            Assert.True(wrong.Count == 0, "lines counted differently the second time: " + string.Join(", ", wrong.Take(20)));
        }

        [SkippableFact]
        public void FileCountsFromThePerFileCacheEqualTiktoken()
        {
            // Each corpus text as a user message, the file twice over (the second copy is counted from the file's
            // cache of raw JSON strings), then backwards: every example's tokens are 3 + "user" + tiktoken's + 3.
            var corpus = Corpus();
            var expected = Expected("o200k_base");
            TokenEncoder encoder = TokenEncoder.ForEncoding("o200k_base");
            var kept = Enumerable.Range(0, corpus.Count).Where(i => !HasLoneSurrogate(corpus[i].Text)).ToList();
            var order = kept.Concat(kept).Concat(Enumerable.Reverse(kept)).ToList();
            string path = Path.Combine(Path.GetTempPath(), "ft-corpus-chat-" + Guid.NewGuid().ToString("N") + ".jsonl");
            try
            {
                File.WriteAllLines(path, order.Select(i => JsonSerializer.Serialize(new { messages = new[] { new { role = "user", content = corpus[i].Text } } })));
                var counts = new List<Engine.Datasets.ExampleTokenCount>();
                Engine.Datasets.DatasetChecker.Measure(path, "gpt-4o-mini-2024-07-18", Engine.Datasets.DatasetFormat.Chat, counts.Add, null, default);
                Assert.Equal(order.Count, counts.Count);
                int overhead = ChatTokenCounter.TokensPerMessage + encoder.Count("user") + ChatTokenCounter.ReplyPrimer;
                var wrong = counts.Select((c, k) => (c, k)).Where(x => x.c.Tokens != overhead + expected[order[x.k]].Length)
                    .Select(x => $"example {x.k + 1} (corpus line {order[x.k] + 1}): {x.c.Tokens}, want {overhead + expected[order[x.k]].Length}").ToList();
                Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(20)));
            }
            finally
            {
                File.Delete(path);
            }
        }

        private static bool HasLoneSurrogate(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1])) i++;
                else if (char.IsSurrogate(s[i])) return true;
            }

            return false;
        }

        [SkippableFact]
        public void CountsFromManyThreadsAtOnceEqualTiktoken()
        {
            var corpus = Corpus();
            var expected = Expected("cl100k_base");
            TokenEncoder encoder = TokenEncoder.ForEncoding("cl100k_base");
            var counts = new int[corpus.Count];
            System.Threading.Tasks.Parallel.For(0, corpus.Count * 4, new System.Threading.Tasks.ParallelOptions { MaxDegreeOfParallelism = 8 },
                k => counts[k % corpus.Count] = encoder.Count(corpus[k % corpus.Count].Text));
            for (int i = 0; i < corpus.Count; i++) Assert.True(expected[i].Length == counts[i], $"line {i + 1}: {counts[i]}, want {expected[i].Length}");
        }

        [SkippableFact]
        public void CountsDoNotDependOnWhatWasCountedBefore()
        {
            // Microsoft.ML.Tokenizers alone treats "<|endoftext|>" as special only while it sits in its cache.
            TokenEncoder encoder = TokenEncoder.ForEncoding("o200k_base");
            int before = encoder.Count("a<|endoftext|>b");
            foreach (var (_, text) in Corpus()) encoder.Count(text);
            Assert.Equal(before, encoder.Count("a<|endoftext|>b"));
            Assert.True(before > 3, "the special-token string is counted as plain text");
        }

        [SkippableTheory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EveryCorpusLineInAChatMessageCountsAsTiktoken(string encoding)
        {
            // The counter reads a string without escapes where it lies in the line (ASCII, no string made) and
            // any other through GetString: relaxed escaping leaves most ASCII lines raw.
            var corpus = Corpus();
            var expected = Expected(encoding);
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            var relaxed = new JsonSerializerOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            int Total(string content)
            {
                using JsonDocument doc = JsonDocument.Parse("{\"messages\": [{\"role\": \"user\", \"content\": " + content + "}]}");
                return ChatTokenCounter.Count(doc.RootElement, encoder).Total;
            }

            int overhead = Total("\"\"");
            int raw = 0;
            var wrong = new List<string>();
            for (int i = 0; i < corpus.Count; i++)
            {
                if (corpus[i].Text.Any(char.IsSurrogate)) continue; // a JSON writer refuses lone surrogates
                string json = JsonSerializer.Serialize(corpus[i].Text, relaxed);
                if (json.IndexOf('\\') < 0 && json.All(c => c < 0x80)) raw++;
                int count = Total(json) - overhead;
                if (count != expected[i].Length) wrong.Add($"line {i + 1} ({corpus[i].Category}): {count}, want {expected[i].Length}");
            }

            Assert.True(wrong.Count == 0, $"{wrong.Count} lines differ from tiktoken:\n" + string.Join("\n", wrong.Take(20)));
            Assert.True(raw > 200, $"Only {raw} of {corpus.Count} lines were read in place."); // 266 with tiktoken 1.0.22's corpus
        }
    }
}
