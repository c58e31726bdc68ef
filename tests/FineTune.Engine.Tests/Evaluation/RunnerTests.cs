using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Evaluation;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Evaluation
{
    public sealed class RunnerTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-compare-" + Guid.NewGuid().ToString("N"));

        public RunnerTests()
        {
            Directory.CreateDirectory(dir);
        }

        public void Dispose() => Directory.Delete(dir, true);

        /// <summary>Answers "Billing"/"Technical" tickets: the base model gets lines 1, 2, 5, 6 right; the tuned one lines 1, 3, 4, 5, 6.</summary>
        private sealed class FakeClient : IEvalClient
        {
            public int Calls;
            public int Batches;
            private readonly ConcurrentDictionary<string, EvalRequest> batch = new ConcurrentDictionary<string, EvalRequest>();

            public static ModelReply Answer(EvalRequest r)
            {
                string q = r.Messages!.Last().Content;
                int n = int.Parse(q.Substring(1));
                string right = n % 2 == 0 ? "Technical" : "Billing", wrong = n % 2 == 0 ? "Billing" : "Technical";
                bool ok = r.Model == "base" ? n is 1 or 2 or 5 or 6 : n != 2;
                string text = ok ? right : (n == 3 ? "No idea" : wrong);
                return new ModelReply { Text = text, PromptTokens = r.Model == "base" ? 100 : 20, CompletionTokens = 1 };
            }

            public bool BatchServesFineTunedModels { get; set; } = true;

            public Task<ModelReply> SendAsync(EvalRequest request, CancellationToken cancellationToken)
            {
                Interlocked.Increment(ref Calls);
                return Task.FromResult(Answer(request));
            }

            public Task<string> CreateBatchAsync(IReadOnlyList<EvalRequest> requests, CancellationToken cancellationToken)
            {
                Batches++;
                foreach (EvalRequest r in requests) batch[r.Key] = r;
                return Task.FromResult("batch_1");
            }

            public Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken) =>
                Task.FromResult(new FineTuneBatch { Id = batchId, Status = "completed", Total = batch.Count, Completed = batch.Count, OutputFileId = "file-out" });

            public Task<IReadOnlyList<BatchResult>> GetBatchResultsAsync(FineTuneBatch state, CancellationToken cancellationToken) =>
                Task.FromResult<IReadOnlyList<BatchResult>>(batch.Values.Select(r => new BatchResult { Key = r.Key, Reply = Answer(r) }).ToList());
        }

        private string WriteSet()
        {
            string path = Path.Combine(dir, "tickets.jsonl");
            File.WriteAllLines(path, Enumerable.Range(1, 6).Select(n =>
                $"{{\"messages\":[{{\"role\":\"system\",\"content\":\"Classify.\"}},{{\"role\":\"user\",\"content\":\"t{n}\"}},{{\"role\":\"assistant\",\"content\":\"{(n % 2 == 0 ? "Technical" : "Billing")}\"}}]}}"));
            return path;
        }

        private ComparisonOptions Options(string path, bool batch = false) => new ComparisonOptions
        {
            Path = path,
            Contenders = new[] { new Contender { Name = "base", Model = "base" }, new Contender { Name = "tuned", Model = "tuned", SystemMessage = "", TrainingCostUsd = 1m } },
            Graders = new Grader[] { new LabelSetGrader(new[] { "Billing", "Technical" }) },
            UseBatch = batch,
            BatchPollInterval = TimeSpan.FromMilliseconds(1),
        };

        [Fact]
        public async Task FiguresFollowFromTheRowsAndARerunSendsNothing()
        {
            string path = WriteSet();
            var client = new FakeClient();
            Comparison c = await ComparisonRunner.RunAsync(client, Options(path), NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(12, client.Calls);
            Assert.Equal(12, c.RequestsSent);
            ContenderSummary b = c.Summaries[0], t = c.Summaries[1];
            Assert.Equal(4, b.Passed);
            Assert.Equal(5, t.Passed);
            Assert.Equal(new[] { 1L, 2, 5, 6 }, b.Rows.Where(r => r.Passed).Select(r => r.Line));
            // tuned gains lines 3 and 4, loses line 2: b = 1, c = 2, exact: 2 · (1 + 3) / 8 = 1
            Assert.Equal(2, t.Gained);
            Assert.Equal(1, t.Lost);
            Assert.Equal("exact", t.McNemarMethod);
            Assert.Equal(1, t.McNemarP!.Value, 10);
            // tuned sends no system message: the request holds only the user message
            Assert.Null(b.Baseline);
            Assert.Equal("base", t.Baseline);
            // label figures of the base: line 3 (Billing) answered with no label, line 4 (Technical) as Billing
            LabelReport labels = b.Labels!;
            Assert.Equal(new[] { "Billing", "Technical", "(none)" }, labels.Labels);
            Assert.Equal(new[] { 2, 0, 1 }, labels.Matrix[0]);
            Assert.Equal(new[] { 1, 2, 0 }, labels.Matrix[1]);
            Assert.Equal(4 / 6.0, labels.Accuracy, 10);
            Assert.Equal(2 / 3.0, labels.Precision["Billing"]!.Value, 10);
            Assert.Equal(2 / 3.0, labels.Recall["Technical"]!.Value, 10);
            Assert.Equal(5 / 6.0, b.FormatValidRate!.Value, 10);
            // the tuned model answered line 2 (Technical) as Billing
            Assert.Equal(1, t.Labels!.Matrix[1][0]);
            Assert.Equal(1, t.FormatValidRate!.Value, 10);
            Assert.Equal(100, b.PromptTokensPerCall);
            Assert.Equal(20, t.PromptTokensPerCall);

            var again = new FakeClient();
            Comparison c2 = await ComparisonRunner.RunAsync(again, Options(path), NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(0, again.Calls);
            Assert.Equal(0, c2.RequestsSent);
            Assert.All(c2.Rows, r => Assert.True(r.FromJournal));
            Assert.Equal(c.Rows.Select(r => r.Passed), c2.Rows.Select(r => r.Passed));
        }

        [Fact]
        public async Task BatchGivesTheSameGradesWithoutDirectCalls()
        {
            string path = WriteSet();
            Comparison direct = await ComparisonRunner.RunAsync(new FakeClient(), Options(path), NoFeedback.Instance, CancellationToken.None);
            var client = new FakeClient();
            var o = Options(path, batch: true);
            o.JournalPath = Path.Combine(dir, "batch-journal.jsonl");
            Comparison viaBatch = await ComparisonRunner.RunAsync(client, o, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(0, client.Calls);
            Assert.Equal(1, client.Batches);
            Assert.Equal("batch_1", viaBatch.BatchId);
            Assert.Equal(direct.Rows.Select(r => (r.Line, r.Contender, r.Passed, r.Answer)), viaBatch.Rows.Select(r => (r.Line, r.Contender, r.Passed, r.Answer)));
        }

        [Fact]
        public async Task ABatchOfFineTunedModelsIsRefusedWhereTheBatchApiDoesNotServeThem()
        {
            var o = Options(WriteSet(), batch: true);
            o.Contenders = new[] { new Contender { Name = "t", Model = "gpt-4o-mini-2024-07-18.ft-0123456789abcdef0123456789abcdef" } };
            var azure = new FakeClient { BatchServesFineTunedModels = false };
            var ex = await Assert.ThrowsAsync<FineTuneException>(() => ComparisonRunner.RunAsync(azure, o, NoFeedback.Instance, CancellationToken.None));
            Assert.Equal(ErrorKind.NotSupported, ex.Kind);
            Assert.Equal("BatchNotForFineTunedOnAzure", ex.Reason);
            Assert.Contains("does not serve fine-tuned models", ex.Message);
            Assert.Equal(0, azure.Batches);

            var openAi = new FakeClient();
            o.JournalPath = Path.Combine(dir, "served-journal.jsonl");
            await ComparisonRunner.RunAsync(openAi, o, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(1, openAi.Batches);
        }

        [Fact]
        public void OnlyAzureOpenAiSaysItsBatchApiServesNeitherEmbeddingsNorFineTunedModels()
        {
            foreach ((string endpoint, bool served) in new[] { ("https://api.openai.com/v1", true), ("http://127.0.0.1:1/v1", true), ("https://contoso.openai.azure.com/openai/v1", false) })
            {
                var connection = new FineTune.Engine.Providers.FineTuneConnection(new Uri(endpoint), "k", FineTune.Engine.Providers.KeySource.Parameter);
                FineTune.Engine.Providers.IFineTuneProvider provider = FineTune.Engine.Providers.ProviderFactory.Create(connection);
                Assert.Equal(served, provider.BatchServesEmbeddings);
                Assert.Equal(served, provider.BatchServesFineTunedModels);
                Assert.Equal(served, new ProviderEvalClient(provider, NoFeedback.Instance).BatchServesFineTunedModels);
            }
        }

        [Fact]
        public void ContenderSystemMessageReplacesTheFilesOne()
        {
            EvalExample e = EvalSet.Parse("f", 1, "{\"messages\":[{\"role\":\"system\",\"content\":\"Long instructions\"},{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}");
            var o = new ComparisonOptions();
            Assert.Equal(new[] { "Long instructions", "q" }, ComparisonRunner.RequestFor(e, new Contender { Model = "m" }, o).Messages!.Select(m => m.Content));
            Assert.Equal(new[] { "Short", "q" }, ComparisonRunner.RequestFor(e, new Contender { Model = "m", SystemMessage = "Short" }, o).Messages!.Select(m => m.Content));
            Assert.Equal(new[] { "q" }, ComparisonRunner.RequestFor(e, new Contender { Model = "m", SystemMessage = "" }, o).Messages!.Select(m => m.Content));
            EvalRequest legacy = ComparisonRunner.RequestFor(e, new Contender { Model = "ft:babbage-002:org::abc" }, o);
            Assert.Null(legacy.Messages);
            Assert.Equal("q", legacy.Prompt);
        }
    }
}
