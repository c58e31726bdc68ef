using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;

namespace FineTune.Engine.IO
{
    /// <summary>One upload: which local file became which file id on which endpoint.</summary>
    public sealed class LedgerEntry
    {
        /// <summary>The service's file id (<c>file-…</c>).</summary>
        public string FileId { get; set; } = string.Empty;

        /// <summary>The full local path that was uploaded.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Its size in bytes when it was uploaded.</summary>
        public long Bytes { get; set; }

        /// <summary>Its SHA-256 (lower-case hex) when it was uploaded.</summary>
        public string Sha256 { get; set; } = string.Empty;

        /// <summary>The endpoint it went to (no key).</summary>
        public string? Endpoint { get; set; }

        /// <summary>The purpose it was uploaded with.</summary>
        public string? Purpose { get; set; }

        /// <summary>When it was uploaded (UTC).</summary>
        public DateTimeOffset UploadedAt { get; set; }
    }

    /// <summary>
    /// Where the training data came from: Add-FineTuneFile appends one JSON line per upload (<see cref="LedgerEntry"/>)
    /// to <c>uploads.jsonl</c> in <see cref="Folder"/>, because OpenAI never hands a training file's content out again.
    /// Appends are safe under concurrency: each line goes out in one write while the file is held exclusively (other
    /// writers and readers wait, up to <see cref="LockWait"/>); a line cut short by a crash is skipped when reading, and the next
    /// append starts on a new line.
    /// </summary>
    public static class UploadLedger
    {
        /// <summary>The environment variable that moves the data folder (and with it the ledger).</summary>
        public const string EnvironmentVariable = "FINETUNE_DATA_HOME";

        /// <summary>The ledger's file name inside <see cref="Folder"/>.</summary>
        public const string FileName = "uploads.jsonl";

        /// <summary>How long an append waits for another writer to let go of the file.</summary>
        public static readonly TimeSpan LockWait = TimeSpan.FromSeconds(10);

        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

        /// <summary>
        /// The user's FineTune data folder: <c>$FINETUNE_DATA_HOME</c> when set; else <c>%LOCALAPPDATA%\FineTune</c>
        /// on Windows and <c>$XDG_DATA_HOME/FineTune</c> (default <c>~/.local/share/FineTune</c>) elsewhere.
        /// </summary>
        public static string Folder
        {
            get
            {
                string? given = Environment.GetEnvironmentVariable(EnvironmentVariable);
                return !string.IsNullOrWhiteSpace(given)
                    ? System.IO.Path.GetFullPath(given)
                    : System.IO.Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify), "FineTune");
            }
        }

        /// <summary>The ledger file's full path.</summary>
        public static string LedgerPath => System.IO.Path.Combine(Folder, FileName);

        /// <summary>
        /// Records that <paramref name="localPath"/> was uploaded as <paramref name="fileId"/> with its SHA-256
        /// (<paramref name="sha256"/>, computed in the upload's read; when null the file is read and hashed here)
        /// and appends the entry. Throws <see cref="IOException"/> when the ledger cannot be written.
        /// </summary>
        public static LedgerEntry Record(string fileId, string localPath, string? endpoint, string? purpose, CancellationToken cancellationToken, string? sha256 = null)
        {
            var info = new FileInfo(localPath);
            var entry = new LedgerEntry
            {
                FileId = fileId,
                Path = info.FullName,
                Bytes = info.Length,
                Sha256 = sha256 ?? IO.FileHash.Sha256Of(info.FullName, cancellationToken),
                Endpoint = endpoint,
                Purpose = purpose,
                UploadedAt = DateTimeOffset.UtcNow,
            };
            Append(LedgerPath, entry);
            return entry;
        }

        /// <summary>Appends <paramref name="entry"/> to the ledger at <paramref name="ledgerPath"/> (the folder is created when missing).</summary>
        public static void Append(string ledgerPath, LedgerEntry entry)
        {
            byte[] line = AtomicFile.Utf8NoBom.GetBytes(JsonSerializer.Serialize(entry, JsonOptions) + "\n");
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(ledgerPath)) ?? ".");
            DateTime deadline = DateTime.UtcNow + LockWait;
            while (true)
            {
                FileStream stream;
                try
                {
                    // FileShare.None: one writer at a time (on Unix an exclusive flock, which every reader and writer here respects)
                    stream = new FileStream(ledgerPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 4096);
                }
                catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(ledgerPath))
                {
                    Thread.Sleep(20);
                    continue;
                }

                using (stream)
                {
                    if (stream.Length > 0)
                    {
                        stream.Seek(-1, SeekOrigin.End);
                        if (stream.ReadByte() != '\n') stream.WriteByte((byte)'\n'); // a line cut short by a crash stays alone on its line
                    }

                    stream.Seek(0, SeekOrigin.End);
                    stream.Write(line, 0, line.Length);
                    stream.Flush(true);
                }

                return;
            }
        }

        /// <summary>Every readable entry of the ledger at <paramref name="ledgerPath"/> (default: <see cref="LedgerPath"/>), oldest first; lines that do not parse are skipped.</summary>
        public static IReadOnlyList<LedgerEntry> ReadAll(string? ledgerPath = null)
        {
            string path = ledgerPath ?? LedgerPath;
            var list = new List<LedgerEntry>();
            if (!File.Exists(path)) return list;
            string text;
            DateTime deadline = DateTime.UtcNow + LockWait;
            while (true)
            {
                try
                {
                    using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read);
                    using var reader = new StreamReader(stream, Encoding.UTF8);
                    text = reader.ReadToEnd();
                    break;
                }
                catch (IOException) when (DateTime.UtcNow < deadline && File.Exists(path))
                {
                    Thread.Sleep(20); // a writer holds it for the moment of one append
                }
            }

            foreach (string line in text.Split('\n'))
            {
                if (line.Trim().Length == 0) continue;
                try
                {
                    LedgerEntry? e = JsonSerializer.Deserialize<LedgerEntry>(line, JsonOptions);
                    if (e != null && e.FileId.Length > 0) list.Add(e);
                }
                catch (JsonException)
                {
                    // a line cut short by a crash
                }
            }

            return list;
        }

        /// <summary>
        /// The local copy of <paramref name="fileId"/>: the newest entry for it whose file still exists with the same size
        /// (the cheap check) and the same SHA-256; null when the ledger does not know the id or no copy matches any more.
        /// </summary>
        public static LedgerEntry? FindLocalCopy(string fileId, IReadOnlyList<LedgerEntry> entries, CancellationToken cancellationToken)
        {
            foreach (LedgerEntry e in entries.Where(x => x.FileId == fileId).Reverse())
            {
                if (Matches(e, cancellationToken)) return e;
            }

            return null;
        }

        /// <summary>True when <paramref name="entry"/>'s file exists with its recorded size and SHA-256.</summary>
        public static bool Matches(LedgerEntry entry, CancellationToken cancellationToken)
        {
            var info = new FileInfo(entry.Path);
            return info.Exists && info.Length == entry.Bytes && string.Equals(IO.FileHash.Sha256Of(info.FullName, cancellationToken), entry.Sha256, StringComparison.OrdinalIgnoreCase);
        }
    }
}
