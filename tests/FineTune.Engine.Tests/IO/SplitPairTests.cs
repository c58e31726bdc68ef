using System;
using System.IO;
using System.Linq;
using System.Threading;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine.Tests.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.IO
{
    /// <summary>Split-FineTuneDataset's two files change together or not at all, also when the process dies between the renames.</summary>
    public sealed class SplitPairTests : IDisposable
    {
        private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ft-pair-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(dir, true);

        private string P(string name) => Path.Combine(dir, name);

        private string Source(int n)
        {
            File.WriteAllBytes(P("all.jsonl"), DatasetHarness.Utf8Lines(DatasetHarness.Many(DatasetHarness.Chat, n)));
            return P("all.jsonl");
        }

        private DatasetSplit Split(string train, string valid) =>
            DatasetSplitter.Split(P("all.jsonl"), train, valid, 0.2, null, 7, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None);

        private string[] Leftovers() => Directory.GetFiles(dir, ".*").Select(Path.GetFileName).ToArray()!;

        [Fact]
        public void TrainingPathThatIsAFolderLeavesTheValidationFileAsItWas()
        {
            Source(20);
            File.WriteAllText(P("v.jsonl"), "old validation\n");
            Directory.CreateDirectory(P("t.jsonl"));
            var ex = Assert.ThrowsAny<IOException>(() => Split(P("t.jsonl"), P("v.jsonl")));
            Assert.Contains("folder", ex.Message);
            Assert.Equal("old validation\n", File.ReadAllText(P("v.jsonl")));
            Assert.Empty(Leftovers());
        }

        [Fact]
        public void AFailedSecondRenamePutsTheFirstFileBack()
        {
            File.WriteAllText(P("t.jsonl"), "old training\n");
            File.WriteAllText(P("v.jsonl"), "old validation\n");
            using (AtomicFile t = AtomicFile.Open(P("t.jsonl"), DatasetWriteMode.Replace))
            using (AtomicFile v = AtomicFile.Open(P("v.jsonl"), DatasetWriteMode.Replace))
            {
                t.Stream.WriteByte((byte)'T');
                v.Stream.WriteByte((byte)'V');
                string marker = AtomicPair.Prepare(t, v);
                File.Delete(P("v.jsonl"));
                Directory.CreateDirectory(P("v.jsonl")); // the second rename fails
                Assert.ThrowsAny<IOException>(() => AtomicPair.Apply(marker, rollBack: true));
            }

            Assert.Equal("old training\n", File.ReadAllText(P("t.jsonl")));
            Assert.Empty(Leftovers());
        }

        [Fact]
        public void AProcessKilledAfterTheMarkerIsFinishedByTheNextSplit()
        {
            Source(20);
            File.WriteAllText(P("t.jsonl"), "old training\n");
            File.WriteAllText(P("v.jsonl"), "old validation\n");
            AtomicFile t = AtomicFile.Open(P("t.jsonl"), DatasetWriteMode.Replace);
            AtomicFile v = AtomicFile.Open(P("v.jsonl"), DatasetWriteMode.Replace);
            t.Stream.Write(new byte[] { (byte)'T', (byte)'\n' });
            v.Stream.Write(new byte[] { (byte)'V', (byte)'\n' });
            AtomicPair.Prepare(t, v);
            File.Replace(t.TempPath, P("t.jsonl"), Path.ChangeExtension(t.TempPath, ".bak")); // killed after the first rename: no Dispose

            Assert.Equal("T\n", File.ReadAllText(P("t.jsonl")));
            Assert.Equal("old validation\n", File.ReadAllText(P("v.jsonl")));
            var notes = AtomicPair.Recover(P("t.jsonl"), P("v.jsonl"));
            Assert.Equal("V\n", File.ReadAllText(P("v.jsonl")));
            Assert.Contains("stopped", Assert.Single(notes));
            Assert.Empty(Leftovers());
        }

        [Fact]
        public void TemporaryFilesOfAProcessKilledBeforeTheMarkerAreDeletedAndReported()
        {
            Source(20);
            File.WriteAllText(P("v.jsonl"), "old validation\n");
            AtomicFile v = AtomicFile.Open(P("v.jsonl"), DatasetWriteMode.Replace);
            v.Stream.WriteByte((byte)'V');
            v.Stream.Flush(); // killed while writing: no Dispose
            DatasetSplit split = Split(P("t.jsonl"), P("v.jsonl"));
            Assert.Contains(split.Recovered, n => n.Contains(Path.GetFileName(v.TempPath)));
            Assert.Equal(4, File.ReadAllLines(P("v.jsonl")).Length);
            Assert.Equal(16, File.ReadAllLines(P("t.jsonl")).Length);
            Assert.Empty(Leftovers());
            v.Stream.Dispose();
        }
    }
}
