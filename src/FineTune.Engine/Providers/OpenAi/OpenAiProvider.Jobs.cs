using System;
using System.ClientModel;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    public partial class OpenAiProvider
    {
        /// <summary>
        /// Creates a job at most once (DESIGN.md 2.4): the create call goes out without the SDK's retry; after a
        /// timeout, 5xx or dropped connection, the job is looked for by its <c>finetune_request_id</c>
        /// metadata before the call is tried again, up to the connection's MaxRetries + 1 attempts.
        /// Throws <see cref="ArgumentException"/> for a request that breaks a limit, and
        /// <see cref="FineTuneServiceException"/> (Operation StartJob) when the service refuses it; a permission error
        /// (403) outside Azure is StartJob.TrainingClosed, naming OpenAI's closure date and Copy-FineTuneJob.
        /// </summary>
        public async Task<FineTuneJob> CreateJobAsync(JobRequest request, IFeedback feedback, CancellationToken cancellationToken)
        {
            try
            {
                return await CreateJobOnceAsync(request, feedback, cancellationToken).ConfigureAwait(false);
            }
            catch (FineTuneServiceException ex) when (TrainingClosed(ex) is FineTuneServiceException closed)
            {
                throw closed;
            }
        }

        /// <summary>The error a refused job create becomes when the refusal means this provider trains no more (<see cref="ProviderRefusals.TrainingClosed"/>); null to keep the service's.</summary>
        private protected virtual FineTuneServiceException? TrainingClosed(FineTuneServiceException ex) => ProviderRefusals.TrainingClosed(ex);

        private Task<FineTuneJob> CreateJobOnceAsync(JobRequest request, IFeedback feedback, CancellationToken cancellationToken)
        {
            CheckJob(request);
            byte[] body = request.ToJson();
            return CreateOnce.RunAsync(
                async (attempt, ct) =>
                {
                    using JsonDocument doc = await SendAsync("StartJob", "POST", "fine_tuning/jobs", BinaryContent.Create(BinaryData.FromBytes(body)), ct,
                        options: new SendOptions { NoRetry = true }).ConfigureAwait(false);
                    return FineTuneJob.FromJson(doc.RootElement);
                },
                ct => FindJobByRequestIdAsync(request.RequestId, ct),
                Connection.MaxRetries + 1,
                n => CreateOnce.Backoff(n, TimeSpan.FromSeconds(Connection.MaxRetryDelaySec)),
                feedback,
                $"Get-FineTuneJob -Metadata @{{{JobRequest.RequestIdKey}='{request.RequestId}'}}",
                cancellationToken);
        }

        /// <summary>The job whose metadata holds <paramref name="requestId"/>, or null (checked on our side too, in case the service ignores the filter).</summary>
        public async Task<FineTuneJob?> FindJobByRequestIdAsync(string requestId, CancellationToken cancellationToken)
        {
            var filter = new Dictionary<string, string> { [JobRequest.RequestIdKey] = requestId };
            Page<FineTuneJob> page = await ListJobsAsync(null, Pages.JobPageSize, filter, cancellationToken).ConfigureAwait(false);
            return page.Items.FirstOrDefault(j => j.Metadata.TryGetValue(JobRequest.RequestIdKey, out string? v) && v == requestId);
        }

        /// <summary>One page of jobs, newest first, optionally filtered by metadata (<c>metadata[k]=v</c>).</summary>
        public async Task<Page<FineTuneJob>> ListJobsAsync(string? after, int limit, IDictionary<string, string>? metadata, CancellationToken cancellationToken)
        {
            var query = new StringBuilder("fine_tuning/jobs?limit=").Append(limit);
            if (after != null) query.Append("&after=").Append(Uri.EscapeDataString(after));
            if (metadata != null)
            {
                foreach (KeyValuePair<string, string> p in metadata)
                {
                    query.Append("&metadata[").Append(Uri.EscapeDataString(p.Key)).Append("]=").Append(Uri.EscapeDataString(p.Value ?? string.Empty));
                }
            }

            using JsonDocument doc = await SendAsync("GetJob", "GET", query.ToString(), null, cancellationToken).ConfigureAwait(false);
            return ToPage(doc.RootElement, FineTuneJob.FromJson, j => j.Id);
        }

        /// <inheritdoc/>
        public async Task<FineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync("GetJob", "GET", "fine_tuning/jobs/" + Uri.EscapeDataString(jobId), null, cancellationToken).ConfigureAwait(false);
            return FineTuneJob.FromJson(doc.RootElement);
        }

        /// <summary>Cancels a job (<c>POST …/cancel</c>); returns the job as the service reports it.</summary>
        public Task<FineTuneJob> CancelJobAsync(string jobId, CancellationToken cancellationToken) => JobActionAsync("StopJob", jobId, "cancel", cancellationToken);

        /// <summary>Pauses a running job (<c>POST …/pause</c>); protocol-only in the SDK.</summary>
        public Task<FineTuneJob> PauseJobAsync(string jobId, CancellationToken cancellationToken) => JobActionAsync("SuspendJob", jobId, "pause", cancellationToken);

        /// <summary>Resumes a paused job (<c>POST …/resume</c>); protocol-only in the SDK.</summary>
        public Task<FineTuneJob> ResumeJobAsync(string jobId, CancellationToken cancellationToken) => JobActionAsync("ResumeJob", jobId, "resume", cancellationToken);

        private async Task<FineTuneJob> JobActionAsync(string operation, string jobId, string action, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync(operation, "POST", $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}/{action}", null, cancellationToken).ConfigureAwait(false);
            return FineTuneJob.FromJson(doc.RootElement);
        }

        /// <inheritdoc/>
        public async Task<Page<FineTuneEvent>> ListEventsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken)
        {
            string path = $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}/events?limit={limit}" + (after != null ? "&after=" + Uri.EscapeDataString(after) : string.Empty);
            using JsonDocument doc = await SendAsync("GetEvent", "GET", path, null, cancellationToken).ConfigureAwait(false);
            return ToPage(doc.RootElement, e => FineTuneEvent.FromJson(e, jobId), e => e.Id);
        }

        /// <inheritdoc/>
        public async Task<Page<FineTuneCheckpoint>> ListCheckpointsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken)
        {
            string path = $"fine_tuning/jobs/{Uri.EscapeDataString(jobId)}/checkpoints?limit={limit}" + (after != null ? "&after=" + Uri.EscapeDataString(after) : string.Empty);
            using JsonDocument doc = await SendAsync("GetCheckpoint", "GET", path, null, cancellationToken).ConfigureAwait(false);
            return ToPage(doc.RootElement, e =>
            {
                FineTuneCheckpoint c = FineTuneCheckpoint.FromJson(e);
                c.JobId ??= jobId;
                return c;
            }, c => c.Id);
        }

        /// <summary>A list answer as a page: <c>data</c>, <c>has_more</c>, <c>last_id</c> (else the last item's id).</summary>
        internal static Page<T> ToPage<T>(JsonElement root, Func<JsonElement, T> read, Func<T, string> id)
        {
            var items = Items(root).Select(read).ToList();
            string? last = root.Str("last_id") ?? (items.Count > 0 ? id(items[items.Count - 1]) : null);
            return new Page<T>(items, root.Bool("has_more") ?? false, last);
        }
    }
}
