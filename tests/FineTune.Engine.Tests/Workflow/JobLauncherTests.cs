using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;
using Xunit;

namespace FineTune.Engine.Tests.Workflow
{
    /// <summary>The job launcher on the in-memory fake of the port: plan, screen, upload, create once, wait; no HTTP.</summary>
    public sealed class JobLauncherTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-launch-" + Guid.NewGuid().ToString("N"));

        public JobLauncherTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, true);

        private string Train(params string[] userTexts)
        {
            string path = Path.Combine(dir, "train.jsonl");
            File.WriteAllLines(path, userTexts.Select(t =>
                "{\"messages\":[{\"role\":\"user\",\"content\":\"" + t + "\"},{\"role\":\"assistant\",\"content\":\"hardware\"}]}"));
            return path;
        }

        private static JobLaunch Launch(string path, string model = "gpt-4o-mini-2024-07-18") =>
            new JobLaunch { Request = new JobRequest { Model = model, Epochs = 2, Suffix = "fake" }, TrainingPath = path, Moderate = true, Wait = true };

        [Fact]
        public async Task Plans_without_a_call_then_screens_uploads_creates_and_waits_in_that_order()
        {
            var fake = new FakeProvider();
            string path = Train(Enumerable.Range(1, 10).Select(i => "printer " + i + " is offline").ToArray());
            LaunchPlan plan = JobLauncher.Prepare(fake, Launch(path), NoFeedback.Instance, CancellationToken.None);
            Assert.Empty(fake.Calls);
            Assert.Equal($"{path} on gpt-4o-mini-2024-07-18", plan.Target);
            Assert.StartsWith("estimated cost $", plan.Cost);
            Assert.Contains(" x 2 epochs", plan.Cost);

            (FineTuneJob job, WaitResult? wait) = await JobLauncher.LaunchAsync(fake, plan, NoFeedback.Instance, null, CancellationToken.None);
            Assert.Equal("succeeded", job.Status);
            Assert.False(wait!.TimedOut);
            Assert.Equal(new[] { "GetModel", "Moderate", "AddFile", "StartJob" }, fake.Calls.Where(c => c != "GetJob" && c != "GetEvent").Distinct());
            Assert.Equal(fake.Files.Single().Id, job.TrainingFile);
        }

        [Fact]
        public async Task A_flagged_example_stops_before_any_upload()
        {
            var fake = new FakeProvider();
            string path = Train("a kind question", "a forbidden question");
            LaunchPlan plan = JobLauncher.Prepare(fake, Launch(path), NoFeedback.Instance, CancellationToken.None);
            var ex = await Assert.ThrowsAsync<FineTuneException>(() => JobLauncher.LaunchAsync(fake, plan, NoFeedback.Instance, null, CancellationToken.None));
            Assert.Equal("FineTune.Flagged", ex.ErrorId);
            Assert.Contains("(lines 2)", ex.Message);
            Assert.DoesNotContain("AddFile", fake.Calls);
        }

        [Fact]
        public async Task A_model_the_service_lacks_stops_before_any_upload()
        {
            var fake = new FakeProvider();
            LaunchPlan plan = JobLauncher.Prepare(fake, Launch(Train("x"), "gpt-4o-mni"), NoFeedback.Instance, CancellationToken.None);
            var ex = await Assert.ThrowsAsync<FineTuneException>(() => JobLauncher.LaunchAsync(fake, plan, NoFeedback.Instance, null, CancellationToken.None));
            Assert.Equal("FineTune.UnknownModel", ex.ErrorId);
            Assert.Equal(new[] { "GetModel" }, fake.Calls);
        }

        [Fact]
        public void The_budget_refuses_an_estimate_above_MaxCost_and_a_file_it_cannot_price()
        {
            var fake = new FakeProvider();
            string words = string.Join(" ", Enumerable.Repeat("the printer on floor three is offline again", 10));
            JobLaunch launch = Launch(Train(Enumerable.Repeat(words, 200).ToArray()));   // about 2 x 200 x 90 tokens: cents, not zero
            launch.MaxCost = 0m;
            Assert.Equal("FineTune.OverBudget", Assert.Throws<FineTuneException>(() => JobLauncher.Prepare(fake, launch, NoFeedback.Instance, CancellationToken.None)).ErrorId);
            launch.TrainingPath = Path.Combine(dir, "missing.jsonl");
            var ex = Assert.Throws<FineTuneException>(() => JobLauncher.Prepare(fake, launch, NoFeedback.Instance, CancellationToken.None));
            Assert.Equal("FineTune.CostUnknown", ex.ErrorId);
            Assert.Contains("Check -Path", ex.Message);
            Assert.Empty(fake.Calls);
        }

        [Fact]
        public void A_launch_without_a_training_file_is_refused_before_anything_is_checked_or_sent()
        {
            var fake = new FakeProvider();
            var launch = new JobLaunch { Request = new JobRequest { Model = "gpt-4o-mini-2024-07-18" } };
            var ex = Assert.Throws<FineTuneException>(() => JobLauncher.Prepare(fake, launch, NoFeedback.Instance, CancellationToken.None));
            Assert.Equal("FineTune.NoTrainingFile", ex.ErrorId);
            Assert.Contains("-TrainingFile is empty", ex.Message);
            Assert.Empty(fake.Calls);
        }
    }
}
