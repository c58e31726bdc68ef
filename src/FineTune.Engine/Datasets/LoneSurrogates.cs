using System.Runtime.CompilerServices;
using System;
using System.Text.Json;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// Finds an escaped lone surrogate (<c>\ud800</c> without its pair, or a low half alone) in a parsed
    /// line. JSON allows the escape, but it is not text: it cannot be encoded as UTF-8, System.Text.Json
    /// refuses to read it as a string, and the service's tokenizer cannot take it. Every reader of examples
    /// applies one rule: the line is an error naming the field (Test-FineTuneDataset FT004, Measure skips the
    /// example, Test-FineTuneModeration does not screen it and warns).
    /// </summary>
    internal static class LoneSurrogates
    {
        /// <summary>
        /// Where the first lone surrogate of <paramref name="root"/> is (<c>messages[0].role</c>, or
        /// <c>messages[0] key "con\ud800tent"</c>), or null when there is none. <paramref name="line"/> (the
        /// line's bytes) makes the common case free: without a <c>\uD8</c>..<c>\uDF</c> escape nothing is walked.
        /// </summary>
        public static string? Find(ReadOnlySpan<byte> line, JsonElement root) => MayHold(line) ? Walk(root, string.Empty) : null;

        [MethodImpl(Hot.Path)]
        private static bool MayHold(ReadOnlySpan<byte> line)
        {
            int i = 0;
            while (true)
            {
                int n = Scan.IndexOf(line.Slice(i), (byte)'\\');
                if (n < 0) return false;
                i += n;
                if (i + 3 >= line.Length) return false;
                if (line[i + 1] == (byte)'u' && (line[i + 2] | 0x20) == (byte)'d' && IsHighHex(line[i + 3])) return true;
                i += 2; // past the escape: an escaped backslash is not the start of another
            }
        }

        private static bool IsHighHex(byte b) => (b >= (byte)'8' && b <= (byte)'9') || ((b | 0x20) >= (byte)'a' && (b | 0x20) <= (byte)'f');

        private static string? Walk(JsonElement e, string at)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.String:
                    return Readable(e) ? null : $"{(at.Length == 0 ? "the value" : at)} ({Cut(e.GetRawText())})";
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (JsonElement item in e.EnumerateArray())
                    {
                        string? found = Walk(item, $"{at}[{i++}]");
                        if (found != null) return found;
                    }

                    return null;
                case JsonValueKind.Object:
                    foreach (JsonProperty p in e.EnumerateObject())
                    {
                        string name;
                        try
                        {
                            name = p.Name;
                        }
                        catch (InvalidOperationException)
                        {
                            return $"{(at.Length == 0 ? "the object" : at)} key {Cut(NameOf(p.ToString()))}";
                        }

                        string? found = Walk(p.Value, at.Length == 0 ? name : at + "." + name);
                        if (found != null) return found;
                    }

                    return null;
                default:
                    return null;
            }
        }

        private static bool Readable(JsonElement s)
        {
            try
            {
                s.GetString();
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }

        /// <summary>The finding's text: what is wrong where, with the field as written in the line.</summary>
        public static string Describe(long line, string field) =>
            $"Line {line}: {field} holds an escaped lone surrogate (\\uD800-\\uDFFF without its other half); it is not text and cannot be encoded as UTF-8.";

        // The quoted name at the start of a property's raw text ("name": value).
        private static string NameOf(string raw)
        {
            for (int i = 1; i < raw.Length; i++)
            {
                if (raw[i] == '\\') i++;
                else if (raw[i] == '"') return raw.Substring(0, i + 1);
            }

            return raw;
        }

        // The raw text, or 60 characters of it around the first \uD8..\uDF escape.
        private static string Cut(string raw)
        {
            if (raw.Length <= 60) return raw;
            int at = 0;
            while ((at = raw.IndexOf("\\u", at, StringComparison.Ordinal)) >= 0 && at + 3 < raw.Length && !((raw[at + 2] | 0x20) == 'd' && IsHighHex((byte)raw[at + 3]))) at += 2;
            int start = Math.Max(0, Math.Min(at < 0 ? 0 : at - 20, raw.Length - 60));
            return (start > 0 ? "..." : string.Empty) + raw.Substring(start, 60) + (start + 60 < raw.Length ? "..." : string.Empty);
        }
    }
}
