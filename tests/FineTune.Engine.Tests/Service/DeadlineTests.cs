using System;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>-TimeoutSec bounds the whole wait, network calls and their retries included.</summary>
    public sealed class DeadlineTests
    {
        [Fact]
        public async Task AWaitAgainstAServiceThatNeverAnswersEndsAtItsTimeout()
        {
            using var hang = new CancellationTokenSource();
            using var server = new LoopbackServer(async ctx => await Task.Delay(Timeout.Infinite, hang.Token));
            try
            {
                // each try may take 100 s and there are 3 tries: the old wait returned after about 5 minutes
                var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 2, timeoutSec: 100));
                Task<WaitResult> wait = JobWatcher.WaitAsync(provider, "ftjob-silent", new WaitOptions { Timeout = TimeSpan.FromSeconds(2) }, null, NoFeedback.Instance, CancellationToken.None);
                Assert.True(((IAsyncResult)wait).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(60)), "the wait did not end at its timeout");
                WaitResult result = await wait;
                Assert.True(result.TimedOut);
                Assert.Equal("ftjob-silent", result.Job.Id);
                Assert.Equal(string.Empty, result.Job.Status);
            }
            finally
            {
                hang.Cancel();
            }
        }

        [Fact]
        public async Task TheUsersStopIsStillAStopNotATimeout()
        {
            using var hang = new CancellationTokenSource();
            using var server = new LoopbackServer(async ctx => await Task.Delay(Timeout.Infinite, hang.Token));
            using var stop = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
            try
            {
                var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0, timeoutSec: 100));
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => JobWatcher.WaitAsync(provider, "ftjob-x", new WaitOptions { Timeout = TimeSpan.FromSeconds(30) }, null, NoFeedback.Instance, stop.Token));
            }
            finally
            {
                hang.Cancel();
            }
        }
    }
}
