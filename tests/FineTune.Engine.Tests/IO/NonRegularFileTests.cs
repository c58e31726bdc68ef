using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine.Moderation;
using Xunit;

namespace FineTune.Engine.Tests.IO
{
    /// <summary>A named pipe given as a training file is refused at once by every reader (it used to block forever).</summary>
    public sealed class NonRegularFileTests : IDisposable
    {
        private readonly string dir = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), "ft-fifo-" + Guid.NewGuid().ToString("N"))).FullName;

        public void Dispose() => Directory.Delete(dir, true);

        private string Fifo()
        {
            Skip.If(OperatingSystem.IsWindows(), "named pipes in the file system are a Unix thing");
            string path = Path.Combine(dir, "pipe.jsonl");
            using Process p = Process.Start("mkfifo", path)!;
            p.WaitForExit();
            Skip.IfNot(p.ExitCode == 0 && File.Exists(path), "mkfifo is not available");
            return path;
        }

        private static void RefusedQuickly(Action read)
        {
            Task t = Task.Run(read);
            Assert.True(((IAsyncResult)t).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(20)), "the reader blocked on the pipe");
            var ex = Assert.IsAssignableFrom<IOException>(t.Exception!.GetBaseException());
            Assert.Contains("named pipe", ex.Message);
        }

        [SkippableFact]
        public void EveryReaderRefusesAFifo()
        {
            string fifo = Fifo();
            RefusedQuickly(() => DatasetChecker.Test(fifo, new DatasetCheckOptions(), null, null, CancellationToken.None));
            RefusedQuickly(() => DatasetChecker.Measure(fifo, "gpt-4o-mini-2024-07-18", DatasetFormat.Auto, null, null, CancellationToken.None));
            RefusedQuickly(() => DatasetSplitter.Split(fifo, Path.Combine(dir, "t.jsonl"), Path.Combine(dir, "v.jsonl"), 0.2, null, 1, DatasetFormat.Chat, DatasetWriteMode.New, CancellationToken.None));
            RefusedQuickly(() => ModerationScreener.ScreenAsync(
                (i, ct) => Task.FromResult<IReadOnlyList<ModerationResult>>(Array.Empty<ModerationResult>()),
                new ModerationOptions { Path = fifo, ResumeFile = Path.Combine(dir, "j.jsonl") }, NoFeedback.Instance, CancellationToken.None).GetAwaiter().GetResult());
        }
    }
}
