using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>Ctrl+C while a multi-part upload completes leaves no file on the service, or names the one it could not delete.</summary>
    public sealed class UploadStopTests : IDisposable
    {
        private readonly string file = Path.Combine(Path.GetTempPath(), "ft-upload-stop-" + Guid.NewGuid().ToString("N") + ".jsonl");

        public UploadStopTests() => File.WriteAllText(file, string.Concat(Enumerable.Range(1, 40).Select(i => "{\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"},{\"role\":\"assistant\",\"content\":\"a" + i + "\"}]}\n")));

        public void Dispose() => File.Delete(file);

        private static async Task Reply(HttpListenerContext ctx, int status, string body)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(bytes);
            ctx.Response.Close();
        }

        private async Task<(ConcurrentQueue<string> Requests, Messages Feedback, Exception Error)> StopDuringComplete(int deleteStatus)
        {
            var requests = new ConcurrentQueue<string>();
            using var stop = new CancellationTokenSource();
            int part = 0;
            using var server = new LoopbackServer(async ctx =>
            {
                string what = ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
                requests.Enqueue(what);
                if (what == "POST /v1/uploads") await Reply(ctx, 200, "{\"id\":\"upload_1\",\"object\":\"upload\",\"status\":\"pending\"}");
                else if (what == "POST /v1/uploads/upload_1/parts") await Reply(ctx, 200, "{\"id\":\"part_" + Interlocked.Increment(ref part) + "\",\"object\":\"upload.part\"}");
                else if (what == "POST /v1/uploads/upload_1/complete")
                {
                    stop.Cancel(); // Ctrl+C while the service completes the upload
                    await Task.Delay(200);
                    await Reply(ctx, 200, "{\"id\":\"upload_1\",\"status\":\"completed\",\"file\":{\"id\":\"file-up1\",\"object\":\"file\",\"bytes\":100,\"filename\":\"t.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}}");
                }
                else if (what == "DELETE /v1/files/file-up1") await Reply(ctx, deleteStatus, deleteStatus == 200 ? "{\"id\":\"file-up1\",\"deleted\":true}" : "{\"error\":{\"message\":\"boom\",\"type\":\"server_error\"}}");
                else await Reply(ctx, 400, "{\"error\":{\"message\":\"unexpected " + what + "\",\"type\":\"invalid_request_error\"}}");
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            var feedback = new Messages();
            Exception error = await Assert.ThrowsAnyAsync<Exception>(() => provider.UploadInPartsAsync(file, "fine-tune", 1024, null, feedback, stop.Token));
            return (requests, feedback, error);
        }

        [Fact]
        public async Task TheCompletedFileIsDeletedAndTheStopStaysAStop()
        {
            var (requests, feedback, error) = await StopDuringComplete(200);
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Contains("DELETE /v1/files/file-up1", requests);
            Assert.Contains(feedback.All, m => m.Contains("file-up1") && m.Contains("deleted"));
        }

        [Fact]
        public async Task AFileThatCannotBeDeletedIsNamedWithHowToRemoveIt()
        {
            var (_, feedback, error) = await StopDuringComplete(500);
            Assert.IsAssignableFrom<OperationCanceledException>(error);
            Assert.Contains(feedback.Warnings, m => m.Contains("file-up1") && m.Contains("Remove-FineTuneFile file-up1"));
        }

        private sealed class Messages : IFeedback
        {
            public List<string> All { get; } = new List<string>();

            public List<string> Warnings { get; } = new List<string>();

            public void Verbose(string message)
            {
                lock (All) All.Add(message);
            }

            public void Debug(string message)
            {
            }

            public void Warning(string message)
            {
                lock (All)
                {
                    All.Add(message);
                    Warnings.Add(message);
                }
            }

            public void Information(object message)
            {
            }

            public void Progress(int activityId, string activity, string status, int percent, bool completed = false)
            {
            }
        }
    }
}
