using System.Collections.Generic;
using System.IO;
using System.Text;

namespace FineTune.Engine.Moderation
{
    /// <summary>One line of a JSONL file: its 1-based number, its exact bytes (with the line end, if any) and its text (without line end or BOM).</summary>
    internal sealed class RawLine
    {
        public RawLine(int number, byte[] bytes, string text)
        {
            Number = number;
            Bytes = bytes;
            Text = text;
        }

        public int Number { get; }

        public byte[] Bytes { get; }

        public string Text { get; }

        public bool IsBlank => string.IsNullOrWhiteSpace(Text);
    }

    /// <summary>
    /// Streams the lines of a JSONL file for the moderation screen. The ONE place the screen reads
    /// lines: when the datasets streaming reader lands in main, this switches to it. Keeps each line's
    /// bytes so that the clean copy is byte for byte.
    /// </summary>
    internal static class ModerationLines
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        public static IEnumerable<RawLine> Read(string path)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var line = new MemoryStream();
            var buffer = new byte[1 << 16];
            int number = 0, n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    line.Write(buffer, start, i - start + 1);
                    yield return Make(++number, line.ToArray());
                    line.SetLength(0);
                    start = i + 1;
                }

                line.Write(buffer, start, n - start);
            }

            if (line.Length > 0) yield return Make(++number, line.ToArray());
        }

        private static RawLine Make(int number, byte[] bytes)
        {
            int end = bytes.Length;
            if (end > 0 && bytes[end - 1] == (byte)'\n') end--;
            if (end > 0 && bytes[end - 1] == (byte)'\r') end--;
            int begin = number == 1 && end >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            return new RawLine(number, bytes, Utf8.GetString(bytes, begin, end - begin));
        }
    }
}
