using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Models;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Datasets
{
    /// <summary>What <see cref="DatasetChecker"/> checks a file for.</summary>
    public sealed class DatasetCheckOptions
    {
        /// <summary>The format to expect; Auto (default) takes the first valid line's.</summary>
        public DatasetFormat Format { get; set; } = DatasetFormat.Auto;

        /// <summary>The service the file is for (changes the BOM and function-role rules). Default OpenAI.</summary>
        public DatasetTarget Target { get; set; } = DatasetTarget.OpenAI;

        /// <summary>A model: tokens are counted with its encoding and checked against its per-example limit. Null: no counting.</summary>
        public string? Model { get; set; }

        /// <summary>Threads that check lines and count tokens (default: the processor count).</summary>
        public int MaxDegreeOfParallelism { get; set; } = Environment.ProcessorCount;
    }

    /// <summary>
    /// Checks a JSON Lines training file against every rule in <see cref="DatasetRules"/> in one streaming
    /// pass (memory does not grow with the file, except about 16 bytes per distinct example for duplicate
    /// detection (<see cref="LineHashSet"/>) and at most <see cref="SystemVariants.MaxVariants"/> system
    /// message variants) and, with a
    /// model, counts each example's tokens. Lines are checked and counted in parallel, findings come out in
    /// line order. Problems in the data are findings; only a file that cannot
    /// be opened or read throws (<see cref="FileNotFoundException"/>, <see cref="IOException"/>,
    /// <see cref="UnauthorizedAccessException"/>); an unknown model throws <see cref="ArgumentException"/>.
    /// </summary>
    public static class DatasetChecker
    {
        /// <summary>The largest file the files API takes, in bytes (OPENAI-FACTS.md, Routes: 512 MB).</summary>
        public const long MaxFileBytes = 512L * 1024 * 1024;

        /// <summary>The fewest examples a training file may hold (OPENAI-FACTS.md, Training files).</summary>
        public const int MinExamples = 10;

        private const int ProgressId = 3101;

        // Batches (of about 1 MB) in flight while the encoder loads (see Analyze).
        private const int EarlyBatches = 16;

        /// <summary>
        /// Checks <paramref name="path"/>: calls <paramref name="onFinding"/> for each finding in line order
        /// (file-wide findings first and last; FT134, one finding per system message variant with its count,
        /// comes after the lines, since the count is known only then), then returns the summary. With
        /// <see cref="DatasetCheckOptions.Model"/> the summary holds the token distribution too
        /// (<see cref="DatasetReport.Measurement"/>, as <see cref="Measure"/> gives it): one read and one count of
        /// the file give both the findings and the measurement.
        /// </summary>
        public static DatasetReport Test(string path, DatasetCheckOptions options, Action<DatasetFinding>? onFinding, IFeedback? feedback, CancellationToken cancellationToken)
        {
            DatasetReport report = Analyze(path, options, onFinding, null, false, feedback, cancellationToken, out DatasetMeasurement? measurement);
            report.Measurement = measurement;
            return report;
        }

        /// <summary>
        /// Counts the tokens of every example of <paramref name="path"/> for <paramref name="model"/>: calls
        /// <paramref name="onExample"/> per counted example (when given) and returns the distribution. Only
        /// parses, detects the format and counts: the structure, duplicate and system message rules are not
        /// applied (no findings are reported; the counts are the same as <see cref="Test"/>'s).
        /// Throws <see cref="InvalidDataException"/> naming the file, the problem and its fix when the file
        /// cannot be read as JSON Lines at all (UTF-16, a JSON array).
        /// </summary>
        public static DatasetMeasurement Measure(string path, string model, DatasetFormat format, Action<ExampleTokenCount>? onExample, IFeedback? feedback, CancellationToken cancellationToken)
        {
            var options = new DatasetCheckOptions { Model = model, Format = format };
            DatasetFinding? fatal = null;
            Analyze(path, options, f => { if (f.Severity == FindingSeverity.Error) fatal ??= f; }, onExample, true, feedback, cancellationToken, out DatasetMeasurement? measurement);
            return measurement ?? throw new InvalidDataException(
                $"'{Path.GetFullPath(path)}' cannot be measured: {fatal?.Message ?? "it is not JSON Lines."} {fatal?.Hint}".TrimEnd());
        }

        /// <summary>
        /// The first line of a file that is delimited text, not JSON Lines: a .csv/.tsv file, or a first
        /// non-blank line that does not start with '{' or '[' and has commas or tabs; null otherwise.
        /// </summary>
        private static string? CsvHeader(string path)
        {
            string? first = null;
            using (var text = new StreamReader(path, new UTF8Encoding(false), true))
            {
                for (int i = 0; i < 100 && first == null; i++)
                {
                    string? line = text.ReadLine();
                    if (line == null) break;
                    if (line.Trim().Length > 0) first = line.Trim();
                }
            }

            if (first == null || first[0] == '{' || first[0] == '[') return null;
            string ext = Path.GetExtension(path);
            bool delimitedName = ext.Equals(".csv", StringComparison.OrdinalIgnoreCase) || ext.Equals(".tsv", StringComparison.OrdinalIgnoreCase);
            return delimitedName || first.IndexOf(',') >= 0 || first.IndexOf('\t') >= 0 ? first : null;
        }

        private static string Shorten(string text) => text.Length <= 80 ? text : text.Substring(0, 77) + "...";

        private static DatasetReport Analyze(string path, DatasetCheckOptions options, Action<DatasetFinding>? onFinding, Action<ExampleTokenCount>? onExample,
            bool countOnly, IFeedback? feedback, CancellationToken ct, out DatasetMeasurement? measurement)
        {
            path = Path.GetFullPath(path);
            var file = new FileInfo(path);
            if (!file.Exists && !Directory.Exists(path)) throw new FileNotFoundException($"No training file at '{path}'.", path);
            IO.FilePaths.RequireRegularFile(path);

            // The encoding's vocabulary takes about 0.4 s to load, on one core: it loads in the background while the
            // file is opened and its first lines are checked (their tokens are counted once it is there).
            string? encoding = options.Model == null ? null : TokenEncoder.EncodingOf(options.Model);
            Task<TokenEncoder>? loading = encoding == null ? null : Task.Run(() => TokenEncoder.ForEncoding(encoding));
            ModelCatalog catalog = ModelCatalog.CurrentOrEmbedded();
            string provider = options.Target == DatasetTarget.Azure ? ModelCatalog.Azure : ModelCatalog.OpenAI;
            int? limit = options.Model == null ? null : catalog.MaxTokensPerExample(options.Model, provider);
            var report = new DatasetReport { Path = path, Target = options.Target, Bytes = file.Length, Model = options.Model, Format = options.Format };
            var tokens = loading == null ? null : new TokenDistribution();
            long assistantTokens = 0, billed = 0, overLimit = 0;

            [MethodImpl(Hot.Path)]
            void Emit(DatasetFinding f)
            {
                switch (f.Severity)
                {
                    case FindingSeverity.Error: report.Errors++; break;
                    case FindingSeverity.Warning: report.Warnings++; break;
                    default: report.Infos++; break;
                }

                onFinding?.Invoke(f);
            }

            if (file.Length > MaxFileBytes) Emit(DatasetRules.FileTooLarge.At(path, null, null, $"The file has {file.Length:N0} bytes; the files API takes at most {MaxFileBytes:N0} (512 MB)."));
            if (options.Model != null && limit == null) Emit(DatasetRules.NoTokenLimit.At(path, null, null, $"No per-example token limit is known for '{options.Model}'.{catalog.HintFor(options.Model, provider)}"));

            int workers = Math.Max(1, options.MaxDegreeOfParallelism);
            bool overlap = !countOnly && workers > 1; // a count-only pass has nothing to do without the encoder
            var checker = new ExampleChecker(path, options.Target, options.Format, overlap || loading == null ? loading : Task.FromResult(loading.GetAwaiter().GetResult()), limit, countOnly);
            var lines = new List<LineSlice>();
            using var seen = new LineHashSet();
            long checkedBytes = 0;
            DatasetFormat fileFormat = options.Format;
            var systems = new SystemVariants();
            long examples = 0;
            string activity = "Checking " + Path.GetFileName(path);

            using (FileStream stream = IO.FilePaths.OpenRead(path, 1, FileOptions.SequentialScan))
            using (var reader = new JsonlReader(stream))
            {
                bool more = reader.ReadBatch(lines);
                if (reader.IsUtf16)
                {
                    Emit(DatasetRules.Utf16.At(path, 1, null, "The file starts with the bytes of UTF-16 (or UTF-32) text; training files must be UTF-8."));
                    measurement = null;
                    return Finish();
                }

                if (!reader.IsJsonArray && CsvHeader(path) is string header)
                {
                    Emit(DatasetRules.Csv.At(path, 1, null, $"The file is CSV, not JSON Lines: its first line is a header ({Shorten(header)})."));
                    measurement = null;
                    return Finish();
                }

                if (reader.HasUtf8Bom)
                {
                    Emit(options.Target == DatasetTarget.Azure
                        ? DatasetRules.BomAzure.At(path, 1, 0, "The file starts with a UTF-8 byte-order mark (EF BB BF).")
                        : DatasetRules.Bom.At(path, 1, 0, "The file starts with a UTF-8 byte-order mark (EF BB BF); OpenAI rejects line 1."));
                }

                if (reader.IsJsonArray)
                {
                    Emit(DatasetRules.JsonArray.At(path, 1, null, "The file starts with '[': it is one JSON array, not one JSON object per line."));
                    measurement = null;
                    return Finish();
                }

                // Pipeline without barriers: each batch of whole lines is copied out of the reader's buffer and
                // checked by one task; up to MaxDegreeOfParallelism + 1 batches are in flight; this thread reads
                // ahead and folds results in line order (so findings and progress come from the calling thread).
                // While the encoder loads, up to EarlyBatches are in flight: their lines are checked now and
                // counted when it is there.
                var inflight = new Queue<Task<LineBatch>>();
                var folded = new Stack<LineBatch>();
                try
                {
                    while (more)
                    {
                        ct.ThrowIfCancellationRequested();
                        LineBatch next = (folded.Count > 0 ? folded.Pop() : new LineBatch()).Fill(reader.Buffer, lines, ref examples);
                        inflight.Enqueue(workers == 1 ? Task.FromResult(next.CheckAll(checker)) : Schedule(next));
                        more = reader.ReadBatch(lines);
                        while (inflight.Count > (checker.EncoderLoading ? EarlyBatches : workers) || (!more && inflight.Count > 0))
                        {
                            LineBatch done = inflight.Dequeue().GetAwaiter().GetResult();
                            Fold(done);
                            folded.Push(done);
                            ct.ThrowIfCancellationRequested(); // also while the last batches are folded
                        }
                    }
                }
                finally
                {
                    // On cancellation or an error, let the workers still running finish before the reader goes.
                    foreach (Task<LineBatch> pending in inflight)
                    {
                        try
                        {
                            pending.GetAwaiter().GetResult();
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }
                }

                Task<LineBatch> Schedule(LineBatch batch)
                {
                    Task<LineBatch> check = Task.Run(() => batch.CheckAll(checker), ct);
                    if (!checker.EncoderLoading) return check;
                    return Task.WhenAll(check, loading!).ContinueWith(
                        done =>
                        {
                            done.GetAwaiter().GetResult();
                            return batch.CountPending(checker);
                        },
                        ct, TaskContinuationOptions.LazyCancellation, TaskScheduler.Default); // a cancelled one still waits for its check
                }

                [MethodImpl(Hot.Path)]
                void Fold(LineBatch batch)
                {
                    for (int i = 0; i < batch.Count; i++)
                    {
                        LineSlice s = batch.Lines[i];
                        ref LineOutcome o = ref batch.Results[i];
                        if (s.Kind == LineKind.Blank)
                        {
                            Emit(DatasetRules.BlankLine.At(path, s.Line, null, $"Line {s.Line} is blank."));
                            continue;
                        }

                        if (s.Kind == LineKind.TooLong)
                        {
                            Emit(DatasetRules.LineTooLong.At(path, s.Line, batch.Indexes[i], $"Line {s.Line} is longer than {JsonlReader.MaxLineBytes / (1024 * 1024)} MB; it was skipped."));
                            continue;
                        }

                        if (o.Findings != null)
                        {
                            foreach (DatasetFinding f in o.Findings) Emit(f);
                        }

                        if (!o.Parsed) continue;
                        if (o.Format != DatasetFormat.Unknown)
                        {
                            if (fileFormat == DatasetFormat.Auto) fileFormat = o.Format;
                            else if (o.Format != fileFormat) Emit(DatasetRules.MixedFormat.At(path, s.Line, batch.Indexes[i], $"Line {s.Line} is in {o.Format} format, but the file is {fileFormat}{(options.Format == DatasetFormat.Auto ? " (from its first example)" : string.Empty)}."));
                        }

                        if (!countOnly)
                        {
                            long earlier = seen.AddOrGet(o.Hash, s.Line);
                            if (earlier > 0) Emit(DatasetRules.Duplicate.At(path, s.Line, batch.Indexes[i], $"Line {s.Line} is the same example as line {earlier}."));
                            if (o.Format == DatasetFormat.Chat || o.Format == DatasetFormat.Preference) systems.Add(o.HasSystem, o.SystemHash, s.Line, batch.Indexes[i]);
                        }

                        if (tokens != null && o.Tokens >= 0)
                        {
                            tokens.Add(o.Tokens);
                            assistantTokens += o.AssistantTokens;
                            billed += limit is int max ? Math.Min(o.Tokens, max) : o.Tokens;
                            bool over = limit is int m2 && o.Tokens > m2;
                            if (over) overLimit++;
                            onExample?.Invoke(new ExampleTokenCount(path, s.Line, batch.Indexes[i], o.Tokens, o.AssistantTokens, over));
                        }
                    }

                    checkedBytes += batch.Bytes;
                    if (checkedBytes >= file.Length / 10) seen.Projection = (double)file.Length / checkedBytes;
                    feedback?.Progress(ProgressId, activity, $"{reader.BytesConsumed / 1048576.0:N1} of {file.Length / 1048576.0:N1} MB, {examples:N0} examples", file.Length == 0 ? -1 : (int)(100 * reader.BytesConsumed / file.Length));
                }

                foreach (DatasetFinding f in systems.Findings(path)) Emit(f);
                if (reader.CrlfLines > 0) Emit(DatasetRules.Crlf.At(path, reader.FirstCrlfLine, null, $"{reader.CrlfLines:N0} lines end in {(reader.CrOnly ? "CR alone (classic Mac OS line ends)" : "CRLF")}, the first is line {reader.FirstCrlfLine}."));
                if (!reader.EndsWithNewline && examples > 0) Emit(DatasetRules.NoFinalNewline.At(path, null, null, "The last line has no newline at its end."));
            }

            if (examples < MinExamples) Emit(DatasetRules.TooFewExamples.At(path, null, null, $"The file has {examples} examples; the service needs at least {MinExamples}."));
            feedback?.Progress(ProgressId, activity, "done", 100, completed: true);

            report.Format = fileFormat == DatasetFormat.Auto ? DatasetFormat.Unknown : fileFormat;
            if (options.Model != null && !countOnly && FormatFits(report.Format, options.Model, options.Target) is string misfit)
            {
                Emit(DatasetRules.FormatNotForModel.At(path, null, null, misfit));
            }

            if (tokens != null)
            {
                report.Tokens = tokens.Sum;
                measurement = new DatasetMeasurement
                {
                    Path = path,
                    Model = options.Model!,
                    Encoding = encoding!,
                    Format = report.Format,
                    Examples = examples,
                    CountedExamples = tokens.Count,
                    TotalTokens = tokens.Sum,
                    AssistantTokens = assistantTokens,
                    MinTokens = tokens.Count == 0 ? 0 : tokens.Min,
                    MaxTokens = tokens.Max,
                    MeanTokens = tokens.Count == 0 ? 0 : (double)tokens.Sum / tokens.Count,
                    MedianTokens = tokens.Median,
                    P95Tokens = tokens.P95,
                    TokenLimit = limit,
                    ExamplesOverLimit = overLimit,
                    BilledTokensPerEpoch = billed,
                };
            }
            else
            {
                measurement = null;
            }

            report.Examples = examples;
            return report;

            DatasetReport Finish()
            {
                feedback?.Progress(ProgressId, activity, "done", 100, completed: true);
                report.Format = fileFormat == DatasetFormat.Auto ? DatasetFormat.Unknown : fileFormat;
                if (tokens != null) report.Tokens = 0;
                return report;
            }
        }

        /// <summary>
        /// Null when <paramref name="format"/> can train <paramref name="model"/> on <paramref name="target"/>;
        /// else why not, from the formats the model catalog gives the model (<see cref="ModelCatalog.TrainingFormatsOf"/>:
        /// prompt/completion files train babbage-002 and davinci-002 only, and those models take nothing else;
        /// OPENAI-FACTS.md, Training files and Azure OpenAI).
        /// </summary>
        internal static string? FormatFits(DatasetFormat format, string model, DatasetTarget target = DatasetTarget.OpenAI)
        {
            if (format != DatasetFormat.Chat && format != DatasetFormat.Preference && format != DatasetFormat.Completion) return null;
            string provider = target == DatasetTarget.Azure ? ModelCatalog.Azure : ModelCatalog.OpenAI;
            IReadOnlyList<string> formats = ModelCatalog.CurrentOrEmbedded().TrainingFormatsOf(model, provider);
            string name = format.ToString().ToLowerInvariant();
            if (formats.Contains(name)) return null;
            if (format == DatasetFormat.Completion)
                return $"The file is prompt/completion, which trains only babbage-002 and davinci-002; {model} needs chat examples (\"messages\").";
            if (formats.SequenceEqual(new[] { ModelCatalog.CompletionFormat }))
                return $"The file is {name} examples; {model} trains on prompt/completion lines only.";
            return $"The file is {name} examples; {(target == DatasetTarget.Azure ? "on Azure " : string.Empty)}{model} trains on {string.Join(" and ", formats)} examples only.";
        }
    }

    /// <summary>
    /// A batch of whole lines copied out of the reader's buffer, with what checking them found. A batch is
    /// refilled once it has been folded, and its arrays grow only to the largest batch: a file of a million
    /// lines allocates a handful of batches, not one per 1 MB read (whose arrays of several hundred KB would
    /// land on the large object heap and raise the peak with the file's size).
    /// </summary>
    internal sealed class LineBatch
    {
        private byte[] data = Array.Empty<byte>();

        public int Count { get; private set; }

        /// <summary>Bytes of the file the lines take, line ends included (about).</summary>
        public long Bytes { get; private set; }

        public LineSlice[] Lines { get; private set; } = Array.Empty<LineSlice>();

        public long[] Indexes { get; private set; } = Array.Empty<long>();

        public LineOutcome[] Results { get; private set; } = Array.Empty<LineOutcome>();

        /// <summary>Copies the lines (rebasing their offsets) and numbers the examples (non-blank lines) from <paramref name="examples"/> on; forgets the previous lines' results.</summary>
        [MethodImpl(Hot.Path)]
        public LineBatch Fill(byte[] buffer, List<LineSlice> lines, ref long examples)
        {
            int n = lines.Count;
            if (Lines.Length < n)
            {
                int size = Math.Max(n, Lines.Length * 2);
                Lines = new LineSlice[size];
                Indexes = new long[size];
                Results = new LineOutcome[size];
            }
            else
            {
                Array.Clear(Results, 0, Count);
            }

            Count = n;
            int first = lines[0].Offset, last = first;
            long bytes = 0;
            foreach (LineSlice s in lines)
            {
                if (s.Kind != LineKind.TooLong) last = Math.Max(last, s.Offset + s.Length);
                bytes += s.Length + 1;
            }

            Bytes = bytes;

            if (data.Length < last - first) data = new byte[buffer.Length];
            Buffer.BlockCopy(buffer, first, data, 0, last - first);
            for (int i = 0; i < n; i++)
            {
                LineSlice s = lines[i];
                if (s.Kind != LineKind.TooLong) s.Offset -= first;
                Lines[i] = s;
                Indexes[i] = s.Kind == LineKind.Blank ? -1 : examples++;
            }

            return this;
        }

        /// <summary>Checks every text line of the batch in order.</summary>
        [MethodImpl(Hot.Path)]
        public LineBatch CheckAll(ExampleChecker checker)
        {
            for (int i = 0; i < Count; i++)
            {
                LineSlice s = Lines[i];
                if (s.Kind == LineKind.Text) checker.Check(new ReadOnlyMemory<byte>(data, s.Offset, s.Length), s.Line, Indexes[i], ref Results[i]);
            }

            return this;
        }

        /// <summary>Counts the tokens of the lines checked before the encoder was loaded.</summary>
        public LineBatch CountPending(ExampleChecker checker)
        {
            for (int i = 0; i < Count; i++)
            {
                LineSlice s = Lines[i];
                if (Results[i].CountPending) checker.CountLater(new ReadOnlyMemory<byte>(data, s.Offset, s.Length), s.Line, Indexes[i], ref Results[i]);
            }

            return this;
        }
    }

    /// <summary>
    /// The system messages of a file's chat and preference examples, for rule FT134: the first example's
    /// variant (its system message text, or none) and every other variant with its first line and the
    /// number of examples that use it. One finding per other variant (not one per line: a file merged from
    /// a few sources would otherwise repeat the same warning tens of thousands of times). At most
    /// <see cref="MaxVariants"/> variants are kept apart; the examples of any further ones are counted
    /// together, so memory stays bounded when every example has its own system message.
    /// </summary>
    internal sealed class SystemVariants
    {
        /// <summary>Variants reported one by one; the rest are reported as one more finding.</summary>
        public const int MaxVariants = 1000;

        private readonly Dictionary<(bool HasSystem, ulong Hash), Variant> index = new Dictionary<(bool, ulong), Variant>();
        private readonly List<Variant> order = new List<Variant>();
        private Variant? first;
        private Variant? rest;

        /// <summary>Notes one example's system message (<paramref name="hash"/> of its text when <paramref name="hasSystem"/>).</summary>
        [MethodImpl(Hot.Path)]
        public void Add(bool hasSystem, ulong hash, long line, long exampleIndex)
        {
            if (!hasSystem) hash = 0;
            if (first == null)
            {
                first = new Variant(hasSystem, line, exampleIndex);
                index.Add((hasSystem, hash), first);
                return;
            }

            if (index.TryGetValue((hasSystem, hash), out Variant? v))
            {
                v.Count++;
                return;
            }

            if (order.Count < MaxVariants)
            {
                v = new Variant(hasSystem, line, exampleIndex);
                index.Add((hasSystem, hash), v);
                order.Add(v);
                return;
            }

            if (rest == null) rest = new Variant(hasSystem, line, exampleIndex);
            else rest.Count++;
        }

        /// <summary>The FT134 findings: one per variant other than the first example's, at its first line, in line order.</summary>
        public IEnumerable<DatasetFinding> Findings(string path)
        {
            if (first == null) yield break;
            foreach (Variant v in order)
            {
                string like = v.Count == 1 ? "no other example is like it" : $"{v.Count:N0} examples are like it";
                yield return DatasetRules.SystemInconsistent.At(path, v.Line, v.Index,
                    !v.HasSystem ? $"Line {v.Line} has no system message; line {first.Line} has one ({like}, the first on line {v.Line})."
                    : !first.HasSystem ? $"Line {v.Line} has a system message; line {first.Line} has none ({like}, the first on line {v.Line})."
                    : $"Line {v.Line}'s system message differs from line {first.Line}'s ({like}, the first on line {v.Line}).");
            }

            if (rest != null)
            {
                yield return DatasetRules.SystemInconsistent.At(path, rest.Line, rest.Index,
                    $"Line {rest.Line} and {rest.Count - 1:N0} later examples have still other system messages that differ from line {first.Line}'s (more than {MaxVariants:N0} variants; only the first {MaxVariants:N0} are reported one by one).");
            }
        }

        private sealed class Variant
        {
            public Variant(bool hasSystem, long line, long index)
            {
                HasSystem = hasSystem;
                Line = line;
                Index = index;
            }

            public bool HasSystem { get; }

            public long Line { get; }

            public long Index { get; }

            public long Count { get; set; } = 1;
        }
    }
}
