using System;
using System.Linq;
using System.Text;
using System.Text.Json;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class JobParsingTests
    {
        private static FineTuneJob Parse(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return FineTuneJob.FromJson(doc.RootElement);
        }

        [Fact]
        public void ReadsAnOpenAIJobWithMethodHyperparameters()
        {
            var job = Parse(@"{""id"":""ftjob-1"",""status"":""succeeded"",""model"":""gpt-4o-mini-2024-07-18"",""fine_tuned_model"":""ft:gpt-4o-mini-2024-07-18:org:x:abc"",
                ""created_at"":1700000000,""finished_at"":1700000600,""training_file"":""file-t"",""result_files"":[""file-r""],""trained_tokens"":12345,
                ""seed"":7,""metadata"":{""finetune_request_id"":""ftreq_1""},""error"":{""code"":null,""message"":null,""param"":null},
                ""method"":{""type"":""supervised"",""supervised"":{""hyperparameters"":{""n_epochs"":3,""batch_size"":""auto"",""learning_rate_multiplier"":1.8}}}}");
            Assert.Equal("ftjob-1", job.JobId);
            Assert.Equal("ft:gpt-4o-mini-2024-07-18:org:x:abc", job.FineTunedModel);
            Assert.Equal(3, job.Epochs);
            Assert.Null(job.BatchSize);
            Assert.Equal(1.8, job.LearningRateMultiplier);
            Assert.Equal(new[] { "file-r" }, job.ResultFiles);
            Assert.Equal(12345, job.TrainedTokens);
            Assert.Equal(600, (job.FinishedAt - job.CreatedAt)!.Value.TotalSeconds);
            Assert.Equal("ftreq_1", job.Metadata["finetune_request_id"]);
            Assert.Null(job.ErrorCode);
            Assert.Null(job.ErrorParam);
            Assert.True(job.IsTerminal);
        }

        [Fact]
        public void ToleratesAzureShapes()
        {
            // Azure: status pending, -1 for auto, null result_files, seed and organization_id, top-level hyperparameters
            var job = Parse(@"{""id"":""ftjob-az"",""status"":""pending"",""model"":""gpt-4.1-2025-04-14"",""fine_tuned_model"":null,""result_files"":null,
                ""seed"":null,""organization_id"":null,""hyperparameters"":{""n_epochs"":-1,""batch_size"":-1,""learning_rate_multiplier"":-1},""trainingType"":""Standard""}");
            Assert.Equal("pending", job.Status);
            Assert.Empty(job.ResultFiles);
            Assert.Null(job.Seed);
            Assert.Null(job.Epochs);
            Assert.Null(job.BatchSize);
            Assert.Equal("supervised", job.Method);
            Assert.False(job.IsTerminal);
        }

        [Fact]
        public void ReadsAFailedJobsError()
        {
            var job = Parse(@"{""id"":""ftjob-2"",""status"":""failed"",""error"":{""code"":""invalid_training_file"",""message"":""Line 3 has no assistant message"",""param"":""training_file""}}");
            Assert.Equal("invalid_training_file", job.ErrorCode);
            Assert.Equal("training_file", job.ErrorParam);
            Assert.Contains("Line 3", job.ErrorMessage);
        }

        [Fact]
        public void RequestJsonCarriesTheMethodHyperparametersAndTheRequestId()
        {
            var request = new JobRequest { Model = "gpt-4o-mini-2024-07-18", TrainingFile = "file-1", Method = "dpo", Epochs = 2, Beta = 0.1, Suffix = "s" };
            request.Metadata["team"] = "ops";
            request.Validate();
            using JsonDocument doc = JsonDocument.Parse(request.ToJson());
            JsonElement root = doc.RootElement;
            Assert.Equal("dpo", root.GetProperty("method").GetProperty("type").GetString());
            JsonElement hyper = root.GetProperty("method").GetProperty("dpo").GetProperty("hyperparameters");
            Assert.Equal(2, hyper.GetProperty("n_epochs").GetInt32());
            Assert.Equal(0.1, hyper.GetProperty("beta").GetDouble());
            Assert.False(hyper.TryGetProperty("batch_size", out _)); // auto is left out
            Assert.Equal(request.RequestId, root.GetProperty("metadata").GetProperty(JobRequest.RequestIdKey).GetString());
            Assert.Equal("ops", root.GetProperty("metadata").GetProperty("team").GetString());
            Assert.StartsWith("ftreq_", request.RequestId);
        }

        [Fact]
        public void RequestLimitsNameTheField()
        {
            var tooMany = new JobRequest { Model = "m", TrainingFile = "f" };
            for (int i = 0; i < 16; i++) tooMany.Metadata["k" + i] = "v";
            Assert.Contains("at most 15", Assert.Throws<System.ArgumentException>(() => tooMany.Validate()).Message);
            var beta = new JobRequest { Model = "m", TrainingFile = "f", Beta = 0.5 };
            Assert.Contains("-Method Dpo", Assert.Throws<System.ArgumentException>(() => beta.Validate()).Message);
            var ours = new JobRequest { Model = "m", TrainingFile = "f" };
            ours.Metadata[JobRequest.RequestIdKey] = "x";
            Assert.Contains("FineTune's own", Assert.Throws<System.ArgumentException>(() => ours.Validate()).Message);
        }

        [Fact]
        public void EventsExposeMetrics()
        {
            using JsonDocument doc = JsonDocument.Parse(@"{""id"":""ftevent-1"",""created_at"":1700000000,""level"":""info"",""type"":""metrics"",""message"":""Step 3/10"",""data"":{""step"":3,""total_steps"":10,""train_loss"":0.75,""train_mean_token_accuracy"":0.6}}");
            var e = FineTuneEvent.FromJson(doc.RootElement, "ftjob-1");
            Assert.Equal(3, e.Step);
            Assert.Equal(10, e.TotalSteps);
            Assert.Equal(0.75, e.TrainLoss);
            Assert.Equal("2023-11-14 22:13:20 [info] Step 3/10", e.ToString());
        }

        [Fact]
        public void ChatCostComesFromTheCatalogByBaseModel()
        {
            // 1M in + 1M out on a gpt-4o-mini fine-tune: $0.30 + $1.20 (OPENAI-FACTS.md prices)
            Assert.Equal(1.50m, Costs.ChatCost("ft:gpt-4o-mini-2024-07-18:org::abc", 1_000_000, 1_000_000));
            Assert.Null(Costs.ChatCost("no-such-model", 10, 10));
        }

        [SkippableFact]
        public void TrainingEstimateCountsTheLocalFile()
        {
            string path = SharedData.Require("data/chat_ticket_classification_train.jsonl");
            var estimate = Costs.EstimateTraining("gpt-4o-mini-2024-07-18", path, 2, default)!;
            int lines = System.IO.File.ReadLines(path).Count(l => l.Trim().Length > 0);
            Assert.Equal(lines, estimate.Examples);
            Assert.Equal(2, estimate.Epochs);
            Assert.True(estimate.BilledTokensPerEpoch > lines * 10);
            Assert.Equal(estimate.BilledTokensPerEpoch * 2, estimate.TrainedTokens);
            Assert.Equal(Math.Round(estimate.TrainedTokens * 3.00m / 1_000_000m, 2), estimate.EstimatedUsd); // the catalog rounds to cents
            Assert.Null(Costs.EstimateTraining("no-such-model", path, null, default));
        }
    }
}
