using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FineTune.Engine.IO;

namespace FineTune.Engine.Embeddings
{
    /// <summary>One chunk of a knowledge index: where it comes from, its text and the hash that tells whether it changed.</summary>
    public sealed class KnowledgeChunk
    {
        /// <summary>The source file (as given, or relative to the folder indexed).</summary>
        [JsonPropertyName("source")]
        public string Source { get; set; } = string.Empty;

        /// <summary>The record within the source: a CSV row (1 = the first after the header), a JSONL line, 1 for a text file.</summary>
        [JsonPropertyName("record")]
        public long Record { get; set; }

        /// <summary>The 1-based line of the source file the chunk starts on.</summary>
        [JsonPropertyName("line")]
        public long Line { get; set; }

        /// <summary>The chunk's place within its record (0 = the first).</summary>
        [JsonPropertyName("chunk")]
        public int Chunk { get; set; }

        /// <summary>Tokens of the text (cl100k_base).</summary>
        [JsonPropertyName("tokens")]
        public int Tokens { get; set; }

        /// <summary>Hex SHA-256 of the text: an unchanged chunk keeps its vector when the index is built again.</summary>
        [JsonPropertyName("hash")]
        public string Hash { get; set; } = string.Empty;

        /// <summary>The text that was embedded.</summary>
        [JsonPropertyName("text")]
        public string Text { get; set; } = string.Empty;
    }

    /// <summary>The header of an index file (the first line, JSON): see <see cref="KnowledgeIndex"/>.</summary>
    public sealed class KnowledgeIndexHeader
    {
        /// <summary>Always <see cref="KnowledgeIndex.FormatName"/>.</summary>
        [JsonPropertyName("format")]
        public string Format { get; set; } = KnowledgeIndex.FormatName;

        /// <summary>The format's version (<see cref="KnowledgeIndex.Version"/>).</summary>
        [JsonPropertyName("version")]
        public int Version { get; set; } = KnowledgeIndex.Version;

        /// <summary>The embedding model (or Azure deployment) the vectors come from; queries must use the same.</summary>
        [JsonPropertyName("model")]
        public string Model { get; set; } = string.Empty;

        /// <summary>Components per vector.</summary>
        [JsonPropertyName("dimensions")]
        public int Dimensions { get; set; }

        /// <summary>The <c>dimensions</c> asked of the service, or null for the model's own (a rebuild with other dimensions embeds everything again).</summary>
        [JsonPropertyName("requestedDimensions")]
        public int? RequestedDimensions { get; set; }

        /// <summary>Vectors in the block (= chunks).</summary>
        [JsonPropertyName("count")]
        public int Count { get; set; }

        /// <summary>How the block is stored: <c>float32-le</c>, unit vectors, row after row.</summary>
        [JsonPropertyName("vectors")]
        public string Vectors { get; set; } = "float32-le";

        /// <summary>The tokenizer of the chunk sizes.</summary>
        [JsonPropertyName("encoding")]
        public string Encoding { get; set; } = Tokens.TokenEncoder.Cl100kBase;

        /// <summary>The largest chunk, in tokens.</summary>
        [JsonPropertyName("chunkTokens")]
        public int ChunkTokens { get; set; }

        /// <summary>Tokens each chunk repeats of the one before it.</summary>
        [JsonPropertyName("overlapTokens")]
        public int OverlapTokens { get; set; }

        /// <summary>When the file was written (UTC, ISO 8601).</summary>
        [JsonPropertyName("created")]
        public string Created { get; set; } = string.Empty;

        /// <summary>The chunks, in the order of the vectors.</summary>
        [JsonPropertyName("chunks")]
        public List<KnowledgeChunk> Chunks { get; set; } = new List<KnowledgeChunk>();
    }

    /// <summary>One search result.</summary>
    public sealed class KnowledgeHit
    {
        /// <summary>1 for the best hit of a query.</summary>
        public int Rank { get; set; }

        /// <summary>Cosine similarity of query and chunk, -1 to 1 (higher is closer).</summary>
        public double Score { get; set; }

        /// <summary>The source file.</summary>
        public string Source { get; set; } = string.Empty;

        /// <summary>The record (CSV row, JSONL line).</summary>
        public long Record { get; set; }

        /// <summary>The line of the source file the chunk starts on.</summary>
        public long Line { get; set; }

        /// <summary>The chunk's place within its record.</summary>
        public int Chunk { get; set; }

        /// <summary>The chunk's text.</summary>
        public string Text { get; set; } = string.Empty;

        /// <summary>The query asked.</summary>
        public string Query { get; set; } = string.Empty;

        /// <summary>The index file.</summary>
        public string Path { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => $"{Score:0.000} {Source}:{Line}";
    }

    /// <summary>
    /// A knowledge index on disk (format <see cref="FormatName"/>, version <see cref="Version"/>; docs/KNOWLEDGE-INDEX.md):
    /// one line of UTF-8 JSON (<see cref="KnowledgeIndexHeader"/>: model, dimensions, count, chunks with source,
    /// position, hash and text) ending in <c>\n</c>, then count × dimensions float32 little-endian values, the unit
    /// vectors row after row. numpy reads it with <c>f.readline()</c> and <c>np.fromfile(f, '&lt;f4')</c>. Written
    /// atomically; searched with <see cref="VectorMath"/> (System.Numerics.Tensors).
    /// </summary>
    public sealed class KnowledgeIndex
    {
        /// <summary>The header's <c>format</c>.</summary>
        public const string FormatName = "finetune-knowledge-index";

        /// <summary>The format version this code writes and reads.</summary>
        public const int Version = 1;

        private float[]? scores;

        /// <summary>An index of <paramref name="header"/>'s chunks and their vectors (rows of the block).</summary>
        public KnowledgeIndex(KnowledgeIndexHeader header, float[] vectors)
        {
            if (vectors.Length != (long)header.Count * header.Dimensions) throw new ArgumentException($"{vectors.Length} floats are not {header.Count} vectors of {header.Dimensions}.");
            Header = header;
            Vectors = vectors;
        }

        /// <summary>The header.</summary>
        public KnowledgeIndexHeader Header { get; }

        /// <summary>The vectors, row after row.</summary>
        public float[] Vectors { get; }

        /// <summary>The vector of chunk <paramref name="row"/>.</summary>
        public ReadOnlySpan<float> VectorAt(int row) => new ReadOnlySpan<float>(Vectors, row * Header.Dimensions, Header.Dimensions);

        /// <summary>The <paramref name="top"/> chunks closest to <paramref name="query"/> (a unit vector), best first. Not thread-safe (one scores buffer).</summary>
        public IReadOnlyList<KnowledgeHit> Search(float[] query, int top, string queryText = "", string path = "")
        {
            scores ??= new float[Header.Count];
            return VectorMath.Top(Vectors, Header.Dimensions, query, top, scores).Select((h, i) =>
            {
                KnowledgeChunk c = Header.Chunks[h.Row];
                return new KnowledgeHit { Rank = i + 1, Score = Math.Round(h.Score, 6), Source = c.Source, Record = c.Record, Line = c.Line, Chunk = c.Chunk, Text = c.Text, Query = queryText, Path = path };
            }).ToList();
        }

        /// <summary>Writes the index to <paramref name="path"/> atomically (a reader sees the old file or the new one).</summary>
        public void Save(string path)
        {
            Header.Count = Header.Chunks.Count;
            byte[] header = JsonSerializer.SerializeToUtf8Bytes(Header);
            AtomicFile.Write(path, force: true, stream =>
            {
                stream.Write(header, 0, header.Length);
                stream.WriteByte((byte)'\n');
                var buffer = new byte[1 << 20];
                for (int at = 0; at < Vectors.Length; at += buffer.Length / 4)
                {
                    int n = Math.Min(buffer.Length / 4, Vectors.Length - at);
                    Buffer.BlockCopy(Vectors, at * 4, buffer, 0, n * 4);
                    stream.Write(buffer, 0, n * 4);
                }
            });
        }

        /// <summary>
        /// Reads an index file. Throws <see cref="FileNotFoundException"/>, and <see cref="InvalidDataException"/> naming
        /// the file and what is wrong (not an index, another version, a block of the wrong size).
        /// </summary>
        public static KnowledgeIndex Load(string path)
        {
            if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("Knowledge index files hold little-endian floats; this machine is big-endian.");
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var line = new MemoryStream();
            int b;
            while ((b = stream.ReadByte()) >= 0 && b != '\n') line.WriteByte((byte)b);
            KnowledgeIndexHeader? header = null;
            try
            {
                using JsonDocument doc = JsonDocument.Parse(line.ToArray());
                bool isIndex = doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("format", out JsonElement f) && f.ValueKind == JsonValueKind.String && f.GetString() == FormatName;
                if (isIndex) header = doc.RootElement.Deserialize<KnowledgeIndexHeader>();
            }
            catch (JsonException)
            {
            }

            if (b < 0 || header == null)
            {
                throw new InvalidDataException($"'{path}' is not a knowledge index (its first line is not a JSON header with format \"{FormatName}\"). Build one with New-FineTuneKnowledgeIndex.");
            }

            if (header.Version != Version) throw new InvalidDataException($"'{path}' is a knowledge index of version {header.Version}; this module reads version {Version}. Build it again with this module.");
            if (header.Dimensions < 1 || header.Count != header.Chunks.Count) throw new InvalidDataException($"'{path}': the header says {header.Count} vectors of {header.Dimensions} dimensions but lists {header.Chunks.Count} chunks.");
            long expected = (long)header.Count * header.Dimensions * 4, actual = stream.Length - stream.Position;
            if (actual != expected) throw new InvalidDataException($"'{path}': the vector block has {actual:N0} bytes; {header.Count:N0} vectors of {header.Dimensions:N0} float32 need {expected:N0}. The file is cut or damaged: build it again.");
            var vectors = new float[header.Count * header.Dimensions];
            var buffer = new byte[1 << 20];
            long done = 0;
            while (done < expected)
            {
                int n = stream.Read(buffer, 0, (int)Math.Min(buffer.Length, expected - done));
                if (n <= 0) throw new InvalidDataException($"'{path}' ended early.");
                Buffer.BlockCopy(buffer, 0, vectors, (int)done, n); // byte offsets: a float split between two reads is whole after the next
                done += n;
            }

            return new KnowledgeIndex(header, vectors);
        }
    }
}
