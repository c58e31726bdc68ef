using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Models;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Embeddings
{
    /// <summary>How to embed texts.</summary>
    public sealed class EmbeddingOptions
    {
        /// <summary>The embedding model (on Azure, a deployment of one). Default text-embedding-3-small.</summary>
        public string Model { get; set; } = Embedder.DefaultModel;

        /// <summary>Shorter vectors (text-embedding-3 models only); null for the model's own (1,536 small, 3,072 large).</summary>
        public int? Dimensions { get; set; }

        /// <summary>Requests in flight at once, 1–16 (default 4).</summary>
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>Inputs a request, 1–2,048 (default and most the service takes: 2,048).</summary>
        public int MaxInputsPerRequest { get; set; } = Embedder.MaxInputs;

        /// <summary>The journal of vectors received (see <see cref="EmbeddingJournal"/>); null keeps none.</summary>
        public string? JournalPath { get; set; }

        /// <summary>The price catalog's provider ("OpenAI" or "Azure") for the cost.</summary>
        public string Provider { get; set; } = ModelCatalog.OpenAI;

        /// <summary>Send the texts through the Batch API (OpenAI only; half price, up to 24 h; see <see cref="EmbeddingBatches"/>).</summary>
        public bool UseBatch { get; set; }

        /// <summary>How long to wait for a batch in this run; null waits until it ends (or Ctrl+C).</summary>
        public TimeSpan? BatchWait { get; set; }

        /// <summary>The longest wait between two polls of a batch (default 10 s; the first poll comes after 0.5 s, each wait doubles).</summary>
        public TimeSpan BatchPollInterval { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>These options without the Batch API.</summary>
        public EmbeddingOptions Direct()
        {
            var copy = (EmbeddingOptions)MemberwiseClone();
            copy.UseBatch = false;
            return copy;
        }

        /// <summary>These options with <paramref name="journalPath"/> as the journal, unless they name one.</summary>
        public EmbeddingOptions WithJournal(string journalPath)
        {
            var copy = (EmbeddingOptions)MemberwiseClone();
            copy.JournalPath ??= journalPath;
            return copy;
        }
    }

    /// <summary>What embedding texts will cost, before anything is sent.</summary>
    public sealed class EmbeddingPlan
    {
        /// <summary>Texts asked for.</summary>
        public int Texts { get; set; }

        /// <summary>Distinct texts not yet in the journal: those that will be sent.</summary>
        public int ToSend { get; set; }

        /// <summary>Tokens of the texts to send (cl100k_base, counted here).</summary>
        public long Tokens { get; set; }

        /// <summary>Requests that will be sent (through the Batch API: one a text).</summary>
        public int Requests { get; set; }

        /// <summary>Whether the requests go through the Batch API (at half price), in <see cref="NewBatches"/> batches.</summary>
        public bool ViaBatch { get; set; }

        /// <summary>Batches this run creates (Batch API; each up to 50,000 requests and 200 MB).</summary>
        public int NewBatches => ViaBatch ? Batches.Count : 0;

        /// <summary>Batches sent by an earlier run (journaled) whose vectors this run picks up instead of sending again.</summary>
        public IReadOnlyList<string> PendingBatches { get; set; } = Array.Empty<string>();

        /// <summary>Distinct texts in <see cref="PendingBatches"/>: not sent again.</summary>
        public int InPendingBatches { get; set; }

        /// <summary>Tokens × the catalog's input price of the model (USD; half through the Batch API); null when the catalog has no price for it.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>The price's source, "unverified" in it when the catalog says so, or why there is none.</summary>
        public string PriceNote { get; set; } = string.Empty;

        /// <summary>The cost as a short text: "$0.0012", or "unknown (…)".</summary>
        public string CostText => CostUsd is decimal c ? "$" + c.ToString("0.########", CultureInfo.InvariantCulture) : "unknown (" + PriceNote + ")";

        /// <summary>What the plan sends and what it costs, in one phrase for a log or a confirmation: "2 embedding requests in 1 batch(es), half price (Batch API), 3,400 tokens, $0.000034".</summary>
        public string CostSentence => string.Format(CultureInfo.InvariantCulture, "{0} embedding requests{1}, {2:N0} tokens, {3}",
            Requests, ViaBatch ? $" in {NewBatches} batch(es), half price (Batch API)" : string.Empty, Tokens, CostText);

        /// <summary>
        /// Applies -MaxCost (<paramref name="maxCost"/>, USD) to what the plan would send (<see cref="Pricing.Budget.Check"/>):
        /// throws <see cref="FineTuneException"/> (OverBudget, or CostUnknown when the model has no price) naming
        /// <paramref name="target"/>; a plan with nothing to send always passes.
        /// </summary>
        public void CheckBudget(string operation, decimal? maxCost, object? target)
        {
            if (Requests == 0) return;
            Pricing.Budget.Check(operation, maxCost, CostUsd, "Embedding", CostUsd == null ? PriceNote : CostSentence, "Nothing was sent.", "Raise -MaxCost, or embed less.",
                "Add the model's price to " + Pricing.Budget.PriceCatalog, target);
        }

        internal List<List<int>> Batches { get; set; } = new List<List<int>>();

        internal List<string> Keys { get; set; } = new List<string>();
    }

    /// <summary>The vectors of a run, and what it sent and cost.</summary>
    public sealed class EmbeddingRun
    {
        /// <summary>One unit vector per text, in the order of the texts.</summary>
        public IReadOnlyList<float[]> Vectors { get; set; } = Array.Empty<float[]>();

        /// <summary>Requests sent in this run.</summary>
        public int RequestsSent { get; set; }

        /// <summary>Texts that came from the journal of an earlier run (nothing sent for them).</summary>
        public int FromJournal { get; set; }

        /// <summary>Tokens billed (the answers' usage; counted here where the service reported none).</summary>
        public long TokensBilled { get; set; }

        /// <summary>What this run cost in USD (tokens billed × the catalog's price); null without a price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>Texts embedded per second of this run (sent texts / wall time).</summary>
        public double TextsPerSecond { get; set; }
    }

    /// <summary>
    /// Embeds texts through the port (<see cref="IFineTuneProvider.EmbedAsync"/>, whose pipeline retries 429 and 5xx):
    /// counts each text's tokens with our cl100k_base encoder (every OpenAI embedding model's encoding) and packs the
    /// texts into requests within the service's limits (OPENAI-FACTS.md: at most <see cref="MaxInputs"/> inputs,
    /// <see cref="MaxTokensPerRequest"/> tokens a request, <see cref="MaxTokensPerInput"/> an input), sends at most
    /// <see cref="EmbeddingOptions.ThrottleLimit"/> requests at once, reports progress (texts and texts/s) and writes
    /// every vector to the journal as it arrives, so that a re-run after Ctrl+C or a failure sends only what is
    /// missing. The same text is sent once per run. Vectors come back scaled to length 1. With
    /// <see cref="EmbeddingOptions.UseBatch"/> the texts go through the Batch API instead (<see cref="EmbeddingBatches"/>).
    /// </summary>
    public static class Embedder
    {
        /// <summary>The default model.</summary>
        public const string DefaultModel = "text-embedding-3-small";

        /// <summary>The most inputs a request may hold.</summary>
        public const int MaxInputs = 2048;

        /// <summary>The most tokens an input may have.</summary>
        public const int MaxTokensPerInput = 8192;

        /// <summary>The most tokens all inputs of a request may have together.</summary>
        public const int MaxTokensPerRequest = 300_000;

        /// <summary>The encoder every OpenAI embedding model uses.</summary>
        public static TokenEncoder Encoder => TokenEncoder.ForEncoding(TokenEncoder.Cl100kBase);

        /// <summary>
        /// Plans a run: which texts are missing from the journal, their tokens, the requests and the cost. Throws
        /// <see cref="ArgumentException"/> naming the first text over <see cref="MaxTokensPerInput"/> tokens.
        /// </summary>
        public static EmbeddingPlan Plan(IReadOnlyList<string> texts, EmbeddingOptions options)
        {
            using EmbeddingJournal journal = EmbeddingJournal.Open(options.JournalPath, readOnly: true);
            return Plan(texts, options, journal);
        }

        private static EmbeddingPlan Plan(IReadOnlyList<string> texts, EmbeddingOptions options, EmbeddingJournal journal)
        {
            Check(options);
            var plan = new EmbeddingPlan { Texts = texts.Count, ViaBatch = options.UseBatch };
            var pending = new HashSet<string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var missing = new List<(int Index, int Tokens)>();
            for (int i = 0; i < texts.Count; i++)
            {
                string key = EmbeddingJournal.KeyOf(options.Model, options.Dimensions, texts[i]);
                plan.Keys.Add(key);
                if (journal.Contains(key) || !seen.Add(key)) continue;
                if (options.UseBatch && journal.BatchOf(key) is string sentIn)
                {
                    pending.Add(sentIn);
                    plan.InPendingBatches++;
                    continue;
                }

                if (string.IsNullOrEmpty(texts[i])) throw new ArgumentException($"Text {i + 1} is empty; the service embeds no empty text.");
                int tokens = Encoder.Count(texts[i]);
                if (tokens > MaxTokensPerInput)
                {
                    throw new ArgumentException($"Text {i + 1} has {tokens:N0} tokens (cl100k_base); an embedding input may have at most {MaxTokensPerInput:N0}. Cut it into smaller pieces.");
                }

                missing.Add((i, tokens));
            }

            // a request: up to 2,048 inputs and 300,000 tokens; through the Batch API one text a request and a batch up
            // to 50,000 requests and 200 MB (each line's size: the text as JSON escapes it, and the rest of the line)
            var batch = new List<int>();
            long batchSize = 0;
            foreach ((int index, int tokens) in missing)
            {
                long size = options.UseBatch ? System.Text.Json.JsonEncodedText.Encode(texts[index]).EncodedUtf8Bytes.Length + 300 : tokens;
                bool full = options.UseBatch
                    ? batch.Count >= BatchFiles.MaxRequests || batchSize + size > BatchFiles.MaxFileBytes
                    : batch.Count >= options.MaxInputsPerRequest || batchSize + size > MaxTokensPerRequest;
                if (batch.Count > 0 && full)
                {
                    plan.Batches.Add(batch);
                    batch = new List<int>();
                    batchSize = 0;
                }

                batch.Add(index);
                batchSize += size;
                plan.Tokens += tokens;
            }

            if (batch.Count > 0) plan.Batches.Add(batch);
            plan.ToSend = missing.Count;
            plan.Requests = options.UseBatch ? missing.Count : plan.Batches.Count;
            plan.PendingBatches = pending.ToList();
            (plan.CostUsd, plan.PriceNote) = Cost(options.Model, plan.Tokens, options.Provider, options.UseBatch);
            return plan;
        }

        /// <summary>What <paramref name="tokens"/> input tokens of <paramref name="model"/> cost (USD) by the catalog in use (half through the Batch API: <paramref name="viaBatch"/>), and the price's source ("unverified" when the catalog marks it so); null and why when there is no price.</summary>
        public static (decimal? CostUsd, string Note) Cost(string model, long tokens, string provider, bool viaBatch = false)
        {
            InferencePrice? price;
            try
            {
                price = ModelCatalog.CurrentOrEmbedded().InferencePriceOf(model, provider);
            }
            catch (ModelCatalogException ex)
            {
                return (null, "the price catalog cannot be read: " + ex.Message);
            }

            if (price == null) return (null, $"the price catalog has no {provider} price for '{model}'");
            string note = $"${price.InputPerMillion.ToString("0.####", CultureInfo.InvariantCulture)} per 1M tokens" + (price.Verified ? string.Empty : ", unverified") + (viaBatch ? ", half through the Batch API" : string.Empty);
            return (viaBatch ? price.Cost(tokens, 0) / 2 : price.Cost(tokens, 0), note);
        }

        /// <summary>
        /// Embeds <paramref name="texts"/> (see the class): returns one unit vector per text, in order. A service failure
        /// (after the pipeline's retries) stops the run with <see cref="FineTuneServiceException"/>; the journal keeps the
        /// vectors that arrived. Throws <see cref="ArgumentException"/> for a text the service cannot take, and
        /// <see cref="FineTuneException"/> (BatchNotOnAzure) for a batch the service's Batch API does not serve.
        /// </summary>
        public static async Task<EmbeddingRun> EmbedAsync(IFineTuneProvider provider, IReadOnlyList<string> texts, EmbeddingOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            CheckBatch(options, provider);
            EmbeddingJournal journal;
            try
            {
                journal = EmbeddingJournal.Open(options.JournalPath, readOnly: false);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                feedback.Warning($"The journal {options.JournalPath} cannot be written ({ex.Message}); a re-run will send every text again.");
                journal = EmbeddingJournal.Open(null, readOnly: false);
            }

            using (journal)
            {
                EmbeddingPlan plan = Plan(texts, options, journal);
                int fromJournal = plan.Keys.Count(journal.Contains);
                var clock = Stopwatch.StartNew();
                int sent = 0;
                long batchBilled = 0;
                if (options.UseBatch)
                {
                    (sent, batchBilled) = await EmbeddingBatches.RunAsync(provider, texts, plan, journal, options, feedback, cancellationToken).ConfigureAwait(false);
                    plan = Plan(texts, options.Direct(), journal); // what no batch answered (a failed line, an expired batch)
                    if (plan.ToSend > 0) feedback.Warning($"{plan.ToSend:N0} texts have no vector from the batch; they are sent directly (full price).");
                }

                (int direct, long billed) = await SendAsync(provider, texts, plan, journal, options, feedback, clock, cancellationToken).ConfigureAwait(false);
                feedback.Progress(ProgressIds.Embedding, "Embedding texts", "done", 100, completed: true);
                feedback.Verbose(string.Format(CultureInfo.InvariantCulture, "Embedded {0:N0} texts in {1} requests ({2:N0} tokens); {3:N0} from the journal.", texts.Count - fromJournal, sent + direct, batchBilled + billed, fromJournal));
                var vectors = plan.Keys.Select(k => journal.Get(k)).ToList();
                return new EmbeddingRun
                {
                    Vectors = vectors,
                    RequestsSent = sent + direct,
                    FromJournal = fromJournal,
                    TokensBilled = batchBilled + billed,
                    CostUsd = Cost(options.Model, batchBilled, options.Provider, viaBatch: true).CostUsd + Cost(options.Model, billed, options.Provider).CostUsd,
                    TextsPerSecond = (texts.Count - fromJournal) / Math.Max(clock.Elapsed.TotalSeconds, 1e-3),
                };
            }
        }

        /// <summary>Sends the requests of <paramref name="plan"/> directly (at most <see cref="EmbeddingOptions.ThrottleLimit"/> at once), journaling each vector; returns the requests sent and the tokens billed.</summary>
        private static async Task<(int Sent, long Billed)> SendAsync(IFineTuneProvider provider, IReadOnlyList<string> texts, EmbeddingPlan plan, EmbeddingJournal journal, EmbeddingOptions options, IFeedback feedback, Stopwatch clock, CancellationToken cancellationToken)
        {
            int sent = 0, done = 0;
            long billed = 0;
            int shownPercent = -1;
            using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            using var gate = new SemaphoreSlim(Math.Max(1, Math.Min(16, options.ThrottleLimit)));
            Exception? firstFailure = null;
            var tasks = new List<Task>();
            foreach (List<int> batch in plan.Batches)
            {
                try
                {
                    await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (firstFailure != null)
                {
                    break;
                }

                if (failed.IsCancellationRequested)
                {
                    gate.Release(); // the semaphore can hand itself to a waiter whose token was just cancelled
                    break;
                }

                tasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        Interlocked.Increment(ref sent);
                        EmbeddingAnswer answer = await provider.EmbedAsync(options.Model, batch.Select(i => texts[i]).ToList(), options.Dimensions, failed.Token).ConfigureAwait(false);
                        long tokens = answer.PromptTokens > 0 ? answer.PromptTokens : batch.Sum(i => (long)Encoder.Count(texts[i]));
                        Interlocked.Add(ref billed, tokens);
                        for (int k = 0; k < batch.Count; k++) journal.Add(plan.Keys[batch[k]], VectorMath.Normalize(answer.Vectors[k]));
                        int n = Interlocked.Add(ref done, batch.Count);
                        int percent = (int)(100L * n / plan.ToSend);
                        if (Interlocked.Exchange(ref shownPercent, percent) != percent)
                        {
                            feedback.Progress(ProgressIds.Embedding, "Embedding texts", string.Format(CultureInfo.InvariantCulture, "{0:N0} of {1:N0} texts, {2:0.0} texts/s", n, plan.ToSend, n / Math.Max(clock.Elapsed.TotalSeconds, 1e-3)), percent);
                        }
                    }
                    catch (Exception ex) when (!(ex is OperationCanceledException && failed.IsCancellationRequested))
                    {
                        Interlocked.CompareExchange(ref firstFailure, ex, null);
                        failed.Cancel(); // one failure stops the rest; the journal keeps what arrived
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
            }

            try
            {
                await Task.WhenAll(tasks).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (firstFailure != null)
            {
            }

            if (firstFailure != null) throw firstFailure;
            cancellationToken.ThrowIfCancellationRequested();
            return (sent, billed);
        }

        /// <summary>Throws <see cref="FineTuneException"/> (Embed, BatchNotOnAzure) when <paramref name="options"/> ask for the Batch API of a service whose Batch API does not serve embeddings (<see cref="IFineTuneProvider.BatchServesEmbeddings"/>: Azure OpenAI).</summary>
        public static void CheckBatch(EmbeddingOptions options, IFineTuneProvider provider)
        {
            if (options.UseBatch && !provider.BatchServesEmbeddings)
            {
                throw new FineTuneException("Embed", ErrorKind.NotSupported, "BatchNotOnAzure",
                    "Azure OpenAI's Batch API does not serve embeddings: its global batch needs a Global Batch deployment, and those serve chat models only. Embed without -UseBatch (direct requests to the embedding deployment).");
            }
        }

        private static void Check(EmbeddingOptions options)
        {
            if (string.IsNullOrWhiteSpace(options.Model)) throw new ArgumentException("Give an embedding model, e.g. text-embedding-3-small.");
            if (options.MaxInputsPerRequest < 1 || options.MaxInputsPerRequest > MaxInputs) throw new ArgumentException($"Inputs a request must be from 1 to {MaxInputs:N0}, not {options.MaxInputsPerRequest}.");
            if (options.Dimensions is int d && d < 1) throw new ArgumentException($"Dimensions must be at least 1, not {d}.");
        }
    }
}
