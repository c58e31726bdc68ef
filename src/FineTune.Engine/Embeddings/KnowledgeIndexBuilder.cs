using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using CsvHelper;
using CsvHelper.Configuration;
using FineTune.Engine.IO;
using FineTune.Engine.Providers;

namespace FineTune.Engine.Embeddings
{
    /// <summary>What to index and where (the parameters of New-FineTuneKnowledgeIndex).</summary>
    public sealed class KnowledgeIndexOptions
    {
        /// <summary>The index file to write (replaced atomically; an existing index's unchanged chunks keep their vectors).</summary>
        public string IndexPath { get; set; } = string.Empty;

        /// <summary>CSV files (a header row), JSONL files, text or markdown files, and folders (every .csv, .jsonl, .txt, .md and .markdown file below them).</summary>
        public IReadOnlyList<string> Sources { get; set; } = Array.Empty<string>();

        /// <summary>The CSV columns or JSONL fields whose values make a record's text; null: every column (every string field; a chat example's message contents).</summary>
        public IReadOnlyList<string>? Columns { get; set; }

        /// <summary>The largest chunk in tokens (16–8,192; default 512).</summary>
        public int ChunkTokens { get; set; } = 512;

        /// <summary>Tokens a chunk repeats of the one before (0 to half a chunk; default 64).</summary>
        public int OverlapTokens { get; set; } = 64;

        /// <summary>How to embed (model, dimensions, throttle; the journal defaults to INDEX.journal.jsonl and is removed once the index is written).</summary>
        public EmbeddingOptions Embedding { get; set; } = new EmbeddingOptions();
    }

    /// <summary>What building an index will do, before anything is sent: chunks, what is reused, what is embedded and its cost.</summary>
    public sealed class KnowledgeIndexPlan
    {
        /// <summary>Every chunk of the sources, in order.</summary>
        public IReadOnlyList<KnowledgeChunk> Chunks { get; set; } = Array.Empty<KnowledgeChunk>();

        /// <summary>Source files read.</summary>
        public int Files { get; set; }

        /// <summary>Records (CSV rows, JSONL lines, text files) read.</summary>
        public int Records { get; set; }

        /// <summary>Chunks whose vector comes from the existing index (same text, model and dimensions).</summary>
        public int Reused { get; set; }

        /// <summary>The embedding requests and cost of the other chunks.</summary>
        public EmbeddingPlan Embedding { get; set; } = new EmbeddingPlan();

        internal Dictionary<string, float[]> ReusedVectors { get; set; } = new Dictionary<string, float[]>(StringComparer.Ordinal);

        internal List<string> ToEmbed { get; set; } = new List<string>();
    }

    /// <summary>An index as written: its file, model, sizes, and what building it sent and cost.</summary>
    public sealed class KnowledgeIndexInfo
    {
        /// <summary>The index file.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>The embedding model (or Azure deployment).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>Components per vector.</summary>
        public int Dimensions { get; set; }

        /// <summary>Source files read.</summary>
        public int Files { get; set; }

        /// <summary>Records read.</summary>
        public int Records { get; set; }

        /// <summary>Chunks (= vectors) in the index.</summary>
        public int Chunks { get; set; }

        /// <summary>Chunks whose vector was kept from the index as it was.</summary>
        public int Reused { get; set; }

        /// <summary>Chunks embedded in this run (the journal of an interrupted run counts as embedded earlier, not here).</summary>
        public int Embedded { get; set; }

        /// <summary>Embedding requests sent.</summary>
        public int Requests { get; set; }

        /// <summary>Tokens billed.</summary>
        public long Tokens { get; set; }

        /// <summary>What this run cost (USD); null without a catalog price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>The file's size in bytes.</summary>
        public long Bytes { get; set; }

        /// <summary>Chunks embedded per second.</summary>
        public double ChunksPerSecond { get; set; }
    }

    /// <summary>
    /// Builds a <see cref="KnowledgeIndex"/> from CSV rows, JSONL records and text or markdown files: each record is cut
    /// into token-aware chunks (<see cref="Chunker"/>) that keep their source, record and line; chunks whose text (SHA-256)
    /// is already in the existing index with the same model and dimensions keep their vectors, the others are embedded
    /// (<see cref="Embedder"/>), and the index is written atomically. An unchanged source sends nothing.
    /// </summary>
    public static class KnowledgeIndexBuilder
    {
        /// <summary>
        /// Reads and chunks the sources and plans the embedding (no request is sent). Throws
        /// <see cref="FileNotFoundException"/>, <see cref="InvalidDataException"/> naming file, line and field (a bad JSONL
        /// line, a CSV without the column), <see cref="ArgumentException"/> (bad sizes; no text at all).
        /// </summary>
        public static KnowledgeIndexPlan Plan(KnowledgeIndexOptions options, IFeedback feedback)
        {
            var plan = new KnowledgeIndexPlan();
            var chunks = new List<KnowledgeChunk>();
            foreach ((string source, string display) in Files(options.Sources))
            {
                plan.Files++;
                foreach ((long record, long line, string text) in Records(source, display, options.Columns))
                {
                    plan.Records++;
                    IReadOnlyList<TextChunk> pieces = Chunker.Split(text, options.ChunkTokens, options.OverlapTokens);
                    for (int i = 0; i < pieces.Count; i++)
                    {
                        chunks.Add(new KnowledgeChunk { Source = display, Record = record, Line = line + pieces[i].Line - 1, Chunk = i, Tokens = pieces[i].Tokens, Hash = Hash(pieces[i].Text), Text = pieces[i].Text });
                    }
                }
            }

            if (chunks.Count == 0) throw new ArgumentException($"The sources hold no text to index ({plan.Files} files, {plan.Records} records).");
            plan.Chunks = chunks;

            if (File.Exists(options.IndexPath))
            {
                KnowledgeIndex old = KnowledgeIndex.Load(options.IndexPath);
                if (old.Header.Model == options.Embedding.Model && old.Header.RequestedDimensions == options.Embedding.Dimensions)
                {
                    for (int r = 0; r < old.Header.Count; r++) plan.ReusedVectors[old.Header.Chunks[r].Hash] = old.VectorAt(r).ToArray();
                }
                else
                {
                    feedback.Warning($"The existing index was built with {old.Header.Model} ({old.Header.Dimensions} dimensions); every chunk is embedded again with {options.Embedding.Model}.");
                }
            }

            plan.ToEmbed = chunks.Where(c => !plan.ReusedVectors.ContainsKey(c.Hash)).Select(c => c.Text).Distinct(StringComparer.Ordinal).ToList();
            plan.Reused = chunks.Count(c => plan.ReusedVectors.ContainsKey(c.Hash));
            plan.Embedding = Embedder.Plan(plan.ToEmbed, options.Embedding.WithJournal(JournalOf(options.IndexPath)));
            return plan;
        }

        /// <summary>Embeds what <paramref name="plan"/> says and writes the index (atomically), then removes the journal.</summary>
        public static async Task<KnowledgeIndexInfo> BuildAsync(IFineTuneProvider provider, KnowledgeIndexPlan plan, KnowledgeIndexOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            EmbeddingOptions embedding = options.Embedding.WithJournal(JournalOf(options.IndexPath));
            EmbeddingRun run = plan.ToEmbed.Count == 0 ? new EmbeddingRun() : await Embedder.EmbedAsync(provider, plan.ToEmbed, embedding, feedback, cancellationToken).ConfigureAwait(false);
            var fresh = new Dictionary<string, float[]>(StringComparer.Ordinal);
            for (int i = 0; i < plan.ToEmbed.Count; i++) fresh[Hash(plan.ToEmbed[i])] = run.Vectors[i];
            float[] VectorOf(KnowledgeChunk c) => plan.ReusedVectors.TryGetValue(c.Hash, out float[]? v) ? v : fresh[c.Hash];

            int dims = VectorOf(plan.Chunks[0]).Length;
            KnowledgeChunk? odd = plan.Chunks.FirstOrDefault(c => VectorOf(c).Length != dims);
            if (odd != null) throw new InvalidDataException($"The service answered vectors of {dims} and {VectorOf(odd).Length} dimensions for the same model; the index was not written.");
            var block = new float[plan.Chunks.Count * dims];
            for (int r = 0; r < plan.Chunks.Count; r++) Array.Copy(VectorOf(plan.Chunks[r]), 0, block, r * dims, dims);
            var header = new KnowledgeIndexHeader
            {
                Model = options.Embedding.Model,
                Dimensions = dims,
                RequestedDimensions = options.Embedding.Dimensions,
                ChunkTokens = options.ChunkTokens,
                OverlapTokens = options.OverlapTokens,
                Created = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                Count = plan.Chunks.Count,
                Chunks = plan.Chunks.ToList(),
            };
            var index = new KnowledgeIndex(header, block);
            index.Save(options.IndexPath);
            if (embedding.JournalPath != null) File.Delete(embedding.JournalPath);
            return new KnowledgeIndexInfo
            {
                Path = Path.GetFullPath(options.IndexPath),
                Model = header.Model,
                Dimensions = dims,
                Files = plan.Files,
                Records = plan.Records,
                Chunks = header.Count,
                Reused = plan.Reused,
                Embedded = plan.ToEmbed.Count - run.FromJournal,
                Requests = run.RequestsSent,
                Tokens = run.TokensBilled,
                CostUsd = run.CostUsd ?? (plan.ToEmbed.Count == 0 ? 0m : (decimal?)null),
                Bytes = new FileInfo(options.IndexPath).Length,
                ChunksPerSecond = run.TextsPerSecond,
            };
        }

        /// <summary>The default journal of an index build: INDEX.journal.jsonl.</summary>
        public static string JournalOf(string indexPath) => Path.GetFullPath(indexPath) + ".journal.jsonl";

        internal static string Hash(string text)
        {
            using var sha = SHA256.Create();
            return FileHash.Hex(sha.ComputeHash(Encoding.UTF8.GetBytes(text)));
        }

        // Files given, and the .csv/.jsonl/.txt/.md/.markdown files below folders given (sorted), with the name the index shows.
        private static IEnumerable<(string Path, string Display)> Files(IReadOnlyList<string> sources)
        {
            foreach (string source in sources)
            {
                if (Directory.Exists(source))
                {
                    string root = Path.GetFullPath(source).TrimEnd(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar) + Path.DirectorySeparatorChar;
                    var files = Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                        .Where(f => IsText(f))
                        .OrderBy(f => f, StringComparer.Ordinal);
                    foreach (string f in files) yield return (f, f.Substring(root.Length).Replace('\\', '/'));
                }
                else if (File.Exists(source))
                {
                    yield return (source, Path.GetFileName(source));
                }
                else
                {
                    throw new FileNotFoundException($"The source '{source}' does not exist.", source);
                }
            }
        }

        private static bool IsText(string path) => Extension(path) is ".csv" or ".jsonl" or ".txt" or ".md" or ".markdown";

        private static string Extension(string path) => Path.GetExtension(path).ToLowerInvariant();

        // (record, first line, text) of each record of a file.
        private static IEnumerable<(long Record, long Line, string Text)> Records(string path, string display, IReadOnlyList<string>? columns)
        {
            switch (Extension(path))
            {
                case ".csv":
                    return CsvRecords(path, display, columns);
                case ".jsonl":
                case ".json":
                    return JsonlRecords(path, display, columns);
                default:
                    return new[] { (1L, 1L, File.ReadAllText(path)) };
            }
        }

        private static IEnumerable<(long, long, string)> CsvRecords(string path, string display, IReadOnlyList<string>? columns)
        {
            var config = new CsvConfiguration(CultureInfo.InvariantCulture) { MissingFieldFound = null, BadDataFound = null, DetectColumnCountChanges = false };
            using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            using var csv = new CsvReader(reader, config);
            if (!csv.Read()) yield break;
            csv.ReadHeader();
            string[] header = csv.HeaderRecord ?? Array.Empty<string>();
            int[] take = (columns ?? header).Select(c =>
            {
                int i = Array.FindIndex(header, h => string.Equals(h.Trim(), c, StringComparison.OrdinalIgnoreCase));
                if (i < 0) throw new InvalidDataException($"{display}: there is no column '{c}' (the header has {string.Join(", ", header)}). Give -Column with names of the header.");
                return i;
            }).ToArray();
            long record = 0, lastRow = csv.Parser.RawRow;
            while (csv.Read())
            {
                record++;
                long line = lastRow + 1;
                lastRow = csv.Parser.RawRow;
                var parts = take.Select(i => (Name: header[i], Value: i < csv.Parser.Count ? csv.GetField(i) ?? string.Empty : string.Empty)).Where(p => p.Value.Trim().Length > 0).ToList();
                string text = parts.Count == 1 || take.Length == 1 ? string.Join("\n", parts.Select(p => p.Value)) : string.Join("\n", parts.Select(p => p.Name + ": " + p.Value));
                yield return (record, line, text);
            }
        }

        /// <summary>Each non-blank line of a JSONL file as (line, line, text of its fields or <paramref name="columns"/>); a line that is not a JSON object is an InvalidDataException naming <paramref name="display"/> and the line.</summary>
        internal static IEnumerable<(long, long, string)> JsonlRecords(string path, string display, IReadOnlyList<string>? columns)
        {
            long line = 0;
            foreach (string raw in File.ReadLines(path))
            {
                line++;
                if (raw.Trim().Length == 0) continue;
                JsonDocument doc;
                try
                {
                    doc = JsonDocument.Parse(raw);
                }
                catch (JsonException ex)
                {
                    throw new InvalidDataException($"{display} line {line}: not valid JSON ({ex.Message}). Fix or remove the line.");
                }

                using (doc)
                {
                    if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new InvalidDataException($"{display} line {line}: a JSON {doc.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object.");
                    yield return (line, line, TextOf(doc.RootElement, columns, display, line));
                }
            }
        }

        /// <summary>The text of a JSON record: the <paramref name="fields"/> given ("name: value" lines when several), else a chat example's message contents, else every string field.</summary>
        internal static string TextOf(JsonElement record, IReadOnlyList<string>? fields, string display, long line)
        {
            string Value(JsonElement e) => e.ValueKind == JsonValueKind.String ? e.GetString() ?? string.Empty : e.ValueKind == JsonValueKind.Null ? string.Empty : e.GetRawText();
            if (fields != null)
            {
                var parts = new List<string>();
                foreach (string f in fields)
                {
                    if (!record.TryGetProperty(f, out JsonElement v)) throw new InvalidDataException($"{display} line {line}: there is no field '{f}'. Give -Column with the record's field names.");
                    parts.Add(fields.Count == 1 ? Value(v) : f + ": " + Value(v));
                }

                return string.Join("\n", parts);
            }

            if (record.TryGetProperty("messages", out JsonElement messages) && messages.ValueKind == JsonValueKind.Array)
            {
                return string.Join("\n", messages.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.Object && m.TryGetProperty("content", out _))
                    .Select(m => m.GetProperty("content")).Select(c => c.ValueKind == JsonValueKind.Array
                        ? string.Join(" ", c.EnumerateArray().Where(p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("text", out _)).Select(p => Value(p.GetProperty("text"))))
                        : Value(c)));
            }

            return string.Join("\n", record.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String).Select(p => p.Name + ": " + p.Value.GetString()));
        }
    }
}
