using System;
using System.ClientModel.Primitives;
using System.IO;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// The SDK's retry policy (408, 429, 5xx and dropped connections, exponential back-off, Retry-After
    /// honoured) with two changes (DESIGN.md 2.4): a Retry-After longer than the cap waits only the cap,
    /// and a 429 whose <c>error.code</c> is <c>insufficient_quota</c> is never retried, since waiting
    /// does not add credit. A message marked with <see cref="RetryWhileDeploying"/> (Azure's chat on a deployment name)
    /// has a 404 whose code is <c>DeploymentNotFound</c> (a deployment still provisioning: Azure asks to wait a few minutes) retried up to that many times,
    /// waiting 0.5 s, 1 s, 2 s, 4 s, then 5 s each (8 retries: about 27 s).
    /// </summary>
    internal sealed class CappedRetryPolicy : ClientRetryPolicy
    {
        private readonly TimeSpan cap;

        public CappedRetryPolicy(int maxRetries, TimeSpan cap) : base(maxRetries)
        {
            this.cap = cap;
        }

        /// <summary>Lets <paramref name="message"/> be retried <paramref name="retries"/> times while it answers 404 DeploymentNotFound.</summary>
        internal static void RetryWhileDeploying(PipelineMessage message, int retries) => message.SetProperty(typeof(NotReadyLimit), retries);

        protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
        {
            if (message.Response is { Status: 404 })
            {
                return TimeSpan.FromSeconds(Math.Min(5, 0.5 * Math.Pow(2, Math.Max(0, tryCount - 1))));
            }

            TimeSpan wanted = base.GetNextDelay(message, tryCount);
            return wanted > cap ? cap : wanted;
        }

        /// <summary>Marks a message that must go out once only (a create call that does its own look-up-then-retry).</summary>
        internal static void DisableFor(PipelineMessage message) => message.SetProperty(typeof(NoRetry), true);

        /// <summary>
        /// A message sent without buffering (a download) gets its error answer read first (it is small), so the
        /// checks below see its code just as for a buffered one.
        /// </summary>
        protected override async ValueTask<bool> ShouldRetryAsync(PipelineMessage message, Exception? exception)
        {
            if (!message.BufferResponse && message.Response is { IsError: true } response)
            {
                await TryBufferAsync(response, message.CancellationToken).ConfigureAwait(false);
            }

            return ShouldRetry(message, exception);
        }

        /// <summary>Reads an unbuffered answer's body into memory; a body that breaks off or does not come stays unread (the status still counts).</summary>
        internal static async Task TryBufferAsync(PipelineResponse response, CancellationToken cancellationToken)
        {
            try
            {
                await response.BufferContentAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is InvalidOperationException || ex is ObjectDisposedException || ex is NotSupportedException ||
                                       (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }
        }

        protected override bool ShouldRetry(PipelineMessage message, Exception? exception)
        {
            if (message.TryGetProperty(typeof(NoRetry), out object? once) && once is true)
            {
                return false;
            }

            if (message.Response is { Status: 429 } response && IsInsufficientQuota(response))
            {
                return false;
            }

            if (message.Response is { Status: 404 } notFound)
            {
                int limit = message.TryGetProperty(typeof(NotReadyLimit), out object? l) && l is int max ? max : 0;
                if (limit == 0 || !Contains(notFound, "DeploymentNotFound")) return false;
                int done = message.TryGetProperty(typeof(NotReadyTries), out object? n) && n is int i ? i : 0;
                if (done >= limit) return false;
                message.SetProperty(typeof(NotReadyTries), done + 1);
                return true;
            }

            return base.ShouldRetry(message, exception);
        }

        private sealed class NoRetry
        {
        }

        /// <summary>The key of the message property that allows DeploymentNotFound retries.</summary>
        private sealed class NotReadyLimit
        {
        }

        /// <summary>The key of the message property that counts DeploymentNotFound retries.</summary>
        private sealed class NotReadyTries
        {
        }

        private static bool IsInsufficientQuota(PipelineResponse response) => Contains(response, "insufficient_quota");

        private static bool Contains(PipelineResponse response, string code)
        {
            try
            {
                return response.Content.ToString().IndexOf(code, StringComparison.Ordinal) >= 0;
            }
            catch (InvalidOperationException)
            {
                return false; // content not buffered: let the SDK decide
            }
        }
    }
}
