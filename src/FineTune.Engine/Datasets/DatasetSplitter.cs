using System;
using FineTune.Engine.IO;
using System.Collections.Generic;
using System.IO;
using System.Threading;

namespace FineTune.Engine.Datasets
{
    /// <summary>What <see cref="DatasetSplitter.Split"/> wrote.</summary>
    public sealed class DatasetSplit
    {
        /// <summary>The training file.</summary>
        public FineTuneDataset Training { get; set; } = new FineTuneDataset();

        /// <summary>The validation file.</summary>
        public FineTuneDataset Validation { get; set; } = new FineTuneDataset();

        /// <summary>The seed the shuffle used (the one given, or the one drawn): pass it again to get the same split.</summary>
        public int Seed { get; set; }

        /// <summary>What was cleaned up first: an interrupted earlier split of the same pair finished, temporary files it left deleted (one sentence each).</summary>
        public IReadOnlyList<string> Recovered { get; set; } = Array.Empty<string>();
    }

    /// <summary>
    /// Splits a JSON Lines file into training and validation files by a seeded shuffle of its lines.
    /// Each non-empty line is copied byte for byte (a trailing <c>\r</c> is dropped with the <c>\n</c>, a
    /// UTF-8 BOM at the start of the file is dropped); blank lines are not examples and are left out.
    /// The shuffle is Fisher–Yates over <see cref="Random"/> seeded with the seed, whose sequence for a given
    /// seed is the same on every .NET version, so a seed reproduces a split. Both files are written
    /// as one change (<see cref="AtomicPair"/>: both files are replaced or neither, and an interrupted split is finished
    /// by the next); the source is read whole into memory (a training file is at most 512 MB).
    /// </summary>
    public static class DatasetSplitter
    {
        /// <summary>
        /// Splits <paramref name="path"/>. The validation file gets <paramref name="validationCount"/> examples
        /// when given, else round(examples × <paramref name="validationFraction"/>) (halves away from zero),
        /// at least 1.
        /// </summary>
        /// <param name="path">The JSON Lines file to split.</param>
        /// <param name="trainingPath">The training file to write.</param>
        /// <param name="validationPath">The validation file to write.</param>
        /// <param name="validationFraction">Share of examples for validation, greater than 0 and less than 1.</param>
        /// <param name="validationCount">Number of validation examples (wins over the fraction).</param>
        /// <param name="seed">The shuffle's seed; null draws one (reported in <see cref="DatasetSplit.Seed"/>).</param>
        /// <param name="format">The format stamped on the outputs (the lines are not parsed).</param>
        /// <param name="mode">New (refuse existing outputs) or Replace (-Force).</param>
        /// <param name="cancellationToken">Stops the split; nothing is written then.</param>
        /// <exception cref="ArgumentException">The fraction or count leaves one side empty, or an output is the input.</exception>
        /// <exception cref="DatasetFileExistsException">An output exists and <paramref name="mode"/> is New.</exception>
        /// <exception cref="IOException">The input cannot be read or an output cannot be written.</exception>
        public static DatasetSplit Split(string path, string trainingPath, string validationPath, double validationFraction, int? validationCount, int? seed, DatasetFormat format, DatasetWriteMode mode, CancellationToken cancellationToken)
        {
            string source = Path.GetFullPath(path);
            string train = Path.GetFullPath(trainingPath);
            string valid = Path.GetFullPath(validationPath);
            FilePaths.RefuseOverlap(train, "The training file", ("the source", source), ("the validation file", valid));
            FilePaths.RefuseOverlap(valid, "The validation file", ("the source", source));

            IReadOnlyList<string> recovered = AtomicPair.Recover(train, valid);
            FilePaths.RequireRegularFile(source);
            byte[] bytes = File.ReadAllBytes(source);
            List<(int Start, int Length)> lines = Lines(bytes);
            int n = lines.Count;
            int count = validationCount ?? (int)Math.Max(1, Math.Round(n * validationFraction, MidpointRounding.AwayFromZero));
            if (validationCount == null && (validationFraction <= 0 || validationFraction >= 1)) throw new ArgumentException($"The validation fraction must be greater than 0 and less than 1, not {validationFraction}.");
            if (count < 1 || count >= n)
            {
                throw new ArgumentException($"{source} has {n} examples; {count} for validation would leave {(count < 1 ? "the validation" : "the training")} file empty. Give a validation count from 1 to {Math.Max(1, n - 1)}.");
            }

            int used = seed ?? new Random().Next();
            var random = new Random(used);
            int[] order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            for (int i = n - 1; i > 0; i--)
            {
                int j = random.Next(i + 1);
                (order[i], order[j]) = (order[j], order[i]);
            }

            using AtomicFile training = AtomicFile.Open(train, mode);
            using AtomicFile validation = AtomicFile.Open(valid, mode);
            for (int k = 0; k < n; k++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                (int start, int length) = lines[order[k]];
                Stream into = k < count ? validation.Stream : training.Stream;
                into.Write(bytes, start, length);
                into.WriteByte((byte)'\n');
            }

            (long trainBytes, long validBytes) = AtomicPair.Commit(training, validation);
            return new DatasetSplit
            {
                Seed = used,
                Recovered = recovered,
                Training = new FineTuneDataset { Path = train, Format = format, ExampleCount = n - count, Bytes = trainBytes },
                Validation = new FineTuneDataset { Path = valid, Format = format, ExampleCount = count, Bytes = validBytes },
            };
        }

        /// <summary>Default output names beside the source: <c>name.train.jsonl</c> and <c>name.validation.jsonl</c>.</summary>
        public static (string Training, string Validation) DefaultPaths(string path)
        {
            string full = Path.GetFullPath(path);
            string dir = Path.GetDirectoryName(full) ?? ".";
            string name = Path.GetFileNameWithoutExtension(full);
            string ext = Path.GetExtension(full);
            if (ext.Length == 0) ext = ".jsonl";
            return (Path.Combine(dir, name + ".train" + ext), Path.Combine(dir, name + ".validation" + ext));
        }

        /// <summary>(start, length) of every line that holds more than white space, without its \n, \r\n, or \r in a file whose lines end in CR alone.</summary>
        internal static List<(int, int)> Lines(byte[] bytes)
        {
            var lines = new List<(int, int)>();
            int start = bytes.Length >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF ? 3 : 0;
            int first = bytes.AsSpan(start).IndexOfAny((byte)'\r', (byte)'\n') + start;
            byte newline = first >= start && bytes[first] == (byte)'\r' && (first + 1 == bytes.Length || bytes[first + 1] != (byte)'\n') ? (byte)'\r' : (byte)'\n'; // CR alone: classic Mac OS
            while (start < bytes.Length)
            {
                int end = Array.IndexOf(bytes, newline, start);
                if (end < 0) end = bytes.Length;
                int stop = end > start && bytes[end - 1] == (byte)'\r' ? end - 1 : end;
                bool blank = true;
                for (int i = start; i < stop && blank; i++) blank = bytes[i] == (byte)' ' || bytes[i] == (byte)'\t';
                if (!blank) lines.Add((start, stop - start));
                start = end + 1;
            }

            return lines;
        }
    }
}
