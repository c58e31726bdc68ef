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
            for (int start = 0, end; start < text.Length; start = end)
            {
                end = AsciiPreTokenizer.End(text, start, o200k);
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
            var ascii = TokenCorpusTests.Corpus().Select(c => c.Text).Where(AsciiPreTokenizer.IsAscii).ToList();
            Assert.NotEmpty(ascii);
            foreach (string text in ascii) Assert.Equal(PatternPieces(encoder, text), ScannerPieces(encoder, text));
        }

        [Theory]
        [InlineData("plain ascii text", true)]
        [InlineData("caf\u00e9", false)]
        [InlineData("\u007f", true)]
        [InlineData("\u0080", false)]
        [InlineData("", true)]
        public void IsAsciiMeansBelowU0080(string text, bool expected) => Assert.Equal(expected, AsciiPreTokenizer.IsAscii(text));
    }
}
