using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class JobWatcherTests
    {
        /// <summary>A job whose status follows a script, one entry a poll, with events that appear as it runs.</summary>
        private sealed class FakeSource : IJobSource
        {
            private readonly string[] statuses;
            private readonly List<FineTuneEvent> events = new List<FineTuneEvent>(); // oldest first
            public int Polls;
            public int PageSize = 100;

            public FakeSource(params string[] statuses) => this.statuses = statuses;

            public Task<FineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken)
            {
                string status = statuses[Math.Min(Polls, statuses.Length - 1)];
                Polls++;
                // two new events a poll: a message and a metrics event
                int n = events.Count;
                events.Add(new FineTuneEvent { Id = "ev" + n, Message = status });
                events.Add(new FineTuneEvent { Id = "ev" + (n + 1), Type = "metrics", Data = new Dictionary<string, double> { ["step"] = Polls, ["total_steps"] = 10, ["train_loss"] = 1.0 / Polls } });
                return Task.FromResult(new FineTuneJob { Id = jobId, Status = status });
            }

            public Task<Page<FineTuneEvent>> ListEventsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken)
            {
                var newestFirst = Enumerable.Reverse(events).ToList();
                int start = after == null ? 0 : newestFirst.FindIndex(e => e.Id == after) + 1;
                var page = newestFirst.Skip(start).Take(Math.Min(limit, PageSize)).ToList();
                return Task.FromResult(new Page<FineTuneEvent>(page, start + page.Count < newestFirst.Count, page.LastOrDefault()?.Id));
            }
        }

        private static readonly WaitOptions Fast = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(1), Backlog = int.MaxValue };

        [Fact]
        public async Task ReturnsTheTerminalJobAndEveryEventOnceInOrder()
        {
            var source = new FakeSource("queued", "running", "running", "succeeded") { PageSize = 3 }; // pages smaller than the news
            var seen = new List<string>();
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", Fast, e => seen.Add(e.Id), NoFeedback.Instance, CancellationToken.None);
            Assert.Equal("succeeded", r.Job.Status);
            Assert.Equal(JobState.Terminal, r.State);
            Assert.False(r.TimedOut);
            Assert.Equal(4, source.Polls);
            Assert.Equal(Enumerable.Range(0, 8).Select(i => "ev" + i), seen);
        }

        [Theory]
        [InlineData("paused", JobState.Paused)]
        [InlineData("archived", JobState.Unknown)]
        public async Task APausedJobOrAnUnknownStatusEndsTheWait(string status, JobState expected)
        {
            var source = new FakeSource("running", status, "running");
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", Fast, null, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(expected, r.State);
            Assert.Equal(2, source.Polls);
        }

        [Fact]
        public async Task TheTimeoutEndsTheWaitWithTheJobStillRunning()
        {
            var source = new FakeSource("running");
            var options = new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(20), Timeout = TimeSpan.FromMilliseconds(100) };
            WaitResult r = await JobWatcher.WaitAsync(source, "ftjob-1", options, null, NoFeedback.Instance, CancellationToken.None);
            Assert.True(r.TimedOut);
            Assert.Equal("running", r.Job.Status);
        }

        [Fact]
        public async Task CancellationEndsTheWait()
        {
            var source = new FakeSource("running");
            using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                JobWatcher.WaitAsync(source, "ftjob-1", new WaitOptions { PollInterval = TimeSpan.FromSeconds(30) }, null, NoFeedback.Instance, cts.Token));
        }

        [Fact]
        public async Task WithoutBacklogOnlyNewEventsAreReported()
        {
            var source = new FakeSource("running", "succeeded");
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
