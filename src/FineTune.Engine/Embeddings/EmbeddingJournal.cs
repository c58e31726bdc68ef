using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FineTune.Engine.Embeddings
{
    /// <summary>
    /// The vectors an embedding run received: a JSONL file with one line per text, <c>{"key","vector"}</c>, the key a
    /// hex SHA-256 of model, dimensions and text (<see cref="KeyOf"/>), the vector base64 of float32 little-endian
    /// values; a batch sent through the Batch API is a line <c>{"batch","keys"}</c> (its id and the keys of its texts), so
    /// that a re-run picks it up instead of sending its texts again. Lines are appended and flushed as each answer arrives, so an interrupted run (Ctrl+C, a lost
    /// connection, a quota error) loses at most the requests in flight; a torn last line is ignored on reading.
    /// Without a path it keeps the vectors in memory only. Thread-safe.
    /// </summary>
    internal sealed class EmbeddingJournal : IDisposable
    {
        private readonly object sync = new object();
        private readonly Dictionary<string, float[]> vectors = new Dictionary<string, float[]>(StringComparer.Ordinal);
        private readonly Dictionary<string, string> batches = new Dictionary<string, string>(StringComparer.Ordinal);
        private readonly StreamWriter? writer;

        private EmbeddingJournal(StreamWriter? writer) => this.writer = writer;

        /// <summary>Opens the journal at <paramref name="path"/> (created on the first vector unless <paramref name="readOnly"/>); null keeps vectors in memory.</summary>
        public static EmbeddingJournal Open(string? path, bool readOnly)
        {
            bool exists = path != null && File.Exists(path);
            StreamWriter? writer = null;
            if (path != null && !readOnly)
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path)) ?? ".");
                writer = new StreamWriter(new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false)) { NewLine = "\n" };
            }

            var journal = new EmbeddingJournal(writer);
            if (!exists) return journal;
            string text;
            using (var reader = new StreamReader(new FileStream(path!, FileMode.Open, FileAccess.Read, FileShare.ReadWrite), Encoding.UTF8)) text = reader.ReadToEnd();
            if (writer != null && text.Length > 0 && text[text.Length - 1] != '\n') writer.Write('\n');
            foreach (string line in text.Split('\n'))
            {
                if (line.Trim().Length == 0) continue;
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(line);
                    if (doc.RootElement.TryGetProperty("batch", out JsonElement batch))
                    {
                        foreach (JsonElement k in doc.RootElement.GetProperty("keys").EnumerateArray()) journal.batches[k.GetString() ?? string.Empty] = batch.GetString() ?? string.Empty;
                        continue;
                    }

                    string? key = doc.RootElement.GetProperty("key").GetString();
                    byte[] bytes = Convert.FromBase64String(doc.RootElement.GetProperty("vector").GetString() ?? string.Empty);
                    if (key == null || bytes.Length == 0 || bytes.Length % 4 != 0) continue;
                    var v = new float[bytes.Length / 4];
                    Buffer.BlockCopy(bytes, 0, v, 0, bytes.Length);
                    journal.vectors[key] = v;
                }
                catch (Exception ex) when (ex is JsonException || ex is FormatException || ex is KeyNotFoundException || ex is InvalidOperationException)
                {
                    // a torn line from an interrupted run: that text is sent again
                }
            }

            return journal;
        }

        /// <summary>The key of a text: hex SHA-256 of model, dimensions (or "native") and the text.</summary>
        public static string KeyOf(string model, int? dimensions, string text)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(model + "\n" + (dimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "native") + "\n" + text));
            return IO.FileHash.Hex(hash);
        }

        /// <summary>Whether the journal holds <paramref name="key"/>.</summary>
        public bool Contains(string key)
        {
            lock (sync) return vectors.ContainsKey(key);
        }

        /// <summary>The vector of <paramref name="key"/>; throws <see cref="KeyNotFoundException"/> when missing.</summary>
        public float[] Get(string key)
        {
            lock (sync) return vectors[key];
        }

        /// <summary>The batch a text went in (an earlier run's), or null.</summary>
        public string? BatchOf(string key)
        {
            lock (sync) return batches.TryGetValue(key, out string? id) ? id : null;
        }

        /// <summary>Records that the texts of <paramref name="keys"/> went in batch <paramref name="id"/>, and flushes it.</summary>
        public void AddBatch(string id, IReadOnlyList<string> keys)
        {
            lock (sync)
            {
                foreach (string key in keys) batches[key] = id;
                writer?.WriteLine(new System.Text.Json.Nodes.JsonObject { ["batch"] = id, ["keys"] = new System.Text.Json.Nodes.JsonArray(keys.Select(k => (System.Text.Json.Nodes.JsonNode?)k).ToArray()) }.ToJsonString());
                writer?.Flush();
            }
        }

        /// <summary>Records a vector and flushes it.</summary>
        public void Add(string key, float[] vector)
        {
            string? line = null;
            if (writer != null)
            {
                var bytes = new byte[vector.Length * 4];
                Buffer.BlockCopy(vector, 0, bytes, 0, bytes.Length);
                line = "{\"key\":\"" + key + "\",\"vector\":\"" + Convert.ToBase64String(bytes) + "\"}";
            }

            lock (sync)
            {
                vectors[key] = vector;
                if (writer == null) return;
                writer.WriteLine(line);
                writer.Flush();
            }
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            lock (sync) writer?.Dispose();
        }
    }
}
