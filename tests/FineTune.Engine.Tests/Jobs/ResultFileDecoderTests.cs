using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Jobs;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    /// <summary>The streaming decoder must give, for every content and every way of cutting it into pieces, what <see cref="ResultFile.Decode"/> gives.</summary>
    public class ResultFileDecoderTests
    {
        private const string Csv =
            "step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n" +
            "1,1.52347,0.5,,\n" +
            "2,0.98,0.625,1.1,0.55\n" +
            "3,0.5,0.75,,\n";

        private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

        /// <summary>Feeds <paramref name="content"/> in pieces of the given sizes (cycled) and returns the chosen output and whether it was decoded.</summary>
        private static (byte[] Output, bool Decoded, int Opened) Stream(byte[] content, params int[] pieces)
        {
            var plain = new MemoryStream();
            MemoryStream? decoded = null;
            int opened = 0;
            var decoder = new ResultFileDecoder(plain, () =>
            {
                opened++;
                return decoded = new MemoryStream();
            });
            int at = 0, i = 0;
            while (at < content.Length)
            {
                int n = Math.Min(content.Length - at, pieces.Length == 0 ? content.Length : Math.Max(1, pieces[i++ % pieces.Length]));
                decoder.Write(content, at, n);
                at += n;
            }

            bool used = decoder.Complete();
            Assert.Equal(content, plain.ToArray()); // the plain stream always gets the content unchanged
            if (used) Assert.Equal(decoded!.Length, decoder.DecodedBytes);
            return (used ? decoded!.ToArray() : plain.ToArray(), used, opened);
        }

        private static void AssertSameAsDecode(byte[] content, string because)
        {
            byte[] expected = ResultFile.Decode(content);
            foreach (int[] pieces in new[] { new int[0], new[] { 1 }, new[] { 3, 7, 64, 1 }, new[] { 63 }, new[] { 65 }, new[] { 4096 } })
            {
                (byte[] output, bool decoded, _) = Stream(content, pieces);
                Assert.True(expected.SequenceEqual(output), $"{because}: pieces {string.Join(",", pieces)} gave {(decoded ? "decoded" : "plain")} output, Decode gave {(ReferenceEquals(expected, content) ? "plain" : "decoded")}");
                Assert.Equal(!ReferenceEquals(expected, content), decoded);
            }
        }

        public static IEnumerable<object[]> Cases()
        {
            string b = B64(Csv);
            string wrapped = string.Join("\r\n", Enumerable.Range(0, (b.Length + 75) / 76).Select(i => b.Substring(i * 76, Math.Min(76, b.Length - i * 76))));
            var cases = new Dictionary<string, string>
            {
                ["base64 result"] = b,
                ["base64 wrapped at 76 with CRLF"] = wrapped,
                ["base64 wrapped with LF, trailing LF"] = wrapped.Replace("\r\n", "\n") + "\n",
                ["trailing spaces and tabs"] = b + " \t \r\n",
                ["leading line breaks"] = "\r\n\n" + b,
                ["leading space"] = " " + b,
                ["space inside"] = b.Substring(0, 80) + " " + b.Substring(80),
                ["tab inside"] = b.Substring(0, 80) + "\t" + b.Substring(80),
                ["one padding"] = B64(Csv + "ab"),
                ["two paddings"] = B64(Csv + "a"),
                ["padding split by a line break"] = B64(Csv + "a").Insert(B64(Csv + "a").Length - 1, "\n"),
                ["padding in the middle"] = B64("step,a\n1") + B64("2,3\n"),
                ["three paddings"] = B64(Csv + "a").Substring(0, B64(Csv + "a").Length - 3) + "===",
                ["length not a multiple of 4"] = b + "A",
                ["trimmed length counts line breaks"] = b.Substring(0, 8) + "\n" + b.Substring(8),
                ["line breaks keeping the length a multiple of 4"] = b.Substring(0, 8) + "\r\n\r\n" + b.Substring(8),
                ["plain CSV"] = Csv,
                ["starts with step"] = "STEPabcd" + b,
                ["starts with st then a line break"] = "st\r\n" + b.Substring(0, b.Length - 4),
                ["JSON Lines"] = "{\"messages\":[]}\n",
                ["base64 of other text"] = B64("hello world, not metrics"),
                ["base64 of a BOM and the CSV"] = Convert.ToBase64String(new byte[] { 0xEF, 0xBB, 0xBF }.Concat(Encoding.UTF8.GetBytes(Csv)).ToArray()),
                ["base64 of blank lines and the CSV"] = B64("\r\n  " + Csv),
                ["short"] = "c3Rl",
                ["eight characters"] = B64("step,"),
                ["empty"] = string.Empty,
                ["only line breaks"] = "\r\n\r\n\r\n\r\n",
                ["a bad character after 64 bytes"] = b.Substring(0, 100) + "{" + b.Substring(101),
                ["a space after 64 line breaks"] = new string('\n', 70) + " " + b,
                ["trailing NUL"] = b + "\0",
                ["non-ASCII after 64 bytes"] = b.Substring(0, 100) + "\u00e9" + b.Substring(102),
            };
            return cases.Select(c => new object[] { c.Key, c.Value });
        }

        [Theory]
        [MemberData(nameof(Cases))]
        public void GivesWhatDecodeGives(string name, string content)
        {
            AssertSameAsDecode(Encoding.UTF8.GetBytes(content), name);
        }

        [Fact]
        public void DecodesAResultFileAndLeavesJsonLinesWithoutOpeningTheSecondStream()
        {
            (byte[] output, bool decoded, int opened) = Stream(Encoding.ASCII.GetBytes(B64(Csv)), 5);
            Assert.True(decoded);
            Assert.Equal(Csv, Encoding.UTF8.GetString(output));
            Assert.Equal(1, opened);

            (output, decoded, opened) = Stream(Encoding.UTF8.GetBytes("{\"messages\":[]}\n"), 1);
            Assert.False(decoded);
            Assert.Equal(0, opened);
        }

        [Fact]
        public void DecodesALargeResultFileThroughItsBuffer()
        {
            var csv = new StringBuilder("step,train_loss\n");
            for (int i = 1; csv.Length < 300_000; i++) csv.Append(i).Append(",0.").Append(i % 997).Append('\n');
            // no line breaks: with .NET's CRLF every 76 characters the text's length is rarely a multiple of 4, and Decode leaves it
            byte[] content = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(csv.ToString())));
            (byte[] output, bool decoded, _) = Stream(content, 65536, 1, 8191);
            Assert.True(decoded);
            Assert.Equal(csv.ToString(), Encoding.UTF8.GetString(output));
        }

        [Fact]
        public void AgreesWithDecodeOnRandomDamage()
        {
            var random = new Random(20261105);
            string alphabet = "ABCxyz019+/=\r\n \t{\u00e9\0";
            byte[] good = Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(Csv + Csv)));
            int decodedRounds = 0;
            for (int round = 0; round < 3000; round++)
            {
                var bytes = new List<byte>(good);
                int edits = random.Next(1, 4);
                for (int e = 0; e < edits && bytes.Count > 0; e++)
                {
                    int at = random.Next(bytes.Count);
                    byte[] piece = Encoding.UTF8.GetBytes(alphabet[random.Next(alphabet.Length)].ToString());
                    switch (random.Next(4))
                    {
                        case 0: bytes.RemoveAt(at); bytes.InsertRange(at, piece); break;
                        case 1: bytes.InsertRange(at, piece); break;
                        case 2: bytes.RemoveAt(at); break;
                        default: bytes.RemoveRange(at, bytes.Count - at); break;
                    }
                }

                byte[] content = bytes.ToArray();
                byte[] expected = ResultFile.Decode(content);
                (byte[] output, bool decoded, _) = Stream(content, random.Next(1, 200), random.Next(1, 70));
                Assert.True(expected.SequenceEqual(output), $"round {round}: {Encoding.UTF8.GetString(content)}");
                Assert.Equal(!ReferenceEquals(expected, content), decoded);
                if (decoded) decodedRounds++;
            }

            Assert.InRange(decodedRounds, 100, 2900); // both answers are exercised
        }
    }
}
