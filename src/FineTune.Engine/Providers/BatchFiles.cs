using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>One line of a batch's output or error file.</summary>
    internal sealed class BatchLine
    {
        /// <summary>The request's <c>custom_id</c>.</summary>
        public string CustomId { get; set; } = string.Empty;

        /// <summary>The answer's body when its status was 200, else null.</summary>
        public JsonObject? Body { get; set; }

        /// <summary>Why the request failed (the error's message, or "status N"), else null.</summary>
        public string? Error { get; set; }
    }

    /// <summary>
    /// The Batch API over the provider port (OPENAI-FACTS.md): the requests written as an input file
    /// (<c>{"custom_id","method":"POST","url","body"}</c> lines, UTF-8 without a BOM, in the temporary folder), uploaded
    /// with purpose <c>batch</c> and sent as one batch; a batch polled until it ends or a deadline; its output and error
    /// files read back by <c>custom_id</c>.
    /// </summary>
    internal static class BatchFiles
    {
        /// <summary>The most requests a batch may hold.</summary>
        public const int MaxRequests = 50_000;

        /// <summary>The largest input file a batch may have, in bytes (200 MB).</summary>
        public const long MaxFileBytes = 200L * 1000 * 1000;

        /// <summary>Writes, uploads and sends <paramref name="requests"/> (custom id, body) to <paramref name="url"/> as one batch.</summary>
        public static async Task<FineTuneBatch> SubmitAsync(IFineTuneProvider provider, string url, IEnumerable<(string CustomId, JsonObject Body)> requests, IFeedback feedback, CancellationToken cancellationToken)
        {
            string temp = Path.Combine(Path.GetTempPath(), "finetune-batch-" + Guid.NewGuid().ToString("N") + ".jsonl");
            try
            {
                using (var writer = new StreamWriter(temp, false, new UTF8Encoding(false)) { NewLine = "\n" })
                {
                    foreach ((string id, JsonObject body) in requests) writer.WriteLine(new JsonObject { ["custom_id"] = id, ["method"] = "POST", ["url"] = url, ["body"] = body }.ToJsonString());
                }

                FineTuneFile file = await provider.UploadFileAsync(temp, "batch", false, null, feedback, cancellationToken).ConfigureAwait(false);
                return await provider.CreateBatchAsync(file.Id, url, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                try
                {
                    File.Delete(temp);
                }
                catch (IOException)
                {
                    // a temporary file left behind costs nothing
                }
            }
        }

        /// <summary>
        /// Polls a batch (<paramref name="get"/>) until it ends or <paramref name="until"/> (UTC) passes: the first poll
        /// after 0.5 s, each wait twice the one before up to <paramref name="pollInterval"/>. Returns its last state.
        /// </summary>
        public static async Task<FineTuneBatch> WaitAsync(Func<CancellationToken, Task<FineTuneBatch>> get, DateTime until, TimeSpan pollInterval, Action<FineTuneBatch> progress, CancellationToken cancellationToken)
        {
            FineTuneBatch state = await get(cancellationToken).ConfigureAwait(false);
            TimeSpan delay = TimeSpan.FromMilliseconds(250);
            while (!state.IsFinal && DateTime.UtcNow < until)
            {
                progress(state);
                delay = TimeSpan.FromTicks(Math.Min(pollInterval.Ticks, delay.Ticks * 2));
                TimeSpan pause = until != DateTime.MaxValue && until - DateTime.UtcNow < delay ? until - DateTime.UtcNow : delay;
                if (pause > TimeSpan.Zero) await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
                state = await get(cancellationToken).ConfigureAwait(false);
            }

            return state;
        }

        /// <summary>
        /// Reads the output and error files of an ended batch and hands each line to <paramref name="onLine"/> (one per
        /// request), one at a time: a file is held once, as downloaded, and a line is parsed only when its turn comes
        /// (an embedding batch at the Batch API's 50,000 requests has an output of several hundred MB). A line that
        /// is not JSON is <see cref="FineTuneServiceException"/> (InvalidResponse) naming the file and the line.
        /// </summary>
        public static async Task ReadResultsAsync(IFineTuneProvider provider, FineTuneBatch batch, Action<BatchLine> onLine, CancellationToken cancellationToken)
        {
            foreach (string? fileId in new[] { batch.OutputFileId, batch.ErrorFileId })
            {
                if (string.IsNullOrEmpty(fileId)) continue;
                byte[] content = await provider.DownloadFileAsync(fileId!, cancellationToken).ConfigureAwait(false);
                int number = 0;
                for (int start = 0; start < content.Length;)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int length = Array.IndexOf(content, (byte)'\n', start) is int nl && nl >= 0 ? nl - start : content.Length - start;
                    var line = new ReadOnlyMemory<byte>(content, start, length);
                    start += length + 1;
                    number++;
                    if (IsBlank(line.Span)) continue;
                    onLine(Parse(line, number, fileId!));
                }
            }
        }

        private static bool IsBlank(ReadOnlySpan<byte> line)
        {
            foreach (byte b in line)
            {
                if (b != (byte)' ' && b != (byte)'\t' && b != (byte)'\r') return false;
            }

            return true;
        }

        private static BatchLine Parse(ReadOnlyMemory<byte> line, int number, string fileId)
        {
            JsonObject o;
            try
            {
                o = JsonNode.Parse(line.Span) as JsonObject ?? throw new JsonException("not an object");
            }
            catch (JsonException ex)
            {
                throw new FineTuneServiceException("Batch", ErrorKind.InvalidResponse, "InvalidResponse", $"Line {number} of the batch file {fileId} is not a JSON object ({ex.Message}).");
            }

            JsonObject? response = o["response"] as JsonObject;
            JsonObject? body = response?["body"] as JsonObject;
            int status = response?["status_code"] is JsonValue s && s.TryGetValue(out int code) ? code : 0;
            var result = new BatchLine { CustomId = (string?)(o["custom_id"] as JsonValue) ?? string.Empty };
            if (status == 200 && body != null) result.Body = body;
            else result.Error = (string?)((o["error"] as JsonObject)?["message"] as JsonValue) ?? (string?)((body?["error"] as JsonObject)?["message"] as JsonValue) ?? $"status {status}";
            return result;
        }
    }
}
