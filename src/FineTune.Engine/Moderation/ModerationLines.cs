using System.Collections.Generic;
using System.IO;
using System.Text;
using FineTune.Engine.Datasets;

namespace FineTune.Engine.Moderation
{
    /// <summary>One line of a JSONL file to screen: its 1-based number, its text (no line end, no BOM) and its size in bytes.</summary>
    internal sealed class RawLine
    {
        public RawLine(long number, string? text, int bytes)
        {
            Number = number;
            Text = text;
            Bytes = bytes;
        }

        public long Number { get; }

        /// <summary>The line's text, or null when it is longer than <see cref="JsonlReader.MaxLineBytes"/> (not read).</summary>
        public string? Text { get; }

        public int Bytes { get; }

        public bool IsBlank => Text != null && Text.Trim().Length == 0;
    }

    /// <summary>
    /// The screen's two ways through a file: <see cref="Read"/> streams its lines through the datasets'
    /// <see cref="JsonlReader"/> (bounded memory, BOM and CRLF handled, lines numbered from 1), and
    /// <see cref="CopyWithout"/> copies it byte for byte without some lines (numbered the same way: one line
    /// per <c>\n</c>), for the clean copy.
    /// </summary>
    internal static class ModerationLines
    {
        private static readonly UTF8Encoding Utf8 = new UTF8Encoding(false, false);

        /// <exception cref="InvalidDataException">The file is UTF-16/UTF-32 or a JSON array, not JSON Lines.</exception>
        public static IEnumerable<RawLine> Read(string path)
        {
            using FileStream stream = IO.FilePaths.OpenRead(path);
            using var reader = new JsonlReader(stream);
            var batch = new List<LineSlice>();
            while (reader.ReadBatch(batch))
            {
                foreach (LineSlice s in batch)
                {
                    yield return s.Kind == LineKind.TooLong
                        ? new RawLine(s.Line, null, 0)
                        : new RawLine(s.Line, Utf8.GetString(reader.Buffer, s.Offset, s.Length), s.Length + 1);
                }
            }

            if (reader.IsUtf16 || reader.IsJsonArray)
            {
                throw new InvalidDataException(reader.IsUtf16
                    ? $"{path} is UTF-16 or UTF-32; the service and this screen read UTF-8 JSON Lines only. Save it as UTF-8 (Test-FineTuneDataset shows the rule)."
                    : $"{path} holds a JSON array, not JSON Lines (one example per line). Write one example per line (Test-FineTuneDataset shows the rule).");
            }
        }

        /// <summary>Copies <paramref name="path"/> to <paramref name="into"/> byte for byte, leaving out the lines numbered in <paramref name="skip"/>.</summary>
        public static void CopyWithout(string path, ISet<long> skip, Stream into)
        {
            using FileStream source = IO.FilePaths.OpenRead(path);
            var buffer = new byte[1 << 16];
            long line = 1;
            int n;
            while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                int start = 0;
                for (int i = 0; i < n; i++)
                {
                    if (buffer[i] != (byte)'\n') continue;
                    if (!skip.Contains(line)) into.Write(buffer, start, i - start + 1);
                    line++;
                    start = i + 1;
                }

                if (!skip.Contains(line)) into.Write(buffer, start, n - start);
            }
        }
    }
}
