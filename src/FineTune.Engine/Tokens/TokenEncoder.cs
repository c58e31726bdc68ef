using System.Runtime.CompilerServices;
using System;
using System.Buffers;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.RegularExpressions;
using FineTune.Engine.Models;
using Microsoft.ML.Tokenizers;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// Counts tokens the way OpenAI's reference tokenizer (tiktoken) does, for <c>o200k_base</c> and
    /// <c>cl100k_base</c>. Ordinary encoding: special-token strings in text (<c>&lt;|endoftext|&gt;</c>) are
    /// counted as plain text. Thread-safe; one shared instance per encoding.
    /// </summary>
    /// <remarks>
    /// Built around Microsoft.ML.Tokenizers 2.0.1, which differs from tiktoken in three ways (measured against
    /// <c>../shared/tokens</c>); this class fixes each around the library:
    /// <list type="bullet">
    /// <item>Pre-tokenization: the library's regex runs per UTF-16 unit, so letters and digits outside the
    /// Basic Multilingual Plane are not <c>\p{L}</c>/<c>\p{N}</c>. We split ourselves with tiktoken's pattern
    /// over a shadow string in which every surrogate pair is one BMP character of the same Unicode class.
    /// ASCII text (most training text) is split by <see cref="AsciiPreTokenizer"/>, which gives the pattern's
    /// pieces without running it (about three times as fast); in other text the pattern decides only the pieces
    /// next to a character beyond ASCII. The counts of short ASCII pieces are kept in
    /// <see cref="AsciiPieceCounts"/>, one 64-bit word each.</item>
    /// <item>Lone surrogates: tiktoken sees U+FFFD (the UTF-8 conversion replaces them); we replace them too.</item>
    /// <item>Special tokens: the library treats <c>&lt;|endoftext|&gt;</c> as special only while it sits in its
    /// cache; we build the library's tokenizer with no special tokens, and only its byte-pair encoding runs,
    /// one pre-token at a time.</item>
    /// </list>
    /// The library's byte-pair encoding costs the square of a pre-token's length (a 16,000-letter run takes
    /// about 0.3 s), so a pre-token longer than <see cref="MaxExactPieceChars"/> UTF-16 units (a run of
    /// letters or spaces with no break) is encoded in windows of <see cref="WindowChars"/>: the tokens that end
    /// at least <see cref="WindowMarginChars"/> before a window's end are kept, and the next window starts
    /// where they stop. The count is then marked <see cref="TokenCount.Approximate"/>: it is exact unless a
    /// byte-pair merge reaches back further than the margin, which no test has shown (the corpus's runs of
    /// 5,000–10,000 characters, and 6,000-letter runs of English, Japanese, one repeated letter and spaces,
    /// all equal tiktoken). A 1 MB string without spaces counts in about a second.
    /// </remarks>
    public sealed class TokenEncoder
    {
        /// <summary>The encoding of GPT-4o, GPT-4.1, o-series and GPT-5 models.</summary>
        public const string O200kBase = "o200k_base";

        /// <summary>The encoding of GPT-3.5, GPT-4, babbage-002 and davinci-002.</summary>
        public const string Cl100kBase = "cl100k_base";

        /// <summary>
        /// The longest pre-token (UTF-16 units) encoded whole (at most about 12 ms); longer ones are encoded in
        /// windows and the count is marked approximate (see the class remarks).
        /// </summary>
        public const int MaxExactPieceChars = 4096;

        /// <summary>The window (UTF-16 units) in which a pre-token longer than <see cref="MaxExactPieceChars"/> is encoded.</summary>
        internal const int WindowChars = 200;

        /// <summary>Tokens that end this close to a window's end (UTF-16 units) are encoded again with the next window.</summary>
        internal const int WindowMarginChars = 40;

        // tiktoken's patterns (tiktoken_ext/openai_public.py), for .NET: possessive quantifiers as atomic
        // groups, and the case-insensitive contractions spelled out as tiktoken's Unicode case folding
        // matches them ('ſ' folds to 's').
        private const string Contraction = "'(?:[sSſdDmMtT]|[lL][lL]|[vV][eE]|[rR][eE])";

        private const string Cl100kPattern =
            Contraction + @"|(?>[^\r\n\p{L}\p{N}]?)(?>\p{L}+)|(?>\p{N}{1,3})| ?(?>[^\s\p{L}\p{N}]+)(?>[\r\n]*)|(?>\s+)\z|\s*[\r\n]|\s+(?!\S)|\s";

        private const string O200kContraction = "(?:'(?:[sSſtTmMdD]|[rR][eE]|[vV][eE]|[lL][lL]))?";

        private const string O200kPattern =
            @"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+" + O200kContraction +
            @"|[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*" + O200kContraction +
            @"|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n/]*|\s*[\r\n]+|\s+(?!\S)|\s+";

        private static readonly ConcurrentDictionary<string, TokenEncoder> Cache = new ConcurrentDictionary<string, TokenEncoder>(StringComparer.Ordinal);

        private const int MaxCachedPieceChars = 32;
        private const int MaxCachedPieces = 100_000;

        private readonly Tokenizer tokenizer;
        private readonly PieceCache pieces = new PieceCache(MaxCachedPieces);

        // The counts of ASCII pre-tokens of up to 8 characters, packed into one word each (64-bit processes only:
        // there a word is read and written whole).
        private readonly AsciiPieceCounts? shortPieces = IntPtr.Size == 8 ? new AsciiPieceCounts() : null;
        private readonly Regex pattern;
        private readonly bool o200k;

        private TokenEncoder(string encoding)
        {
            EncodingName = encoding;
            o200k = encoding == O200kBase;
            pattern = new Regex(o200k ? O200kPattern : Cl100kPattern, RegexOptions.Compiled | RegexOptions.CultureInvariant);
            string package = o200k ? "Microsoft.ML.Tokenizers.Data.O200kBase" : "Microsoft.ML.Tokenizers.Data.Cl100kBase";
            Assembly data = Assembly.Load(new AssemblyName(package));
            using Stream packed = data.GetManifestResourceStream(encoding + ".tiktoken.deflate")
                ?? throw new InvalidOperationException($"{package} holds no {encoding}.tiktoken.deflate resource.");
            using var vocab = new DeflateStream(packed, CompressionMode.Decompress);

            // No pre-tokenizer (we split), no normalizer, no special tokens (ordinary encoding).
            tokenizer = TiktokenTokenizer.Create(vocab, preTokenizer: null, normalizer: null, specialTokens: null);
        }

        /// <summary>The encoding's name: <c>o200k_base</c> or <c>cl100k_base</c>.</summary>
        public string EncodingName { get; }

        /// <summary>tiktoken's pre-tokenization pattern of this encoding (tests compare <see cref="AsciiPreTokenizer"/> with it).</summary>
        internal Regex PreTokenPattern => pattern;

        /// <summary>The encoder for an encoding name (case-insensitive). Throws <see cref="ArgumentException"/> for an unknown one.</summary>
        public static TokenEncoder ForEncoding(string encoding)
        {
            string name = (encoding ?? string.Empty).Trim().ToLowerInvariant();
            if (name != O200kBase && name != Cl100kBase)
            {
                throw new ArgumentException($"Unknown encoding '{encoding}'. Use {O200kBase} or {Cl100kBase}.", nameof(encoding));
            }

            return Cache.GetOrAdd(name, e => new TokenEncoder(e));
        }

        /// <summary>The encoder of a model (fine-tuned names map by their base model). Throws <see cref="ArgumentException"/> for an unknown model.</summary>
        public static TokenEncoder ForModel(string model) => ForEncoding(EncodingOf(model));

        /// <summary>
        /// The encoding of a model name, as the model catalog in use gives it (<see cref="ModelCatalog.EncodingOf"/>:
        /// the model's row, else its family; <c>ft:BASE:...</c> and Azure's <c>BASE.ft-HEX</c> map by BASE, which
        /// tiktoken gets wrong for <c>ft:gpt-4.1…</c>). Throws <see cref="ArgumentException"/> for a name it does not know.
        /// </summary>
        public static string EncodingOf(string model)
        {
            if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("A model name is needed to pick an encoding.", nameof(model));
            ModelCatalog catalog = ModelCatalog.CurrentOrEmbedded();
            return catalog.EncodingOf(model)
                ?? throw new ArgumentException($"No known encoding for model '{model}'.{catalog.HintFor(model)}", nameof(model));
        }

        /// <summary>The number of tokens in <paramref name="text"/> (ordinary encoding); 0 for null or empty. See <see cref="Measure"/> for very long runs.</summary>
        public int Count(string? text) => Measure(text).Tokens;

        /// <summary>
        /// The number of tokens in <paramref name="text"/> and whether it may differ from tiktoken's: only when a
        /// pre-token is longer than <see cref="MaxExactPieceChars"/> (see the class remarks).
        /// </summary>
        /// <remarks>
        /// Texts of at most <see cref="MaxRecentChars"/> characters are remembered in a small direct-mapped
        /// table (<see cref="RecentSlots"/> slots, a newer text replaces an older one in its slot; at most
        /// about 4 MB): the texts a training file repeats in every example (the system message, the roles)
        /// are encoded once, not once per example. A hit needs the same text (ordinal), so counts are
        /// unchanged. Thread-safe (a slot holds one immutable entry).
        /// </remarks>
        [MethodImpl(Hot.Path)]
        public TokenCount Measure(string? text)
        {
            if (string.IsNullOrEmpty(text)) return default;
            if (text!.Length > MaxRecentChars) return new TokenCount(Run(text, null, out bool a), a);
            int slot = StringComparer.Ordinal.GetHashCode(text) & (RecentSlots - 1);
            RecentCount? hit = recent[slot];
            if (hit != null && string.Equals(hit.Text, text, StringComparison.Ordinal)) return hit.Count;
            int tokens = Run(text, null, out bool approximate);
            var count = new TokenCount(tokens, approximate);
            recent[slot] = new RecentCount(text, count);
            return count;
        }

        /// <summary>Slots of the table of recent texts (see <see cref="Measure"/>); a power of two.</summary>
        internal const int RecentSlots = 1024;

        /// <summary>The longest text, in UTF-16 characters, that <see cref="Measure"/> remembers.</summary>
        internal const int MaxRecentChars = 2048;

        private readonly RecentCount?[] recent = new RecentCount?[RecentSlots];

        private sealed class RecentCount
        {
            public RecentCount(string text, TokenCount count)
            {
                Text = text;
                Count = count;
            }

            public string Text { get; }

            public TokenCount Count { get; }
        }

        /// <summary>The token ids of <paramref name="text"/> (ordinary encoding); empty for null or empty.</summary>
        public IReadOnlyList<int> Encode(string? text) => Encode(text, out _);

        /// <summary>The token ids of <paramref name="text"/>; <paramref name="approximate"/> as in <see cref="Measure"/>.</summary>
        public IReadOnlyList<int> Encode(string? text, out bool approximate)
        {
            approximate = false;
            if (string.IsNullOrEmpty(text)) return Array.Empty<int>();
            var ids = new List<int>();
            Run(text!, ids, out approximate);
            return ids;
        }

        /// <summary>
        /// <see cref="Measure"/> of ASCII text given as its bytes (one byte a character; the caller has checked that
        /// each is below 0x80), as a JSON string lies in a file: no string is made. Not remembered in the table of
        /// recent texts (the caller keeps its own).
        /// </summary>
        [MethodImpl(Hot.Path)]
        internal TokenCount MeasureAscii(ReadOnlySpan<byte> ascii)
        {
            bool approximate = false;
            int tokens = Split(ascii, null, null, null, ids: null, ref approximate);
            return new TokenCount(tokens, approximate);
        }

        // Cleans the text (lone surrogates as U+FFFD; surrogate pairs as one character of their class in the
        // shadow the pattern reads), views it as one byte a character, splits and encodes it (Split); adds the
        // ids to 'ids' when given; returns the count.
        [MethodImpl(Hot.Path)]
        private int Run(string text, List<int>? ids, out bool approximate)
        {
            approximate = false;
            string clean = text;
            string shadow = text;
            int[]? map = null;
            if (HasSurrogate(text))
            {
                (clean, shadow, map) = Shadow(text);
            }

            // ASCII as it is, any other character as 0x80 (a surrogate pair too, though its shadow may be ASCII);
            // on the stack when short
            int n = shadow.Length;
            byte[]? rented = n > 512 ? ArrayPool<byte>.Shared.Rent(n) : null;
            Span<byte> chars = rented != null ? rented.AsSpan(0, n) : stackalloc byte[n];
            for (int i = 0; i < n; i++)
            {
                char c = shadow[i];
                chars[i] = c < 0x80 && (map == null || map[i + 1] == map[i] + 1) ? (byte)c : (byte)0x80;
            }

            int tokens = Split(chars, shadow, clean, map, ids, ref approximate);
            if (rented != null) ArrayPool<byte>.Shared.Return(rented);
            return tokens;
        }

        // Pre-tokenizes as tiktoken does and encodes each pre-token. 'chars' is the text one byte a character (0x80
        // for a character beyond ASCII, which 'shadow' and 'clean' then hold; see Run). A pre-token that
        // AsciiPreTokenizer splits without reading a character beyond ASCII is taken from it; one near such a
        // character is the pattern's match at that place (both give tiktoken's pieces; tests compare them on mixed
        // text). ASCII pre-tokens of up to AsciiPieceCounts.MaxLength characters are counted from the table of
        // packed pieces when only the count is wanted.
        [MethodImpl(Hot.Path), SkipLocalsInit]
        private int Split(ReadOnlySpan<byte> chars, string? shadow, string? clean, int[]? map, List<int>? ids, ref bool approximate)
        {
            AsciiPieceCounts? counts = ids == null ? shortPieces : null;
            Span<char> wide = stackalloc char[MaxCachedPieceChars];
            int n = chars.Length;
            int next = NextWide(chars, 0); // the first character beyond ASCII at or after 'start'
            int count = 0;
            for (int start = 0, end; start < n; start = end)
            {
                if (start < next && AsciiPreTokenizer.TryEnd(chars, start, next, o200k, out end))
                {
                    ReadOnlySpan<byte> piece = chars.Slice(start, end - start);
                    if (counts != null && piece.Length <= AsciiPieceCounts.MaxLength)
                    {
                        long key = AsciiPieceCounts.Key(piece);
                        if (!counts.TryGet(key, out int known))
                        {
                            known = CachedPiece(Widen(piece, wide)).Length;
                            counts.Add(key, known);
                        }

                        count += known;
                    }
                    else
                    {
                        count += EncodePreToken(Widen(piece, piece.Length <= wide.Length ? wide : new char[piece.Length]), ids, ref approximate);
                    }

                    continue;
                }

                // near a character beyond ASCII: the pattern's match here (it matches at every place)
                Match m = pattern.Match(shadow!, start);
                if (!m.Success) break;
                end = m.Index + m.Length;
                int from = map == null ? m.Index : map[m.Index];
                int to = map == null ? end : map[end];
                count += EncodePreToken(clean!.AsSpan(from, to - from), ids, ref approximate);
                if (next < end) next = NextWide(chars, end);
            }

            return count;
        }

        // The first index at or after 'from' of a character beyond ASCII (0x80), or the length.
        [MethodImpl(Hot.Path)]
        private static int NextWide(ReadOnlySpan<byte> chars, int from)
        {
            int at = Scan.IndexOf(chars.Slice(from), 0x80);
            return at < 0 ? chars.Length : from + at;
        }

        [MethodImpl(Hot.Path)]
        private static ReadOnlySpan<char> Widen(ReadOnlySpan<byte> ascii, Span<char> into)
        {
            for (int i = 0; i < ascii.Length; i++) into[i] = (char)ascii[i];
            return into.Slice(0, ascii.Length);
        }

        [MethodImpl(Hot.Path)]
        private int EncodePreToken(ReadOnlySpan<char> piece, List<int>? ids, ref bool approximate)
        {
            if (piece.Length <= MaxCachedPieceChars)
            {
                int[] got = CachedPiece(piece);
                ids?.AddRange(got);
                return got.Length;
            }

            if (piece.Length <= MaxExactPieceChars) return EncodePiece(piece, ids);
            approximate = true;
            return EncodeLongPiece(piece, ids);
        }

        // Short pre-tokens repeat (words, spaces, punctuation): their ids are kept in a lock-free table looked
        // up by the characters in place, which counts several times as fast as the library's locked cache.
        [MethodImpl(Hot.Path)]
        private int[] CachedPiece(ReadOnlySpan<char> piece)
        {
            int hash = PieceCache.Hash(piece);
            if (pieces.TryGet(piece, hash, out int[] ids)) return ids;
            ids = tokenizer.EncodeToIds(piece, false, false).ToArray();
            pieces.Add(piece, hash, ids);
            return ids;
        }

        private int EncodePiece(ReadOnlySpan<char> piece, List<int>? ids)
        {
            if (ids == null) return tokenizer.CountTokens(piece, false, false);
            IReadOnlyList<int> got = tokenizer.EncodeToIds(piece, false, false);
            ids.AddRange(got);
            return got.Count;
        }

        /// <summary>
        /// A pre-token too long for the library's quadratic byte-pair encoding, in windows of
        /// <see cref="WindowChars"/>: each window is encoded, the tokens that end at least
        /// <see cref="WindowMarginChars"/> before its end are kept (the library's <c>GetIndexByTokenCount</c>
        /// keeps the cut on a character boundary), and the next window starts where they stop.
        /// </summary>
        internal int EncodeLongPiece(ReadOnlySpan<char> piece, List<int>? ids)
        {
            int count = 0;
            double charsPerToken = 3;
            while (piece.Length > WindowChars)
            {
                int size = WindowChars;
                if (char.IsHighSurrogate(piece[size - 1])) size--;
                ReadOnlySpan<char> window = piece.Slice(0, size);

                // ask for about as many tokens as end before the margin; fewer when they reach into it
                int want = Math.Max(1, (int)((size - WindowMarginChars * 3 / 2) / charsPerToken));
                int consumed, got;
                while (true)
                {
                    consumed = tokenizer.GetIndexByTokenCount(window, want, out _, out got, false, false);
                    if (consumed <= size - WindowMarginChars || want == 1) break;
                    want = Math.Max(1, want * 2 / 3);
                }

                if (consumed == 0 || consumed > size - WindowMarginChars)
                {
                    // no token ends before the margin (one token as long as the window): cut there
                    consumed = size - WindowMarginChars;
                    if (char.IsLowSurrogate(piece[consumed])) consumed--;
                    count += EncodePiece(piece.Slice(0, consumed), ids);
                }
                else
                {
                    // the window's tokens end at 'consumed', so encoding the part before it alone gives them again
                    if (ids != null) EncodePiece(piece.Slice(0, consumed), ids);
                    count += got;
                    charsPerToken = Math.Max(1, (double)consumed / got);
                }

                piece = piece.Slice(consumed);
            }

            return count + EncodePiece(piece, ids);
        }

        [MethodImpl(Hot.Path)]
        private static bool HasSurrogate(string s)
        {
            foreach (char c in s)
            {
                if (char.IsSurrogate(c)) return true;
            }

            return false;
        }

        // clean: lone surrogates replaced by U+FFFD (same length). shadow: every surrogate pair of clean
        // replaced by one BMP character that the patterns treat alike. map: shadow index -> clean index
        // (one entry more than shadow's length).
        private static (string Clean, string Shadow, int[] Map) Shadow(string text)
        {
            char[] clean = text.ToCharArray();
            var shadow = new char[clean.Length];
            var map = new int[clean.Length + 1];
            int n = 0;
            for (int i = 0; i < clean.Length; i++)
            {
                char c = clean[i];
                map[n] = i;
                if (char.IsHighSurrogate(c) && i + 1 < clean.Length && char.IsLowSurrogate(clean[i + 1]))
                {
                    shadow[n++] = Representative(CharUnicodeInfo.GetUnicodeCategory(text, i));
                    i++;
                }
                else if (char.IsSurrogate(c))
                {
                    clean[i] = '\uFFFD';
                    shadow[n++] = '\uFFFD';
                }
                else
                {
                    shadow[n++] = c;
                }
            }

            map[n] = clean.Length;
            return (new string(clean), new string(shadow, 0, n), map);
        }

        // A BMP character of the same class for both patterns: Lu, Ll, Lt, Lm, Lo, M, N, or other (no
        // supplementary character is white space, a line break, ' or /).
        private static char Representative(UnicodeCategory category) => category switch
        {
            UnicodeCategory.UppercaseLetter => 'A',
            UnicodeCategory.LowercaseLetter => 'a',
            UnicodeCategory.TitlecaseLetter => '\u01C5',
            UnicodeCategory.ModifierLetter => '\u02B0',
            UnicodeCategory.OtherLetter => '\u05D0',
            UnicodeCategory.NonSpacingMark => '\u0300',
            UnicodeCategory.SpacingCombiningMark => '\u0903',
            UnicodeCategory.EnclosingMark => '\u20DD',
            UnicodeCategory.DecimalDigitNumber => '0',
            UnicodeCategory.LetterNumber => '\u2160',
            UnicodeCategory.OtherNumber => '\u00B2',
            _ => '\u00A9',
        };
    }

    /// <summary>A token count and whether it is exact (see <see cref="TokenEncoder.Measure"/>).</summary>
    public readonly struct TokenCount
    {
        /// <summary>Creates a count.</summary>
        public TokenCount(int tokens, bool approximate)
        {
            Tokens = tokens;
            Approximate = approximate;
        }

        /// <summary>The number of tokens.</summary>
        public int Tokens { get; }

        /// <summary>
        /// True when a pre-token longer than <see cref="TokenEncoder.MaxExactPieceChars"/> was encoded in
        /// windows to keep counting fast (see <see cref="TokenEncoder"/>); equal to tiktoken in every test.
        /// </summary>
        public bool Approximate { get; }

        /// <inheritdoc/>
        public override string ToString() => Approximate ? "~" + Tokens.ToString(CultureInfo.InvariantCulture) : Tokens.ToString(CultureInfo.InvariantCulture);
    }
}
