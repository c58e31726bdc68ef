using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using Microsoft.ML.Tokenizers;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// Counts tokens the way OpenAI's reference tokenizer (tiktoken) does, for <c>o200k_base</c> and
    /// <c>cl100k_base</c>, on top of Microsoft.ML.Tokenizers. Ordinary encoding: special-token strings in
    /// text are counted as plain text. Thread-safe; one instance per encoding.
    /// </summary>
    public sealed class TokenEncoder
    {
        /// <summary>The encoding of GPT-4o, GPT-4.1, o-series and GPT-5 models.</summary>
        public const string O200kBase = "o200k_base";

        /// <summary>The encoding of GPT-3.5, GPT-4, babbage-002 and davinci-002.</summary>
        public const string Cl100kBase = "cl100k_base";

        private static readonly ConcurrentDictionary<string, TokenEncoder> Cache = new ConcurrentDictionary<string, TokenEncoder>(StringComparer.Ordinal);

        private readonly Tokenizer tokenizer;

        private TokenEncoder(string encoding)
        {
            EncodingName = encoding;
            tokenizer = TiktokenTokenizer.CreateForEncoding(encoding);
        }

        /// <summary>The encoding's name: <c>o200k_base</c> or <c>cl100k_base</c>.</summary>
        public string EncodingName { get; }

        /// <summary>The encoder for an encoding name. Throws <see cref="ArgumentException"/> for an unknown one.</summary>
        public static TokenEncoder ForEncoding(string encoding)
        {
            if (encoding != O200kBase && encoding != Cl100kBase)
            {
                throw new ArgumentException($"Unknown encoding '{encoding}'. Use {O200kBase} or {Cl100kBase}.", nameof(encoding));
            }

            return Cache.GetOrAdd(encoding, e => new TokenEncoder(e));
        }

        /// <summary>The encoder of a model (fine-tuned names map by their base model).</summary>
        public static TokenEncoder ForModel(string model) => ForEncoding(EncodingOf(model));

        /// <summary>
        /// The encoding of a model name (OPENAI-FACTS.md, Counting tokens): o200k_base for gpt-4o*, gpt-4.1*,
        /// o-series and gpt-5*; cl100k_base for gpt-3.5*, gpt-4, babbage-002, davinci-002, text-embedding-*.
        /// <c>ft:BASE:...</c> and Azure's <c>BASE.ft-HEX</c> map by BASE.
        /// </summary>
        public static string EncodingOf(string model)
        {
            if (string.IsNullOrWhiteSpace(model)) throw new ArgumentException("A model name is needed to pick an encoding.", nameof(model));
            string name = Service.FineTuneModel.BaseModelOf(model) ?? model;
            name = name.Trim().ToLowerInvariant();
            if (name.StartsWith("gpt-4o", StringComparison.Ordinal) || name.StartsWith("gpt-4.1", StringComparison.Ordinal) ||
                name.StartsWith("gpt-5", StringComparison.Ordinal) || name.StartsWith("o1", StringComparison.Ordinal) ||
                name.StartsWith("o3", StringComparison.Ordinal) || name.StartsWith("o4", StringComparison.Ordinal) ||
                name.StartsWith("gpt-oss", StringComparison.Ordinal))
            {
                return O200kBase;
            }

            if (name.StartsWith("gpt-3.5", StringComparison.Ordinal) || name.StartsWith("gpt-35", StringComparison.Ordinal) ||
                name.StartsWith("gpt-4", StringComparison.Ordinal) || name == "babbage-002" || name == "davinci-002" ||
                name.StartsWith("text-embedding-", StringComparison.Ordinal))
            {
                return Cl100kBase;
            }

            throw new ArgumentException($"No known encoding for model '{model}'. Pass -Encoding o200k_base or cl100k_base.", nameof(model));
        }

        /// <summary>The number of tokens in <paramref name="text"/> (ordinary encoding).</summary>
        public int Count(string text) => string.IsNullOrEmpty(text) ? 0 : tokenizer.CountTokens(text, considerPreTokenization: true, considerNormalization: true);

        /// <summary>The token ids of <paramref name="text"/> (ordinary encoding).</summary>
        public IReadOnlyList<int> Encode(string text) => string.IsNullOrEmpty(text) ? Array.Empty<int>() : tokenizer.EncodeToIds(text);
    }
}
