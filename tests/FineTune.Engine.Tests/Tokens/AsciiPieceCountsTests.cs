using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    public class AsciiPieceCountsTests
    {
        private static long Key(string piece) => AsciiPieceCounts.Key(Encoding.ASCII.GetBytes(piece));

        [Fact]
        public void KeysTellEveryShortPieceApart()
        {
            // leading NULs, DEL, one to eight characters: the length is part of the key
            var pieces = new List<string> { "a", "\0a", "\0\0a", "aa", "\x7f", "\x7f\x7f\x7f\x7f\x7f\x7f\x7f\x7f", "\0", "\0\0\0\0\0\0\0\0", " the", " then" };
            var random = new Random(20261207);
            for (int i = 0; i < 50_000; i++)
            {
                var sb = new StringBuilder();
                int length = random.Next(1, AsciiPieceCounts.MaxLength + 1);
                for (int j = 0; j < length; j++) sb.Append((char)random.Next(0, 128));
                pieces.Add(sb.ToString());
            }

            var distinct = pieces.Distinct(StringComparer.Ordinal).ToList();
            var keys = distinct.Select(Key).ToList();
            Assert.Equal(distinct.Count, keys.Distinct().Count());
            Assert.All(keys, k => Assert.Equal(1L, k & 0xF1)); // used bit set, count bits clear
        }

        [Fact]
        public void GivesBackTheCountHeldForAPieceAndNothingForAnother()
        {
            var counts = new AsciiPieceCounts();
            counts.Add(Key(" hello"), 1);
            counts.Add(Key("12345678"), 3);
            Assert.True(counts.TryGet(Key(" hello"), out int hello));
            Assert.Equal(1, hello);
            Assert.True(counts.TryGet(Key("12345678"), out int digits));
            Assert.Equal(3, digits);
            Assert.False(counts.TryGet(Key(" hellO"), out _));
            Assert.False(counts.TryGet(Key("hello"), out _));
            counts.Add(Key("x"), 16); // more than 4 bits: not held
            Assert.False(counts.TryGet(Key("x"), out _));
        }

        [Fact]
        public void AFullTableReplacesEntriesButNeverGivesAWrongCount()
        {
            // Four times as many pieces as slots, from two threads at once: a look-up finds the piece's own count or
            // none. The count of a piece is its length here, so a wrong entry would show.
            var counts = new AsciiPieceCounts();
            string Piece(int i) => i.ToString("x8").Substring(8 - (1 + i % AsciiPieceCounts.MaxLength)) + (char)('a' + i % 26);
            int n = AsciiPieceCounts.Slots * 4;
            int hits = 0;
            Parallel.For(0, 2, t =>
            {
                for (int i = t; i < n; i += 2)
                {
                    string piece = Piece(i).Substring(0, Math.Min(AsciiPieceCounts.MaxLength, Piece(i).Length));
                    counts.Add(Key(piece), piece.Length);
                    string earlier = Piece(i / 2).Substring(0, Math.Min(AsciiPieceCounts.MaxLength, Piece(i / 2).Length));
                    if (counts.TryGet(Key(earlier), out int c))
                    {
                        Assert.Equal(earlier.Length, c);
                        System.Threading.Interlocked.Increment(ref hits);
                    }
                }
            });

            Assert.InRange(hits, 1, n - 1);
        }
    }
}
