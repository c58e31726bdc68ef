using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class CreateOnceTests
    {
        private static FineTuneServiceException Error(ErrorKind kind, int? status = null, string? code = null) =>
            new FineTuneServiceException("StartJob", kind, kind.ToString(), "failed", status, code);

        [Theory]
        [InlineData(ErrorKind.Timeout, CreateRetry.LookUpThenRetry)]
        [InlineData(ErrorKind.Network, CreateRetry.LookUpThenRetry)]
        [InlineData(ErrorKind.ServerError, CreateRetry.LookUpThenRetry)]
        [InlineData(ErrorKind.InvalidResponse, CreateRetry.LookUpThenRetry)]
        [InlineData(ErrorKind.RateLimited, CreateRetry.Retry)]
        [InlineData(ErrorKind.QuotaExceeded, CreateRetry.Fail)]
        [InlineData(ErrorKind.InvalidRequest, CreateRetry.Fail)]
        [InlineData(ErrorKind.Authentication, CreateRetry.Fail)]
        [InlineData(ErrorKind.NotFound, CreateRetry.Fail)]
        public void DecidesByKind(ErrorKind kind, CreateRetry expected) => Assert.Equal(expected, CreateOnce.Decide(Error(kind)));

        private sealed class Script
        {
            public readonly Queue<Exception?> Creates = new Queue<Exception?>();
            public readonly Queue<object?> Finds = new Queue<object?>();
            public int CreateCalls;
            public int FindCalls;

            public Task<string> RunAsync(int maxAttempts) => CreateOnce.RunAsync<string>(
                (n, ct) =>
                {
                    CreateCalls++;
                    Exception? e = Creates.Dequeue();
                    return e == null ? Task.FromResult("created-" + n) : Task.FromException<string>(e);
                },
                ct =>
                {
                    FindCalls++;
                    object? f = Finds.Dequeue();
                    return f is Exception e ? Task.FromException<string?>(e) : Task.FromResult((string?)f);
                },
                maxAttempts, n => TimeSpan.Zero, NoFeedback.Instance, "hint", CancellationToken.None);
        }

        [Fact]
        public async Task ADroppedConnectionAfterTheJobWasCreatedReturnsThatJobWithoutASecondCreate()
        {
            var s = new Script();
            s.Creates.Enqueue(Error(ErrorKind.Network));
            s.Finds.Enqueue("found-job");
            Assert.Equal("found-job", await s.RunAsync(3));
            Assert.Equal(1, s.CreateCalls);
            Assert.Equal(1, s.FindCalls);
        }

        [Fact]
        public async Task AFailureThatCreatedNothingIsTriedAgain()
        {
            var s = new Script();
            s.Creates.Enqueue(Error(ErrorKind.ServerError, 500));
            s.Finds.Enqueue(null);
            s.Creates.Enqueue(null);
            Assert.Equal("created-2", await s.RunAsync(3));
            Assert.Equal(2, s.CreateCalls);
        }

        [Fact]
        public async Task ARateLimitIsRetriedWithoutALookUp()
        {
            var s = new Script();
            s.Creates.Enqueue(Error(ErrorKind.RateLimited, 429));
            s.Creates.Enqueue(null);
            Assert.Equal("created-2", await s.RunAsync(3));
            Assert.Equal(0, s.FindCalls);
        }

        [Fact]
        public async Task ARefusalIsNeverRetried()
        {
            var s = new Script();
            s.Creates.Enqueue(Error(ErrorKind.QuotaExceeded, 429, "insufficient_quota"));
            var e = await Assert.ThrowsAsync<FineTuneServiceException>(() => s.RunAsync(3));
            Assert.Equal(ErrorKind.QuotaExceeded, e.Kind);
            Assert.Equal(1, s.CreateCalls);
            Assert.Equal(0, s.FindCalls);
        }

        [Fact]
        public async Task AttemptsAreBoundedAndTheLastFailureIsThrown()
        {
            var s = new Script();
            for (int i = 0; i < 3; i++)
            {
                s.Creates.Enqueue(Error(ErrorKind.Timeout));
                s.Finds.Enqueue(null);
            }

            var e = await Assert.ThrowsAsync<FineTuneServiceException>(() => s.RunAsync(3));
            Assert.Equal(ErrorKind.Timeout, e.Kind);
            Assert.Equal(3, s.CreateCalls);
            Assert.Equal(3, s.FindCalls); // the last failure is looked up too before giving up
        }

        [Fact]
        public async Task WhenTheLookUpFailsTheCreateIsNotRepeated()
        {
            var s = new Script();
            s.Creates.Enqueue(Error(ErrorKind.Network));
            s.Finds.Enqueue(Error(ErrorKind.ServerError, 503));
            var e = await Assert.ThrowsAsync<FineTuneServiceException>(() => s.RunAsync(3));
            Assert.Equal(1, s.CreateCalls);
            Assert.Contains("not tried again", e.Message);
            Assert.Contains("hint", e.Message);
        }

        [Fact]
        public void BackoffDoublesUpToTheCap()
        {
            Assert.Equal(TimeSpan.FromSeconds(1), CreateOnce.Backoff(1, TimeSpan.FromSeconds(60)));
            Assert.Equal(TimeSpan.FromSeconds(4), CreateOnce.Backoff(3, TimeSpan.FromSeconds(60)));
            Assert.Equal(TimeSpan.FromSeconds(5), CreateOnce.Backoff(10, TimeSpan.FromSeconds(5)));
        }
    }
}
