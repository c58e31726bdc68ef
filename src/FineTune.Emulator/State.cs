using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTune.Emulator
{
    /// <summary>
    /// Everything the emulator holds, in memory, behind one lock (<see cref="Sync"/>): files, uploads, jobs,
    /// deleted models, request counts and the scripted fault queue. Ids come from the seeded random source,
    /// so a run with the same --seed and the same calls hands out the same ids.
    /// </summary>
    public sealed class EmulatorState
    {
        private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        private long sequence;

        /// <summary>Creates the state for <paramref name="options"/>.</summary>
        public EmulatorState(EmulatorOptions options)
        {
            Options = options;
            Random = new Random(options.Seed);
            NoNewJobsFrom = options.NoNewJobsFrom;
        }

        /// <summary>From this day (UTC) on, job creation is refused (<see cref="JobRoutes"/>); null: jobs are taken. Set at start or through <c>POST /_emulator/closure</c>.</summary>
        public DateTime? NoNewJobsFrom { get; set; }

        /// <summary>The options the emulator was started with.</summary>
        public EmulatorOptions Options { get; }

        /// <summary>The one lock: take it for any read or write of the collections below.</summary>
        public object Sync { get; } = new object();

        /// <summary>The seeded random source (use under <see cref="Sync"/>).</summary>
        public Random Random { get; }

        /// <summary>Files by id (insertion order kept by <see cref="StoredFile.Sequence"/>).</summary>
        public Dictionary<string, StoredFile> Files { get; } = new Dictionary<string, StoredFile>();

        /// <summary>Uploads by id.</summary>
        public Dictionary<string, StoredUpload> Uploads { get; } = new Dictionary<string, StoredUpload>();

        /// <summary>Fine-tuning jobs by id.</summary>
        public Dictionary<string, Job> Jobs { get; } = new Dictionary<string, Job>();

        /// <summary>Batches by id.</summary>
        public Dictionary<string, Batch> Batches { get; } = new Dictionary<string, Batch>();

        /// <summary>Fine-tuned model ids that were deleted.</summary>
        public HashSet<string> DeletedModels { get; } = new HashSet<string>(StringComparer.Ordinal);

        /// <summary>Requests per "METHOD /v1/route-template" since start or the last reset.</summary>
        public Dictionary<string, int> RequestCounts { get; } = new Dictionary<string, int>(StringComparer.Ordinal);

        /// <summary>Scripted faults, served in order to the next matching /v1 requests.</summary>
        public List<ScriptedFault> FaultQueue { get; } = new List<ScriptedFault>();

        /// <summary>The organization's name part, as it appears in fine-tuned model names (org-acme → acme).</summary>
        public string OrganizationName => Options.Organization.StartsWith("org-", StringComparison.Ordinal) ? Options.Organization.Substring(4) : Options.Organization;

        /// <summary>A new id: <paramref name="prefix"/> followed by <paramref name="length"/> letters and digits.</summary>
        public string NewId(string prefix, int length = 24)
        {
            lock (Sync)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++) chars[i] = Alphabet[Random.Next(Alphabet.Length)];
                return prefix + new string(chars);
            }
        }

        /// <summary>A new lower-case hexadecimal string of <paramref name="length"/> digits (Azure's fine-tuned ids).</summary>
        public string NewHex(int length)
        {
            lock (Sync)
            {
                var chars = new char[length];
                for (int i = 0; i < length; i++) chars[i] = "0123456789abcdef"[Random.Next(16)];
                return new string(chars);
            }
        }

        /// <summary>Deployments (Azure flavour) by their ARM path in lower case.</summary>
        public Dictionary<string, Deployment> Deployments { get; } = new Dictionary<string, Deployment>(StringComparer.Ordinal);

        /// <summary>A number that grows with every call: orders objects created in the same second.</summary>
        public long NextSequence() => System.Threading.Interlocked.Increment(ref sequence);

        /// <summary>Unix seconds now.</summary>
        public static long Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds();

        /// <summary>Adds a stored file and returns it.</summary>
        public StoredFile AddFile(string filename, string purpose, byte[] content)
        {
            var file = new StoredFile(NewId("file-"), filename, purpose, content, Now, NextSequence());
            lock (Sync) Files[file.Id] = file;
            return file;
        }
    }

    /// <summary>A file held by the emulator.</summary>
    public sealed record StoredFile(string Id, string Filename, string Purpose, byte[] Content, long CreatedAt, long Sequence)
    {
        /// <summary>Unix seconds when the file expires, or null (optional <c>expires_after</c>).</summary>
        public long? ExpiresAt { get; init; }

        /// <summary>When the file arrived (UTC, to the tick): the Azure flavour's file states follow from its age.</summary>
        public DateTime ArrivedUtc { get; init; } = DateTime.UtcNow;
    }

    /// <summary>An Upload (POST /uploads) and its parts.</summary>
    public sealed class StoredUpload
    {
        /// <summary>upload_…</summary>
        public string Id { get; init; } = "";
        public string Filename { get; init; } = "";
        public string Purpose { get; init; } = "";
        public string MimeType { get; init; } = "";
        /// <summary>The byte total announced at creation; completion checks the parts against it.</summary>
        public long Bytes { get; init; }
        public long CreatedAt { get; init; }
        /// <summary>One hour after creation, as the service does.</summary>
        public long ExpiresAt { get; init; }
        /// <summary>pending, completed, cancelled or expired.</summary>
        public string Status { get; set; } = "pending";
        /// <summary>Parts by id, in arrival order.</summary>
        public List<(string Id, long CreatedAt, byte[] Data)> Parts { get; } = new List<(string, long, byte[])>();
        /// <summary>The file made on completion.</summary>
        public StoredFile? File { get; set; }
    }

    /// <summary>One scripted fault: what to serve and to which path prefix (null: any /v1 request).</summary>
    public sealed record ScriptedFault(string Fault, string? Route);

    /// <summary>Paging over a list ordered as it should be returned: skips past <c>after</c>, takes <c>limit</c>.</summary>
    public static class Paging
    {
        /// <summary>Items after the one whose id is <paramref name="after"/> (all when null or unknown), up to <paramref name="limit"/>; has_more when more remain.</summary>
        public static (List<T> Page, bool HasMore) Take<T>(IReadOnlyList<T> ordered, Func<T, string> id, string? after, int limit)
        {
            int start = 0;
            if (!string.IsNullOrEmpty(after))
            {
                int at = ordered.Select(id).ToList().IndexOf(after);
                start = at >= 0 ? at + 1 : 0;
            }

            var page = ordered.Skip(start).Take(limit).ToList();
            return (page, start + page.Count < ordered.Count);
        }
    }
}
