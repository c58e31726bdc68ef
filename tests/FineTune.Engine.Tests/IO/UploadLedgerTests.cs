using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.IO;
using Xunit;

namespace FineTune.Engine.Tests.IO
{
    public sealed class UploadLedgerTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ledger-" + Guid.NewGuid().ToString("N"));

        public UploadLedgerTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, true);

        private LedgerEntry Entry(string id, string path) => new LedgerEntry
        {
            FileId = id, Path = path, Bytes = new FileInfo(path).Length, Sha256 = FineTune.Engine.IO.FileHash.Sha256Of(path, CancellationToken.None), UploadedAt = DateTimeOffset.UtcNow,
        };

        [Fact]
        public void Parallel_appends_from_many_writers_keep_every_line_whole()
        {
            string ledger = Path.Combine(dir, "sub", UploadLedger.FileName);
            string data = Path.Combine(dir, "train.jsonl");
            File.WriteAllText(data, "{\"messages\":[]}\n");
            LedgerEntry template = Entry("file-x", data);
            Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
                UploadLedger.Append(ledger, new LedgerEntry { FileId = "file-" + i, Path = template.Path + new string('x', i), Bytes = i, Sha256 = template.Sha256 }));
            var all = UploadLedger.ReadAll(ledger);
            Assert.Equal(200, all.Count);
            Assert.Equal(Enumerable.Range(0, 200).Select(i => "file-" + i).OrderBy(s => s), all.Select(e => e.FileId).OrderBy(s => s));
            Assert.All(all, e => Assert.Equal(data.Length + int.Parse(e.FileId.Substring(5)), e.Path.Length));
        }

        [Fact]
        public void A_line_cut_short_by_a_crash_is_skipped_and_the_next_append_starts_a_new_line()
        {
            string ledger = Path.Combine(dir, UploadLedger.FileName);
            string data = Path.Combine(dir, "train.jsonl");
            File.WriteAllText(data, "abc\n");
            UploadLedger.Append(ledger, Entry("file-1", data));
            File.AppendAllText(ledger, "{\"fileId\":\"file-2\",\"pa");
            UploadLedger.Append(ledger, Entry("file-3", data));
            Assert.Equal(new[] { "file-1", "file-3" }, UploadLedger.ReadAll(ledger).Select(e => e.FileId));
        }

        [Fact]
        public void The_local_copy_is_found_only_while_it_keeps_its_size_and_hash()
        {
            string data = Path.Combine(dir, "train.jsonl");
            File.WriteAllText(data, "{\"a\":1}\n");
            var entries = new[] { Entry("file-1", data) };
            Assert.Equal(Path.GetFullPath(data), UploadLedger.FindLocalCopy("file-1", entries, CancellationToken.None)?.Path);
            Assert.Null(UploadLedger.FindLocalCopy("file-2", entries, CancellationToken.None));

            File.WriteAllText(data, "{\"a\":2}\n"); // same size, another byte: only the hash tells
            Assert.Null(UploadLedger.FindLocalCopy("file-1", entries, CancellationToken.None));
            File.Delete(data);
            Assert.Null(UploadLedger.FindLocalCopy("file-1", entries, CancellationToken.None));
        }

        [Fact]
        public void The_hash_is_the_SHA_256_of_the_bytes()
        {
            string data = Path.Combine(dir, "abc.txt");
            File.WriteAllText(data, "abc");
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", FineTune.Engine.IO.FileHash.Sha256Of(data, CancellationToken.None));
        }

        [Fact]
        public void FINETUNE_DATA_HOME_moves_the_folder()
        {
            string? before = Environment.GetEnvironmentVariable(UploadLedger.EnvironmentVariable);
            try
            {
                Environment.SetEnvironmentVariable(UploadLedger.EnvironmentVariable, dir);
                Assert.Equal(Path.Combine(dir, "uploads.jsonl"), UploadLedger.LedgerPath);
                Environment.SetEnvironmentVariable(UploadLedger.EnvironmentVariable, null);
                Assert.EndsWith(Path.Combine("FineTune", "uploads.jsonl"), UploadLedger.LedgerPath);
            }
            finally
            {
                Environment.SetEnvironmentVariable(UploadLedger.EnvironmentVariable, before);
            }
        }
    }
}
