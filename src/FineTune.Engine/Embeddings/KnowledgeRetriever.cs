using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;

namespace FineTune.Engine.Embeddings
{
    /// <summary>The passages found for one question, and what embedding the question cost.</summary>
    public sealed class RetrievedPassages
    {
        /// <summary>The best chunks, best first.</summary>
        public IReadOnlyList<KnowledgeHit> Hits { get; set; } = Array.Empty<KnowledgeHit>();

        /// <summary>The question's tokens (cl100k_base).</summary>
        public long QueryTokens { get; set; }

        /// <summary>Embedding the question (USD, the catalog's input price of the index's model); null without a price.</summary>
        public decimal? QueryCostUsd { get; set; }
    }

    /// <summary>
    /// Retrieval for a model call: embeds questions with the index's own model (one run of <see cref="Embedder"/>,
    /// journaled) and finds the <see cref="Top"/> chunks of a <see cref="KnowledgeIndex"/> for each;
    /// <see cref="SystemMessage"/> turns them into the passages a model is given.
    /// </summary>
    public sealed class KnowledgeRetriever
    {
        private readonly IFineTuneProvider provider;
        private readonly string priceProvider;

        /// <summary>A retriever over the index at <paramref name="indexPath"/> (read now; throws as <see cref="KnowledgeIndex.Load"/>) that embeds through <paramref name="provider"/>.</summary>
        public KnowledgeRetriever(IFineTuneProvider provider, string indexPath, int top)
        {
            if (top < 1) throw new ArgumentException($"Give at least one passage a question, not {top}.");
            this.provider = provider;
            priceProvider = provider.Name;
            IndexPath = indexPath;
            Index = KnowledgeIndex.Load(indexPath);
            Top = top;
        }

        /// <summary>The index file.</summary>
        public string IndexPath { get; }

        /// <summary>The index.</summary>
        public KnowledgeIndex Index { get; }

        /// <summary>Passages a question.</summary>
        public int Top { get; }

        /// <summary>The passages of each question, in order; the question vectors go to <paramref name="journalPath"/> (null: none). Returns the requests sent too.</summary>
        public async Task<(IReadOnlyList<RetrievedPassages> Passages, int Requests)> RetrieveAsync(IReadOnlyList<string> questions, string? journalPath, IFeedback feedback, CancellationToken cancellationToken)
        {
            var options = new EmbeddingOptions { Model = Index.Header.Model, Dimensions = Index.Header.RequestedDimensions, JournalPath = journalPath, Provider = priceProvider };
            var asked = questions.Select(q => string.IsNullOrWhiteSpace(q) ? "(empty question)" : q).ToList();
            EmbeddingRun run = await Embedder.EmbedAsync(provider, asked, options, feedback, cancellationToken).ConfigureAwait(false);
            var list = new List<RetrievedPassages>(asked.Count);
            for (int i = 0; i < asked.Count; i++)
            {
                if (run.Vectors[i].Length != Index.Header.Dimensions) throw new InvalidOperationException($"The service answered a vector of {run.Vectors[i].Length} dimensions; the index {IndexPath} has {Index.Header.Dimensions}.");
                long tokens = Embedder.Encoder.Count(asked[i]);
                list.Add(new RetrievedPassages
                {
                    Hits = Index.Search(run.Vectors[i], Top, asked[i], IndexPath),
                    QueryTokens = tokens,
                    QueryCostUsd = Embedder.Cost(options.Model, tokens, priceProvider).CostUsd,
                });
            }

            return (list, run.RequestsSent);
        }

        /// <summary>The passages as a model is given them: a short instruction, then each passage numbered with its source and line.</summary>
        public static string SystemMessage(IReadOnlyList<KnowledgeHit> hits)
        {
            var text = new StringBuilder("Use these passages from the knowledge base when they help to answer; ignore them when they do not.");
            for (int i = 0; i < hits.Count; i++)
            {
                text.Append(string.Format(CultureInfo.InvariantCulture, "\n\n[{0}] ({1}, line {2})\n{3}", i + 1, hits[i].Source, hits[i].Line, hits[i].Text));
            }

            return text.ToString();
        }
    }
}
