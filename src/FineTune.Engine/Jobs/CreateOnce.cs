using System;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Jobs
{
    /// <summary>What to do after a failed create call (DESIGN.md 2.4: one command never starts two paid jobs).</summary>
    public enum CreateRetry
    {
        /// <summary>The service refused the request (4xx, insufficient_quota, the user stopped): report it, never retry.</summary>
        Fail,
        /// <summary>The service refused it before doing anything (429 rate limit): retrying cannot duplicate.</summary>
        Retry,
        /// <summary>The call may have reached the service (timeout, 5xx, dropped connection): look for what it may have created first.</summary>
        LookUpThenRetry,
    }

    /// <summary>
    /// Creates something at most once over an unreliable connection: the create call goes out without the
    /// SDK's automatic retry; after a failure that may have reached the service, <c>find</c> looks for the
    /// object by a client-side key (a job's <c>finetune_request_id</c> metadata, a file's name and size)
    /// before the call is tried again, at most <c>maxAttempts</c> times in all.
    /// </summary>
    public static class CreateOnce
    {
        /// <summary>The decision for one failure.</summary>
        public static CreateRetry Decide(FineTuneServiceException ex)
        {
            if (ex == null) throw new ArgumentNullException(nameof(ex));
            switch (ex.Kind)
            {
                case ErrorKind.RateLimited:
                    return CreateRetry.Retry;
                case ErrorKind.ServerError:
                case ErrorKind.Network:
                case ErrorKind.Timeout:
                case ErrorKind.InvalidResponse: // an answer came but could not be read: it may have succeeded
                    return CreateRetry.LookUpThenRetry;
                default:
                    return CreateRetry.Fail;
            }
        }

        /// <summary>
        /// Runs <paramref name="create"/> (given the 1-based attempt number) until it succeeds, a failure is
        /// final, or <paramref name="maxAttempts"/> ran out; before each retry of an ambiguous failure it calls
        /// <paramref name="find"/> and returns what that finds. When <paramref name="find"/> itself fails, the
        /// create is NOT retried (it may have worked): the error says so and names <paramref name="lookupHint"/>.
        /// Throws the last <see cref="FineTuneServiceException"/> when every attempt failed.
        /// </summary>
        public static async Task<T> RunAsync<T>(
            Func<int, CancellationToken, Task<T>> create,
            Func<CancellationToken, Task<T?>> find,
            int maxAttempts,
            Func<int, TimeSpan> delay,
            IFeedback feedback,
            string lookupHint,
            CancellationToken cancellationToken)
            where T : class
        {
            if (maxAttempts < 1) maxAttempts = 1;
            for (int attempt = 1; ; attempt++)
            {
                FineTuneServiceException failure;
                try
                {
                    return await create(attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (FineTuneServiceException ex)
                {
                    failure = ex;
                }

                cancellationToken.ThrowIfCancellationRequested();
                CreateRetry decision = Decide(failure);
                if (decision == CreateRetry.Fail) throw failure;
                if (decision == CreateRetry.LookUpThenRetry)
                {
                    feedback.Verbose($"Attempt {attempt} failed ({failure.Reason}); it may have reached the service, so looking for what it created ({lookupHint}).");
                    T? found;
                    try
                    {
                        found = await find(cancellationToken).ConfigureAwait(false);
                    }
                    catch (FineTuneServiceException lookup)
                    {
                        throw new FineTuneServiceException(failure.Operation, failure.Kind, failure.Reason,
                            $"{failure.Message} It may have been created all the same, and the look-up that would tell failed too ({lookup.Message}); " +
                            $"it was not tried again so as not to create it twice. Check with {lookupHint} before running the command again.",
                            failure.Status, failure.Code, failure.Param, failure.RequestId, failure);
                    }

                    if (found != null)
                    {
                        feedback.Verbose($"Found what attempt {attempt} created; not creating it again.");
                        return found;
                    }
                }

                if (attempt >= maxAttempts) throw failure;
                TimeSpan wait = delay(attempt);
                feedback.Verbose($"Attempt {attempt} failed ({failure.Reason}); trying again in {wait.TotalSeconds:0.#} s.");
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        /// <summary>Exponential back-off for attempt n (1-based): 1 s, 2 s, 4 s ... capped at <paramref name="cap"/>.</summary>
        public static TimeSpan Backoff(int attempt, TimeSpan cap)
        {
            double seconds = Math.Pow(2, Math.Max(0, attempt - 1));
            TimeSpan t = TimeSpan.FromSeconds(seconds);
            return t > cap ? cap : t;
        }
    }
}
