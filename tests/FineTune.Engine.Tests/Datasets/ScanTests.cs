using System;
using System.Linq;
using FineTune.Engine;
using Xunit;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary><see cref="Scan"/> against the framework's span methods, at every position of spans of every length up to 100 (beyond three SIMD vectors).</summary>
    public class ScanTests
    {
        [Fact]
        public void FindsWhatIndexOfAndIndexOfAnyFind()
        {
            var random = new Random(20261207);
            byte[] alphabet = { (byte)'a', (byte)'"', (byte)'\\', 0x00, 0x7F, 0x80, 0xFF, (byte)'|', 0x01 };
            for (int length = 0; length <= 100; length++)
            {
                for (int round = 0; round < 300; round++)
                {
                    byte[] bytes = Enumerable.Range(0, length).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray();
                    foreach (byte a in alphabet)
                    {
                        Assert.Equal(bytes.AsSpan().IndexOf(a), Scan.IndexOf(bytes, a));
                        Assert.Equal(bytes.AsSpan().IndexOfAny(a, (byte)'\\'), Scan.IndexOfAny(bytes, a, (byte)'\\'));
                    }
                }
            }
        }

        [Fact]
        public void ComparesAsSequenceEqualDoes()
        {
            var random = new Random(7);
            for (int length = 0; length <= 100; length++)
            {
                byte[] x = new byte[length];
                random.NextBytes(x);
                Assert.True(Scan.Same(x, (byte[])x.Clone()));
                Assert.False(Scan.Same(x, x.Concat(new byte[] { 0 }).ToArray()));
                for (int at = 0; at < length; at++)
                {
                    byte[] y = (byte[])x.Clone();
                    y[at] ^= 0x01;
                    Assert.False(Scan.Same(x, y), $"a difference at {at} of {length}");
                }
            }
        }

        [Fact]
        public void IsAsciiUntilAnyByteIsAbove0x7F()
        {
            for (int length = 0; length <= 100; length++)
            {
                byte[] ascii = Enumerable.Range(0, length).Select(i => (byte)(i % 128)).ToArray();
                Assert.True(Scan.IsAscii(ascii));
                for (int at = 0; at < length; at++)
                {
                    byte[] wide = (byte[])ascii.Clone();
                    wide[at] = 0x80;
                    Assert.False(Scan.IsAscii(wide), $"0x80 at {at} of {length}");
                }
            }
        }
    }
}
