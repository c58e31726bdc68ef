namespace FineTune.Engine.Service
{
    /// <summary>A batch of the Batch API (<c>/batches</c>) as far as a caller waits for it.</summary>
    public sealed class FineTuneBatch
    {
        /// <summary>The batch id (<c>batch_…</c>).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>validating, in_progress, finalizing, completed, failed, expired, cancelling or cancelled.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The route its requests go to (<c>/v1/chat/completions</c>, <c>/v1/completions</c>).</summary>
        public string? Endpoint { get; set; }

        /// <summary>Requests done so far.</summary>
        public long Completed { get; set; }

        /// <summary>Requests that failed so far.</summary>
        public long Failed { get; set; }

        /// <summary>Requests in all.</summary>
        public long Total { get; set; }

        /// <summary>The output file's id once there is one (lines of status 200).</summary>
        public string? OutputFileId { get; set; }

        /// <summary>The error file's id, if any (the other lines).</summary>
        public string? ErrorFileId { get; set; }

        /// <summary>Whether the batch will change no more.</summary>
        public bool IsFinal => Status == "completed" || Status == "failed" || Status == "expired" || Status == "cancelled";

        /// <inheritdoc/>
        public override string ToString() => $"{Id} {Status}";
    }
}
