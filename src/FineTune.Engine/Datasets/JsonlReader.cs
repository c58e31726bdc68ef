using System.Runtime.CompilerServices;
using System;
using System.Buffers;
using System.Collections.Generic;
using System.IO;

namespace FineTune.Engine.Datasets
{
    /// <summary>What a physical line of a JSONL file is.</summary>
    internal enum LineKind
    {
        Text,
        Blank,
        TooLong,
    }

    /// <summary>One line of a batch: a slice of <see cref="JsonlReader.Buffer"/> without its line end.</summary>
    internal struct LineSlice
    {
        public int Offset;
        public int Length;
        public long Line;
        public LineKind Kind;
    }

    /// <summary>
    /// Reads a JSON Lines file as bytes, a batch of whole lines at a time, in bounded memory (one buffer,
    /// 1 MB, grown only to hold the longest line, at most <see cref="MaxLineBytes"/>; longer lines are
    /// skipped and reported as <see cref="LineKind.TooLong"/>). Splits on <c>\n</c>, strips a <c>\r</c> before
    /// it (and counts it), numbers lines from 1. Before the first batch it looks at the first bytes: a UTF-8
    /// BOM is skipped and noted; UTF-16/UTF-32 and a JSON array (<c>[</c> first) stop reading.
    /// </summary>
    internal sealed class JsonlReader : IDisposable
    {
        public const int MaxLineBytes = 64 * 1024 * 1024;
        private const int InitialBuffer = 1024 * 1024;

        private readonly Stream stream;
        private byte[] buffer;
        private int start;
        private int end;
        private bool eof;
        private long line;
        private bool started;

        public JsonlReader(Stream stream)
        {
            this.stream = stream;
            buffer = ArrayPool<byte>.Shared.Rent(InitialBuffer);
        }

        /// <summary>The buffer that the slices of the last batch point into (valid until the next batch).</summary>
        public byte[] Buffer => buffer;

        public bool HasUtf8Bom { get; private set; }

        public bool IsUtf16 { get; private set; }

        public bool IsJsonArray { get; private set; }

        public long CrlfLines { get; private set; }

        public long FirstCrlfLine { get; private set; }

        /// <summary>
        /// True when the file ends its lines in <c>\r</c> alone (classic Mac OS): the first line end of the file
        /// is a <c>\r</c> not followed by <c>\n</c>. Lines are then split on <c>\r</c>, and <see cref="CrlfLines"/>
        /// counts the lines ended that way.
        /// </summary>
        public bool CrOnly { get; private set; }

        private byte newline = (byte)'\n';

        public bool EndsWithNewline { get; private set; } = true;

        /// <summary>Bytes consumed so far (for progress).</summary>
        public long BytesConsumed { get; private set; }

        /// <summary>Fills <paramref name="lines"/> with the next whole lines; false when there are none left.</summary>
        [MethodImpl(Hot.Path)]
        public bool ReadBatch(List<LineSlice> lines)
        {
            lines.Clear();
            if (!started)
            {
                started = true;
                Fill();
                Sniff();
            }

            if (IsUtf16 || IsJsonArray) return false;
            Compact();
            Fill();
            int pos = start;
            while (true)
            {
                int nl = end > pos ? buffer.AsSpan(pos, end - pos).IndexOf(newline) : -1;
                if (nl >= 0)
                {
                    Add(lines, pos, nl);
                    pos += nl + 1;
                    continue;
                }

                if (eof)
                {
                    if (pos < end)
                    {
                        EndsWithNewline = false;
                        Add(lines, pos, end - pos);
                        pos = end;
                    }

                    break;
                }

                if (lines.Count > 0) break;

                // Not one whole line in the buffer: grow it, or skip an over-long line.
                start = pos;
                Compact();
                pos = 0;
                if (end == buffer.Length)
                {
                    if (buffer.Length >= MaxLineBytes)
                    {
                        SkipLongLine(lines);
                        pos = start;
                        break;
                    }

                    byte[] bigger = ArrayPool<byte>.Shared.Rent(Math.Min(MaxLineBytes, buffer.Length * 2));
                    Array.Copy(buffer, 0, bigger, 0, end);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                Fill();
            }

            BytesConsumed += pos - start;
            start = pos;
            return lines.Count > 0;
        }

        [MethodImpl(Hot.Path)]
        private void Add(List<LineSlice> lines, int offset, int length)
        {
            line++;
            if (CrOnly)
            {
                if (offset + length < end && CrlfLines++ == 0) FirstCrlfLine = line;
            }
            else if (length > 0 && buffer[offset + length - 1] == (byte)'\r')
            {
                length--;
                if (CrlfLines++ == 0) FirstCrlfLine = line;
            }

            var kind = LineKind.Blank;
            for (int i = offset; i < offset + length; i++)
            {
                byte b = buffer[i];
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r')
                {
                    kind = LineKind.Text;
                    break;
                }
            }

            lines.Add(new LineSlice { Offset = offset, Length = length, Line = line, Kind = kind });
        }

        private void SkipLongLine(List<LineSlice> lines)
        {
            line++;
            lines.Add(new LineSlice { Offset = 0, Length = 0, Line = line, Kind = LineKind.TooLong });
            while (true)
            {
                int nl = buffer.AsSpan(start, end - start).IndexOf(newline);
                if (nl >= 0)
                {
                    BytesConsumed += nl + 1;
                    start += nl + 1;
                    return;
                }

                BytesConsumed += end - start;
                start = end = 0;
                if (eof)
                {
                    EndsWithNewline = false;
                    return;
                }

                Fill();
            }
        }

        private void Sniff()
        {
            int n = end - start;
            if (n >= 2 && ((buffer[0] == 0xFF && buffer[1] == 0xFE) || (buffer[0] == 0xFE && buffer[1] == 0xFF) || buffer[0] == 0 || buffer[1] == 0))
            {
                IsUtf16 = true;
                return;
            }

            if (n >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
            {
                HasUtf8Bom = true;
                start += 3;
                BytesConsumed = 3;
            }

            int firstEnd = buffer.AsSpan(start, end - start).IndexOfAny((byte)'\r', (byte)'\n');
            if (firstEnd >= 0 && buffer[start + firstEnd] == (byte)'\r' && (start + firstEnd + 1 == end ? eof : buffer[start + firstEnd + 1] != (byte)'\n'))
            {
                CrOnly = true;
                newline = (byte)'\r';
            }

            for (int i = start; i < end; i++)
            {
                byte b = buffer[i];
                if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n') continue;
                IsJsonArray = b == (byte)'[';
                break;
            }
        }

        private void Compact()
        {
            if (start == 0) return;
            Array.Copy(buffer, start, buffer, 0, end - start);
            end -= start;
            start = 0;
        }

        [MethodImpl(Hot.Path)]
        private void Fill()
        {
            while (!eof && end < buffer.Length)
            {
                int read = stream.Read(buffer, end, buffer.Length - end);
                if (read == 0)
                {
                    eof = true;
                    break;
                }

                end += read;
            }
        }

        public void Dispose()
        {
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = Array.Empty<byte>();
        }
    }
}
