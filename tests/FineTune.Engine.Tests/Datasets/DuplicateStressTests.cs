using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using FineTune.Engine.Datasets;
using Xunit;
using Xunit.Abstractions;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>
    /// Harder files for the changes of 2026-11-30 (duplicate set in native memory sized by projection, reused
    /// line batches, 1 MB reads), built from ../shared/data: duplicates with the right earlier line and
    /// identical findings in identical order with 1, 2 and 8 threads, across growth, blank lines, CRLF, no
    /// final newline, lines over 1 MB and over the 64 MB limit, first tenths far from the rest; cancellation
    /// mid-file. Each held when written.
    /// </summary>
    public class DuplicateStressTests
    {
        private readonly ITestOutputHelper output;

        public DuplicateStressTests(ITestOutputHelper output) => this.output = output;

        private static string[] Gsm() => File.ReadAllLines(SharedData.Require("data/chat_gsm8k_train.jsonl"));

        private static string Variant(string line, int k) => line.Replace("{\"role\": \"user\", \"content\": \"", "{\"role\": \"user\", \"content\": \"[" + k + "] ");

        // lines (null = blank); ends: \r\n for some. The expected duplicates are the lines equal to an earlier one,
        // found with a plain dictionary of the lines' text (the files repeat lines verbatim), not with the checker's hash.
        private static (byte[] Bytes, List<(long Line, long Earlier)> Dups) Build(List<string?> lines, Random random, bool crlf, bool finalNewline = true)
        {
            var sb = new StringBuilder();
            var first = new Dictionary<string, long>(StringComparer.Ordinal);
            var dups = new List<(long, long)>();
            for (int i = 0; i < lines.Count; i++)
            {
                string? l = lines[i];
                if (l != null)
                {
                    if (first.TryGetValue(l, out long e)) dups.Add((i + 1, e)); else first[l] = i + 1;
                }
                sb.Append(l ?? (random.Next(2) == 0 ? "" : "  "));
                if (i < lines.Count - 1 || finalNewline) sb.Append(crlf && random.Next(3) == 0 ? "\r\n" : "\n");
            }
            return (new UTF8Encoding(false).GetBytes(sb.ToString()), dups);
        }

        private static List<DatasetFinding> Run(string path, int dop, CancellationToken ct = default)
        {
            var findings = new List<DatasetFinding>();
            DatasetChecker.Test(path, new DatasetCheckOptions { MaxDegreeOfParallelism = dop }, findings.Add, null, ct);
            return findings;
        }

        private void CheckShape(string name, List<string?> lines, Random random, bool crlf, bool finalNewline = true)
        {
            var (bytes, dups) = Build(lines, random, crlf, finalNewline);
            string path = DatasetHarness.Write(bytes);
            try
            {
                List<string>? reference = null;
                foreach (int dop in new[] { 1, 2, 8 })
                {
                    var f = Run(path, dop);
                    var got = f.Where(x => x.RuleId == "FT501").Select(x => x.Message).ToList();
                    var want = dups.Select(d => $"Line {d.Line} is the same example as line {d.Earlier}.").ToList();
                    Assert.Equal(want, got);
                    var all = f.Select(x => $"{x.RuleId} {x.Line} {x.ExampleIndex} {x.Message}").ToList();
                    if (reference == null) reference = all; else Assert.Equal(reference, all);
                }
                output.WriteLine($"{name}: {bytes.Length} bytes, {lines.Count} lines, {dups.Count} dups, {reference!.Count} findings: {string.Join(",", reference.Select(r => r.Substring(0, 5)).Distinct())}");
            }
            finally { File.Delete(path); }
        }

        [SkippableFact]
        public void DuplicatesAcrossGrowthWithBlankLinesAndCrlf()
        {
            var random = new Random(11);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            for (int k = 0; k < 12; k++) foreach (string l in gsm) lines.Add(Variant(l, k));
            for (int i = 0; i < 300; i++) { int at = random.Next(1, lines.Count); lines.Insert(at, random.Next(5) == 0 ? null : lines[random.Next(at)]); }
            lines.Add(lines[0]);
            CheckShape("uniform", lines, random, crlf: true);
            lines.Add(lines[5]);
            CheckShape("uniform-nofinalnl", lines, random, crlf: true, finalNewline: false);
        }

        [SkippableFact]
        public void DuplicatesWhenTheFirstTenthHasShortLines()
        {
            var random = new Random(12);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            // 400 KB of tiny lines, then 4 MB of long ones; dups of tiny ones at the end
            for (int i = 0; i < 8000; i++) lines.Add("{\"prompt\":\"q" + i + "\",\"completion\":\"a\"}");
            for (int k = 0; k < 12; k++) foreach (string l in gsm) lines.Add(Variant(l, k) );
            for (int i = 0; i < 2000; i++) lines.Add(lines[random.Next(lines.Count)]);
            for (int i = 0; i < 3000; i++) lines.Add("{\"prompt\":\"z" + i + "\",\"completion\":\"a\"}");
            CheckShape("shortfirst", lines, random, crlf: false);
        }

        [SkippableFact]
        public void DuplicatesWhenTheFirstTenthHasLongLines()
        {
            var random = new Random(13);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            string pad = new string('x', 60_000);
            for (int i = 0; i < 8; i++) lines.Add("{\"prompt\":\"" + pad + i + "\",\"completion\":\"a\"}");
            for (int i = 0; i < 60000; i++) lines.Add("{\"prompt\":\"q" + i + "\",\"completion\":\"a\"}");
            for (int i = 0; i < 3000; i++) lines.Add(lines[random.Next(lines.Count)]);
            lines.Add(lines[3]);
            CheckShape("longfirst", lines, random, crlf: false);
        }

        [SkippableFact]
        public void DuplicatesOfLinesOverOneMegabyte()
        {
            var random = new Random(14);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            foreach (string l in gsm) lines.Add(l);
            string big = "{\"prompt\":\"" + new string('y', 1_500_000) + "\",\"completion\":\"a\"}";
            string bigger = "{\"prompt\":\"" + new string('w', 3_000_000) + "\",\"completion\":\"a\"}";
            lines.Insert(100, big);
            lines.Insert(101, null);
            lines.Insert(200, bigger);
            foreach (string l in gsm) lines.Add(Variant(l, 1));
            lines.Add(big);
            lines.Add(gsm[0]);
            lines.Add(bigger);
            CheckShape("big", lines, random, crlf: true);
        }

        [SkippableFact]
        public void DuplicatesAroundALineOverTheLimit()
        {
            var random = new Random(16);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            foreach (string l in gsm.Take(50)) lines.Add(l);
            lines.Add("{\"prompt\":\"" + new string('y', JsonlReader.MaxLineBytes + 10) + "\",\"completion\":\"a\"}");
            lines.Add(gsm[3]);
            foreach (string l in gsm.Skip(50).Take(50)) lines.Add(l);
            lines.Add(gsm[60]);
            var (bytes, dups) = Build(lines, random, crlf: true);
            string path = DatasetHarness.Write(bytes);
            bytes = null!;
            try
            {
                foreach (int dop in new[] { 1, 8 })
                {
                    var f = Run(path, dop);
                    Assert.Equal(new[] { "Line 52 is the same example as line 4.", "Line 103 is the same example as line 63." }, f.Where(x => x.RuleId == "FT501").Select(x => x.Message));
                    Assert.Equal(51, Assert.Single(f, x => x.RuleId == "FT016").Line);
                }
            }
            finally { File.Delete(path); }
        }

        [SkippableFact]
        public void CancellationMidFileThrowsOnlyCancellation()
        {
            var random = new Random(15);
            string[] gsm = Gsm();
            var lines = new List<string?>();
            // about 16 MB: more than the 9 batches of 1 MB that 8 workers keep in flight, so a cancellation in the
            // first batch's findings finds batches still to read (and one while the last batches are folded throws too)
            for (int k = 0; k < 24; k++) foreach (string l in gsm) { lines.Add(Variant(l, k)); lines.Add(Variant(l, k)); }
            var (bytes, dups) = Build(lines, random, false);
            string path = DatasetHarness.Write(bytes);
            try
            {
                foreach (int dop in new[] { 1, 2, 8 })
                foreach (int after in new[] { 1, 500 })
                {
                    using var cts = new CancellationTokenSource();
                    int n = 0;
                    var ex = Record.Exception(() => DatasetChecker.Test(path, new DatasetCheckOptions { MaxDegreeOfParallelism = dop, Model = "gpt-4o-mini-2024-07-18" }, f => { if (++n == after) cts.Cancel(); }, null, cts.Token));
                    output.WriteLine($"dop {dop} after {after}: {ex?.GetType().Name} n={n}");
                    Assert.IsAssignableFrom<OperationCanceledException>(ex);
                    Assert.True(n < dups.Count, $"{n} findings of {dups.Count}: the check went on to the end");
                }
                foreach (int dop in new[] { 1, 2, 8 })
                {
                    int n = 0;
                    var ex = Record.Exception(() => DatasetChecker.Test(path, new DatasetCheckOptions { MaxDegreeOfParallelism = dop }, f => { if (++n == 50) throw new InvalidProgramException("stop"); }, null, CancellationToken.None));
                    Assert.IsType<InvalidProgramException>(ex);
                }
            }
            finally { File.Delete(path); }
        }

        [Fact]
        public void DuplicateSetKeepsFirstLinesUnderAnyProjection()
        {
            foreach (double proj in new[] { 0, 0.01, 0.5, 1, 3, 10, double.PositiveInfinity, double.NaN })
            {
                using var set = new LineHashSet();
                var reference = new Dictionary<ulong, long>();
                var random = new Random(5);
                for (int i = 1; i <= 200000; i++)
                {
                    if (i > 20000) set.Projection = proj;
                    ulong h = random.Next(4) == 0 && reference.Count > 0 ? TestHashes.Mix((ulong)random.Next(1, i)) : TestHashes.Mix((ulong)i * 31 + 7);
                    long got = set.AddOrGet(h, i);
                    if (h == 0) h = 1;
                    if (reference.TryGetValue(h, out long first)) Assert.Equal(first, got);
                    else { Assert.Equal(0, got); reference[h] = i; }
                }
                output.WriteLine($"{proj}: capacity {set.Capacity} for {reference.Count}");
            }
        }
    }
}
