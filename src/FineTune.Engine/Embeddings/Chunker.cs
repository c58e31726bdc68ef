using System;
using System.Collections.Generic;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Embeddings
{
    /// <summary>One piece of a text: where it starts (UTF-16 offset and 1-based line) and its tokens.</summary>
    public sealed class TextChunk
    {
        /// <summary>The chunk's text.</summary>
        public string Text { get; set; } = string.Empty;

        /// <summary>The offset of its first character in the whole text (UTF-16 code units).</summary>
        public int Start { get; set; }

        /// <summary>The 1-based line of the whole text the chunk starts on.</summary>
        public int Line { get; set; }

        /// <summary>Its tokens (cl100k_base, counted word by word: the exact count or a few more).</summary>
        public int Tokens { get; set; }
    }

    /// <summary>
    /// Token-aware chunking: a text is cut between words (a word and the white space after it stay together) into
    /// chunks of at most <c>chunkTokens</c> tokens (cl100k_base, counted per word), each next chunk starting
    /// <c>overlapTokens</c> tokens before the previous one ended, so that a sentence cut in two is whole in one of
    /// them. A single word longer than a chunk (a URL, a blob) is cut by characters.
    /// </summary>
    public static class Chunker
    {
        private static readonly Regex Words = new Regex(@"\S+\s*|\s+", RegexOptions.Compiled | RegexOptions.CultureInvariant);

        /// <summary>
        /// Cuts <paramref name="text"/> (see the class). <paramref name="chunkTokens"/> 16–8,192;
        /// <paramref name="overlapTokens"/> 0 to half a chunk. Throws <see cref="ArgumentException"/> otherwise.
        /// Empty or white-space text gives no chunk.
        /// </summary>
        public static IReadOnlyList<TextChunk> Split(string text, int chunkTokens, int overlapTokens)
        {
            if (chunkTokens < 16 || chunkTokens > Embedder.MaxTokensPerInput) throw new ArgumentException($"Chunk size must be from 16 to {Embedder.MaxTokensPerInput:N0} tokens, not {chunkTokens}.");
            if (overlapTokens < 0 || overlapTokens > chunkTokens / 2) throw new ArgumentException($"The overlap must be from 0 to half the chunk size ({chunkTokens / 2} tokens), not {overlapTokens}.");
            var chunks = new List<TextChunk>();
            if (string.IsNullOrWhiteSpace(text)) return chunks;

            var pieces = new List<(int Start, int Length, int Tokens)>();
            int cut = Math.Max(8, chunkTokens / 2); // characters of a cut word: at most about a chunk of tokens
            foreach (Match m in Words.Matches(text))
            {
                int tokens = Embedder.Encoder.Count(m.Value);
                if (tokens <= chunkTokens)
                {
                    pieces.Add((m.Index, m.Length, tokens));
                    continue;
                }

                for (int at = 0; at < m.Length; at += cut)
                {
                    int length = Math.Min(cut, m.Length - at);
                    pieces.Add((m.Index + at, length, Embedder.Encoder.Count(text.Substring(m.Index + at, length))));
                }
            }

            int first = 0;
            while (first < pieces.Count)
            {
                int last = first, tokens = 0;
                while (last < pieces.Count && (last == first || tokens + pieces[last].Tokens <= chunkTokens))
                {
                    tokens += pieces[last].Tokens;
                    last++;
                }

                int start = pieces[first].Start, end = pieces[last - 1].Start + pieces[last - 1].Length;
                string body = text.Substring(start, end - start).Trim();
                if (body.Length > 0) chunks.Add(new TextChunk { Text = body, Start = start, Line = LineAt(text, start), Tokens = tokens });
                if (last >= pieces.Count) break;

                // the next chunk starts overlapTokens before this one's end (and always after this one's start)
                int next = last, back = 0;
                while (next - 1 > first && back + pieces[next - 1].Tokens <= overlapTokens)
                {
                    back += pieces[next - 1].Tokens;
                    next--;
                }

                first = next;
            }

            return chunks;
        }

        private static int LineAt(string text, int offset)
        {
            int line = 1;
            for (int i = text.IndexOf('\n'); i >= 0 && i < offset; i = text.IndexOf('\n', i + 1)) line++;
            return line;
        }

        /// <summary>The first <paramref name="maxTokens"/> tokens of <paramref name="text"/> (at most; cut between words), or the text when it is shorter.</summary>
        public static string Truncate(string text, int maxTokens)
        {
            if (Embedder.Encoder.Count(text) <= maxTokens) return text;
            IReadOnlyList<TextChunk> chunks = Split(text, maxTokens, 0);
            return chunks.Count > 0 ? chunks[0].Text : text;
        }
    }
}
