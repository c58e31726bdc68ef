using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine.Moderation;
using FineTune.Engine.Tests.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.IO
{
    /// <summary>An output or journal that is one of the inputs (by name or through a link) is refused before anything is written.</summary>
    public sealed class OutputOverlapTests : IDisposable
    {
        private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ft-overlap-" + Guid.NewGuid().ToString("N"))).FullName;
        private int requests;

        public void Dispose() => Directory.Delete(dir, true);

        private string Train()
        {
            string path = Path.Combine(dir, "train.jsonl");
            File.WriteAllBytes(path, DatasetHarness.Utf8Lines(DatasetHarness.Many(DatasetHarness.Chat)));
            return path;
        }

        private Task<ModerationReport> Screen(ModerationOptions options) =>
            ModerationScreener.ScreenAsync(
                (inputs, ct) => { Interlocked.Increment(ref requests); return Task.FromResult<IReadOnlyList<ModerationResult>>(inputs.Select(_ => new ModerationResult(false, Array.Empty<string>(), new Dictionary<string, double>())).ToList()); },
                options, NoFeedback.Instance, CancellationToken.None);

        [Fact]
        public async Task ResumeFileThatIsTheTrainingFileIsRefusedAndTheFileIsUntouched()
        {
            string train = Train();
            byte[] before = File.ReadAllBytes(train);
            var ex = await Assert.ThrowsAsync<ArgumentException>(() => Screen(new ModerationOptions { Path = train, ResumeFile = train }));
            Assert.Contains("-ResumeFile", ex.Message);
            Assert.Equal(before, File.ReadAllBytes(train));
            Assert.Equal(0, requests);
        }

        [Fact]
        public async Task ResumeFileLinkedToTheTrainingFileIsRefused()
        {
            string train = Train();
            byte[] before = File.ReadAllBytes(train);
            string link = Path.Combine(dir, "journal.jsonl");
            File.CreateSymbolicLink(link, train);
            string linkedDir = Path.Combine(dir, "via");
            Directory.CreateSymbolicLink(linkedDir, dir);
            await Assert.ThrowsAsync<ArgumentException>(() => Screen(new ModerationOptions { Path = train, ResumeFile = link }));
            await Assert.ThrowsAsync<ArgumentException>(() => Screen(new ModerationOptions { Path = train, ResumeFile = Path.Combine(linkedDir, "train.jsonl") }));
            await Assert.ThrowsAsync<ArgumentException>(() => Screen(new ModerationOptions { Path = train, OutFile = link, Force = true }));
            Assert.Equal(before, File.ReadAllBytes(train));
            Assert.Equal(0, requests);
        }

        [Fact]
        public async Task OutFileEqualToResumeFileIsRefusedBeforeAnyRequest()
        {
            string train = Train();
            string same = Path.Combine(dir, "clean.jsonl");
            var ex = await Assert.ThrowsAsync<ArgumentException>(() => Screen(new ModerationOptions { Path = train, OutFile = same, ResumeFile = same }));
            Assert.Contains("-OutFile", ex.Message);
            Assert.Equal(0, requests);
            Assert.False(File.Exists(same));
        }

        [Fact]
        public void SplitIntoALinkToTheSourceIsRefused()
        {
            string train = Train();
            byte[] before = File.ReadAllBytes(train);
            string link = Path.Combine(dir, "link.jsonl");
            File.CreateSymbolicLink(link, train);
            Assert.Throws<ArgumentException>(() => DatasetSplitter.Split(train, link, Path.Combine(dir, "v.jsonl"), 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.Replace, CancellationToken.None));
            Assert.Equal(before, File.ReadAllBytes(train));
            Assert.False(File.Exists(Path.Combine(dir, "v.jsonl")));
        }

        [Fact]
        public void ResolveFollowsLinkedFoldersAndFiles()
        {
            string train = Train();
            Directory.CreateSymbolicLink(Path.Combine(dir, "alias"), dir);
            File.CreateSymbolicLink(Path.Combine(dir, "l.jsonl"), "train.jsonl");
            Assert.True(FilePaths.Same(Path.Combine(dir, "alias", "l.jsonl"), train));
            Assert.False(FilePaths.Same(Path.Combine(dir, "alias", "other.jsonl"), train));
        }
    }
}
