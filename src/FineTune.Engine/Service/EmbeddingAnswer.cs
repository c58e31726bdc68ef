using System;
using System.Collections.Generic;

namespace FineTune.Engine.Service
{
    /// <summary>The answer of one embeddings request (<c>POST /embeddings</c>): one vector per input, in input order, and the tokens billed.</summary>
    public sealed class EmbeddingAnswer
    {
        /// <summary>One vector per input, in the order of the inputs (float32 components; length 1 for OpenAI's models).</summary>
        public IReadOnlyList<float[]> Vectors { get; set; } = Array.Empty<float[]>();

        /// <summary>Input tokens billed (<c>usage.prompt_tokens</c>; 0 when the service reports none).</summary>
        public long PromptTokens { get; set; }

        /// <summary>The model that answered, as the service names it.</summary>
        public string Model { get; set; } = string.Empty;
    }
}
