using System.Collections.Generic;
using System.Linq;

namespace FineTune.Engine.Tokens
{
    /// <summary>The tokens of one plain text (what Measure-FineTuneToken writes).</summary>
    public sealed class TokenMeasurement
    {
        /// <summary>Characters of <see cref="Text"/> kept for display.</summary>
        public const int PreviewLength = 60;

        /// <summary>The start of the text (at most <see cref="PreviewLength"/> characters, line breaks and tabs as spaces, … when cut).</summary>
        public string Text { get; set; } = string.Empty;

        /// <summary>The model the encoding was picked for, or null when the encoding was given.</summary>
        public string? Model { get; set; }

        /// <summary>The encoding: <c>o200k_base</c> or <c>cl100k_base</c>.</summary>
        public string Encoding { get; set; } = string.Empty;

        /// <summary>Tokens (ordinary encoding: special-token strings count as text).</summary>
        public int Tokens { get; set; }

        /// <summary>UTF-16 characters of the whole text.</summary>
        public int Characters { get; set; }

        /// <summary>The token ids, when asked for; null otherwise.</summary>
        public int[]? Ids { get; set; }

        /// <summary>True when a run too long to count exactly was counted in windows (see <see cref="TokenCount.Approximate"/>).</summary>
        public bool Approximate { get; set; }

        /// <summary>Measures <paramref name="text"/> (null counts as empty) with <paramref name="encoder"/>; with <paramref name="ids"/> the ids too.</summary>
        public static TokenMeasurement Of(string? text, TokenEncoder encoder, string? model, bool ids)
        {
            text ??= string.Empty;
            var m = new TokenMeasurement
            {
                Text = Preview(text),
                Model = model,
                Encoding = encoder.EncodingName,
                Characters = text.Length,
            };

            if (ids)
            {
                IReadOnlyList<int> got = encoder.Encode(text, out bool approximate);
                m.Ids = got.ToArray();
                m.Tokens = got.Count;
                m.Approximate = approximate;
            }
            else
            {
                TokenCount c = encoder.Measure(text);
                m.Tokens = c.Tokens;
                m.Approximate = c.Approximate;
            }

            return m;
        }

        private static string Preview(string text)
        {
            bool cut = text.Length > PreviewLength;
            string head = cut ? text.Substring(0, PreviewLength) : text;
            if (cut && char.IsHighSurrogate(head[head.Length - 1])) head = head.Substring(0, head.Length - 1);
            head = head.Replace("\r\n", " ").Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');
            return cut ? head + "…" : head;
        }
    }
}
