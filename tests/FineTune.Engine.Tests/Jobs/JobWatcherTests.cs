using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Workflow;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class JobWatcherTests
    {
        private static FakeProvider Source(params string[] statuses)
        {
            var fake = new FakeProvider();
            fake.ScriptJob("ftjob-1", statuses);
            return fake;
        }

        private static readonly WaitOptions Fast = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(1), Backlog = int.MaxValue };

        [Fact]
        public async Task ReturnsTheTerminalJobAndEveryEventOnceInOrder()
        {
            var source = Source("queued", "running", "running", "succeeded");
            source.PageSize = 3; // pages smaller than the news
            var seen = new List<string>();
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", Fast, e => seen.Add(e.Id), NoFeedback.Instance, CancellationToken.None);
            Assert.Equal("succeeded", r.Job.Status);
            Assert.Equal(JobState.Terminal, r.State);
            Assert.False(r.TimedOut);
            Assert.Equal(4, source.Polls("ftjob-1"));
            Assert.Equal(Enumerable.Range(0, 8).Select(i => "ev" + i), seen);
        }

        [Theory]
        [InlineData("paused", JobState.Paused)]
        [InlineData("archived", JobState.Unknown)]
        public async Task APausedJobOrAnUnknownStatusEndsTheWait(string status, JobState expected)
        {
            var source = Source("running", status, "running");
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", Fast, null, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(expected, r.State);
            Assert.Equal(2, source.Polls("ftjob-1"));
        }

        [Fact]
        public async Task TheTimeoutEndsTheWaitWithTheJobStillRunning()
        {
            var source = Source("running");
            var options = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromMilliseconds(100) };
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", options, null, NoFeedback.Instance, CancellationToken.None);
            Assert.True(r.TimedOut);
            Assert.Equal("running", r.Job.Status);
        }

        [Fact]
        public async Task CancellationEndsTheWait()
        {
            var source = Source("running");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                JobWatcher.WaitAsync(source, "ftjob-1", new WaitOptions { PollInterval = TimeSpan.FromSeconds(30) }, null, NoFeedback.Instance, cts.Token));
        }

        [Fact]
        public async Task WithoutBacklogOnlyNewEventsAreReported()
        {
            var source = Source("running", "succeeded");
            var seen = new List<string>();
            await JobWatcher.WaitAsync(source, "ftjob-1", new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(1) }, e => seen.Add(e.Id), NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(new[] { "ev2", "ev3" }, seen);
        }

        [Fact]
        public void DescribesProgress()
        {
            Assert.Equal("running, step 30 of 100, loss 0.5312", JobWatcher.Describe("running", 30, 100, 0.53123));
            Assert.Equal("queued", JobWatcher.Describe("queued", null, null, null));
        }
    }
}
