using System;
using System.Collections.Generic;
using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace FineTune.Engine.Moderation
{
    /// <summary>
    /// The resume journal: a JSONL file with one entry per screened example,
    /// <c>{"key","line","flagged","categories","scores","role","source","excerpt"}</c>. The key is a hash
    /// of the moderation model and the line's text (SHA-256, hex), so an example is screened once whatever
    /// line it moves to, and an edited line (or another model) is screened again. Entries are appended and
    /// flushed after every request, so an interrupted run (Ctrl+C, a crash, a quota error) loses at most the
    /// requests that were in flight. A torn last line is ignored on reading.
    /// </summary>
    internal sealed class ModerationJournal : IDisposable
    {
        private readonly Dictionary<string, JournalEntry> entries = new Dictionary<string, JournalEntry>(StringComparer.Ordinal);
        private readonly StreamWriter? writer;

        private ModerationJournal(string? path, StreamWriter? writer)
        {
            Path = path;
            this.writer = writer;
        }

        /// <summary>The journal's path, or null when there is none.</summary>
        public string? Path { get; }

        /// <summary>Entries read at open.</summary>
        public int Count => entries.Count;

        /// <summary>Opens (or creates) the journal at <paramref name="path"/>; null gives a journal that keeps nothing.</summary>
        /// <exception cref="IOException">The file cannot be read or written.</exception>
        /// <exception cref="UnauthorizedAccessException">The folder cannot be written.</exception>
        public static ModerationJournal Open(string? path)
        {
            if (path == null) return new ModerationJournal(null, null);
            var loaded = new List<JournalEntry>();
            bool endsClean = true;
            if (File.Exists(path))
            {
                string text = File.ReadAllText(path, Encoding.UTF8);
                endsClean = text.Length == 0 || text[text.Length - 1] == '\n';
                foreach (string line in text.Split('\n'))
                {
                    if (line.Trim().Length == 0) continue;
                    try
                    {
                        JournalEntry? e = JsonSerializer.Deserialize<JournalEntry>(line);
                        if (e?.key != null) loaded.Add(e);
                    }
                    catch (JsonException)
                    {
                        // a torn line from an interrupted run: that example is screened again
                    }
                }
            }

            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            var writer = new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" };
            if (!endsClean) writer.Write('\n');
            var journal = new ModerationJournal(path, writer);
            foreach (JournalEntry e in loaded) journal.entries[e.key!] = e;
            return journal;
        }

        /// <summary>The key of a line's text under a model: hex SHA-256 of <c>model + "\n" + text</c>.</summary>
        public static string KeyOf(string model, string text)
        {
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(model + "\n" + text));
            var sb = new StringBuilder(hash.Length * 2);
            foreach (byte b in hash) sb.Append(b.ToString("x2"));
            return sb.ToString();
        }

        /// <summary>The earlier verdict for <paramref name="key"/>, if any.</summary>
        public bool TryGet(string key, out JournalEntry entry) => entries.TryGetValue(key, out entry!);

        /// <summary>Records a verdict (not flushed; see <see cref="Flush"/>). Not thread-safe: the caller locks.</summary>
        public void Add(JournalEntry entry)
        {
            entries[entry.key!] = entry;
            writer?.WriteLine(JsonSerializer.Serialize(entry));
        }

        /// <summary>Writes what was added to disk.</summary>
        public void Flush() => writer?.Flush();

        /// <inheritdoc/>
        public void Dispose() => writer?.Dispose();
    }

    /// <summary>One journal line (field names are the file's).</summary>
#pragma warning disable IDE1006, SA1300 // the names are the journal's JSON field names
    internal sealed class JournalEntry
    {
        public string? key { get; set; }

        public long line { get; set; }

        public bool flagged { get; set; }

        public string[]? categories { get; set; }

        public Dictionary<string, double>? scores { get; set; }

        public string? role { get; set; }

        public string? source { get; set; }

        public string? excerpt { get; set; }
    }
#pragma warning restore IDE1006, SA1300
}
