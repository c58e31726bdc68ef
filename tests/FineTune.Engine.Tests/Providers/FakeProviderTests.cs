using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Moderation;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;
using Xunit;

namespace FineTune.Engine.Tests.Providers
{
    /// <summary>The engine's workflow runs on the in-memory fake of the port: no HTTP anywhere.</summary>
    public sealed class FakeProviderTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-fake-" + Guid.NewGuid().ToString("N"));

        public FakeProviderTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, true);

        private string Write(params string[] userTexts)
        {
            string path = Path.Combine(dir, "train.jsonl");
            File.WriteAllLines(path, userTexts.Select(t =>
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + t + "\"},{\"role\":\"assistant\",\"content\":\"ok\"}]}"));
            return path;
        }

        [Fact]
        public async Task The_screener_flags_the_example_the_fake_moderation_flags()
        {
            var fake = new FakeProvider();
            string path = Write("a kind question", "a forbidden question", "another kind one");
            ModerationReport report = await ModerationScreener.ScreenAsync((inputs, ct) => fake.ModerateAsync(inputs, null, ct),
                new ModerationOptions { Path = path }, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(3, report.Summary.Examples);
            Assert.Equal(1, report.Summary.Flagged);
            Assert.Equal(2, report.Findings.Single().Line);
            Assert.Contains("Moderate", fake.Calls);
        }

        [Fact]
        public async Task Upload_create_and_wait_run_on_the_fake()
        {
            var fake = new FakeProvider();
            FineTuneFile file = await fake.UploadFileAsync(Write("one", "two"), "fine-tune", false, null, NoFeedback.Instance, CancellationToken.None);
            var request = new JobRequest { Model = "gpt-4o-mini-2024-07-18", TrainingFile = file.Id, Epochs = 2 };
            FineTuneJob job = await fake.CreateJobAsync(request, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(request.RequestId, job.Metadata[JobRequest.RequestIdKey]);
            WaitResult result = await JobWatcher.WaitAsync(fake, job.Id, new WaitOptions { PollInterval = TimeSpan.FromMilliseconds(1) }, null, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal("succeeded", result.Job.Status);
            Assert.Equal(3, fake.Polls(job.Id));
            Assert.Equal(new[] { "AddFile", "StartJob" }, fake.Calls.Take(2));
        }

        [Fact]
        public async Task Pages_reads_every_page_and_stops_at_the_maximum()
        {
            var fake = new FakeProvider { PageSize = 2 };
            for (int i = 0; i < 5; i++) await fake.UploadFileAsync(Write("x" + i), "fine-tune", false, null, NoFeedback.Instance, CancellationToken.None);
            var all = await Pages.AllAsync((after, limit, ct) => fake.ListFilesAsync(null, after, limit, ct), 100, CancellationToken.None);
            Assert.Equal(new[] { "file-5", "file-4", "file-3", "file-2", "file-1" }, all.Select(f => f.Id));
            int seen = 0;
            int read = await Pages.ReadAsync((after, limit, ct) => fake.ListFilesAsync(null, after, limit, ct), f => { seen++; return true; }, 100, 3, CancellationToken.None);
            Assert.Equal(3, read);
            Assert.Equal(3, seen);
        }
    }
}
