using System;
using System.ClientModel.Primitives;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// The SDK's retry policy (408, 429, 5xx and dropped connections, exponential back-off, Retry-After
    /// honoured) with two changes (DESIGN.md 2.4): a Retry-After longer than the cap waits only the cap,
    /// and a 429 whose <c>error.code</c> is <c>insufficient_quota</c> is never retried, since waiting
    /// does not add credit.
    /// </summary>
    internal sealed class CappedRetryPolicy : ClientRetryPolicy
    {
        private readonly TimeSpan cap;

        public CappedRetryPolicy(int maxRetries, TimeSpan cap) : base(maxRetries)
        {
            this.cap = cap;
        }

        protected override TimeSpan GetNextDelay(PipelineMessage message, int tryCount)
        {
            TimeSpan wanted = base.GetNextDelay(message, tryCount);
            return wanted > cap ? cap : wanted;
        }

        /// <summary>Marks a message that must go out once only (a create call that does its own look-up-then-retry).</summary>
        internal static void DisableFor(PipelineMessage message) => message.SetProperty(typeof(NoRetry), true);

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

            return base.ShouldRetry(message, exception);
        }

        private sealed class NoRetry
        {
        }

        private static bool IsInsufficientQuota(PipelineResponse response)
        {
            try
            {
                return response.Content.ToString().IndexOf("insufficient_quota", StringComparison.Ordinal) >= 0;
            }
            catch (InvalidOperationException)
            {
                return false; // content not buffered: let the SDK decide
            }
        }
    }
}
