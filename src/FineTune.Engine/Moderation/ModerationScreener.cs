using System;
using FineTune.Engine.IO;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Service;

namespace FineTune.Engine.Moderation
{
    /// <summary>What to screen and how (the parameters of Test-FineTuneModeration).</summary>
    public sealed class ModerationOptions
    {
        /// <summary>The JSONL training file to screen (never written).</summary>
        public string Path { get; set; } = "";

        /// <summary>Where to write the clean copy (every line but the flagged examples, byte for byte), or null for none.</summary>
        public string? OutFile { get; set; }

        /// <summary>Replace an existing <see cref="OutFile"/>.</summary>
        public bool Force { get; set; }

        /// <summary>The moderation model (default omni-moderation-latest).</summary>
        public string Model { get; set; } = ModerationScreener.DefaultModel;

        /// <summary>Requests in flight at once, 1–16 (default 4).</summary>
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>The resume journal; null takes the default (<see cref="ModerationScreener.DefaultResumeFile"/>).</summary>
        public string? ResumeFile { get; set; }
    }

    /// <summary>
    /// Screens every example of a training file with the moderation endpoint. Texts (see
    /// <see cref="ModerationText"/>) go as array input, batched by count (<see cref="MaxInputsPerRequest"/>)
    /// and by size (<see cref="MaxCharsPerRequest"/>), with at most <see cref="ModerationOptions.ThrottleLimit"/>
    /// requests in flight. Verdicts are kept in a resume journal (<see cref="ModerationJournal"/>) so a
    /// re-run sends nothing for examples already screened. Service failures end the screening with
    /// <see cref="FineTuneServiceException"/> (what finished is in the journal); a missing file is
    /// <see cref="FileNotFoundException"/>; an existing <see cref="ModerationOptions.OutFile"/> without Force is
    /// <see cref="DatasetFileExistsException"/>, raised before any request.
    /// </summary>
    public static class ModerationScreener
    {
        /// <summary>
        /// Texts a request carries at most. The service publishes no limit on the array's length; 32 keeps a
        /// request (and what a 429 retry sends again) small while cutting the request count 32-fold.
        /// </summary>
        public const int MaxInputsPerRequest = 32;

        /// <summary>
        /// Characters (UTF-16) a request carries at most: 32,000, about 8,000 tokens, well inside what the
        /// moderation models take in one request and a body of well under 1 MB.
        /// </summary>
        public const int MaxCharsPerRequest = 32_000;

        /// <summary>
        /// Characters one input holds at most: a longer text is cut into pieces of 8,000 characters (about 2,000
        /// tokens) and each piece screened, so that no part of a long message goes unscreened (the models
        /// judge a bounded window of text).
        /// </summary>
        public const int MaxCharsPerInput = 8_000;

        /// <summary>The default journal: <c>OUTFILE.moderation-journal.jsonl</c> when a clean copy is asked for, else <c>PATH.moderation-journal.jsonl</c>.</summary>
        public static string DefaultResumeFile(string path, string? outFile) => (outFile ?? path) + ".moderation-journal.jsonl";

        /// <summary>The moderation model used when none is named (the service's own default).</summary>
        public const string DefaultModel = "omni-moderation-latest";

        /// <summary>Screens with any moderation call (one call = one request of up to <see cref="MaxInputsPerRequest"/> texts).</summary>
        public static async Task<ModerationReport> ScreenAsync(
            Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<ModerationResult>>> moderate,
            ModerationOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            string path = System.IO.Path.GetFullPath(options.Path);
            if (!File.Exists(path) && !Directory.Exists(path)) throw new FileNotFoundException($"The training file {path} does not exist.", path);
            FilePaths.RequireRegularFile(path);
            string? outFile = options.OutFile == null ? null : System.IO.Path.GetFullPath(options.OutFile);
            string journalPath = options.ResumeFile != null ? System.IO.Path.GetFullPath(options.ResumeFile) : DefaultResumeFile(path, outFile);
            if (outFile != null) FilePaths.RefuseOverlap(outFile, "-OutFile", ("the training file", path), ("-ResumeFile", journalPath));
            FilePaths.RefuseOverlap(journalPath, "-ResumeFile", ("the training file", path));
            if (outFile != null && File.Exists(outFile) && !options.Force) throw new DatasetFileExistsException(outFile);
            string model = string.IsNullOrEmpty(options.Model) ? ModerationScreener.DefaultModel : options.Model;
            int throttle = Math.Max(1, Math.Min(16, options.ThrottleLimit));

            ModerationJournal journal;
            try
            {
                journal = ModerationJournal.Open(journalPath);
            }
            catch (Exception ex) when ((ex is IOException || ex is UnauthorizedAccessException) && options.ResumeFile == null)
            {
                feedback.Warning($"The resume journal {journalPath} cannot be written ({ex.Message}); this run cannot be resumed. Give -ResumeFile in a writable folder.");
                journal = ModerationJournal.Open(null);
            }

            using (journal)
            {
                var run = new Run(path, model, journal, feedback, new FileInfo(path).Length);
                using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                await run.ProduceAsync(moderate, throttle, failed, cancellationToken).ConfigureAwait(false);
                ModerationSummary summary = run.Summary();
                summary.ResumeFile = journal.Path;
                if (outFile != null)
                {
                    var flagged = new HashSet<long>(run.Findings.Select(f => (long)f.Line));
                    using AtomicFile target = AtomicFile.Open(outFile, options.Force ? DatasetWriteMode.Replace : DatasetWriteMode.New);
                    ModerationLines.CopyWithout(path, flagged, target.Stream);
                    target.Commit();
                    summary.OutFile = outFile;
                    summary.CleanExamples = summary.Examples - summary.Flagged;
                }

                feedback.Progress(ProgressIds.Moderation, "Moderation screen", "done", 100, completed: true);
                return new ModerationReport(run.Findings.OrderBy(f => f.Line).ToList(), summary);
            }
        }

        /// <summary>An example waiting for the verdicts on its texts.</summary>
        private sealed class Pending
        {
            public Pending(long line, int index, string key)
            {
                Line = line;
                Index = index;
                Key = key;
            }

            public long Line { get; }

            public int Index { get; }

            public string Key { get; }

            public List<(ModerationInput Input, string Piece, ModerationResult Result)> Verdicts { get; } = new List<(ModerationInput, string, ModerationResult)>();

            public int Remaining { get; set; }
        }

        private sealed class Run
        {
            private readonly object sync = new object();
            private readonly string path;
            private readonly string model;
            private readonly ModerationJournal journal;
            private readonly IFeedback feedback;
            private readonly long fileBytes;
            private readonly Stopwatch clock = Stopwatch.StartNew();
            private long bytesRead;
            private int examples, screened, resumed, skipped, requests, inputs;

            public Run(string path, string model, ModerationJournal journal, IFeedback feedback, long fileBytes)
            {
                this.path = path;
                this.model = model;
                this.journal = journal;
                this.feedback = feedback;
                this.fileBytes = fileBytes;
            }

            public List<ModerationFinding> Findings { get; } = new List<ModerationFinding>();

            public async Task ProduceAsync(
                Func<IReadOnlyList<string>, CancellationToken, Task<IReadOnlyList<ModerationResult>>> moderate,
                int throttle, CancellationTokenSource failed, CancellationToken userToken)
            {
                var gate = new SemaphoreSlim(throttle, throttle);
                var inFlight = new List<Task>();
                var batch = new List<(Pending Example, ModerationInput Input, string Piece)>();
                int batchChars = 0;
                CancellationToken ct = failed.Token;

                async Task Dispatch()
                {
                    if (batch.Count == 0) return;
                    var items = batch.ToArray();
                    batch.Clear();
                    batchChars = 0;
                    await gate.WaitAsync(ct).ConfigureAwait(false);
                    inFlight.RemoveAll(t => t.IsCompleted && !t.IsFaulted && !t.IsCanceled);
                    inFlight.Add(Task.Run(async () =>
                    {
                        try
                        {
                            IReadOnlyList<ModerationResult> results = await moderate(items.Select(i => i.Piece).ToList(), ct).ConfigureAwait(false);
                            Complete(items, results);
                        }
                        catch
                        {
                            failed.Cancel(); // one failure stops the rest; the journal keeps what finished
                            throw;
                        }
                        finally
                        {
                            gate.Release();
                        }
                    }));
                }

                try
                {
                    foreach (RawLine line in ModerationLines.Read(path))
                    {
                        ct.ThrowIfCancellationRequested();
                        Interlocked.Add(ref bytesRead, line.Bytes);
                        if (line.IsBlank) continue;
                        int index = examples++;
                        if (line.Text == null)
                        {
                            skipped++;
                            feedback.Warning($"{path} line {line.Number}: longer than {JsonlReader.MaxLineBytes / (1024 * 1024)} MB, so not screened (the clean copy keeps it). The service refuses it anyway.");
                            continue;
                        }

                        string key = ModerationJournal.KeyOf(model, line.Text);
                        if (journal.TryGet(key, out JournalEntry earlier))
                        {
                            lock (sync)
                            {
                                resumed++;
                                if (earlier.flagged) Findings.Add(FindingOf(earlier, line.Number, index, fromJournal: true));
                            }

                            continue;
                        }

                        List<ModerationInput> texts;
                        try
                        {
                            using JsonDocument doc = JsonDocument.Parse(line.Text);
                            string? lone = LoneSurrogates.Find(System.Text.Encoding.UTF8.GetBytes(line.Text), doc.RootElement);
                            if (lone != null)
                            {
                                skipped++;
                                feedback.Warning($"{path}: {LoneSurrogates.Describe(line.Number, lone)} Not screened (the clean copy keeps it); the service refuses it. Replace the escape with the character meant, then screen again.");
                                continue;
                            }

                            texts = ModerationText.Extract(doc.RootElement);
                            if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new JsonException("not an object");
                        }
                        catch (JsonException)
                        {
                            skipped++;
                            feedback.Warning($"{path} line {line.Number}: not a JSON object, so not screened (the clean copy keeps it). Test-FineTuneDataset names the fault; fix the line and screen again.");
                            continue;
                        }

                        var pending = new Pending(line.Number, index, key);
                        var pieces = texts.SelectMany(t => ModerationText.Chunks(t.Text, MaxCharsPerInput).Select(p => (t, p))).ToList();
                        pending.Remaining = pieces.Count;
                        if (pieces.Count == 0)
                        {
                            lock (sync) Finish(pending); // nothing to screen: clean
                            continue;
                        }

                        foreach ((ModerationInput input, string piece) in pieces)
                        {
                            if (batch.Count == MaxInputsPerRequest || (batch.Count > 0 && batchChars + piece.Length > MaxCharsPerRequest)) await Dispatch().ConfigureAwait(false);
                            batch.Add((pending, input, piece));
                            batchChars += piece.Length;
                        }
                    }

                    await Dispatch().ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (failed.IsCancellationRequested && !userToken.IsCancellationRequested)
                {
                    // a request failed: its exception is reported below
                }

                try
                {
                    await Task.WhenAll(inFlight).ConfigureAwait(false);
                }
                catch
                {
                    Exception? first = inFlight.Where(t => t.IsFaulted).SelectMany(t => t.Exception!.InnerExceptions).FirstOrDefault(e => !(e is OperationCanceledException));
                    if (first != null && !userToken.IsCancellationRequested) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
                    throw;
                }

                userToken.ThrowIfCancellationRequested();
            }

            private void Complete((Pending Example, ModerationInput Input, string Piece)[] items, IReadOnlyList<ModerationResult> results)
            {
                lock (sync)
                {
                    requests++;
                    inputs += items.Length;
                    for (int i = 0; i < items.Length; i++)
                    {
                        Pending p = items[i].Example;
                        p.Verdicts.Add((items[i].Input, items[i].Piece, results[i]));
                        if (--p.Remaining == 0) Finish(p);
                    }

                    journal.Flush();
                    double seconds = Math.Max(clock.Elapsed.TotalSeconds, 0.001);
                    int done = screened + resumed;
                    feedback.Progress(ProgressIds.Moderation, "Moderation screen " + path,
                        $"{done} examples ({screened} sent, {resumed} from the journal), {done / seconds:0.0} examples/s, {Findings.Count} flagged",
                        fileBytes > 0 ? (int)(100 * Interlocked.Read(ref bytesRead) / fileBytes) : -1);
                }
            }

            // under sync
            private void Finish(Pending p)
            {
                screened++;
                var entry = new JournalEntry { key = p.Key, line = p.Line };
                var flagged = p.Verdicts.Where(v => v.Result.Flagged).ToList();
                if (flagged.Count > 0)
                {
                    var top = flagged.OrderByDescending(v => v.Result.Scores.Count == 0 ? 0 : v.Result.Scores.Values.Max()).First();
                    entry.flagged = true;
                    entry.categories = flagged.SelectMany(v => v.Result.Categories).Distinct().ToArray();
                    entry.scores = p.Verdicts.SelectMany(v => v.Result.Scores)
                        .GroupBy(s => s.Key).Select(g => new KeyValuePair<string, double>(g.Key, g.Max(s => s.Value)))
                        .OrderByDescending(s => s.Value).Take(3).ToDictionary(s => s.Key, s => Math.Round(s.Value, 6));
                    entry.role = top.Input.Role;
                    entry.source = top.Input.Source;
                    entry.excerpt = Excerpt(top.Piece);
                    Findings.Add(FindingOf(entry, p.Line, p.Index, fromJournal: false));
                }

                journal.Add(entry);
            }

            private ModerationFinding FindingOf(JournalEntry e, long line, int index, bool fromJournal) => new ModerationFinding
            {
                Path = path,
                Line = line,
                ExampleIndex = index,
                Categories = e.categories ?? new string[0],
                TopScores = e.scores ?? new Dictionary<string, double>(),
                Role = e.role ?? "",
                Source = e.source ?? "",
                Excerpt = e.excerpt ?? "",
                FromJournal = fromJournal,
            };

            public ModerationSummary Summary()
            {
                double seconds = clock.Elapsed.TotalSeconds;
                return new ModerationSummary
                {
                    Path = path,
                    Model = model,
                    Examples = examples,
                    Screened = screened,
                    Resumed = resumed,
                    Skipped = skipped,
                    Flagged = Findings.Count,
                    ByCategory = Findings.SelectMany(f => f.Categories).GroupBy(c => c).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                        .ToDictionary(g => g.Key, g => g.Count()),
                    Requests = requests,
                    Inputs = inputs,
                    Seconds = Math.Round(seconds, 3),
                    ExamplesPerSecond = seconds > 0 ? Math.Round((screened + resumed) / seconds, 1) : 0,
                };
            }

            private static string Excerpt(string text)
            {
                string collapsed = string.Join(" ", text.Split(new[] { ' ', '\n', '\r', '\t' }, StringSplitOptions.RemoveEmptyEntries));
                return collapsed.Length <= 80 ? collapsed : collapsed.Substring(0, 79) + "…";
            }
        }
    }
}
