using System;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A file on the service (<c>/files</c>): a training or validation file (purpose <c>fine-tune</c>) or a
    /// job's result file (<c>fine-tune-results</c>, a CSV of step metrics). <see cref="Id"/> binds to
    /// <c>-TrainingFile</c>/<c>-Id</c> of the next cmdlet by property name.
    /// </summary>
    public sealed class FineTuneFile
    {
        /// <summary>The file id (<c>file-…</c>).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The file name given at upload.</summary>
        public string? Filename { get; set; }

        /// <summary>Size in bytes.</summary>
        public long? Bytes { get; set; }

        /// <summary><c>fine-tune</c>, <c>fine-tune-results</c>, or any other purpose the service reports.</summary>
        public string? Purpose { get; set; }

        /// <summary>
        /// An open string: OpenAI says <c>uploaded</c>/<c>processed</c>/<c>error</c>; Azure adds <c>pending</c>,
        /// <c>running</c>, <c>deleting</c>, <c>deleted</c>. A job on Azure needs <c>processed</c>.
        /// </summary>
        public string? Status { get; set; }

        /// <summary>The service's explanation of an <c>error</c> status, or null.</summary>
        public string? StatusDetails { get; set; }

        /// <summary>When the file was uploaded (UTC).</summary>
        public DateTimeOffset? CreatedAt { get; set; }

        /// <summary>When the service will delete the file (UTC), or null when it keeps it.</summary>
        public DateTimeOffset? ExpiresAt { get; set; }

        /// <summary>The local file this upload came from (set by Add-FineTuneFile; null for listed files), for cost estimates downstream.</summary>
        public string? LocalPath { get; set; }

        /// <summary>The SHA-256 (64 lower-case hex digits) of the local bytes sent, when this session uploaded the file; null otherwise.</summary>
        public string? Sha256 { get; set; }

        /// <summary>The service's own JSON of this object, as it came (kept by an archive); null when not read from the service.</summary>
        internal string? ServiceJson { get; set; }

        internal static FineTuneFile FromJson(JsonElement e) => new FineTuneFile
        {
            ServiceJson = e.GetRawText(),
            Id = e.Str("id") ?? string.Empty,
            Filename = e.Str("filename"),
            Bytes = e.Long("bytes"),
            Purpose = e.Str("purpose"),
            Status = e.Str("status"),
            StatusDetails = e.Str("status_details"),
            CreatedAt = e.Time("created_at"),
            ExpiresAt = e.Time("expires_at"),
        };

        /// <summary>The id, so that a file object given where an id is wanted works.</summary>
        public override string ToString() => Id;
    }
}
