using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;

namespace FineTune.Engine.Embeddings
{
    /// <summary>What to compare (the parameters of Find-FineTuneDuplicate).</summary>
    public sealed class DuplicateOptions
    {
        /// <summary>The training file (JSONL).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The validation file (JSONL), or null to look within <see cref="Path"/> only.</summary>
        public string? ValidationPath { get; set; }

        /// <summary>Pairs at or above this cosine similarity are reported (0–1; default 0.95).</summary>
        public double Threshold { get; set; } = 0.95;

        /// <summary>Also look for near-duplicates within the training file (always done without a validation file).</summary>
        public bool Within { get; set; }

        /// <summary>How to embed; the journal defaults to PATH.embedding-journal.jsonl (kept: a re-run with another threshold sends nothing).</summary>
        public EmbeddingOptions Embedding { get; set; } = new EmbeddingOptions();
    }

    /// <summary>Two examples that say nearly the same.</summary>
    public sealed class DuplicatePair
    {
        /// <summary><c>Leakage</c> (a validation example close to a training example: the evaluation looks better than it is) or <c>Within</c> (two examples of one file).</summary>
        public string Kind { get; set; } = string.Empty;

        /// <summary>Cosine similarity of the two examples' embeddings, 0–1 (1: the same text).</summary>
        public double Similarity { get; set; }

        /// <summary>The file of the first example (the validation file for leakage).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Its 1-based line.</summary>
        public long Line { get; set; }

        /// <summary>The file of the other example (the training file).</summary>
        public string OtherPath { get; set; } = string.Empty;

        /// <summary>Its 1-based line.</summary>
        public long OtherLine { get; set; }

        /// <summary>Whether the two texts are identical.</summary>
        public bool Identical { get; set; }

        /// <summary>The start of the first example's text (at most 120 characters).</summary>
        public string Excerpt { get; set; } = string.Empty;

        /// <summary>The start of the other's.</summary>
        public string OtherExcerpt { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => $"{Kind} {System.IO.Path.GetFileName(Path)}:{Line} ~ {System.IO.Path.GetFileName(OtherPath)}:{OtherLine} {Similarity:0.000}";
    }

    /// <summary>The pairs found and what the check sent and cost.</summary>
    public sealed class DuplicateReport
    {
        /// <summary>The pairs, most similar first.</summary>
        public IReadOnlyList<DuplicatePair> Pairs { get; set; } = Array.Empty<DuplicatePair>();

        /// <summary>The run's embedding figures.</summary>
        public EmbeddingRun Run { get; set; } = new EmbeddingRun();
    }

    /// <summary>
    /// Near-duplicate examples by embedding: every example's text (a chat example's message contents, a legacy
    /// example's prompt and completion, cut at 8,192 tokens) is embedded (<see cref="Embedder"/>, journaled), and every
    /// validation example is compared with every training example (leakage), and, within a file, every example with
    /// every later one, by cosine similarity (<see cref="VectorMath"/>).
    /// </summary>
    public static class DuplicateFinder
    {
        /// <summary>The default journal: PATH.embedding-journal.jsonl.</summary>
        public static string JournalOf(string path) => System.IO.Path.GetFullPath(path) + ".embedding-journal.jsonl";

        /// <summary>The texts to embed and the plan (cost) of embedding them; sends nothing. Throws <see cref="InvalidDataException"/> naming file and line.</summary>
        public static (IReadOnlyList<(string Path, long Line, string Text)> Examples, EmbeddingPlan Plan) Plan(DuplicateOptions options)
        {
            var examples = Examples(options);
            return (examples, Embedder.Plan(examples.Select(e => e.Text).ToList(), options.Embedding.WithJournal(JournalOf(options.Path))));
        }

        /// <summary>Embeds the examples and compares them (see the class).</summary>
        public static async Task<DuplicateReport> FindAsync(IFineTuneProvider provider, DuplicateOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            if (options.Threshold < 0 || options.Threshold > 1) throw new ArgumentException($"The threshold is a cosine similarity from 0 to 1, not {options.Threshold}.");
            var examples = Examples(options);
            EmbeddingRun run = await Embedder.EmbedAsync(provider, examples.Select(e => e.Text).ToList(), options.Embedding.WithJournal(JournalOf(options.Path)), feedback, cancellationToken).ConfigureAwait(false);
            if (examples.Count == 0) return new DuplicateReport { Run = run };
            int dims = run.Vectors[0].Length;
            string training = System.IO.Path.GetFullPath(options.Path);
            var rows = Enumerable.Range(0, examples.Count).Where(i => examples[i].Path == training).ToList();
            var block = new float[rows.Count * dims];
            for (int r = 0; r < rows.Count; r++) Array.Copy(run.Vectors[rows[r]], 0, block, r * dims, dims);
            var scores = new float[Math.Max(1, rows.Count)];
            var pairs = new List<DuplicatePair>();
            float threshold = (float)options.Threshold - 1e-6f; // float rounding: an identical text scores 0.9999999
            if (options.ValidationPath != null)
            {
                foreach (int v in Enumerable.Range(0, examples.Count).Where(i => examples[i].Path != training))
                {
                    foreach ((int row, float score) in VectorMath.Top(block, dims, run.Vectors[v], int.MaxValue, scores, threshold))
                    {
                        pairs.Add(Pair("Leakage", examples[v], examples[rows[row]], score));
                    }
                }
            }

            if (options.Within || options.ValidationPath == null)
            {
                for (int r = 0; r + 1 < rows.Count; r++)
                {
                    ReadOnlySpan<float> later = new ReadOnlySpan<float>(block, (r + 1) * dims, (rows.Count - r - 1) * dims);
                    foreach ((int row, float score) in VectorMath.Top(later, dims, run.Vectors[rows[r]], int.MaxValue, scores, threshold))
                    {
                        pairs.Add(Pair("Within", examples[rows[r]], examples[rows[r + 1 + row]], score));
                    }
                }
            }

            return new DuplicateReport { Pairs = pairs.OrderByDescending(p => p.Similarity).ThenBy(p => p.Line).ToList(), Run = run };
        }

        private static DuplicatePair Pair(string kind, (string Path, long Line, string Text) a, (string Path, long Line, string Text) b, float score) => new DuplicatePair
        {
            Kind = kind,
            Similarity = Math.Round(Math.Min(1.0, score), 4),
            Path = a.Path,
            Line = a.Line,
            OtherPath = b.Path,
            OtherLine = b.Line,
            Identical = string.Equals(a.Text, b.Text, StringComparison.Ordinal),
            Excerpt = Excerpt(a.Text),
            OtherExcerpt = Excerpt(b.Text),
        };

        private static string Excerpt(string text)
        {
            string flat = string.Join(" ", text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
            return flat.Length <= 120 ? flat : flat.Substring(0, 119) + "…";
        }

        private static List<(string Path, long Line, string Text)> Examples(DuplicateOptions options)
        {
            var examples = Read(options.Path).ToList();
            if (options.ValidationPath != null) examples.AddRange(Read(options.ValidationPath));
            return examples;
        }

        // Each non-blank line's text (a legacy example: prompt and completion), cut to what one input may hold.
        private static IEnumerable<(string Path, long Line, string Text)> Read(string path)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full)) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            foreach ((long line, _, string text) in KnowledgeIndexBuilder.JsonlRecords(full, path, null))
            {
                if (text.Trim().Length == 0) continue;
                yield return (full, line, Chunker.Truncate(text, Embedder.MaxTokensPerInput));
            }
        }
    }
}
