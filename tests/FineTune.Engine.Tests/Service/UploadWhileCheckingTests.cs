using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>
    /// An upload that runs while its file is checked: a failing check leaves nothing on the service (a direct upload
    /// that became a file is deleted; an Uploads API upload is cancelled, never completed), the SHA-256 comes from the
    /// read that sent the bytes, and parts answered out of order complete in file order.
    /// </summary>
    public sealed class UploadWhileCheckingTests : IDisposable
    {
        private readonly string file = Path.Combine(Path.GetTempPath(), "ft-upload-check-" + Guid.NewGuid().ToString("N") + ".jsonl");
        private readonly byte[] bytes;

        public UploadWhileCheckingTests()
        {
            File.WriteAllText(file, string.Concat(Enumerable.Range(1, 60).Select(i => "{\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"},{\"role\":\"assistant\",\"content\":\"a" + i + "\"}]}\n")));
            bytes = File.ReadAllBytes(file);
        }

        public void Dispose() => File.Delete(file);

        private static string Hex(byte[] hash) => string.Concat(hash.Select(b => b.ToString("x2")));

        private static async Task Reply(HttpListenerContext ctx, int status, string body)
        {
            byte[] reply = Encoding.UTF8.GetBytes(body);
            ctx.Response.StatusCode = status;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.OutputStream.WriteAsync(reply);
            ctx.Response.Close();
        }

        private static async Task<byte[]> Body(HttpListenerContext ctx)
        {
            using var buffer = new MemoryStream();
            await ctx.Request.InputStream.CopyToAsync(buffer);
            return buffer.ToArray();
        }

        // The content of the one file field of a multipart body.
        private static byte[] FilePart(HttpListenerContext ctx, byte[] body)
        {
            string boundary = ctx.Request.ContentType!.Split("boundary=")[1].Trim('"');
            string latin = Encoding.Latin1.GetString(body);
            int field = latin.IndexOf("filename=", StringComparison.Ordinal);
            int start = latin.IndexOf("\r\n\r\n", field, StringComparison.Ordinal) + 4;
            int end = latin.IndexOf("\r\n--" + boundary, start, StringComparison.Ordinal);
            return body.AsSpan(start, end - start).ToArray();
        }

        private const string FileJson = "{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":1,\"filename\":\"t.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}";

        private static InvalidDataException CheckError() => new InvalidDataException("line 7: not valid JSON");

        [Fact]
        public async Task ADirectUploadThatBecameAFileBeforeTheCheckFailedIsDeleted()
        {
            var requests = new ConcurrentQueue<string>();
            byte[]? received = null;
            var check = new TaskCompletionSource();
            using var server = new LoopbackServer(async ctx =>
            {
                string what = ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
                requests.Enqueue(what);
                if (what == "POST /v1/files")
                {
                    received = FilePart(ctx, await Body(ctx));
                    await Reply(ctx, 200, FileJson);
                    await Task.Delay(300);
                    check.SetException(CheckError()); // the check fails only once the file exists and its answer has arrived
                }
                else if (what == "DELETE /v1/files/file-1") await Reply(ctx, 200, "{\"id\":\"file-1\",\"deleted\":true}");
                else await Reply(ctx, 400, "{\"error\":{\"message\":\"unexpected " + what + "\",\"type\":\"invalid_request_error\"}}");
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            InvalidDataException error = await Assert.ThrowsAsync<InvalidDataException>(() => provider.UploadFileAsync(file, "fine-tune", false, null, NoFeedback.Instance, default, check.Task));
            Assert.Equal("line 7: not valid JSON", error.Message);
            Assert.Equal(bytes, received);
            Assert.Equal(new[] { "POST /v1/files", "DELETE /v1/files/file-1" }, requests.ToArray());
        }

        [Fact]
        public async Task ADirectUploadStoppedByAFailingCheckIsLookedForAndDeleted()
        {
            var requests = new ConcurrentQueue<string>();
            var check = new TaskCompletionSource();
            string stored = "";
            using var server = new LoopbackServer(async ctx =>
            {
                string what = ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
                requests.Enqueue(what);
                if (what == "POST /v1/files")
                {
                    stored = Regex.Match(Encoding.Latin1.GetString(await Body(ctx)), "filename=\"?([^\";\r]+)").Groups[1].Value;
                    check.SetException(CheckError()); // fails while the service is still answering
                    await Task.Delay(2000);
                    await Reply(ctx, 200, FileJson);
                }
                else if (what == "GET /v1/files")
                {
                    // the service made the file all the same, under the name the upload gave it (the local name and a marker)
                    string listed = FileJson.Replace("\"bytes\":1", "\"bytes\":" + new FileInfo(file).Length).Replace("t.jsonl", stored);
                    await Reply(ctx, 200, "{\"object\":\"list\",\"data\":[" + listed + "],\"has_more\":false}");
                }
                else if (what == "DELETE /v1/files/file-1") await Reply(ctx, 200, "{\"id\":\"file-1\",\"deleted\":true}");
                else await Reply(ctx, 400, "{\"error\":{\"message\":\"unexpected " + what + "\",\"type\":\"invalid_request_error\"}}");
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            await Assert.ThrowsAsync<InvalidDataException>(() => provider.UploadFileAsync(file, "fine-tune", false, null, NoFeedback.Instance, default, check.Task));
            Assert.Contains("GET /v1/files", requests);
            Assert.Equal("DELETE /v1/files/file-1", requests.Last());
            Assert.Matches("^" + Regex.Escape(Path.GetFileNameWithoutExtension(file)) + "\\.[0-9a-f]{8}\\.jsonl$", stored);
        }

        [Fact]
        public async Task AFailingCheckCancelsAnUploadsApiUploadThatIsNeverCompleted()
        {
            var requests = new ConcurrentQueue<string>();
            var check = new TaskCompletionSource();
            int parts = 0;
            using var server = new LoopbackServer(async ctx =>
            {
                string what = ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
                requests.Enqueue(what);
                await Body(ctx);
                if (what == "POST /v1/uploads") await Reply(ctx, 200, "{\"id\":\"upload_1\",\"object\":\"upload\",\"status\":\"pending\"}");
                else if (what == "POST /v1/uploads/upload_1/parts")
                {
                    int n = Interlocked.Increment(ref parts);
                    await Reply(ctx, 200, "{\"id\":\"part_" + n + "\",\"object\":\"upload.part\"}");
                    if (n == 2) check.TrySetException(CheckError());
                }
                else if (what == "POST /v1/uploads/upload_1/cancel") await Reply(ctx, 200, "{\"id\":\"upload_1\",\"status\":\"cancelled\"}");
                else await Reply(ctx, 400, "{\"error\":{\"message\":\"unexpected " + what + "\",\"type\":\"invalid_request_error\"}}");
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            await Assert.ThrowsAsync<InvalidDataException>(() => provider.UploadInPartsAsync(file, "fine-tune", 512, null, NoFeedback.Instance, default, check.Task));
            Assert.Contains("POST /v1/uploads/upload_1/cancel", requests);
            Assert.DoesNotContain("POST /v1/uploads/upload_1/complete", requests);
        }

        [Fact]
        public async Task PartsAnsweredOutOfOrderCompleteInFileOrderWithTheHashesOfTheFile()
        {
            var parts = new ConcurrentDictionary<string, byte[]>();
            byte[]? completed = null;
            string? md5 = null;
            int next = 0;
            using var server = new LoopbackServer(async ctx =>
            {
                string what = ctx.Request.HttpMethod + " " + ctx.Request.Url!.AbsolutePath;
                byte[] body = await Body(ctx);
                if (what == "POST /v1/uploads") await Reply(ctx, 200, "{\"id\":\"upload_1\",\"object\":\"upload\",\"status\":\"pending\"}");
                else if (what == "POST /v1/uploads/upload_1/parts")
                {
                    byte[] data = FilePart(ctx, body);
                    int n = Interlocked.Increment(ref next);
                    if (n == 1) await Task.Delay(800); // the first part is answered last
                    string id = "part_" + Guid.NewGuid().ToString("N");
                    parts[id] = data;
                    await Reply(ctx, 200, "{\"id\":\"" + id + "\",\"object\":\"upload.part\"}");
                }
                else if (what == "POST /v1/uploads/upload_1/complete")
                {
                    using JsonDocument doc = JsonDocument.Parse(body);
                    completed = doc.RootElement.GetProperty("part_ids").EnumerateArray().SelectMany(id => parts[id.GetString()!]).ToArray();
                    md5 = doc.RootElement.GetProperty("md5").GetString();
                    await Reply(ctx, 200, "{\"id\":\"upload_1\",\"status\":\"completed\",\"file\":" + FileJson + "}");
                }
                else await Reply(ctx, 400, "{\"error\":{\"message\":\"unexpected " + what + "\",\"type\":\"invalid_request_error\"}}");
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            var progress = new List<long>();
            FineTuneFile uploaded = await provider.UploadInPartsAsync(file, "fine-tune", 700, n => { lock (progress) progress.Add(n); }, NoFeedback.Instance, default, Task.CompletedTask);
            Assert.True(parts.Count >= 4, $"{parts.Count} parts");
            Assert.Equal(bytes, completed);
            Assert.Equal(Hex(MD5.HashData(bytes)), md5);
            Assert.Equal(Hex(SHA256.HashData(bytes)), uploaded.Sha256);
            Assert.Equal(bytes.Length, progress.Max());
        }

        [Fact]
        public async Task ADirectUploadCarriesTheSha256OfTheBytesItSent()
        {
            using var server = new LoopbackServer(async ctx =>
            {
                await Body(ctx);
                await Reply(ctx, 200, FileJson);
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0));
            FineTuneFile uploaded = await provider.UploadFileAsync(file, "fine-tune", false, null, NoFeedback.Instance, default, Task.CompletedTask);
            Assert.Equal(Hex(SHA256.HashData(bytes)), uploaded.Sha256);
            Assert.Equal(1, server.Requests); // read once: the hash needed no second read and no other request
        }
    }
}
