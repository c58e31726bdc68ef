using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>What to compare and how (the parameters of Compare-FineTuneModel).</summary>
    public sealed class ComparisonOptions
    {
        /// <summary>The evaluation file (chat or legacy JSONL).</summary>
        public string Path { get; set; } = string.Empty;

        /// <summary>Use only the first this many examples; null for all.</summary>
        public int? First { get; set; }

        /// <summary>The contenders; the first is the baseline the flips are counted against.</summary>
        public IReadOnlyList<Contender> Contenders { get; set; } = Array.Empty<Contender>();

        /// <summary>The graders; a row passes when every one passes.</summary>
        public IReadOnlyList<Grader> Graders { get; set; } = Array.Empty<Grader>();

        /// <summary>The default of <see cref="ThrottleLimit"/>: 16 requests in flight (a chat call mostly waits for the model).</summary>
        public const int DefaultThrottleLimit = 16;

        /// <summary>Requests in flight at once, 1–64 (default <see cref="DefaultThrottleLimit"/>).</summary>
        public int ThrottleLimit { get; set; } = DefaultThrottleLimit;

        /// <summary>The journal; null takes <see cref="ComparisonRunner.DefaultJournal"/>.</summary>
        public string? JournalPath { get; set; }

        /// <summary>Send the answers' requests through the Batch API (half price; up to 24 h).</summary>
        public bool UseBatch { get; set; }

        /// <summary>Pick up the results of this batch (sent by an earlier run) instead of sending one.</summary>
        public string? BatchId { get; set; }

        /// <summary>The longest wait between two polls of a batch (default 10 s; the first poll comes after 0.5 s, each wait doubles).</summary>
        public TimeSpan BatchPollInterval { get; set; } = TimeSpan.FromSeconds(10);

        /// <summary>How long to wait for a batch in this run; null waits until it ends (or Ctrl+C). Rows still pending then say so.</summary>
        public TimeSpan? BatchWait { get; set; }

        /// <summary>max_completion_tokens per answer, or null.</summary>
        public int? MaxTokens { get; set; }

        /// <summary>Sampling temperature (default 0: the most likely answer, so that runs repeat).</summary>
        public double? Temperature { get; set; } = 0;

        /// <summary>The price catalog's provider of the service ("OpenAI" or "Azure", as the provider names itself): prices the calls.</summary>
        public string Provider { get; set; } = Models.ModelCatalog.OpenAI;

        /// <summary>The knowledge index contenders with <see cref="Contender.Retrieval"/> read from (each question embedded once, journaled beside the comparison's journal), or null.</summary>
        public Embeddings.KnowledgeRetriever? Retriever { get; set; }
    }

    /// <summary>
    /// Runs a comparison: every example through every contender (chat, or completions for legacy models), each
    /// answer graded, figures summarised (<see cref="ComparisonSummarizer"/>). At most
    /// <see cref="ComparisonOptions.ThrottleLimit"/> requests are in flight; each answer is written to the journal
    /// as it arrives, so a re-run sends only what is missing. A call the service rejects as invalid (400) becomes
    /// that row's error; any other failure stops the run with <see cref="FineTuneServiceException"/> (the journal
    /// keeps what finished). Cancellation stops at once, keeping the journal.
    /// </summary>
    public static class ComparisonRunner
    {
        /// <summary>The default journal beside the evaluation file: <c>FILE.compare-journal.jsonl</c>.</summary>
        public static string DefaultJournal(string path) => System.IO.Path.GetFullPath(path) + ".compare-journal.jsonl";

        /// <summary>Runs the comparison through <paramref name="client"/>.</summary>
        public static async Task<Comparison> RunAsync(IEvalClient client, ComparisonOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            if (options.Contenders.Count == 0) throw new ArgumentException("Give at least one model to compare.");
            if (options.Graders.Count == 0) throw new ArgumentException("Give at least one grader (a grader file, or -Exact, -Contains, -Regex, -Label, -Json, -Schema).");
            var dup = options.Contenders.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
            if (dup != null) throw new ArgumentException($"Two contenders are named '{dup.Key}'. Give each a Name of its own.");
            bool batch = options.UseBatch || options.BatchId != null;
            if (batch && options.Contenders.FirstOrDefault(c => c.Client != null) is Contender elsewhere)
            {
                throw new ArgumentException($"A batch goes to one service, and contender '{elsewhere.Name}' has a connection of its own. Compare without -UseBatch, or compare that contender in a run of its own with -Connection.");
            }

            if (batch && !client.BatchServesFineTunedModels && options.Contenders.FirstOrDefault(c => Models.ModelCatalog.BaseModelOf(c.Model) != null) is Contender tuned)
            {
                throw new FineTuneException("CompareModel", ErrorKind.NotSupported, "BatchNotForFineTunedOnAzure",
                    $"Azure OpenAI's Batch API does not serve fine-tuned models ({tuned.Model}). Compare without -UseBatch (direct calls to the deployment).");
            }

            string path = System.IO.Path.GetFullPath(options.Path);
            IReadOnlyList<EvalExample> examples = EvalSet.Read(path, options.First);
            string journalPath = options.JournalPath != null ? System.IO.Path.GetFullPath(options.JournalPath) : DefaultJournal(path);

            // retrieval: every question embedded once (one run, journaled), its passages searched in the index
            var passages = new Dictionary<long, Embeddings.RetrievedPassages>();
            int retrievalRequests = 0;
            if (options.Contenders.Any(c => c.Retrieval))
            {
                if (options.Retriever == null) throw new ArgumentException("A contender with retrieval needs a knowledge index (-IndexPath).");
                var found = await options.Retriever.RetrieveAsync(examples.Select(e => e.Question).ToList(), journalPath + ".embeddings.jsonl", feedback, cancellationToken).ConfigureAwait(false);
                for (int i = 0; i < examples.Count; i++) passages[examples[i].Line] = found.Passages[i];
                retrievalRequests = found.Requests;
            }

            var work = new List<(EvalExample Example, Contender Contender, EvalRequest Request)>();
            foreach (EvalExample e in examples)
            {
                foreach (Contender c in options.Contenders) work.Add((e, c, RequestFor(e, c, options, c.Retrieval ? passages[e.Line].Hits : null)));
            }

            EvalJournal journal;
            try
            {
                journal = EvalJournal.Open(journalPath);
            }
            catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && options.JournalPath == null)
            {
                feedback.Warning($"The journal {journalPath} cannot be written ({ex.Message}); a re-run will send every request again. Give -JournalPath in a writable folder.");
                journal = EvalJournal.Open(null);
            }

            using (journal)
            {
                var run = new Run(client, journal, options, feedback, work.Count, passages);
                string? batchId = null;
                var pending = new Dictionary<string, string>(StringComparer.Ordinal);
                if (batch)
                {
                    (batchId, pending) = await run.BatchAsync(work.Select(w => w.Request).ToList(), cancellationToken).ConfigureAwait(false);
                }

                using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var gate = new SemaphoreSlim(Math.Max(1, Math.Min(64, options.ThrottleLimit)));
                var rows = new ComparisonRow[work.Count];
                var tasks = new List<Task>();
                Exception? firstFailure = null;
                for (int i = 0; i < work.Count; i++)
                {
                    int index = i;
                    await gate.WaitAsync(failed.Token).ConfigureAwait(false);
                    tasks.Add(Task.Run(async () =>
                    {
                        try
                        {
                            var w = work[index];
                            rows[index] = await run.RowAsync(w.Example, w.Contender, w.Request, pending, failed.Token).ConfigureAwait(false);
                        }
                        catch (Exception ex) when (!(ex is OperationCanceledException && failed.IsCancellationRequested))
                        {
                            Interlocked.CompareExchange(ref firstFailure, ex, null);
                            failed.Cancel(); // one failure stops the rest; the journal keeps what finished
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                    if (firstFailure != null) break;
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
                feedback.Progress(ProgressIds.Comparison, "Comparing models", "done", 100, completed: true);

                IReadOnlyList<string>? labels = options.Graders.Select(g => g.Labels).FirstOrDefault(l => l != null);
                var ordered = rows.OrderBy(r => r.Line).ThenBy(r => options.Contenders.ToList().FindIndex(c => c.Name == r.Contender)).ToList();
                var comparison = new Comparison
                {
                    Path = path,
                    Graders = options.Graders.Select(g => g.Name).ToList(),
                    Rows = ordered,
                    RequestsSent = run.Sent + retrievalRequests,
                    JournalPath = journal.Path,
                    BatchId = batchId,
                    ExamplesPerSecond = run.Rate,
                };
                comparison.Summaries = ComparisonSummarizer.Summarize(options.Contenders, ordered, labels);
                foreach (ContenderSummary s in comparison.Summaries) s.Comparison = comparison;
                return comparison;
            }
        }

        /// <summary>
        /// The request a contender sends for an example (see <see cref="Contender"/> for the system message). With
        /// <paramref name="passages"/> (retrieval) they follow the system message (<see cref="Embeddings.KnowledgeRetriever.SystemMessage"/>),
        /// or make one when there is none; a legacy prompt starts with them.
        /// </summary>
        public static EvalRequest RequestFor(EvalExample example, Contender contender, ComparisonOptions options, IReadOnlyList<Embeddings.KnowledgeHit>? passages = null)
        {
            var messages = example.Prompt.ToList();
            if (contender.SystemMessage != null)
            {
                messages.RemoveAll(m => m.Role == "system" || m.Role == "developer");
                if (contender.SystemMessage.Length > 0) messages.Insert(0, new ChatMessage("system", contender.SystemMessage));
            }

            string? retrieved = passages == null ? null : Embeddings.KnowledgeRetriever.SystemMessage(passages);
            if (retrieved != null)
            {
                int system = messages.FindIndex(m => m.Role == "system" || m.Role == "developer");
                if (system >= 0) messages[system] = new ChatMessage(messages[system].Role, messages[system].Content + "\n\n" + retrieved);
                else messages.Insert(0, new ChatMessage("system", retrieved));
            }

            var r = new EvalRequest { Model = contender.Model, MaxTokens = options.MaxTokens, Temperature = options.Temperature, ServiceEndpoint = contender.ServiceEndpoint };
            if (contender.UsesCompletions)
            {
                string prompt = example.LegacyPrompt ?? string.Join("\n\n", example.Prompt.Where(m => m.Role != "system" && m.Role != "developer").Select(m => m.Content));
                r.Prompt = string.IsNullOrEmpty(contender.SystemMessage) ? prompt : contender.SystemMessage + "\n\n" + prompt;
                if (retrieved != null) r.Prompt = retrieved + "\n\n" + r.Prompt;
            }
            else
            {
                if (example.LegacyPrompt != null) messages.Add(new ChatMessage("user", example.LegacyPrompt));
                r.Messages = messages;
            }

            r.Key = EvalJournal.KeyOf(r);
            return r;
        }

        private sealed class Run
        {
            private readonly IEvalClient client;
            private readonly EvalJournal journal;
            private readonly ComparisonOptions options;
            private readonly IFeedback feedback;
            private readonly int total;
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private readonly ConcurrentDictionary<string, BatchResult> batchErrors = new ConcurrentDictionary<string, BatchResult>(StringComparer.Ordinal);
            private readonly IReadOnlyDictionary<long, Embeddings.RetrievedPassages> passages;
            private int done, sent, answered;
            private long lastReport;

            public Run(IEvalClient client, EvalJournal journal, ComparisonOptions options, IFeedback feedback, int total, IReadOnlyDictionary<long, Embeddings.RetrievedPassages> passages)
            {
                this.client = client;
                this.journal = journal;
                this.options = options;
                this.feedback = feedback;
                this.total = total;
                this.passages = passages;
            }

            public int Sent => sent;

            public double Rate => answered == 0 ? 0 : answered / Math.Max(clock.Elapsed.TotalSeconds, 1e-3);

            /// <summary>Sends the missing requests as a batch (or picks up the batch they went in) and waits for it; returns the batch id and the keys still pending (key → batch id).</summary>
            public async Task<(string? Id, Dictionary<string, string> Pending)> BatchAsync(IReadOnlyList<EvalRequest> requests, CancellationToken ct)
            {
                var missing = requests.Where(r => !journal.TryGet(r.Key, out _, out _, out _)).GroupBy(r => r.Key).Select(g => g.First()).ToList();
                var pending = new Dictionary<string, string>(StringComparer.Ordinal);
                if (missing.Count == 0) return (options.BatchId, pending);
                var ids = new List<string>();
                if (options.BatchId != null)
                {
                    ids.Add(options.BatchId);
                }
                else
                {
                    ids.AddRange(missing.Select(r => journal.BatchOf(r.Key)).Where(b => b != null).Distinct()!);
                    var unsent = missing.Where(r => journal.BatchOf(r.Key) == null).ToList();
                    if (unsent.Count > 0)
                    {
                        // a batch serves one endpoint: chat and completions requests go in batches of their own
                        foreach (var group in unsent.GroupBy(r => r.Messages == null))
                        {
                            feedback.Progress(ProgressIds.Comparison, "Comparing models", $"sending {group.Count()} requests as a batch", -1);
                            string id = await client.CreateBatchAsync(group.ToList(), ct).ConfigureAwait(false);
                            journal.AddBatch(id, group.Select(r => r.Key));
                            feedback.Verbose($"Batch {id}: {group.Count()} requests sent.");
                            ids.Add(id);
                        }
                    }
                }

                DateTime until = options.BatchWait is TimeSpan wait ? DateTime.UtcNow + wait : DateTime.MaxValue;
                foreach (string id in ids)
                {
                    FineTuneBatch state = await Providers.BatchFiles.WaitAsync(c => client.GetBatchAsync(id, c), until, options.BatchPollInterval, s =>
                    {
                        int percent = s.Total > 0 ? (int)(100 * (s.Completed + s.Failed) / s.Total) : -1;
                        feedback.Progress(ProgressIds.Comparison, "Comparing models", $"batch {id} {s.Status}: {s.Completed + s.Failed} of {s.Total} requests", percent);
                    }, ct).ConfigureAwait(false);

                    if (!state.IsFinal)
                    {
                        feedback.Warning($"Batch {id} is still {state.Status} ({state.Completed} of {state.Total} requests done); its rows are pending. Run the same command again later (or with -BatchId {id}) to pick the results up.");
                        foreach (EvalRequest r in missing.Where(r => journal.BatchOf(r.Key) == id || options.BatchId == id)) pending[r.Key] = id;
                        continue;
                    }

                    if (state.Status != "completed") feedback.Warning($"Batch {id} ended {state.Status}; the requests without a result are sent directly.");
                    foreach (BatchResult result in await client.GetBatchResultsAsync(state, ct).ConfigureAwait(false))
                    {
                        if (result.Reply != null) journal.Add(result.Key, result.Reply, 0, batch: true);
                        else batchErrors[result.Key] = result;
                    }
                }

                return (ids.LastOrDefault(), pending);
            }

            public async Task<ComparisonRow> RowAsync(EvalExample example, Contender contender, EvalRequest request, IReadOnlyDictionary<string, string> pending, CancellationToken ct)
            {
                var row = new ComparisonRow { Line = example.Line, Contender = contender.Name, Model = contender.Model, Question = example.Question, Reference = example.Reference };
                bool fromJournal = journal.TryGet(request.Key, out ModelReply reply, out double seconds, out bool viaBatch);
                if (!fromJournal && pending.TryGetValue(request.Key, out string? batchId))
                {
                    row.Error = $"pending in batch {batchId}";
                }
                else if (!fromJournal && batchErrors.TryGetValue(request.Key, out BatchResult? failedInBatch))
                {
                    row.Error = failedInBatch.Error;
                }
                else if (!fromJournal)
                {
                    var watch = Stopwatch.StartNew();
                    try
                    {
                        Interlocked.Increment(ref sent);
                        reply = await (contender.Client ?? client).SendAsync(request, ct).ConfigureAwait(false);
                        seconds = watch.Elapsed.TotalSeconds;
                        journal.Add(request.Key, reply, seconds, batch: false);
                    }
                    catch (FineTuneServiceException ex) when (ex.Kind == ErrorKind.InvalidRequest)
                    {
                        row.Error = ex.Message;
                    }
                }

                row.FromJournal = fromJournal;
                if (row.Error == null)
                {
                    row.Answer = reply.Text;
                    row.PromptTokens = reply.PromptTokens;
                    row.CompletionTokens = reply.CompletionTokens;
                    row.LatencySeconds = seconds;
                    row.CostUsd = EvalPrices.CallCost(contender.Model, reply.PromptTokens, reply.CompletionTokens, viaBatch, contender.PriceProvider ?? options.Provider);
                    if (contender.Retrieval && passages.TryGetValue(example.Line, out Embeddings.RetrievedPassages? found))
                    {
                        row.CostUsd += found.QueryCostUsd; // the question's embedding: unknown makes the call's cost unknown
                        row.Passages = found.Hits.Select(h => h.Source + ":" + h.Line.ToString(CultureInfo.InvariantCulture)).ToList();
                    }
                    await GradeAsync(row, example, ct).ConfigureAwait(false);
                }

                int n = Interlocked.Increment(ref done);
                if (row.Error == null) Interlocked.Increment(ref answered);
                long now = clock.ElapsedMilliseconds;
                long last = Interlocked.Read(ref lastReport);
                if (n == total || (now - last >= 250 && Interlocked.CompareExchange(ref lastReport, now, last) == last))
                {
                    feedback.Progress(ProgressIds.Comparison, "Comparing models", string.Format(CultureInfo.InvariantCulture, "{0} of {1} answers, {2:0.0} examples/s", n, total, Rate), (int)(100L * n / total));
                }

                return row;
            }

            private async Task GradeAsync(ComparisonRow row, EvalExample example, CancellationToken ct)
            {
                var context = new GradingContext(example, row.Answer ?? string.Empty, AskGraderAsync);
                var grades = new List<GradeResult>();
                foreach (Grader g in options.Graders) grades.Add(await g.GradeAsync(context, ct).ConfigureAwait(false));
                row.Grades = grades;
                row.Passed = grades.All(g => g.Passed);
                row.Score = grades.Average(g => g.Score);
                var form = grades.Where(g => g.FormatValid != null).ToList();
                row.FormatValid = form.Count == 0 ? (bool?)null : form.All(g => g.FormatValid == true);
                LabelSetGrader? labels = options.Graders.OfType<LabelSetGrader>().FirstOrDefault();
                if (labels != null)
                {
                    row.Label = grades.First(g => g.Grader == labels.Name).Label;
                    row.ReferenceLabel = labels.LabelOf(example.Reference, out _);
                }
            }

            /// <summary>A grader model's call, journaled like the answers.</summary>
            private async Task<string> AskGraderAsync(string model, IReadOnlyList<ChatMessage> messages, CancellationToken ct)
            {
                var request = new EvalRequest { Model = model, Messages = messages, Temperature = 0 };
                request.Key = EvalJournal.KeyOf(request);
                if (journal.TryGet(request.Key, out ModelReply reply, out _, out _)) return reply.Text;
                var watch = Stopwatch.StartNew();
                Interlocked.Increment(ref sent);
                reply = await client.SendAsync(request, ct).ConfigureAwait(false);
                journal.Add(request.Key, reply, watch.Elapsed.TotalSeconds, batch: false);
                return reply.Text;
            }
        }
    }
}
