using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
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
    /// pass (memory does not grow with the file, except 12 bytes per distinct example for duplicate
    /// detection) and, with a model, counts each example's tokens. Lines are checked and counted in
    /// parallel, findings come out in line order. Problems in the data are findings; only a file that cannot
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

        /// <summary>
        /// Checks <paramref name="path"/>: calls <paramref name="onFinding"/> for each finding in line order
        /// (file-wide findings first and last), then returns the summary.
        /// </summary>
        public static DatasetReport Test(string path, DatasetCheckOptions options, Action<DatasetFinding>? onFinding, IFeedback? feedback, CancellationToken cancellationToken)
        {
            DatasetReport report = Analyze(path, options, onFinding, null, feedback, cancellationToken, out _);
            return report;
        }

        /// <summary>
        /// Counts the tokens of every example of <paramref name="path"/> for <paramref name="model"/>: calls
        /// <paramref name="onExample"/> per counted example (when given) and returns the distribution.
        /// </summary>
        public static DatasetMeasurement Measure(string path, string model, DatasetFormat format, Action<ExampleTokenCount>? onExample, IFeedback? feedback, CancellationToken cancellationToken)
        {
            var options = new DatasetCheckOptions { Model = model, Format = format };
            Analyze(path, options, null, onExample, feedback, cancellationToken, out DatasetMeasurement? measurement);
            return measurement!;
        }

        private static DatasetReport Analyze(string path, DatasetCheckOptions options, Action<DatasetFinding>? onFinding, Action<ExampleTokenCount>? onExample,
            IFeedback? feedback, CancellationToken ct, out DatasetMeasurement? measurement)
        {
            path = Path.GetFullPath(path);
            var file = new FileInfo(path);
            if (!file.Exists) throw new FileNotFoundException($"No training file at '{path}'.", path);

            TokenEncoder? encoder = options.Model == null ? null : TokenEncoder.ForModel(options.Model);
            int? limit = options.Model == null ? null : ModelTokenLimits.Of(options.Model, options.Target);
            var report = new DatasetReport { Path = path, Target = options.Target, Bytes = file.Length, Model = options.Model, Format = options.Format };
            var tokens = encoder == null ? null : new TokenDistribution();
            long assistantTokens = 0, billed = 0, overLimit = 0;

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
            if (options.Model != null && limit == null) Emit(DatasetRules.NoTokenLimit.At(path, null, null, $"No per-example token limit is known for '{options.Model}'."));

            var checker = new ExampleChecker(path, options.Target, options.Format, encoder == null ? null : new DefaultExampleTokenCounter(encoder), limit);
            var lines = new List<LineSlice>();
            var seen = new LineHashSet();
            DatasetFormat fileFormat = options.Format;
            bool systemKnown = false, firstHasSystem = false;
            ulong firstSystem = 0;
            long firstSystemLine = 0, examples = 0;
            string activity = "Checking " + Path.GetFileName(path);

            using (var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
            using (var reader = new JsonlReader(stream))
            {
                bool more = reader.ReadBatch(lines);
                if (reader.IsUtf16)
                {
                    Emit(DatasetRules.Utf16.At(path, 1, null, "The file starts with the bytes of UTF-16 (or UTF-32) text; training files must be UTF-8."));
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
                int workers = Math.Max(1, options.MaxDegreeOfParallelism);
                var inflight = new Queue<Task<LineBatch>>();
                try
                {
                    while (more)
                    {
                        ct.ThrowIfCancellationRequested();
                        LineBatch next = LineBatch.CopyFrom(reader.Buffer, lines, ref examples);
                        inflight.Enqueue(workers == 1 ? Task.FromResult(next.CheckAll(checker)) : Task.Run(() => next.CheckAll(checker), ct));
                        more = reader.ReadBatch(lines);
                        while (inflight.Count > workers || (!more && inflight.Count > 0))
                        {
                            Fold(inflight.Dequeue().GetAwaiter().GetResult());
                        }
                    }
                }
                finally
                {
                    foreach (Task<LineBatch> pending in inflight)
                    {
                        try
                        {
                            pending.GetAwaiter().GetResult().Dispose();
                        }
                        catch (OperationCanceledException)
                        {
                        }
                    }
                }

                void Fold(LineBatch batch)
                {
                    using (batch)
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

                            long earlier = seen.AddOrGet(o.Hash, s.Line);
                            if (earlier > 0) Emit(DatasetRules.Duplicate.At(path, s.Line, batch.Indexes[i], $"Line {s.Line} is the same example as line {earlier}."));

                            if (o.Format == DatasetFormat.Chat || o.Format == DatasetFormat.Preference)
                            {
                                if (!systemKnown)
                                {
                                    systemKnown = true;
                                    firstHasSystem = o.HasSystem;
                                    firstSystem = o.SystemHash;
                                    firstSystemLine = s.Line;
                                }
                                else if (o.HasSystem != firstHasSystem || o.SystemHash != firstSystem)
                                {
                                    Emit(DatasetRules.SystemInconsistent.At(path, s.Line, batch.Indexes[i],
                                        !o.HasSystem ? $"Line {s.Line} has no system message; line {firstSystemLine} has one."
                                        : !firstHasSystem ? $"Line {s.Line} has a system message; line {firstSystemLine} has none."
                                        : $"Line {s.Line}'s system message differs from line {firstSystemLine}'s."));
                                }
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


                        feedback?.Progress(ProgressId, activity, $"{reader.BytesConsumed / 1048576.0:N1} of {file.Length / 1048576.0:N1} MB, {examples:N0} examples", file.Length == 0 ? -1 : (int)(100 * reader.BytesConsumed / file.Length));
                    }
                }

                if (reader.CrlfLines > 0) Emit(DatasetRules.Crlf.At(path, reader.FirstCrlfLine, null, $"{reader.CrlfLines:N0} lines end in CRLF, the first is line {reader.FirstCrlfLine}."));
                if (!reader.EndsWithNewline && examples > 0) Emit(DatasetRules.NoFinalNewline.At(path, null, null, "The last line has no newline at its end."));
            }

            if (examples < MinExamples) Emit(DatasetRules.TooFewExamples.At(path, null, null, $"The file has {examples} examples; the service needs at least {MinExamples}."));
            feedback?.Progress(ProgressId, activity, "done", 100, completed: true);

            report.Format = fileFormat == DatasetFormat.Auto ? DatasetFormat.Unknown : fileFormat;
            if (tokens != null)
            {
                report.Tokens = tokens.Sum;
                measurement = new DatasetMeasurement
                {
                    Path = path,
                    Model = options.Model!,
                    Encoding = encoder!.EncodingName,
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
    }

    /// <summary>A batch of whole lines copied out of the reader's buffer (pooled), with what checking them found.</summary>
    internal sealed class LineBatch : IDisposable
    {
        private byte[] data = Array.Empty<byte>();

        public int Count { get; private set; }

        public LineSlice[] Lines { get; private set; } = Array.Empty<LineSlice>();

        public long[] Indexes { get; private set; } = Array.Empty<long>();

        public LineOutcome[] Results { get; private set; } = Array.Empty<LineOutcome>();

        /// <summary>Copies the lines (rebasing their offsets) and numbers the examples (non-blank lines) from <paramref name="examples"/> on.</summary>
        public static LineBatch CopyFrom(byte[] buffer, List<LineSlice> lines, ref long examples)
        {
            int n = lines.Count;
            var batch = new LineBatch { Count = n, Lines = new LineSlice[n], Indexes = new long[n], Results = new LineOutcome[n] };
            int first = lines[0].Offset, last = first;
            foreach (LineSlice s in lines)
            {
                if (s.Kind != LineKind.TooLong) last = Math.Max(last, s.Offset + s.Length);
            }

            batch.data = System.Buffers.ArrayPool<byte>.Shared.Rent(Math.Max(1, last - first));
            Buffer.BlockCopy(buffer, first, batch.data, 0, last - first);
            for (int i = 0; i < n; i++)
            {
                LineSlice s = lines[i];
                if (s.Kind != LineKind.TooLong) s.Offset -= first;
                batch.Lines[i] = s;
                batch.Indexes[i] = s.Kind == LineKind.Blank ? -1 : examples++;
            }

            return batch;
        }

        /// <summary>Checks every text line of the batch in order.</summary>
        public LineBatch CheckAll(ExampleChecker checker)
        {
            for (int i = 0; i < Count; i++)
            {
                LineSlice s = Lines[i];
                if (s.Kind == LineKind.Text) checker.Check(new ReadOnlyMemory<byte>(data, s.Offset, s.Length), s.Line, Indexes[i], ref Results[i]);
            }

            return this;
        }

        public void Dispose()
        {
            if (data.Length > 0) System.Buffers.ArrayPool<byte>.Shared.Return(data);
            data = Array.Empty<byte>();
        }
    }

    /// <summary>
    /// A set of 64-bit example hashes with the line each was first seen on: open addressing, 12 bytes a
    /// slot, load at most 3/4. A 64-bit hash makes a false duplicate vanishingly unlikely (about 1 in 10^7
    /// for a million distinct examples).
    /// </summary>
    internal sealed class LineHashSet
    {
        private ulong[] keys = new ulong[1024];
        private int[] lines = new int[1024];
        private int count;

        /// <summary>Adds the hash; returns 0 when new, else the line it was first seen on.</summary>
        public long AddOrGet(ulong hash, long line)
        {
            if (hash == 0) hash = 1;
            if ((count + 1) * 4 > keys.Length * 3) Grow();
            int mask = keys.Length - 1;
            int i = (int)(hash & (ulong)mask);
            while (keys[i] != 0)
            {
                if (keys[i] == hash) return lines[i];
                i = (i + 1) & mask;
            }

            keys[i] = hash;
            lines[i] = (int)Math.Min(line, int.MaxValue);
            count++;
            return 0;
        }

        private void Grow()
        {
            ulong[] oldKeys = keys;
            int[] oldLines = lines;
            keys = new ulong[oldKeys.Length * 2];
            lines = new int[oldKeys.Length * 2];
            int mask = keys.Length - 1;
            for (int j = 0; j < oldKeys.Length; j++)
            {
                if (oldKeys[j] == 0) continue;
                int i = (int)(oldKeys[j] & (ulong)mask);
                while (keys[i] != 0) i = (i + 1) & mask;
                keys[i] = oldKeys[j];
                lines[i] = oldLines[j];
            }
        }
    }
}
