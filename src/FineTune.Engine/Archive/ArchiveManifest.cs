using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using FineTune.Engine.IO;

namespace FineTune.Engine.Archive
{
    /// <summary>One file of an archive as its manifest lists it.</summary>
    public sealed class ManifestEntry
    {
        /// <summary>The path inside the archive, with '/' separators (<c>jobs/ftjob-abc/job.json</c>).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Size in bytes.</summary>
        public long Bytes { get; set; }

        /// <summary>SHA-256, lower-case hex.</summary>
        public string Sha256 { get; set; } = string.Empty;
    }

    /// <summary>What is wrong with one file of an archive (<see cref="ArchiveManifest.Verify"/>).</summary>
    public sealed class ArchiveProblem
    {
        /// <summary>The path inside the archive.</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Missing, SizeChanged, ContentChanged or NotInManifest.</summary>
        public string Problem { get; set; } = string.Empty;

        /// <summary>What the manifest says (size and SHA-256), or null.</summary>
        public string? Expected { get; set; }

        /// <summary>What the file on disk has, or null.</summary>
        public string? Actual { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Path}: {Problem}" + (Expected != null ? $" (manifest: {Expected}; on disk: {Actual ?? "nothing"})" : string.Empty);
    }

    /// <summary>
    /// <c>manifest.json</c> at the root of an archive: every file of the archive (but itself) with its size and SHA-256,
    /// sorted by path, so that a copy of the archive can be checked byte for byte anywhere (any SHA-256 tool will do).
    /// Shape: <c>{"format":"finetune-archive/1","endpoint":"…","exportedAt":"…","files":[{"path","bytes","sha256"}]}</c>;
    /// <c>exportedAt</c> is the last export that changed something.
    /// </summary>
    public sealed class ArchiveManifest
    {
        /// <summary>The manifest's file name.</summary>
        public const string FileName = "manifest.json";

        /// <summary>The format tag written into every manifest.</summary>
        public const string FormatTag = "finetune-archive/1";

        private static readonly JsonSerializerOptions JsonOptions = new JsonSerializerOptions { PropertyNamingPolicy = JsonNamingPolicy.CamelCase, WriteIndented = true };

        /// <summary>The format tag.</summary>
        public string Format { get; set; } = FormatTag;

        /// <summary>The endpoint the archive was taken from (no key).</summary>
        public string? Endpoint { get; set; }

        /// <summary>When an export last changed the archive (UTC, ISO 8601).</summary>
        public string? ExportedAt { get; set; }

        /// <summary>The files, sorted by path.</summary>
        public List<ManifestEntry> Files { get; set; } = new List<ManifestEntry>();

        /// <summary>
        /// Reads the manifest of the archive in <paramref name="folder"/>; an empty one when there is none. Throws
        /// <see cref="InvalidDataException"/> naming the file when it is not a manifest.
        /// </summary>
        public static ArchiveManifest Read(string folder)
        {
            string path = System.IO.Path.Combine(folder, FileName);
            if (!File.Exists(path)) return new ArchiveManifest();
            try
            {
                ArchiveManifest? m = JsonSerializer.Deserialize<ArchiveManifest>(File.ReadAllText(path), JsonOptions);
                if (m == null || m.Format != FormatTag) throw new JsonException($"format is '{m?.Format}', not '{FormatTag}'");
                return m;
            }
            catch (JsonException ex)
            {
                throw new InvalidDataException($"{path} is not a FineTune archive manifest ({ex.Message}). Give the folder of an archive made by Export-FineTuneArchive.", ex);
            }
        }

        /// <summary>The entry for <paramref name="relativePath"/>, or null.</summary>
        public ManifestEntry? Find(string relativePath) => Files.FirstOrDefault(f => f.Path == relativePath);

        /// <summary>Adds or replaces the entry of its path.</summary>
        public void Set(ManifestEntry entry)
        {
            Files.RemoveAll(f => f.Path == entry.Path);
            Files.Add(entry);
        }

        /// <summary>The manifest as written: indented JSON, files sorted by path (ordinal).</summary>
        public byte[] ToBytes()
        {
            Files = Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList();
            return AtomicFile.Utf8NoBom.GetBytes(JsonSerializer.Serialize(this, JsonOptions) + "\n");
        }

        /// <summary>Writes the manifest into <paramref name="folder"/> atomically.</summary>
        public void Write(string folder)
        {
            byte[] bytes = ToBytes();
            AtomicFile.Write(System.IO.Path.Combine(folder, FileName), true, s => s.Write(bytes, 0, bytes.Length));
        }

        /// <summary>
        /// Checks the archive in <paramref name="folder"/> against its manifest: every listed file must exist with its size
        /// (checked first) and SHA-256; a file in the folder that the manifest does not list is reported too (the manifest
        /// itself and temporary files excepted). <paramref name="progress"/> gets (files checked, files listed).
        /// Throws <see cref="FileNotFoundException"/> when the folder has no manifest.
        /// </summary>
        public static IReadOnlyList<ArchiveProblem> Verify(string folder, Action<int, int>? progress, CancellationToken cancellationToken)
        {
            string full = System.IO.Path.GetFullPath(folder);
            if (!File.Exists(System.IO.Path.Combine(full, FileName)))
            {
                throw new FileNotFoundException($"{full} has no {FileName}: it is not an archive made by Export-FineTuneArchive.", System.IO.Path.Combine(full, FileName));
            }

            ArchiveManifest manifest = Read(full);
            var problems = new List<ArchiveProblem>();
            int done = 0;
            foreach (ManifestEntry e in manifest.Files)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var info = new FileInfo(System.IO.Path.Combine(full, e.Path));
                string expected = $"{e.Bytes} bytes, SHA-256 {e.Sha256}";
                if (!info.Exists)
                {
                    problems.Add(new ArchiveProblem { Path = e.Path, Problem = "Missing", Expected = expected });
                }
                else if (info.Length != e.Bytes)
                {
                    problems.Add(new ArchiveProblem { Path = e.Path, Problem = "SizeChanged", Expected = expected, Actual = $"{info.Length} bytes" });
                }
                else
                {
                    string sha = IO.FileHash.Sha256Of(info.FullName, cancellationToken);
                    if (!string.Equals(sha, e.Sha256, StringComparison.OrdinalIgnoreCase))
                    {
                        problems.Add(new ArchiveProblem { Path = e.Path, Problem = "ContentChanged", Expected = expected, Actual = $"{info.Length} bytes, SHA-256 {sha}" });
                    }
                }

                progress?.Invoke(++done, manifest.Files.Count);
            }

            var listed = new HashSet<string>(manifest.Files.Select(f => f.Path), StringComparer.Ordinal) { FileName };
            foreach (string path in Directory.EnumerateFiles(full, "*", SearchOption.AllDirectories))
            {
                string relative = Relative(full, path);
                if (!listed.Contains(relative) && !System.IO.Path.GetFileName(path).EndsWith(".tmp", StringComparison.Ordinal))
                {
                    problems.Add(new ArchiveProblem { Path = relative, Problem = "NotInManifest" });
                }
            }

            return problems;
        }

        /// <summary>The path of <paramref name="path"/> inside <paramref name="root"/>, with '/' separators.</summary>
        internal static string Relative(string root, string path) =>
            path.Substring(root.TrimEnd(System.IO.Path.DirectorySeparatorChar).Length + 1).Replace(System.IO.Path.DirectorySeparatorChar, '/');
    }
}
