using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Tokens;
using Xunit;
using Xunit.Abstractions;
using static FineTune.Engine.Tests.Tokens.AsciiPreTokenizerTests;

namespace FineTune.Engine.Tests.Tokens
{
    /// <summary>
    /// Harder inputs for the changes of 2026-11-30: the ASCII scanner against the patterns on longer strings,
    /// every 4-character string over the characters the patterns treat specially, and every ASCII string of
    /// ../shared/data after JSON decoding; the piece cache with equal hashes; a cold encoder counted from
    /// eight threads at once against a single-threaded one. Each held when written.
    /// </summary>
    public class TokensStressTests
    {
        private readonly ITestOutputHelper output;

        public TokensStressTests(ITestOutputHelper output) => this.output = output;

        private static void Collect(JsonElement e, List<string> into)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String: into.Add(e.GetString()!); break;
                case JsonValueKind.Object: foreach (var p in e.EnumerateObject()) { into.Add(p.Name); Collect(p.Value, into); } break;
                case JsonValueKind.Array: foreach (var x in e.EnumerateArray()) Collect(x, into); break;
            }
        }

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void LongerRandomAsciiSplitsAsThePatternDoes(string encoding)
        {
            var enc = TokenEncoder.ForEncoding(encoding);
            var random = new Random(7);
            string[] alphabets =
            {
                string.Concat(Enumerable.Range(0, 128).Select(i => (char)i)),
                "aA'sStTdDmMrReEvVlL \n",
                " \t\r\n\v\f'/.a1",
                "'/\r\n .!a",
                "0123456789 a.",
                "  \n\n\r\r\t\t\v\f/x",
                "'sSlLdD",
                "Ab'",
            };
            int bad = 0;
            for (int i = 0; i < 40000 && bad < 10; i++)
            {
                string alphabet = alphabets[i % alphabets.Length];
                int length = random.Next(1, i % 10 == 0 ? 400 : 60);
                var sb = new StringBuilder();
                for (int j = 0; j < length; j++) sb.Append(alphabet[random.Next(alphabet.Length)]);
                string text = sb.ToString();
                var e = PatternPieces(enc, text); var a = ScannerPieces(enc, text);
                if (!e.SequenceEqual(a)) { bad++; output.WriteLine($"{encoding} {Show(text)}\n P [{string.Join(" | ", e.Select(Show))}]\n S [{string.Join(" | ", a.Select(Show))}]"); }
            }
            Assert.Equal(0, bad);
        }

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EveryFourCharacterStringOfSpecialCharactersSplitsAsThePatternDoes(string encoding)
        {
            var enc = TokenEncoder.ForEncoding(encoding);
            string set = "aZ'sStTlLrReEvV1 \t\r\n\v\f/.\x00\x1c\x7f";
            int bad = 0;
            foreach (char a in set) foreach (char b in set) foreach (char c in set) foreach (char d in set)
            {
                foreach (string text in new[] { $"{a}{b}{c}{d}", $"{a}{b}{c}{d}x", $"x{a}{b}{c}{d}  ", $"{a}{b}{c}{d}\n" })
                {
                    var e = PatternPieces(enc, text); var s = ScannerPieces(enc, text);
                    if (!e.SequenceEqual(s) && bad++ < 10) output.WriteLine($"{encoding} {Show(text)}\n P [{string.Join(" | ", e.Select(Show))}]\n S [{string.Join(" | ", s.Select(Show))}]");
                }
            }
            Assert.Equal(0, bad);
        }

        [SkippableTheory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EveryAsciiStringOfTheSharedDataSplitsAsThePatternDoes(string encoding)
        {
            var enc = TokenEncoder.ForEncoding(encoding);
            int bad = 0, n = 0;
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(SharedData.Require("data/chat_gsm8k_train.jsonl"))!))
            {
                foreach (string line in File.ReadLines(file))
                {
                    var texts = new List<string> { line };
                    if (file.EndsWith(".jsonl")) { try { using var doc = JsonDocument.Parse(line); Collect(doc.RootElement, texts); } catch (JsonException) { } }
                    foreach (string t in texts.Where(t => t.All(c => c < 0x80)))
                    {
                        n++;
                        var e = PatternPieces(enc, t); var s = ScannerPieces(enc, t);
                        if (!e.SequenceEqual(s) && bad++ < 5) output.WriteLine($"{file} {Show(t)}");
                    }
                }
            }
            output.WriteLine($"{n} texts");
            Assert.Equal(0, bad);
        }

        [Fact]
        public void PiecesWithEqualHashesKeepTheirOwnIds()
        {
            var byHash = new Dictionary<int, string>();
            var pairs = new List<(string, string)>();
            var random = new Random(3);
            for (int i = 0; pairs.Count < 50 && i < 2_000_000; i++)
            {
                string s = new string(Enumerable.Range(0, 6).Select(_ => (char)('a' + random.Next(26))).ToArray());
                int h = PieceCache.Hash(s.AsSpan());
                if (byHash.TryGetValue(h, out string? other) && other != s) pairs.Add((other, s));
                else byHash[h] = s;
            }
            Assert.NotEmpty(pairs);
            var cache = new PieceCache(1000);
            int id = 1;
            var ids = new Dictionary<string, int>();
            foreach (var (a, b) in pairs)
            {
                ids[a] = id; cache.Add(a.AsSpan(), PieceCache.Hash(a.AsSpan()), new[] { id++ });
                ids[b] = id; cache.Add(b.AsSpan(), PieceCache.Hash(b.AsSpan()), new[] { id++ });
            }
            foreach (var kv in ids)
            {
                Assert.True(cache.TryGet(kv.Key.AsSpan(), PieceCache.Hash(kv.Key.AsSpan()), out int[] got));
                Assert.Equal(new[] { kv.Value }, got);
            }
        }

        [SkippableFact]
        public void EightThreadsCountingAColdEncoderEqualOneThread()
        {
            var texts = new List<string>();
            foreach (string file in Directory.GetFiles(Path.GetDirectoryName(SharedData.Require("data/chat_gsm8k_train.jsonl"))!, "*.jsonl"))
                foreach (string line in File.ReadLines(file).Take(300)) { try { using var doc = JsonDocument.Parse(line); Collect(doc.RootElement, texts); } catch (JsonException) { } }
            texts = texts.Where(t => t.Length > 0).ToList();
            output.WriteLine($"{texts.Count} texts");
            foreach (string encName in new[] { "o200k_base", "cl100k_base" })
            {
                // two cold encoders of their own (ForEncoding shares one whose cache earlier tests warmed)
                var ctor = typeof(TokenEncoder).GetConstructor(System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance, null, new[] { typeof(string) }, null)!;
                var enc = (TokenEncoder)ctor.Invoke(new object[] { encName });
                var single = (TokenEncoder)ctor.Invoke(new object[] { encName });
                int[] expected = new int[texts.Count];
                int[][] results = new int[8][];
                Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, t =>
                {
                    var r = new int[texts.Count];
                    for (int k = 0; k < texts.Count; k++) { int i = t % 2 == 0 ? (k + t * 1000) % texts.Count : texts.Count - 1 - (k + t * 1000) % texts.Count; r[i] = enc.Count(texts[i]); }
                    results[t] = r;
                });
                for (int i = 0; i < texts.Count; i++) expected[i] = single.Count(texts[i]);
                for (int t = 0; t < 8; t++) Assert.Equal(expected, results[t]);
            }
        }
    }
}
