using System;
using System.IO;
using System.Text;

namespace FineTune.Engine.Jobs
{
    /// <summary>
    /// The streaming form of <see cref="ResultFile.Decode"/>, for downloads of any size in bounded memory: the
    /// content is fed in pieces (<see cref="Write"/>) and always goes unchanged to the plain stream; while it
    /// can still be a base64-encoded result file it is also decoded, as it arrives, into a second stream that
    /// is opened on the first decoded byte. <see cref="Complete"/> then says which of the two holds what
    /// <see cref="ResultFile.Decode"/> would have returned for the whole content; the caller keeps that one and
    /// drops the other. The rules are Decode's, exactly: the first 64 bytes are base64 characters or CR/LF; the
    /// trimmed text (ASCII whitespace 0x09–0x0D and space removed at both ends) has at least 8 characters, a
    /// multiple of 4 (CR/LF inside counted), does not start with <c>step</c>, and holds only ASCII letters,
    /// digits, <c>+ / =</c>, CR and LF; it is valid base64 (CR/LF ignored, a multiple of 4 characters, at most
    /// two <c>=</c>, only at the end); and its first 64 decoded bytes, as UTF-8 without a leading BOM, spaces or
    /// line breaks, start with <c>step</c>. JSON Lines fail at the first byte, so a training file costs one byte
    /// test and no second stream. Memory: 64 bytes of head and a 48 KB output buffer. Not thread-safe.
    /// </summary>
    public sealed class ResultFileDecoder
    {
        private const int Head = 64;

        // the value of each base64 character; -1 for any other byte
        private static readonly sbyte[] Values = BuildValues();

        private readonly Stream plain;
        private readonly Func<Stream> openDecoded;
        private readonly byte[] head = new byte[Head];
        private readonly byte[] output = new byte[48 * 1024];
        private Stream? decoded;
        private int outputCount;
        private int headCount;
        private bool headChecked;
        private bool candidate = true;
        private long position;
        private long firstContent = -1;
        private long lastContent = -1;
        private bool spaceAfterContent;
        private int group;
        private int groupCount;
        private int padding;
        private bool closed;
        private bool notStep;
        private bool ended;

        /// <summary>
        /// Creates a decoder writing the content to <paramref name="plain"/>; <paramref name="openDecoded"/> is
        /// called at most once, when the first decoded bytes are due (never for content that fails at the first byte).
        /// Neither stream is disposed here.
        /// </summary>
        public ResultFileDecoder(Stream plain, Func<Stream> openDecoded)
        {
            this.plain = plain ?? throw new ArgumentNullException(nameof(plain));
            this.openDecoded = openDecoded ?? throw new ArgumentNullException(nameof(openDecoded));
        }

        /// <summary>The bytes written so far to the decoded stream (0 while it is not open).</summary>
        public long DecodedBytes { get; private set; }

        /// <summary>Writes the next piece of the content. Throws what the streams throw (an <see cref="IOException"/> when a disk is full).</summary>
        public void Write(byte[] buffer, int offset, int count)
        {
            if (ended) throw new InvalidOperationException("The decoder is complete.");
            plain.Write(buffer, offset, count);
            if (!candidate) return;
            for (int i = offset; i < offset + count && candidate; i++)
            {
                Take(buffer[i]);
                position++;
            }
        }

        /// <summary>
        /// Ends the content. Returns true when it was a base64-encoded result file: the decoded stream then holds
        /// the whole decoded CSV (flushed to it); false when the plain stream holds the answer (the decoded stream,
        /// if it was opened, holds a part to drop).
        /// </summary>
        public bool Complete()
        {
            ended = true;
            if (!candidate) return false;
            if (!headChecked) CheckHead();
            long trimmed = firstContent < 0 ? 0 : lastContent - firstContent + 1;
            if (!candidate || trimmed < 8 || trimmed % 4 != 0 || groupCount != 0)
            {
                candidate = false;
                return false;
            }

            Flush();
            return true;
        }

        private void Take(byte b)
        {
            if (position < Head && !IsBase64OrLineBreak(b))
            {
                candidate = false; // Decode's first test: JSON Lines and most files end here, at the first byte
                return;
            }

            bool lineBreak = b == (byte)'\r' || b == (byte)'\n';
            if (!lineBreak && (b == (byte)' ' || (b >= 0x09 && b <= 0x0D)))
            {
                // other whitespace: Trim drops it at the ends; inside the text it fails the character test
                if (firstContent >= 0) spaceAfterContent = true;
                return;
            }

            if (!lineBreak)
            {
                if (spaceAfterContent)
                {
                    candidate = false;
                    return;
                }

                if (firstContent < 0) firstContent = position;
                lastContent = position;
            }

            if (firstContent >= 0 && position - firstContent < 4)
            {
                // a text starting with "step" (ignoring case; a line break counts as a character) is left alone
                int at = (int)(position - firstContent);
                if ((b | 0x20) != "step"[at])
                {
                    notStep = true;
                }
                else if (at == 3 && !notStep)
                {
                    candidate = false;
                    return;
                }
            }

            if (lineBreak) return; // FromBase64String skips it

            if (closed)
            {
                candidate = false; // a character after the padded last group
                return;
            }

            if (b == (byte)'=')
            {
                if (groupCount < 2)
                {
                    candidate = false; // padding is the third or fourth character of a group only
                    return;
                }

                padding++;
                group <<= 6;
            }
            else
            {
                sbyte value = Values[b];
                if (value < 0 || padding > 0)
                {
                    candidate = false; // not base64, or a character after padding in its group
                    return;
                }

                group = (group << 6) | (value & 0x3F);
            }

            if (++groupCount < 4) return;
            Emit((byte)(group >> 16));
            if (padding < 2) Emit((byte)(group >> 8));
            if (padding < 1) Emit((byte)group);
            closed = padding > 0;
            group = 0;
            groupCount = 0;
        }

        private void Emit(byte value)
        {
            if (headCount < Head)
            {
                head[headCount++] = value;
                if (headCount == Head) CheckHead();
            }

            output[outputCount++] = value;
            if (outputCount == output.Length) Flush();
        }

        private void CheckHead()
        {
            headChecked = true;
            string text = Encoding.UTF8.GetString(head, 0, headCount).TrimStart('\uFEFF', ' ', '\r', '\n');
            if (!text.StartsWith("step", StringComparison.OrdinalIgnoreCase)) candidate = false;
        }

        private void Flush()
        {
            if (outputCount == 0) return;
            decoded ??= openDecoded();
            decoded.Write(output, 0, outputCount);
            DecodedBytes += outputCount;
            outputCount = 0;
        }

        private static bool IsBase64OrLineBreak(byte b) =>
            (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '+' || b == '/' || b == '=' || b == '\r' || b == '\n';

        private static sbyte[] BuildValues()
        {
            var values = new sbyte[256];
            for (int i = 0; i < values.Length; i++) values[i] = -1;
            const string alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
            for (int i = 0; i < alphabet.Length; i++) values[alphabet[i]] = (sbyte)i;
            return values;
        }
    }
}
