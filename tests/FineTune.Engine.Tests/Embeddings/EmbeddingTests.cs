using System;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using FineTune.Engine;
using FineTune.Engine.Embeddings;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Embeddings
{
    public sealed class EmbeddingTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-embed-" + Guid.NewGuid().ToString("N"));

        public EmbeddingTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, recursive: true);

        [Fact]
        public async Task A_batch_is_refused_before_anything_is_sent_where_the_Batch_API_serves_no_embeddings()
        {
            var azure = new FakeProvider("Azure");
            var ex = await Assert.ThrowsAsync<FineTuneException>(() => Embedder.EmbedAsync(azure, new[] { "a text" }, new EmbeddingOptions { UseBatch = true }, NoFeedback.Instance, default));
            Assert.Equal("BatchNotOnAzure", ex.Reason);
            Assert.Empty(azure.Calls);

            var openAi = new FakeProvider();
            Embedder.CheckBatch(new EmbeddingOptions { UseBatch = true }, openAi); // served: no exception
            Embedder.CheckBatch(new EmbeddingOptions { UseBatch = false }, azure); // no batch asked for: no exception
        }

        [Fact]
        public void A_plan_says_what_it_sends_and_costs_and_keeps_to_MaxCost()
        {
            var texts = Enumerable.Range(0, 3000).Select(i => "text number " + i).ToList();
            EmbeddingPlan plan = Embedder.Plan(texts, new EmbeddingOptions { Model = "text-embedding-3-small" });
            Assert.Equal(2, plan.Requests);
            Assert.Matches(@"^2 embedding requests, \d{1,3}(,\d{3})* tokens, \$0\.\d+$", plan.CostSentence);
            Assert.Contains(plan.Tokens.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " tokens", plan.CostSentence);

            plan.CheckBudget("Embed", plan.CostUsd, "index"); // at the cap: passes
            plan.CheckBudget("Embed", null, "index"); // no cap: passes
            var over = Assert.Throws<FineTuneException>(() => plan.CheckBudget("Embed", plan.CostUsd!.Value / 2, "index"));
            Assert.Equal("OverBudget", over.Reason);
            Assert.Contains(plan.CostSentence, over.Message);

            EmbeddingPlan unpriced = Embedder.Plan(texts, new EmbeddingOptions { Model = "embed-nobody-prices" });
            Assert.Null(unpriced.CostUsd);
            Assert.Equal("CostUnknown", Assert.Throws<FineTuneException>(() => unpriced.CheckBudget("Embed", 1m, "index")).Reason);

            EmbeddingPlan nothing = Embedder.Plan(Array.Empty<string>(), new EmbeddingOptions { Model = "embed-nobody-prices" });
            nothing.CheckBudget("Embed", 0m, "index"); // nothing to send: passes whatever the cap
        }

        [Fact]
        public async Task Batches_stay_within_2048_inputs_and_300000_tokens_a_request()
        {
            var fake = new FakeProvider();
            // 3,000 short texts: 2,048 + 952
            var shortTexts = Enumerable.Range(0, 3000).Select(i => "text number " + i).ToList();
            EmbeddingRun run = await Embedder.EmbedAsync(fake, shortTexts, new EmbeddingOptions(), NoFeedback.Instance, default);
            Assert.Equal(new[] { 2048, 952 }, fake.Embedded.Select(b => b.Count).OrderByDescending(n => n).ToArray());
            Assert.Equal(3000, run.Vectors.Count);
            Assert.Equal(2, run.RequestsSent);

            // texts of 5,000 tokens each (" x" is one token in cl100k_base): 60 a request
            fake = new FakeProvider();
            string big = string.Concat(Enumerable.Repeat(" x", 5000));
            Assert.Equal(5000, Embedder.Encoder.Count(big));
            var bigTexts = Enumerable.Range(0, 61).Select(i => big + " " + i).ToList();
            EmbeddingPlan plan = Embedder.Plan(bigTexts, new EmbeddingOptions());
            Assert.Equal(2, plan.Requests);
            await Embedder.EmbedAsync(fake, bigTexts, new EmbeddingOptions(), NoFeedback.Instance, default);
            Assert.Equal(new[] { 59, 2 }, fake.Embedded.Select(b => b.Count).OrderByDescending(n => n).ToArray()); // 59 x 5,002 = 295,118; a 60th would pass 300,000
            Assert.All(fake.Embedded, b => Assert.True(b.Sum(t => Embedder.Encoder.Count(t)) <= Embedder.MaxTokensPerRequest));
        }

        [Fact]
        public void A_text_over_8192_tokens_is_refused_before_anything_is_sent()
        {
            string huge = string.Concat(Enumerable.Repeat(" x", 8193));
            var e = Assert.Throws<ArgumentException>(() => Embedder.Plan(new[] { "fine", huge }, new EmbeddingOptions()));
            Assert.Contains("Text 2 has 8,193 tokens", e.Message);
        }

        [Fact]
        public async Task Prices_before_and_after_from_the_catalog_and_unit_vectors_come_back()
        {
            var fake = new FakeProvider();
            var texts = new[] { "hello world", "hello world", "another text here" };
            EmbeddingPlan plan = Embedder.Plan(texts, new EmbeddingOptions { Model = "text-embedding-3-large" });
            Assert.Equal(2, plan.ToSend); // the same text is sent once
            Assert.Equal(Embedder.Encoder.Count("hello world") + Embedder.Encoder.Count("another text here"), plan.Tokens);
            Assert.Equal(plan.Tokens * 0.13m / 1_000_000m, plan.CostUsd);
            EmbeddingRun run = await Embedder.EmbedAsync(fake, texts, new EmbeddingOptions { Model = "text-embedding-3-large" }, NoFeedback.Instance, default);
            long billed = ("hello world".Length + 3) / 4 + ("another text here".Length + 3) / 4; // the fake's usage
            Assert.Equal(billed, run.TokensBilled);
            Assert.Equal(billed * 0.13m / 1_000_000m, run.CostUsd);
            Assert.All(run.Vectors, v => Assert.Equal(1.0, Math.Sqrt(v.Sum(x => (double)x * x)), 5));
            Assert.Same(run.Vectors[0], run.Vectors[1]);

            (decimal? ada, string note) = Embedder.Cost("text-embedding-ada-002", 1_000_000, "OpenAI");
            Assert.Equal(0.10m, ada);
            Assert.Contains("unverified", note);
            Assert.Null(Embedder.Cost("no-such-embedder", 10, "OpenAI").CostUsd);
        }

        [Fact]
        public async Task A_rerun_after_a_failure_sends_only_what_the_journal_lacks()
        {
            string journal = Path.Combine(dir, "j.jsonl");
            var texts = Enumerable.Range(0, 5000).Select(i => "row " + i).ToList();
            var fake = new FakeProvider { EmbedFailsAt = 2 };
            var options = new EmbeddingOptions { JournalPath = journal, ThrottleLimit = 1 };
            await Assert.ThrowsAsync<FineTuneServiceException>(() => Embedder.EmbedAsync(fake, texts, options, NoFeedback.Instance, default));
            Assert.Equal(2048, File.ReadAllLines(journal).Length); // the first request's vectors were kept, the third was never sent

            fake = new FakeProvider();
            EmbeddingRun run = await Embedder.EmbedAsync(fake, texts, options, NoFeedback.Instance, default);
            Assert.Equal(5000 - 2048, fake.Embedded.Sum(b => b.Count));
            Assert.Equal(2048, run.FromJournal);
            Assert.Equal(5000, run.Vectors.Count);

            fake = new FakeProvider();
            run = await Embedder.EmbedAsync(fake, texts, options, NoFeedback.Instance, default);
            Assert.Empty(fake.Embedded);
            Assert.Equal(0, run.RequestsSent);
            Assert.Equal(0m, run.CostUsd);
        }

        [Fact]
        public void Chunks_respect_the_size_overlap_and_know_their_line()
        {
            string text = string.Join("\n", Enumerable.Range(1, 200).Select(i => $"Sentence {i} is about topic {i}."));
            var chunks = Chunker.Split(text, 50, 10);
            Assert.True(chunks.Count > 10);
            Assert.All(chunks, c => Assert.True(Embedder.Encoder.Count(c.Text) <= 50, $"{Embedder.Encoder.Count(c.Text)} tokens: {c.Text}"));
            Assert.Equal(1, chunks[0].Line);
            Assert.StartsWith("Sentence 1 is", chunks[0].Text);
            for (int i = 1; i < chunks.Count; i++)
            {
                // each chunk starts before the previous one ends (overlap), and later than the previous one starts
                Assert.True(chunks[i].Start > chunks[i - 1].Start);
                Assert.True(chunks[i].Start < chunks[i - 1].Start + chunks[i - 1].Text.Length);
                Assert.Equal(text.Substring(0, chunks[i].Start).Count(c => c == '\n') + 1, chunks[i].Line);
            }

            Assert.EndsWith("topic 200.", chunks[chunks.Count - 1].Text);
            Assert.Single(Chunker.Split("short", 50, 10));
            Assert.Empty(Chunker.Split("  \n ", 50, 10));
            // a word longer than a chunk is cut by characters
            Assert.All(Chunker.Split(new string('q', 5000), 64, 0), c => Assert.True(Embedder.Encoder.Count(c.Text) <= 64));
        }

        [Fact]
        public void Top_returns_the_closest_rows_best_first_and_honours_a_minimum()
        {
            float[] Unit(params float[] v) => VectorMath.Normalize(v);
            var rows = new[] { Unit(1, 0, 0), Unit(0, 1, 0), Unit(1, 1, 0), Unit(-1, 0, 0) };
            float[] block = rows.SelectMany(r => r).ToArray();
            var scores = new float[4];
            var top = VectorMath.Top(block, 3, Unit(1, 0.1f, 0), 3, scores);
            Assert.Equal(new[] { 0, 2, 1 }, top.Select(t => t.Row).ToArray());
            Assert.Equal(VectorMath.Cosine(rows[0], Unit(1, 0.1f, 0)), top[0].Score, 6);
            Assert.Equal(new[] { 0, 2 }, VectorMath.Top(block, 3, Unit(1, 0.1f, 0), 10, scores, 0.5f).Select(t => t.Row).ToArray());
        }

        [Fact]
        public void An_index_file_round_trips_and_a_cut_one_is_named()
        {
            var header = new KnowledgeIndexHeader
            {
                Model = "text-embedding-3-small", Dimensions = 2, Count = 2, ChunkTokens = 64,
                Chunks = { new KnowledgeChunk { Source = "a.md", Record = 1, Line = 3, Text = "alpha", Hash = "h1" }, new KnowledgeChunk { Source = "b.md", Record = 1, Line = 1, Text = "beta", Hash = "h2" } },
            };
            string path = Path.Combine(dir, "x.ftidx");
            new KnowledgeIndex(header, new[] { 1f, 0f, 0f, 1f }).Save(path);
            KnowledgeIndex back = KnowledgeIndex.Load(path);
            Assert.Equal(new[] { 1f, 0f, 0f, 1f }, back.Vectors);
            Assert.Equal("a.md", back.Header.Chunks[0].Source);
            var hit = back.Search(new[] { 0f, 1f }, 1, "q", path).Single();
            Assert.Equal(("b.md", 1.0), (hit.Source, hit.Score));

            byte[] bytes = File.ReadAllBytes(path);
            File.WriteAllBytes(path, bytes.Take(bytes.Length - 3).ToArray());
            var e = Assert.Throws<InvalidDataException>(() => KnowledgeIndex.Load(path));
            Assert.Contains("cut or damaged", e.Message);
            File.WriteAllText(path, "{\"hello\":1}\n");
            Assert.Contains("is not a knowledge index", Assert.Throws<InvalidDataException>(() => KnowledgeIndex.Load(path)).Message);
        }
    }
}
