using System;
using System.Threading;

namespace FineTune.Engine
{
    /// <summary>The progress activity ids of the engine: one per kind of long step, so that bars shown at once never overwrite each other.</summary>
    public static class ProgressIds
    {
        /// <summary>Waiting for a fine-tuning job.</summary>
        public const int Job = 1;

        /// <summary>Uploading a file.</summary>
        public const int Upload = 2;

        /// <summary>Provisioning an Azure deployment.</summary>
        public const int Deployment = 3;

        /// <summary>Azure processing an uploaded file.</summary>
        public const int FileProcessing = 4;

        /// <summary>Downloading a file.</summary>
        public const int Download = 5;

        /// <summary>Screening a file with the moderation endpoint.</summary>
        public const int Moderation = 6;

        /// <summary>Embedding texts (a knowledge index, a near-duplicate check).</summary>
        public const int Embedding = 7;

        /// <summary>Writing an account archive.</summary>
        public const int Archive = 8;

        /// <summary>Verifying an account archive.</summary>
        public const int ArchiveCheck = 9;

        /// <summary>Copying a job to another provider.</summary>
        public const int Copy = 10;

        /// <summary>Comparing models on an evaluation file.</summary>
        public const int Comparison = 11;
    }

    /// <summary>
    /// The one progress throttle: reports <c>done</c> of <c>total</c> units (bytes) as a bar that is written only when
    /// its whole percent changes (or, without a total, at most once per 1 MiB), so a fast transfer does not flood the
    /// host. Thread-safe; <see cref="Complete"/> ends the bar.
    /// </summary>
    public sealed class ProgressThrottle
    {
        private readonly IFeedback feedback;
        private readonly int activityId;
        private readonly string activity;
        private long shown = -1;

        /// <summary>A throttle writing to <paramref name="feedback"/> under <paramref name="activityId"/> (see <see cref="ProgressIds"/>).</summary>
        public ProgressThrottle(IFeedback feedback, int activityId, string activity)
        {
            this.feedback = feedback;
            this.activityId = activityId;
            this.activity = activity;
        }

        /// <summary>Reports <paramref name="done"/> bytes of <paramref name="total"/> (null when unknown).</summary>
        public void Report(long done, long? total)
        {
            long step = total > 0 ? Math.Min(100, done * 100 / total.Value) : done >> 20;
            if (Interlocked.Exchange(ref shown, step) == step) return;
            feedback.Progress(activityId, activity,
                total > 0 ? $"{Math.Min(done, total.Value):N0} of {total:N0} bytes" : $"{done:N0} bytes",
                total > 0 ? (int)step : -1);
        }

        /// <summary>Ends the bar.</summary>
        public void Complete() => feedback.Progress(activityId, activity, "done", 100, completed: true);
    }
}
