using System;
using System.Runtime.CompilerServices;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// tiktoken's pre-tokenization of ASCII-only text, without a regular expression: the same pieces as the
    /// <c>o200k_base</c> and <c>cl100k_base</c> patterns in <see cref="TokenEncoder"/> give (leftmost
    /// alternative first, with the backtracking the patterns imply), about three times as fast. Most
    /// training text is ASCII; in other text the patterns decide the pieces next to a character beyond ASCII
    /// (<see cref="TryEnd"/>). It reads the text as bytes (one
    /// byte a character), so a JSON string without escapes is split where it lies in the file.
    /// </summary>
    /// <remarks>
    /// Over ASCII the patterns' classes are: letters (upper or lower case; no modifier, other or mark
    /// letters), digits, white space (<c>\s</c>: space, tab, vertical tab, form feed, and the line breaks
    /// CR and LF) and everything else. Tests compare every piece with the patterns' matches on random ASCII
    /// strings and on the token corpus, for both encodings.
    /// </remarks>
    internal static class AsciiPreTokenizer
    {
        private const byte Upper = 1, Lower = 2, Digit = 3, Space = 4, Newline = 5, Other = 6;

        private static readonly byte[] Classes = BuildClasses();

        /// <summary>
        /// Where the pre-token that starts at <paramref name="start"/> ends (exclusive) in ASCII-only
        /// <paramref name="text"/> (one byte a character), for o200k_base (<paramref name="o200k"/>) or cl100k_base.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public static int End(ReadOnlySpan<byte> text, int start, bool o200k) => o200k ? EndO200k(text, start) : EndCl100k(text, start);

        /// <summary>
        /// <see cref="End"/> in text that may hold characters beyond ASCII, each as the byte 0x80 (the first at or
        /// after <paramref name="start"/> is at <paramref name="nextWide"/>, or the text's length when none is): true
        /// when the split read no such character (up to two past the character after the pre-token, for a
        /// contraction's letters, or to the end of the run of white space it starts with), so the pre-token is the
        /// one the patterns match there in the whole text; false when the patterns must decide.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public static bool TryEnd(ReadOnlySpan<byte> text, int start, int nextWide, bool o200k, out int end)
        {
            end = End(text, start, o200k);
            if (nextWide == text.Length) return true;
            int last = end + 2;
            int k = start;
            while (k < text.Length && (Classes[text[k]] == Space || Classes[text[k]] == Newline)) k++;
            return nextWide > Math.Min(text.Length - 1, Math.Max(last, k));
        }

        // [^\r\n\p{L}\p{N}]?[Lu...]*[Ll...]+(contraction)? | [^\r\n\p{L}\p{N}]?[Lu...]+[Ll...]*(contraction)?
        // | \p{N}{1,3} | ' ?[^\s\p{L}\p{N}]+[\r\n/]*' | \s*[\r\n]+ | \s+(?!\S) | \s+
        [MethodImpl(Hot.Path)]
        private static int EndO200k(ReadOnlySpan<byte> s, int i)
        {
            int n = s.Length;
            byte c = Classes[s[i]];
            int j = CanPrefix(c) && i + 1 < n && IsLetter(Classes[s[i + 1]]) ? i + 1 : i;
            if (IsLetter(Classes[s[j]]))
            {
                // upper case then lower case: with ASCII letters the two alternatives end at the same place
                int k = j;
                while (k < n && Classes[s[k]] == Upper) k++;
                while (k < n && Classes[s[k]] == Lower) k++;
                return k + Contraction(s, k);
            }

            if (c == Digit) return Digits(s, i);
            if (c == Space || c == Newline)
            {
                if (s[i] == ' ' && i + 1 < n && Classes[s[i + 1]] == Other) return Punctuation(s, i + 1, alsoSlash: true);
                return Whitespace(s, i, newlineFirst: true);
            }

            return Punctuation(s, i, alsoSlash: true);
        }

        // '(contraction) | (?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+) | (?>\p{N}{1,3}) | ' ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)'
        // | (?>\s+)\z | \s*[\r\n] | \s+(?!\S) | \s
        [MethodImpl(Hot.Path)]
        private static int EndCl100k(ReadOnlySpan<byte> s, int i)
        {
            int n = s.Length;
            if (s[i] == '\'')
            {
                int contraction = ContractionLetters(s, i + 1);
                if (contraction > 0) return i + 1 + contraction;
            }

            byte c = Classes[s[i]];
            int j = CanPrefix(c) && i + 1 < n && IsLetter(Classes[s[i + 1]]) ? i + 1 : i;
            if (IsLetter(Classes[s[j]]))
            {
                int k = j;
                while (k < n && IsLetter(Classes[s[k]])) k++;
                return k;
            }

            if (c == Digit) return Digits(s, i);
            if (c == Space || c == Newline)
            {
                if (s[i] == ' ' && i + 1 < n && Classes[s[i + 1]] == Other) return Punctuation(s, i + 1, alsoSlash: false);
                return Whitespace(s, i, newlineFirst: false);
            }

            return Punctuation(s, i, alsoSlash: false);
        }

        // The optional first character of a word: anything but a line break, a letter or a digit.
        [MethodImpl(Hot.Path)]
        private static bool CanPrefix(byte c) => c == Space || c == Other;

        [MethodImpl(Hot.Path)]
        private static bool IsLetter(byte c) => c == Upper || c == Lower;

        [MethodImpl(Hot.Path)]
        private static int Digits(ReadOnlySpan<byte> s, int i)
        {
            int k = i + 1;
            while (k < s.Length && k < i + 3 && Classes[s[k]] == Digit) k++;
            return k;
        }

        // [^\s\p{L}\p{N}]+ then line breaks (and '/' for o200k_base). A leading space, when there is one, is
        // at i - 1 and already part of the piece.
        [MethodImpl(Hot.Path)]
        private static int Punctuation(ReadOnlySpan<byte> s, int i, bool alsoSlash)
        {
            int n = s.Length;
            int k = i;
            while (k < n && Classes[s[k]] == Other) k++;
            while (k < n && (s[k] == '\r' || s[k] == '\n' || (alsoSlash && s[k] == '/'))) k++;
            return k;
        }

        // A run of white space from i: up to its last line break when it has one (o200k_base's \s*[\r\n]+
        // and cl100k_base's \s*[\r\n]); all of it at the end of the text (cl100k_base checks that first);
        // else all but its last character when more follows (\s+(?!\S)), or the one character.
        [MethodImpl(Hot.Path)]
        private static int Whitespace(ReadOnlySpan<byte> s, int i, bool newlineFirst)
        {
            int n = s.Length;
            int k = i;
            int lastBreak = -1;
            while (k < n)
            {
                byte c = Classes[s[k]];
                if (c == Newline) lastBreak = k;
                else if (c != Space) break;
                k++;
            }

            if (!newlineFirst && k == n) return n;
            if (lastBreak >= 0) return lastBreak + 1;
            if (k == n) return n;
            return k - i >= 2 ? k - 1 : k;
        }

        // o200k_base's optional contraction after a word: 's 't 'm 'd 're 've 'll in any case; its length or 0.
        [MethodImpl(Hot.Path)]
        private static int Contraction(ReadOnlySpan<byte> s, int k) =>
            k < s.Length && s[k] == '\'' && ContractionLetters(s, k + 1) is int letters && letters > 0 ? 1 + letters : 0;

        // The letters of a contraction at k (s t m d, or re ve ll, in any case): their number, or 0.
        [MethodImpl(Hot.Path)]
        private static int ContractionLetters(ReadOnlySpan<byte> s, int k)
        {
            if (k >= s.Length) return 0;
            int a = ToLower(s[k]);
            if (a == 's' || a == 't' || a == 'm' || a == 'd') return 1;
            if (k + 1 >= s.Length) return 0;
            int b = ToLower(s[k + 1]);
            return (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') ? 2 : 0;
        }

        [MethodImpl(Hot.Path)]
        private static int ToLower(byte c) => c >= 'A' && c <= 'Z' ? c + 32 : c;

        private static byte[] BuildClasses()
        {
            var classes = new byte[256]; // a byte above 127 is never asked for; it would be Other
            for (int c = 0; c < 256; c++)
            {
                classes[c] = c >= 'A' && c <= 'Z' ? Upper
                    : c >= 'a' && c <= 'z' ? Lower
                    : c >= '0' && c <= '9' ? Digit
                    : c == '\r' || c == '\n' ? Newline
                    : c == ' ' || c == '\t' || c == '\v' || c == '\f' ? Space
                    : Other;
            }

            return classes;
        }
    }
}
