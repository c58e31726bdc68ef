using System;
using System.Collections.Generic;
using System.Globalization;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Workflow
{
    /// <summary>How <see cref="JobWatcher.WaitAsync"/> waits.</summary>
    public sealed class WaitOptions
    {
        /// <summary>Give up after this long (the job keeps running); null waits until the job ends.</summary>
        public TimeSpan? Timeout { get; set; }

        /// <summary>A fixed time between polls; null polls adaptively: 1 s, growing by half up to 15 s, back to 1 s on any change.</summary>
        public TimeSpan? PollInterval { get; set; }

        /// <summary>Events already there when the wait starts that are reported (newest ones); 0 reports only new ones, int.MaxValue all.</summary>
        public int Backlog { get; set; } = 0;
    }

    /// <summary>How a wait ended.</summary>
    public sealed class WaitResult
    {
        /// <summary>The job as last seen.</summary>
        public FineTuneJob Job { get; set; } = new FineTuneJob();

        /// <summary>What its status means (Terminal, Paused, Unknown; Active only when timed out).</summary>
        public JobState State { get; set; }

        /// <summary>True when <see cref="WaitOptions.Timeout"/> passed first.</summary>
        public bool TimedOut { get; set; }
    }

    /// <summary>
    /// Waits for a job (the SDK's WaitForCompletion is unusable, DESIGN.md 2.3): polls the job and its new
    /// events, hands every new event to a callback in the order it happened, shows progress (status, step of
    /// total steps, latest training loss), and returns when the job ends, is paused, shows a status that is not
    /// known and not transitional, or the timeout passes. Cancellation ends it at once (OperationCanceledException).
    /// </summary>
    public static class JobWatcher
    {
        /// <summary>The page size used to read events.</summary>
        public const int EventPageSize = 100;

        /// <summary>
        /// Waits for <paramref name="jobId"/>; see the class summary. <see cref="WaitOptions.Timeout"/> bounds the whole
        /// wait, the service calls and their retries included: when it passes during a call, the result is TimedOut
        /// with the job as last seen (Status empty when the service never answered).
        /// </summary>
        public static async Task<WaitResult> WaitAsync(IFineTuneProvider source, string jobId, WaitOptions options, Action<FineTuneEvent>? onEvent, IFeedback feedback, CancellationToken cancellationToken)
        {
            if (!(options.Timeout is TimeSpan limit) || limit.TotalMilliseconds >= int.MaxValue) return await WatchAsync(source, jobId, options, onEvent, feedback, _ => { }, cancellationToken).ConfigureAwait(false);
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(limit < TimeSpan.Zero ? TimeSpan.Zero : limit);
            FineTuneJob? last = null;
            try
            {
                return await WatchAsync(source, jobId, options, onEvent, feedback, job => last = job, deadline.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested &&
                (ex is OperationCanceledException || (ex is FineTuneServiceException f && f.Kind == ErrorKind.Timeout)))
            {
                feedback.Progress(ProgressIds.Job, "Fine-tuning job " + jobId, last?.Status ?? "no answer", -1, true);
                return new WaitResult { Job = last ?? new FineTuneJob { Id = jobId }, State = JobState.Active, TimedOut = true };
            }
        }

        private static async Task<WaitResult> WatchAsync(IFineTuneProvider source, string jobId, WaitOptions options, Action<FineTuneEvent>? onEvent, IFeedback feedback, Action<FineTuneJob> seen, CancellationToken cancellationToken)
        {
            DateTime start = DateTime.UtcNow;
            TimeSpan poll = options.PollInterval ?? TimeSpan.FromSeconds(1);
            string? lastEvent = null;
            bool first = true;
            int? step = null, total = null;
            double? loss = null;
            string activity = "Fine-tuning job " + jobId;
            string? lastStatus = null;
            while (true)
            {
                FineTuneJob job = await source.GetJobAsync(jobId, cancellationToken).ConfigureAwait(false);
                seen(job);
                IReadOnlyList<FineTuneEvent> events = await NewEventsAsync(source, jobId, lastEvent, first ? options.Backlog : int.MaxValue, cancellationToken).ConfigureAwait(false);
                foreach (FineTuneEvent e in events)
                {
                    lastEvent = e.Id;
                    if (e.Step != null) step = e.Step;
                    if (e.TotalSteps != null) total = e.TotalSteps;
                    if (e.TrainLoss != null) loss = e.TrainLoss;
                    onEvent?.Invoke(e);
                }

                if (first && lastEvent == null && options.Backlog <= 0)
                {
                    lastEvent = await NewestEventIdAsync(source, jobId, cancellationToken).ConfigureAwait(false);
                }

                first = false;

                JobState state = JobStatus.Classify(job.Status, job.FinishedAt);
                feedback.Progress(ProgressIds.Job, activity, Describe(job.Status, step, total, loss), total > 0 && step != null ? Math.Min(100, step.Value * 100 / total.Value) : -1, state != JobState.Active);
                if (state != JobState.Active)
                {
                    if (state == JobState.Paused) feedback.Warning($"Job {jobId} is paused: stopped waiting. Resume it with Resume-FineTuneJob {jobId}.");
                    if (state == JobState.Unknown) feedback.Warning($"Job {jobId} has status '{job.Status}', which FineTune does not know: stopped waiting rather than wait for ever. Check it with Get-FineTuneJob {jobId}.");
                    return new WaitResult { Job = job, State = state };
                }

                TimeSpan elapsed = DateTime.UtcNow - start;
                if (options.Timeout is TimeSpan limit && elapsed >= limit)
                {
                    feedback.Progress(ProgressIds.Job, activity, job.Status, -1, true);
                    return new WaitResult { Job = job, State = state, TimedOut = true };
                }

                if (options.PollInterval == null)
                {
                    bool changed = events.Count > 0 || job.Status != lastStatus;
                    poll = changed ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(Math.Min(15000, poll.TotalMilliseconds * 1.5));
                }

                lastStatus = job.Status;
                TimeSpan wait = poll;
                if (options.Timeout is TimeSpan t && t - elapsed < wait) wait = t - elapsed < TimeSpan.Zero ? TimeSpan.Zero : t - elapsed;
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// The events after <paramref name="lastSeenId"/>, oldest first, reading pages (newest first) until that
        /// id; when it is null, the newest <paramref name="backlog"/> events.
        /// </summary>
        public static async Task<IReadOnlyList<FineTuneEvent>> NewEventsAsync(IFineTuneProvider source, string jobId, string? lastSeenId, int backlog, CancellationToken cancellationToken)
        {
            var found = new List<FineTuneEvent>();
            if (lastSeenId == null && backlog <= 0) return found;
            await Pages.ReadAsync((after, limit, ct) => source.ListEventsAsync(jobId, after, limit, ct), e =>
            {
                if (e.Id == lastSeenId) return false;
                found.Add(e);
                return true;
            }, EventPageSize, lastSeenId == null ? backlog : int.MaxValue, cancellationToken).ConfigureAwait(false);
            found.Reverse();
            return found;
        }

        private static async Task<string?> NewestEventIdAsync(IFineTuneProvider source, string jobId, CancellationToken cancellationToken)
        {
            Page<FineTuneEvent> page = await source.ListEventsAsync(jobId, null, 1, cancellationToken).ConfigureAwait(false);
            return page.Items.Count > 0 ? page.Items[0].Id : null;
        }

        /// <summary>The progress line: status, step of total steps, latest training loss.</summary>
        internal static string Describe(string status, int? step, int? total, double? loss)
        {
            string s = string.IsNullOrEmpty(status) ? "unknown" : status;
            if (step != null) s += string.Format(CultureInfo.InvariantCulture, ", step {0}{1}", step, total != null ? " of " + total : string.Empty);
            if (loss != null) s += string.Format(CultureInfo.InvariantCulture, ", loss {0:0.####}", loss);
            return s;
        }
    }
}
