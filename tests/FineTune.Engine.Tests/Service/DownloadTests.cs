using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.IO;
using FineTune.Engine.Datasets;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>Runs alone, after the parallel tests: one of them counts the allocations of the whole process.</summary>
    [CollectionDefinition(nameof(DownloadTests), DisableParallelization = true)]
    public sealed class DownloadCollection
    {
    }

    /// <summary>
    /// <see cref="IFineTuneProvider.SaveFileAsync"/> against a loopback server whose answers each test scripts: the body
    /// streams to disk, a cut, a stall or a stop leaves no file and keeps an existing one, a slow body that keeps
    /// coming is not cut by the network timeout.
    /// </summary>
    [Collection(nameof(DownloadTests))]
    public sealed class DownloadTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-download-" + Guid.NewGuid().ToString("N"));
        private readonly LoopbackServer server;

        /// <summary>What the server does with the next request: gets the response to fill.</summary>
        private Func<HttpListenerResponse, Task> answer = _ => Task.CompletedTask;

        public DownloadTests()
        {
            Directory.CreateDirectory(dir);
            server = new LoopbackServer(ctx => answer(ctx.Response));
        }

        public void Dispose()
        {
            server.Dispose();
            try { Directory.Delete(dir, true); } catch (IOException) { }
        }

        private IFineTuneProvider Service(int timeoutSec = 100, int maxRetries = 0) =>
            new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: maxRetries, timeoutSec: timeoutSec, maxRetryDelaySec: 1));

        /// <summary>A deterministic body of <paramref name="length"/> bytes (not base64: it starts with '{').</summary>
        private static byte[] Body(int length)
        {
            var bytes = new byte[length];
            new Random(7).NextBytes(bytes);
            bytes[0] = (byte)'{';
            return bytes;
        }

        /// <summary>Sends <paramref name="body"/> in pieces of <paramref name="piece"/> bytes with <paramref name="pause"/> between them; stops (aborting the connection) after <paramref name="cutAfter"/> bytes.</summary>
        private static Func<HttpListenerResponse, Task> Serve(byte[] body, int piece = 1 << 16, int pause = 0, int? cutAfter = null, bool contentLength = true)
        {
            return async r =>
            {
                r.StatusCode = 200;
                r.ContentType = "application/octet-stream";
                if (contentLength) r.ContentLength64 = body.Length;
                else r.SendChunked = true;
                int end = cutAfter ?? body.Length;
                for (int at = 0; at < end; at += piece)
                {
                    await r.OutputStream.WriteAsync(body, at, Math.Min(piece, end - at));
                    await r.OutputStream.FlushAsync();
                    if (pause > 0) await Task.Delay(pause);
                }

                if (cutAfter != null)
                {
                    r.Abort();
                    return;
                }

                r.Close();
            };
        }

        private string[] LeftOvers() => Directory.GetFiles(dir, "*.tmp");

        [Fact]
        public async Task StreamsALargeBodyToDiskByteForByteInBoundedMemory()
        {
            byte[] body = Body(48 << 20);
            answer = Serve(body, piece: 1 << 20, contentLength: false); // chunked: no size known beforehand
            string target = Path.Combine(dir, "big.jsonl");
            long last = -1;
            long? size = 0;
            GC.Collect();
            long before = GC.GetTotalAllocatedBytes(true);
            long written = await Service().SaveFileAsync("file-big", target, false, (n, total) => { last = n; size = total; }, CancellationToken.None);
            long allocated = GC.GetTotalAllocatedBytes(true) - before;
            Assert.Equal(body.Length, written);
            Assert.Equal(body.Length, last);
            Assert.Null(size);
            Assert.Equal(SHA256.HashData(body), SHA256.HashData(File.ReadAllBytes(target)));
            Assert.Empty(LeftOvers());
            // the whole process (server side included) allocates far less than the 48 MB that went through
            Assert.True(allocated < 8 << 20, $"{allocated:N0} bytes allocated for a 48 MB download");
        }

        [Fact]
        public async Task ReportsTheSizeFromContentLength()
        {
            byte[] body = Body(300_000);
            answer = Serve(body);
            long? size = null;
            await Service().SaveFileAsync("file-1", Path.Combine(dir, "a.jsonl"), false, (n, total) => size = total, CancellationToken.None);
            Assert.Equal(300_000, size);
        }

        [Fact]
        public async Task ACutBodyLeavesNoFileAndKeepsAnExistingOne()
        {
            byte[] body = Body(4 << 20);
            answer = Serve(body, cutAfter: 1 << 20);
            string fresh = Path.Combine(dir, "fresh.jsonl");
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Service().SaveFileAsync("file-cut", fresh, false, null, CancellationToken.None));
            Assert.Equal("FineTune.DownloadInterrupted", ex.ErrorId);
            Assert.Contains("of 4,194,304 bytes", ex.Message);
            Assert.False(File.Exists(fresh));

            string existing = Path.Combine(dir, "existing.jsonl");
            File.WriteAllText(existing, "old content\n");
            ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Service().SaveFileAsync("file-cut", existing, true, null, CancellationToken.None));
            Assert.Equal("FineTune.DownloadInterrupted", ex.ErrorId);
            Assert.Equal("old content\n", File.ReadAllText(existing));
            Assert.Empty(LeftOvers());
        }

        [Fact]
        public async Task ASlowBodyThatKeepsComingOutlastsTheTimeoutAndAStalledOneFails()
        {
            // 3 s network timeout; the body takes about 3.75 s but never pauses longer than 150 ms (a margin of 20
            // times: with 1 s the parallel tests of a 2-core machine once delayed a piece past the timeout)
            byte[] body = Body(25 * 8192);
            answer = Serve(body, piece: 8192, pause: 150);
            string target = Path.Combine(dir, "slow.jsonl");
            Assert.Equal(body.Length, await Service(timeoutSec: 3).SaveFileAsync("file-slow", target, false, null, CancellationToken.None));
            Assert.Equal(body, File.ReadAllBytes(target));

            answer = Serve(body, piece: body.Length / 2, pause: 9000);
            File.WriteAllText(target, "old content\n");
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Service(timeoutSec: 3).SaveFileAsync("file-stall", target, true, null, CancellationToken.None));
            Assert.Equal("FineTune.Timeout", ex.ErrorId);
            Assert.Equal("old content\n", File.ReadAllText(target));
            Assert.Empty(LeftOvers());
        }

        [Fact]
        public async Task StoppingMidwayLeavesNoFileAndKeepsAnExistingOne()
        {
            byte[] body = Body(2 << 20);
            answer = Serve(body, piece: 1 << 16, pause: 50);
            string target = Path.Combine(dir, "stopped.jsonl");
            File.WriteAllText(target, "old content\n");
            using var stop = new CancellationTokenSource();
            Task<long> save = Service().SaveFileAsync("file-stop", target, true, (n, _) => { if (n >= 200_000) stop.Cancel(); }, stop.Token);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => save);
            Assert.Equal("old content\n", File.ReadAllText(target));
            Assert.Empty(LeftOvers());
        }

        [Fact]
        public async Task DecodesABase64ResultFile()
        {
            const string csv = "step,train_loss,train_accuracy\n1,1.5,0.5\n2,0.9,0.6\n";
            answer = Serve(Encoding.ASCII.GetBytes(Convert.ToBase64String(Encoding.UTF8.GetBytes(csv))), piece: 7);
            string target = Path.Combine(dir, "step_metrics.csv");
            long written = await Service().SaveFileAsync("file-r", target, false, null, CancellationToken.None);
            Assert.Equal(csv, File.ReadAllText(target));
            Assert.Equal(csv.Length, written);
            Assert.Empty(LeftOvers());
        }

        [Fact]
        public async Task RefusesAnExistingFileWithoutForceBeforeAsking()
        {
            string target = Path.Combine(dir, "there.jsonl");
            File.WriteAllText(target, "old content\n");
            await Assert.ThrowsAsync<DatasetFileExistsException>(() => Service().SaveFileAsync("file-1", target, false, null, CancellationToken.None));
            Assert.Equal(0, server.Requests);
            Assert.Equal("old content\n", File.ReadAllText(target));
        }

        [Fact]
        public async Task AnErrorAnswerIsReadForItsCodeAndInsufficientQuotaIsNotRetried()
        {
            Func<HttpListenerResponse, Task> Error(int status, string code) => async r =>
            {
                r.StatusCode = status;
                r.ContentType = "application/json";
                byte[] bytes = Encoding.UTF8.GetBytes($"{{\"error\":{{\"message\":\"no ({code})\",\"type\":\"{code}\",\"code\":\"{code}\"}}}}");
                await r.OutputStream.WriteAsync(bytes, 0, bytes.Length);
                r.Close();
            };
            answer = Error(404, "file_not_found");
            string target = Path.Combine(dir, "missing.jsonl");
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Service().SaveFileAsync("file-x", target, false, null, CancellationToken.None));
            Assert.Equal("FineTune.NotFound", ex.ErrorId);
            Assert.Equal("file_not_found", ex.Code);
            Assert.StartsWith("no (file_not_found)", ex.Message);

            answer = Error(429, "insufficient_quota");
            server.ResetRequests();
            ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Service(maxRetries: 2).SaveFileAsync("file-x", target, false, null, CancellationToken.None));
            Assert.Equal("FineTune.InsufficientQuota", ex.ErrorId);
            Assert.Equal(1, server.Requests);
            Assert.False(File.Exists(target));
            Assert.Empty(LeftOvers());
        }
    }
}
