using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    /// <summary>
    /// <see cref="AsciiPreTokenizer"/> against tiktoken's patterns (the regular expressions TokenEncoder
    /// uses for other text, which equal tiktoken on the whole corpus): the same pieces, piece by piece.
    /// </summary>
    public class AsciiPreTokenizerTests
    {
        internal static List<string> PatternPieces(TokenEncoder encoder, string text) =>
            encoder.PreTokenPattern.Matches(text).Cast<Match>().Select(m => m.Value).ToList();

        internal static List<string> ScannerPieces(TokenEncoder encoder, string text)
        {
            var pieces = new List<string>();
            bool o200k = encoder.EncodingName == TokenEncoder.O200kBase;
            byte[] bytes = Encoding.ASCII.GetBytes(text);
            for (int start = 0, end; start < text.Length; start = end)
            {
                end = AsciiPreTokenizer.End(bytes, start, o200k);
                Assert.True(end > start, $"No progress at {start} in {Show(text)}");
                pieces.Add(text.Substring(start, end - start));
            }

            return pieces;
        }

        internal static string Show(string text) =>
            "\"" + string.Concat(text.Select(c => c < 32 || c == 127 ? $"\\x{(int)c:x2}" : c.ToString())) + "\"";

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void RandomAsciiSplitsAsThePatternDoes(string encoding)
        {
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);

            // Weighted toward what the patterns treat specially: contractions in both cases, line breaks,
            // runs of spaces, '/', digits, a space before punctuation, control characters, DEL.
            const string alphabet = "aAsStTmMdDrReEvVlLlLxZ  \t\r\n\v\f'''/.,(-_#09123\0\x1c\x1f\x7f!?\"";
            var random = new Random(20261130);
            for (int i = 0; i < 60_000; i++)
            {
                var sb = new StringBuilder();
                int length = random.Next(0, 24);
                for (int j = 0; j < length; j++) sb.Append(alphabet[random.Next(alphabet.Length)]);
                string text = sb.ToString();
                List<string> expected = PatternPieces(encoder, text);
                List<string> actual = ScannerPieces(encoder, text);
                Assert.True(expected.SequenceEqual(actual),
                    $"{encoding} {Show(text)}: pattern [{string.Join(" | ", expected.Select(Show))}], scanner [{string.Join(" | ", actual.Select(Show))}]");
            }
        }

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EveryAsciiCharacterAloneAndInPairsSplitsAsThePatternDoes(string encoding)
        {
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            for (int a = 0; a < 128; a++)
            {
                for (int b = 0; b < 128; b++)
                {
                    foreach (string text in new[] { $"{(char)a}{(char)b}", $"x{(char)a}{(char)b}y", $"{(char)a}{(char)b}  z" })
                    {
                        Assert.Equal(PatternPieces(encoder, text), ScannerPieces(encoder, text));
                    }
                }
            }
        }

        [SkippableTheory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void AsciiCorpusLinesSplitAsThePatternDoes(string encoding)
        {
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            var ascii = TokenCorpusTests.Corpus().Select(c => c.Text).Where(t => t.All(c => c < 0x80)).ToList();
            Assert.NotEmpty(ascii);
            foreach (string text in ascii) Assert.Equal(PatternPieces(encoder, text), ScannerPieces(encoder, text));
        }

        [Theory]
        [InlineData("plain ascii text", true)]
        [InlineData("caf\u00e9", false)]
        [InlineData("\u007f", true)]
        [InlineData("\u0080", false)]
        [InlineData("", true)]
        public void IsAsciiMeansBelowU0080(string text, bool expected) => Assert.Equal(expected, Scan.IsAscii(Encoding.UTF8.GetBytes(text)));

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void InMixedTextEveryPieceTheScannerTakesIsThePatterns(string encoding)
        {
            // Text with characters beyond ASCII that the patterns treat otherwise than the scanner would (letters of
            // every case class and a combining mark that extend a word, digits that extend a number, white space
            // that extends a run: NBSP, NEL, LINE SEPARATOR; 'ſ' of a contraction; punctuation): where TryEnd takes a
            // piece, it ends where the pattern's match does.
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            bool o200k = encoding == TokenEncoder.O200kBase;
            const string alphabet = "aAsStTlLeEvV  \t\r\n'''/.,-09\u00e9\u00c9\u017f\u01c5\u02b0\u0301\u05d0\u0663\u00b2\u00a0\u0085\u2028\u2014\u2019\u4e2d";
            int taken = 0, left = 0;
            void Check(string text)
            {
                byte[] chars = text.Select(c => c < 0x80 ? (byte)c : (byte)0x80).ToArray();
                foreach (Match m in encoder.PreTokenPattern.Matches(text))
                {
                    if (chars[m.Index] == 0x80) continue;
                    int next = Array.IndexOf(chars, (byte)0x80, m.Index);
                    if (AsciiPreTokenizer.TryEnd(chars, m.Index, next < 0 ? chars.Length : next, o200k, out int end))
                    {
                        taken++;
                        Assert.True(end == m.Index + m.Length, $"{encoding} {Show(text)} at {m.Index}: scanner to {end}, pattern {Show(m.Value)}");
                    }
                    else
                    {
                        left++;
                    }
                }
            }

            // a run of white space that a character beyond ASCII continues far past the pre-token's end
            foreach (string text in new[] { "\n     \u00a0\nx", "x\r\n\t\t\t \u2028\n", "a\n    \u0085\n", "\n\n      \u3000 y" }) Check(text);

            var random = new Random(20261207);
            for (int i = 0; i < 40_000; i++)
            {
                var sb = new StringBuilder();
                int length = random.Next(1, 20);
                for (int j = 0; j < length; j++) sb.Append(alphabet[random.Next(alphabet.Length)]);
                Check(sb.ToString());
            }

            Assert.True(taken > 10_000 && left > 10_000, $"taken {taken}, left to the pattern {left}");
        }
    }
}
