using System;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class JobStatusTests
    {
        [Theory]
        [InlineData("succeeded", JobState.Terminal)]
        [InlineData("failed", JobState.Terminal)]
        [InlineData("cancelled", JobState.Terminal)]
        [InlineData("Cancelled", JobState.Terminal)]
        [InlineData("validating_files", JobState.Active)]
        [InlineData("queued", JobState.Active)]
        [InlineData("running", JobState.Active)]
        [InlineData("pending", JobState.Active)]   // Azure
        [InlineData("pausing", JobState.Active)]   // live service
        [InlineData("resuming", JobState.Active)]  // unknown but transitional
        [InlineData("paused", JobState.Paused)]
        [InlineData("archived", JobState.Unknown)] // unknown and stable: a waiter returns
        [InlineData("", JobState.Unknown)]
        [InlineData(null, JobState.Unknown)]
        public void ClassifiesStatuses(string? status, JobState expected) => Assert.Equal(expected, JobStatus.Classify(status));

        [Fact]
        public void AnUnknownStatusWithAFinishTimeIsTerminalButAKnownActiveOneIsNot()
        {
            Assert.Equal(JobState.Terminal, JobStatus.Classify("archived", DateTimeOffset.UtcNow));
            Assert.Equal(JobState.Active, JobStatus.Classify("running", DateTimeOffset.UtcNow));
        }
    }
}
