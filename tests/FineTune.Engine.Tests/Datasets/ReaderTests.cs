using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.DatasetHarness;

namespace FineTune.Engine.Tests.Datasets
{
    public class ReaderTests
    {
        private static List<(long Line, string Text, LineKind Kind)> ReadAll(byte[] bytes, out JsonlReader reader)
        {
            var all = new List<(long, string, LineKind)>();
            reader = new JsonlReader(new MemoryStream(bytes));
            var batch = new List<LineSlice>();
            while (reader.ReadBatch(batch))
            {
                foreach (LineSlice s in batch) all.Add((s.Line, Encoding.UTF8.GetString(reader.Buffer, s.Offset, s.Length), s.Kind));
            }

            return all;
        }

        [Fact]
        public void SplitsLinesStripsCrAndCountsBlankOnes()
        {
            var lines = ReadAll(Encoding.UTF8.GetBytes("{\"a\":1}\r\n\n  \r\n{\"b\":2}"), out JsonlReader reader);
            Assert.Equal(new[] { "{\"a\":1}", "", "  ", "{\"b\":2}" }, lines.Select(l => l.Text));
            Assert.Equal(new long[] { 1, 2, 3, 4 }, lines.Select(l => l.Line));
            Assert.Equal(new[] { LineKind.Text, LineKind.Blank, LineKind.Blank, LineKind.Text }, lines.Select(l => l.Kind));
            Assert.Equal(2, reader.CrlfLines);
            Assert.Equal(1, reader.FirstCrlfLine);
            Assert.False(reader.EndsWithNewline);
        }

        [Fact]
        public void CrOnlyFileIsReadAsCrLinesWithEveryExample()
        {
            Result r = Check(Encoding.UTF8.GetBytes(string.Join("\r", Many(Chat, 12)) + "\r"));
            Assert.Equal(12, r.Report.Examples);
            Assert.True(r.Report.Valid, r.ToString());
            DatasetFinding f = Assert.Single(r.Of("FT012"));
            Assert.Contains("12 lines end in CR alone", f.Message);
            Assert.DoesNotContain("CRLF", f.Message);
            Assert.Equal(12, DatasetSplitter.Lines(Encoding.UTF8.GetBytes(string.Join("\r", Many(Chat, 12)))).Count);
        }

        [Fact]
        public void LinesLongerThanTheBufferAndAcrossBatchesKeepTheirNumbers()
        {
            string big = "{\"t\":\"" + new string('y', 3 * 1024 * 1024) + "\"}";
            var source = Enumerable.Range(1, 20000).Select(i => i == 7000 ? big : "{\"i\":" + i + "}").ToArray();
            var lines = ReadAll(Encoding.UTF8.GetBytes(string.Join("\n", source) + "\n"), out JsonlReader reader);
            Assert.Equal(20000, lines.Count);
            Assert.Equal(source, lines.Select(l => l.Text));
            Assert.Equal(Enumerable.Range(1, 20000).Select(i => (long)i), lines.Select(l => l.Line));
            Assert.True(reader.EndsWithNewline);
            Assert.Equal(Encoding.UTF8.GetByteCount(string.Join("\n", source) + "\n"), reader.BytesConsumed);
        }

        [Fact]
        public void SniffsBomUtf16AndArray()
        {
            ReadAll(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'{', (byte)'}' }, out JsonlReader bom);
            Assert.True(bom.HasUtf8Bom);
            Assert.Empty(ReadAll(Encoding.Unicode.GetBytes("{}\n"), out JsonlReader utf16));
            Assert.True(utf16.IsUtf16);
            Assert.Empty(ReadAll(Encoding.UTF8.GetBytes("\n  [{}]\n"), out JsonlReader array));
            Assert.True(array.IsJsonArray);
        }

        [Theory]
        [InlineData(new byte[] { 0x41, 0xC3, 0xA9 }, -1)]
        [InlineData(new byte[] { 0xF0, 0x9F, 0x98, 0x80 }, -1)]
        [InlineData(new byte[] { 0x41, 0xE9, 0x41 }, 1)]
        [InlineData(new byte[] { 0xC0, 0xAF }, 0)]
        [InlineData(new byte[] { 0xED, 0xA0, 0x80 }, 0)]
        [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 }, 0)]
        [InlineData(new byte[] { 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0x41, 0xE2, 0x82 }, 9)]
        public void ValidatesUtf8Strictly(byte[] bytes, int expected) => Assert.Equal(expected, Utf8.FirstInvalid(bytes));
    }
}
