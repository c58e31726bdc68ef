using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Tokens;
using Microsoft.ML.Tokenizers;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    /// <summary>
    /// Pre-tokens longer than <see cref="TokenEncoder.MaxExactPieceChars"/> are encoded in windows (the
    /// library's byte-pair encoding costs the square of the length). These tests hold the windowed result
    /// against the library's own encoding of the whole run, which is exact but slow.
    /// </summary>
    public class LongRunTests
    {
        private static string Letters(string file)
        {
            string text = File.ReadAllText(SharedData.Require("data/" + file));
            return new string(text.Where(char.IsLetter).ToArray());
        }

        public static IEnumerable<object[]> Runs()
        {
            yield return new object[] { "alpaca letters, lower case", "instruct_alpaca_seed_tasks.jsonl", 0 };
            yield return new object[] { "gsm8k letters, as written", "chat_gsm8k_train.jsonl", 1 };
            yield return new object[] { "japanese letters, repeated", "bad_missing_assistant_ja_lessonplans.jsonl", 2 };
            yield return new object[] { "'a' repeated", "", 3 };
            yield return new object[] { "spaces", "", 4 };
        }

        private static string Run(string file, int kind, int length)
        {
            string s = kind switch
            {
                0 => Letters(file).ToLowerInvariant(),
                1 => Letters(file),
                2 => string.Concat(Enumerable.Repeat(new string(Letters(file).Where(c => c > 0x3000).ToArray()), 1 + length / 1000)),
                3 => new string('a', length),
                _ => new string(' ', length),
            };
            Skip.If(s.Length < length, $"{file} has only {s.Length} letters");
            return s.Substring(0, length);
        }

        [SkippableTheory]
        [MemberData(nameof(Runs))]
        public void WindowedEncodingEqualsWholeRunEncoding(string what, string file, int kind)
        {
            foreach (string encoding in new[] { "o200k_base", "cl100k_base" })
            {
                var whole = TiktokenTokenizer.CreateForEncoding(encoding);
                TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
                string run = Run(file, kind, 6000);
                int[] expected = whole.EncodeToIds(run, false, false).ToArray();
                var ids = new List<int>();
                int count = encoder.EncodeLongPiece(run.AsSpan(), ids);
                Assert.True(expected.SequenceEqual(ids), $"{what} ({encoding}): windowed {ids.Count} tokens, whole run {expected.Length}");
                Assert.Equal(expected.Length, count);
            }
        }

        [SkippableFact]
        public void OneMegabyteWithoutSpacesIsCountedAndMarkedApproximate()
        {
            string letters = Letters("instruct_alpaca_seed_tasks.jsonl").ToLowerInvariant();
            var sb = new StringBuilder(1_000_000);
            while (sb.Length < 1_000_000) sb.Append(letters);
            string text = sb.ToString(0, 1_000_000);
            TokenEncoder encoder = TokenEncoder.ForEncoding("o200k_base");

            TokenCount measured = encoder.Measure(text);

            Assert.True(measured.Approximate);
            // The same text cut into 250 slices of 4,000 letters, each counted exactly: cuts can only add
            // tokens, at most a couple each, so the sum is a little above the windowed count.
            int sliced = 0;
            for (int i = 0; i < text.Length; i += 4000) sliced += encoder.Count(text.Substring(i, 4000));
            Assert.InRange(measured.Tokens, sliced - 2 * 250, sliced);
            Assert.Equal(measured.Tokens, encoder.Encode(text).Count);
        }
    }
}
