using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace FineTune.Engine.Tokens
{
    /// <summary>The text of a JSON string value as UTF-8 bytes, with no string made.</summary>
    internal static class JsonText
    {
        /// <summary>The longest raw string value (bytes) a caller unescapes into a buffer on its stack; a longer one is read through GetString.</summary>
        public const int MaxStackBytes = 16 * 1024;

        /// <summary>
        /// The UTF-8 text of the string value whose raw JSON (quotes included) is <paramref name="raw"/>: the bytes
        /// between the quotes when it has no escapes, else unescaped by the JSON reader into <paramref name="buffer"/>
        /// (escapes only shorten a text, so the raw length is always enough). False when the buffer is shorter than
        /// that, or the value holds a lone surrogate escape (<c>\ud800</c>), which has no UTF-8.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public static bool TryGetUtf8(ReadOnlySpan<byte> raw, Span<byte> buffer, out ReadOnlySpan<byte> utf8)
        {
            ReadOnlySpan<byte> inner = raw.Slice(1, raw.Length - 2);
            if (Scan.IndexOf(inner, (byte)'\\') < 0)
            {
                utf8 = inner;
                return true;
            }

            utf8 = default;
            if (buffer.Length < inner.Length) return false;
            try
            {
                var reader = new Utf8JsonReader(raw);
                reader.Read();
                utf8 = buffer.Slice(0, reader.CopyString(buffer));
                return true;
            }
            catch (InvalidOperationException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// A property's name, compared where it lies in the line (no call into the JSON library per comparison), or
    /// through <see cref="JsonProperty.NameEquals(ReadOnlySpan{byte})"/> when it holds an escape.
    /// </summary>
    internal readonly ref struct PropertyName
    {
        private readonly ReadOnlySpan<byte> raw;
        private readonly JsonProperty property;
        private readonly bool escaped;

        [MethodImpl(Hot.Path)]
        public PropertyName(JsonProperty property)
        {
            this.property = property;
            raw = JsonMarshal.GetRawUtf8PropertyName(property);
            escaped = Scan.IndexOf(raw, (byte)'\\') >= 0;
        }

        /// <summary>True when the name is <paramref name="name"/> (UTF-8).</summary>
        [MethodImpl(Hot.Path)]
        public bool Is(ReadOnlySpan<byte> name) => escaped ? property.NameEquals(name) : Scan.Same(raw, name);
    }
}
