using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Embeddings;
using FineTune.Engine.Evaluation;
using FineTune.Engine.IO;
using FineTune.Engine.Moderation;
using FineTune.Engine.Tests.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.Fuzz
{
    /// <summary>
    /// Seeded byte mutations of real lines (and escapes such as a lone \ud800 or \u0000 put into strings) go to
    /// every reader a cmdlet uses on data: the checker (Test-FineTuneDataset, the upload check of Add-FineTuneFile
    /// and Start-FineTuneJob), Measure (Measure-FineTuneDataset, Get-FineTuneCost -Path), the splitter, the
    /// moderation screener, -Append and the copy of New-FineTuneDataset, the sources of New-FineTuneKnowledgeIndex
    /// (JSONL, CSV, text), Find-FineTuneDuplicate and the evaluation file of Compare-FineTuneModel. None throws
    /// anything but the errors it documents, each of which names the file.
    /// </summary>
    public sealed class DataReaderFuzzTests : IDisposable
    {
        private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ft-datafuzz-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(dir, true);

        [SkippableTheory]
        [InlineData(3)]
        [InlineData(4)]
        public async Task MutatedRealLinesGoThroughEveryReaderWithoutAnUndocumentedException(int seed)
        {
            string csvPath = SharedData.Require("data/csv_helpcenter_articles_openai_cookbook.csv"); // every input is required before any round runs
            byte[][] sources = new[] { "chat_gsm8k_train.jsonl", "chat_tools_stock_toolcall_training.jsonl", "legacy_prompt_completion_semaphore_qa.jsonl" }
                .SelectMany(f => File.ReadAllLines(SharedData.Require("data/" + f), Encoding.UTF8).Where(l => l.Length > 0).Take(60))
                .Select(l => Encoding.UTF8.GetBytes(l)).ToArray();
            var random = new Random(seed);
            var failures = new List<string>();
            for (int round = 0; round < 8; round++)
            {
                var lines = Enumerable.Range(0, 40).Select(_ => Mutated(sources[random.Next(sources.Length)], random)).ToList();
                string path = Path.Combine(dir, $"fuzz-{seed}-{round}.jsonl");
                File.WriteAllBytes(path, lines.SelectMany(l => l.Concat(new[] { (byte)'\n' })).ToArray());

                Try(failures, path, "check", () => DatasetChecker.Test(path, new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" }, null, null, CancellationToken.None));
                Try(failures, path, "upload check", () => UploadChecks.Check(path, CancellationToken.None));
                Try(failures, path, "measure", () => DatasetChecker.Measure(path, "gpt-4o-mini-2024-07-18", DatasetFormat.Auto, null, null, CancellationToken.None), typeof(InvalidDataException));
                Try(failures, path, "split", () => DatasetSplitter.Split(path, path + ".t", path + ".v", 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None));
                Try(failures, path, "append", () =>
                {
                    using var w = new DatasetWriter(path + ".copy", DatasetFormat.Chat, DatasetWriteMode.Replace);
                    w.CopyLines(path);
                    w.Commit();
                    using var a = new DatasetWriter(path, DatasetFormat.Chat, DatasetWriteMode.Append);
                    a.Dispose();
                }, typeof(InvalidDataException));
                Try(failures, path, "moderation", () => ModerationScreener.ScreenAsync(
                    (inputs, ct) => Task.FromResult<IReadOnlyList<ModerationResult>>(inputs.Select(_ => new ModerationResult(false, Array.Empty<string>(), new Dictionary<string, double>())).ToList()),
                    new ModerationOptions { Path = path, ResumeFile = path + ".journal" }, NoFeedback.Instance, CancellationToken.None).GetAwaiter().GetResult());
                Try(failures, path, "knowledge index", () => KnowledgeIndexBuilder.Plan(new KnowledgeIndexOptions { IndexPath = path + ".ftidx", Sources = new[] { path } }, NoFeedback.Instance), typeof(InvalidDataException));
                Try(failures, path, "duplicates", () => DuplicateFinder.Plan(new DuplicateOptions { Path = path }), typeof(InvalidDataException));
                Try(failures, path, "evaluation file", () => EvalSet.Read(path), typeof(EvalSetException));
            }

            // the knowledge index also reads CSV (quoted fields over several lines) and text: mutated rows of a real CSV
            // under its clean header, and the same bytes as a .txt
            string[] csv = File.ReadAllLines(csvPath, Encoding.UTF8);
            for (int round = 0; round < 4; round++)
            {
                byte[] rows = Encoding.UTF8.GetBytes(csv[0] + "\n").Concat(csv.Skip(1).Take(80).SelectMany(l => Mutated(Encoding.UTF8.GetBytes(l), random).Concat(new[] { (byte)'\n' }))).ToArray();
                foreach (string ext in new[] { ".csv", ".txt" })
                {
                    string path = Path.Combine(dir, $"fuzz-{seed}-{round}{ext}");
                    File.WriteAllBytes(path, rows);
                    Try(failures, path, "knowledge index", () => KnowledgeIndexBuilder.Plan(new KnowledgeIndexOptions { IndexPath = path + ".ftidx", Sources = new[] { path } }, NoFeedback.Instance), typeof(InvalidDataException));
                }
            }

            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(10)));
            await Task.CompletedTask;
        }

        private static byte[] Mutated(byte[] line, Random random)
        {
            if (random.Next(4) > 0) return FuzzTests.Mutate(line, random);
            string text = Encoding.UTF8.GetString(line);
            int quote = text.IndexOf('"', random.Next(text.Length));
            string escape = new[] { "\\ud800", "\\udfff", "\\u0000", "\\ud83d\\ude00", "\\\"", "\\uZZZZ" }[random.Next(6)];
            return Encoding.UTF8.GetBytes(quote < 0 ? text : text.Insert(quote + 1, escape));
        }

        private static void Try(List<string> failures, string path, string reader, Action read, params Type[] documented)
        {
            try
            {
                read();
            }
            catch (Exception ex) when (documented.Contains(ex.GetType()) && ex.Message.Contains(Path.GetFileName(path)))
            {
                // a documented error that names the file
            }
            catch (ArgumentException ex) when (reader == "split" && ex.Message.Contains("examples"))
            {
                // too few lines to split: a documented error that says how many there are
            }
            catch (Exception ex)
            {
                failures.Add($"{reader} of {path}: {ex.GetType().Name}: {ex.Message}");
            }
        }
    }
}
