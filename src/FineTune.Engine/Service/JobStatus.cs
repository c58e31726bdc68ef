using System;

namespace FineTune.Engine.Service
{
    /// <summary>What a job status means to a waiter.</summary>
    public enum JobState
    {
        /// <summary>Work goes on: validating_files, queued, running, Azure's pending, and any unknown status ending in "ing" (pausing, resuming, cancelling...).</summary>
        Active,
        /// <summary>Ended for good: succeeded, failed, cancelled (or any status once the job has a finish time).</summary>
        Terminal,
        /// <summary>paused: nothing changes until someone resumes it, so a waiter returns.</summary>
        Paused,
        /// <summary>A status FineTune does not know that does not look transitional: a waiter returns with a warning rather than hang.</summary>
        Unknown,
    }

    /// <summary>
    /// Classifies a job's status, an open string (OPENAI-FACTS.md: the spec's six values, the live
    /// service's pausing/paused, Azure's pending). The rule for unknown ones keeps waits from hanging.
    /// </summary>
    public static class JobStatus
    {
        /// <summary>The job succeeded; <c>fine_tuned_model</c> is set.</summary>
        public const string Succeeded = "succeeded";

        /// <summary>The job failed; <c>error</c> says why.</summary>
        public const string Failed = "failed";

        /// <summary>The job was cancelled.</summary>
        public const string Cancelled = "cancelled";

        /// <summary>The job is paused until resumed.</summary>
        public const string Paused = "paused";

        /// <summary>Classifies <paramref name="status"/> (case-insensitive). A known active status stays active
        /// even with <paramref name="finishedAt"/>; an unknown one with a finish time is terminal.</summary>
        public static JobState Classify(string? status, DateTimeOffset? finishedAt = null)
        {
            string s = (status ?? string.Empty).Trim().ToLowerInvariant();
            switch (s)
            {
                case Succeeded:
                case Failed:
                case Cancelled:
                case "canceled":
                    return JobState.Terminal;
                case Paused:
                    return JobState.Paused;
                case "validating_files":
                case "queued":
                case "running":
                case "pending":
                case "pausing":
                case "notstarted":
                    return JobState.Active;
            }

            if (finishedAt != null) return JobState.Terminal;
            return s.EndsWith("ing", StringComparison.Ordinal) ? JobState.Active : JobState.Unknown;
        }
    }
}
