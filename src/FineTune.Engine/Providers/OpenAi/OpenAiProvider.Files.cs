using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    public partial class OpenAiProvider
    {
        /// <summary>The largest file <c>POST /files</c> takes (512 MB); larger ones go through the Uploads API.</summary>
        public const long MaxDirectUploadBytes = 512L * 1024 * 1024;

        /// <summary>
        /// The size of one Uploads API part (16 MB; the service takes up to 64 MB): the file is read once, in order, and
        /// each part is sent from memory while the next ones are read, so <see cref="ParallelParts"/> parts (64 MB) is all
        /// the memory an upload of any size takes.
        /// </summary>
        public const int UploadPartBytes = 16 * 1024 * 1024;

        /// <summary>How many parts go up at once.</summary>
        public const int ParallelParts = 4;

        /// <summary>
        /// Uploads a local file (purpose <c>fine-tune</c> unless given), streaming it from disk and hashing it (SHA-256,
        /// <see cref="FineTuneFile.Sha256"/>) in the same read. Files above <see cref="MaxDirectUploadBytes"/>, or any file
        /// when <paramref name="useUploadApi"/>, go through the Uploads API (<see cref="UploadInPartsAsync"/>). A direct
        /// upload is stored under the local name with a random marker of this upload (<see cref="MarkedName"/>:
        /// <c>train.jsonl</c> becomes <c>train.1a2b3c4d.jsonl</c>) and made at most once: after a failure that may have
        /// reached the service, only a file of exactly that name and the size is taken as ours, never another client's
        /// file of the local name. <paramref name="progress"/> gets the bytes sent so far.
        /// With <paramref name="checkPassed"/>: when it fails (or is cancelled) the upload is stopped, and a file it made
        /// (the answer, or one found by name, size and time) is deleted before the check's exception is thrown.
        /// Throws <see cref="FileNotFoundException"/> and <see cref="FineTuneServiceException"/> (Operation AddFile).
        /// </summary>
        public virtual async Task<FineTuneFile> UploadFileAsync(string path, string purpose, bool useUploadApi, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null)
        {
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            IO.FilePaths.RequireRegularFile(path);
            if (useUploadApi || info.Length > MaxDirectUploadBytes)
            {
                return await UploadInPartsAsync(path, purpose, UploadPartBytes, progress, feedback, cancellationToken, checkPassed).ConfigureAwait(false);
            }

            DateTimeOffset started = DateTimeOffset.UtcNow.AddMinutes(-5); // room for clock skew between us and the service
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            StopWhenFailed(checkPassed, stop);
            long sent = 0;
            string? sha256 = null;
            string name = MarkedName(info.Name);
            FineTuneFile file;
            try
            {
                file = await CreateOnce.RunAsync(
                    async (attempt, ct) =>
                    {
                        sent = 0;
                        using var form = new MultipartFormDataContent();
                        form.Add(new StringContent(purpose), "purpose");
                        var window = new FileWindow(path, 0, info.Length, n => progress?.Invoke(Interlocked.Add(ref sent, n)), hash: true);
                        var part = new StreamContent(window);
                        part.Headers.ContentType = new MediaTypeHeaderValue("application/jsonl");
                        form.Add(part, "file", name);
                        using var body = new HttpContentBody(form);
                        using JsonDocument doc = await SendAsync("AddFile", "POST", "files", body, ct, body.ContentType,
                            new SendOptions { NoRetry = true, NetworkTimeout = UploadTimeout(info.Length) }).ConfigureAwait(false);
                        sha256 = window.Sha256;
                        return FineTuneFile.FromJson(doc.RootElement);
                    },
                    ct => FindDirectUploadAsync(name, info.Length, purpose, started, ct),
                    Connection.MaxRetries + 1,
                    n => CreateOnce.Backoff(n, TimeSpan.FromSeconds(Connection.MaxRetryDelaySec)),
                    feedback,
                    $"Get-FineTuneFile -Purpose {purpose}",
                    stop.Token).ConfigureAwait(false);
            }
            catch (Exception) when (checkPassed != null && checkPassed.IsCompleted && checkPassed.Status != TaskStatus.RanToCompletion)
            {
                // the check failed and stopped the upload: a file the service made of it anyway goes, then the check's error
                await DiscardDirectUploadAsync(null, name, info, purpose, started, feedback).ConfigureAwait(false);
                await checkPassed.ConfigureAwait(false);
                throw;
            }

            if (checkPassed != null)
            {
                try
                {
                    await checkPassed.ConfigureAwait(false);
                }
                catch
                {
                    await DiscardDirectUploadAsync(file, name, info, purpose, started, feedback).ConfigureAwait(false);
                    throw;
                }
            }

            file.LocalPath = info.FullName;
            file.Sha256 = sha256 ?? IO.FileHash.Sha256Of(info.FullName, cancellationToken); // read again only when the service's file was found, not sent by us
            return file;
        }

        /// <summary>
        /// The name a direct upload of <paramref name="localName"/> is stored under: a marker of 8 random hex digits, at
        /// least one of them a letter, before the extension (<c>train.jsonl</c> becomes <c>train.1a2b3c4d.jsonl</c>; a name
        /// that ends in a marker already, as a file saved from the service does, gets a new one in its place, while a date
        /// stamp of 8 decimal digits, as in <c>data.20240101.jsonl</c>, stays). The marker is the only thing the service
        /// keeps that tells this upload's file from another client's file of the same name and size.
        /// </summary>
        public static string MarkedName(string localName)
        {
            string ext = Path.GetExtension(localName);
            string stem = localName.Substring(0, localName.Length - ext.Length);
            if (MarkerEnd.IsMatch(stem)) stem = stem.Substring(0, stem.Length - 9);
            byte[] bytes = new byte[4];
            using (var random = RandomNumberGenerator.Create()) random.GetBytes(bytes);
            char[] marker = IO.FileHash.Hex(bytes).ToCharArray();
            if (Array.TrueForAll(marker, char.IsDigit)) marker[0] = (char)('a' + bytes[0] % 6); // a letter, so that it is never a date
            return stem + "." + new string(marker) + ext;
        }

        // A marker MarkedName made: 8 hex digits, at least one a letter.
        private static readonly System.Text.RegularExpressions.Regex MarkerEnd = new System.Text.RegularExpressions.Regex(@"\.(?=[0-9]{0,7}[a-f])[0-9a-f]{8}$");

        // The file a direct upload stored as 'name' (with the size, made since 'started'), or null.
        private async Task<FineTuneFile?> FindDirectUploadAsync(string name, long bytes, string purpose, DateTimeOffset started, CancellationToken ct)
        {
            IReadOnlyList<FineTuneFile> files = await Pages.AllAsync((after, limit, c) => ListFilesAsync(purpose, after, limit, c), Pages.FilePageSize, ct).ConfigureAwait(false);
            return files.FirstOrDefault(f => f.Filename == name && f.Bytes == bytes && (f.CreatedAt == null || f.CreatedAt >= started));
        }

        // After a failed check: deletes the file a direct upload made (given, or found by its stored name), or says which is left.
        private async Task DiscardDirectUploadAsync(FineTuneFile? file, string name, FileInfo info, string purpose, DateTimeOffset started, IFeedback feedback)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(30, Connection.TimeoutSec)));
                file ??= await FindDirectUploadAsync(name, info.Length, purpose, started, limit.Token).ConfigureAwait(false);
                if (file == null) return;
                await DeleteFileAsync(file.Id, limit.Token).ConfigureAwait(false);
                feedback.Verbose($"The upload had become file {file.Id} before the check failed; it was deleted: nothing is left on the service.");
            }
            catch (Exception ex) when (ex is FineTuneServiceException || ex is OperationCanceledException)
            {
                feedback.Warning(file == null
                    ? $"Could not make sure the upload of {info.Name} left no file on the service ({ex.Message}). Get-FineTuneFile lists the files; remove it with Remove-FineTuneFile."
                    : $"The upload had become file {file.Id} before the check failed, and it could not be deleted ({ex.Message}). Remove it with Remove-FineTuneFile {file.Id}.");
            }
        }

        // Cancels 'stop' when the check fails or is cancelled, so the bytes stop going out at once.
        private static void StopWhenFailed(Task? checkPassed, CancellationTokenSource stop) =>
            checkPassed?.ContinueWith(
                _ =>
                {
                    try
                    {
                        stop.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // the upload has ended already
                    }
                },
                CancellationToken.None,
                TaskContinuationOptions.NotOnRanToCompletion | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);

        /// <summary>
        /// The Uploads API (<c>POST /uploads</c>, parts, complete with md5): the file is read once, in order, and hashed
        /// (MD5 for the complete call, SHA-256 for <see cref="FineTuneFile.Sha256"/>) as it is read; each part of
        /// <paramref name="partBytes"/> goes up from memory while the next are read, <see cref="ParallelParts"/> at a
        /// time (so at most that many parts are held). <paramref name="progress"/> gets the bytes sent as parts arrive.
        /// The upload is completed only once <paramref name="checkPassed"/> (when given) has succeeded. On any failure,
        /// a failed check or cancellation the upload is cancelled on the service (<c>POST /uploads/{id}/cancel</c>)
        /// before the error is rethrown (the check's, when it failed). The complete call is not cut short by a stop (it
        /// would leave a completed file behind unseen): it runs to its answer, then a stop deletes the file it made, or
        /// warns with the file id when that fails.
        /// </summary>
        public virtual async Task<FineTuneFile> UploadInPartsAsync(string path, string purpose, int partBytes, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null)
        {
            var info = new FileInfo(path);
            string create = JsonSerializer.Serialize(new Dictionary<string, object>
            {
                ["filename"] = info.Name,
                ["purpose"] = purpose,
                ["bytes"] = info.Length,
                ["mime_type"] = "text/jsonl",
            });
            string uploadId;
            using (JsonDocument doc = await SendAsync("AddFile", "POST", "uploads", BinaryContent.Create(BinaryData.FromString(create)), cancellationToken).ConfigureAwait(false))
            {
                uploadId = doc.RootElement.Str("id") ?? throw new FineTuneServiceException("AddFile", ErrorKind.InvalidResponse, "InvalidResponse", "The service created an upload without an id.");
            }

            feedback.Verbose($"Upload {uploadId}: {info.Length} bytes in parts of {partBytes} bytes.");
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            StopWhenFailed(checkPassed, linked);
            bool completed = false;
            try
            {
                (string[] partIds, string md5, string sha256) = await SendPartsAsync(uploadId, info, partBytes, progress, linked).ConfigureAwait(false);
                if (checkPassed != null) await checkPassed.ConfigureAwait(false); // a file is made only of a file that passed
                string complete = JsonSerializer.Serialize(new Dictionary<string, object> { ["part_ids"] = partIds, ["md5"] = md5 });

                // A complete that reaches the service makes the file whatever we do next, so it is not stopped half-way
                // (it is bounded by the network timeout); a stop that came meanwhile then deletes the file it made.
                using var completing = new CancellationTokenSource(TimeSpan.FromSeconds(Connection.TimeoutSec));
                using JsonDocument done = await SendAsync("AddFile", "POST", $"uploads/{uploadId}/complete", BinaryContent.Create(BinaryData.FromString(complete)), completing.Token).ConfigureAwait(false);
                completed = true; // from here on there is nothing to cancel: a stop deletes the file instead
                JsonElement fileJson = done.RootElement.Child("file");
                if (fileJson.ValueKind != JsonValueKind.Object)
                {
                    throw new FineTuneServiceException("AddFile", ErrorKind.InvalidResponse, "InvalidResponse", $"Upload {uploadId} completed without a file (status {done.RootElement.Str("status")}).");
                }

                FineTuneFile file = FineTuneFile.FromJson(fileJson);
                file.LocalPath = info.FullName;
                file.Sha256 = sha256;
                if (cancellationToken.IsCancellationRequested)
                {
                    await DiscardAsync(uploadId, file.Id, feedback).ConfigureAwait(false);
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return file;
            }
            catch (Exception ex) when (!(ex is OutOfMemoryException) && !completed)
            {
                feedback.Verbose($"Upload {uploadId} failed or was stopped: cancelling it on the service.");
                try
                {
                    using var cancelTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                    using JsonDocument _ = await SendAsync("AddFile", "POST", $"uploads/{uploadId}/cancel", null, cancelTimeout.Token).ConfigureAwait(false);
                }
                catch (Exception cancelError) when (cancelError is FineTuneServiceException || cancelError is OperationCanceledException)
                {
                    feedback.Warning($"Upload {uploadId} could not be cancelled ({cancelError.Message}); the service drops it an hour after it was created.");
                }

                if (checkPassed != null && checkPassed.IsCompleted && checkPassed.Status != TaskStatus.RanToCompletion) await checkPassed.ConfigureAwait(false); // the check's error, not the stop it caused
                throw;
            }
        }

        // Reads the file once, in order, hashing it; sends each part from its buffer while the next is read, at most
        // ParallelParts at a time. Returns the part ids in order, the MD5 and the SHA-256. A failure stops the rest
        // (through 'linked'); every part has ended before this returns or throws, and the first real error wins over
        // the cancellations it caused.
        private async Task<(string[] PartIds, string Md5, string Sha256)> SendPartsAsync(string uploadId, FileInfo info, int partBytes, Action<long>? progress, CancellationTokenSource linked)
        {
            int count = (int)Math.Max(1, (info.Length + partBytes - 1) / partBytes);
            var partIds = new string[count];
            var sending = new List<Task>();
            var spare = new ConcurrentBag<byte[]>();
            using var slots = new SemaphoreSlim(ParallelParts);
            using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
            using var sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            long sent = 0;
            Exception? failure = null;
            try
            {
                using var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan);
                for (int i = 0; i < count; i++)
                {
                    await slots.WaitAsync(linked.Token).ConfigureAwait(false);
                    byte[] buffer = spare.TryTake(out byte[]? free) ? free : new byte[(int)Math.Min(partBytes, Math.Max(1, info.Length))];
                    int length = ReadFully(stream, buffer, (int)Math.Min(partBytes, info.Length - (long)i * partBytes));
                    md5.AppendData(buffer, 0, length);
                    sha256.AppendData(buffer, 0, length);
                    sending.Add(SendPartAsync(i, buffer, length));
                }
            }
            catch (Exception ex)
            {
                failure = ex;
                linked.Cancel();
            }

            Task all = Task.WhenAll(sending);
            try
            {
                await all.ConfigureAwait(false);
            }
            catch
            {
                Exception? real = all.Exception?.InnerExceptions.FirstOrDefault(e => !(e is OperationCanceledException));
                if (failure == null || (failure is OperationCanceledException && real != null)) failure = real ?? all.Exception?.InnerException;
            }

            if (failure != null) System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
            return (partIds, IO.FileHash.Hex(md5.GetHashAndReset()), IO.FileHash.Hex(sha256.GetHashAndReset()));

            async Task SendPartAsync(int i, byte[] buffer, int length)
            {
                try
                {
                    using var form = new MultipartFormDataContent();
                    var data = new ByteArrayContent(buffer, 0, length);
                    data.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                    form.Add(data, "data", info.Name);
                    using var body = new HttpContentBody(form);
                    using JsonDocument doc = await SendAsync("AddFile", "POST", $"uploads/{uploadId}/parts", body, linked.Token, body.ContentType,
                        new SendOptions { NetworkTimeout = UploadTimeout(length) }).ConfigureAwait(false);
                    partIds[i] = doc.RootElement.Str("id") ?? throw new FineTuneServiceException("AddFile", ErrorKind.InvalidResponse, "InvalidResponse", $"The service accepted part {i + 1} of upload {uploadId} without an id.");
                    progress?.Invoke(Interlocked.Add(ref sent, length));
                }
                catch
                {
                    linked.Cancel(); // the other parts stop at once
                    throw;
                }
                finally
                {
                    spare.Add(buffer);
                    slots.Release();
                }
            }
        }

        private static int ReadFully(Stream stream, byte[] buffer, int count)
        {
            int total = 0, n;
            while (total < count && (n = stream.Read(buffer, total, count - total)) > 0) total += n;
            if (total < count) throw new IOException($"The file ended after {total} of the {count} bytes of a part: it changed while it was being uploaded.");
            return total;
        }

        // Deletes the file an upload stopped by the user completed as; says which file is left when that fails.
        private async Task DiscardAsync(string uploadId, string fileId, IFeedback feedback)
        {
            try
            {
                using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(Math.Min(30, Connection.TimeoutSec)));
                await DeleteFileAsync(fileId, limit.Token).ConfigureAwait(false);
                feedback.Verbose($"Stopped: upload {uploadId} had already completed as file {fileId}, which was deleted; nothing is left on the service.");
            }
            catch (Exception ex) when (ex is FineTuneServiceException || ex is OperationCanceledException)
            {
                feedback.Warning($"Stopped after upload {uploadId} had completed as file {fileId}, which could not be deleted ({ex.Message}). Remove it with Remove-FineTuneFile {fileId}.");
            }
        }

        /// <inheritdoc/>
        public async Task<Page<FineTuneFile>> ListFilesAsync(string? purpose, string? after, int limit, CancellationToken cancellationToken)
        {
            var q = new StringBuilder("files?limit=").Append(limit);
            if (purpose != null) q.Append("&purpose=").Append(Uri.EscapeDataString(purpose));
            if (after != null) q.Append("&after=").Append(Uri.EscapeDataString(after));
            using JsonDocument doc = await SendAsync("GetFile", "GET", q.ToString(), null, cancellationToken).ConfigureAwait(false);
            return ToPage(doc.RootElement, FineTuneFile.FromJson, f => f.Id);
        }

        /// <summary>Gets one file's metadata (<c>GET /files/{id}</c>).</summary>
        public virtual async Task<FineTuneFile> GetFileAsync(string fileId, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync("GetFile", "GET", "files/" + Uri.EscapeDataString(fileId), null, cancellationToken).ConfigureAwait(false);
            return FineTuneFile.FromJson(doc.RootElement);
        }

        /// <summary>Deletes a file (<c>DELETE /files/{id}</c>).</summary>
        public async Task DeleteFileAsync(string fileId, CancellationToken cancellationToken)
        {
            using JsonDocument _ = await SendAsync("RemoveFile", "DELETE", "files/" + Uri.EscapeDataString(fileId), null, cancellationToken).ConfigureAwait(false);
        }

        /// <summary>
        /// A file's content (<c>GET /files/{id}/content</c>); a base64-encoded result CSV is decoded (<see cref="ResultFile.Decode"/>).
        /// A training file OpenAI refuses to hand out is SaveFile.DownloadNotAllowed, naming the local copy when the upload ledger knows it.
        /// </summary>
        public async Task<byte[]> DownloadFileAsync(string fileId, CancellationToken cancellationToken)
        {
            BinaryData body;
            try
            {
                body = await SendRawAsync("SaveFile", "GET", $"files/{Uri.EscapeDataString(fileId)}/content", null, cancellationToken).ConfigureAwait(false);
            }
            catch (FineTuneServiceException ex) when (ProviderRefusals.DownloadRefused(ex, fileId, cancellationToken) is FineTuneServiceException refused)
            {
                throw refused;
            }

            return ResultFile.Decode(body.ToArray());
        }

        /// <summary>The size of the buffer a download is copied through (64 KB): all the memory a download of any size takes, unless it may be a base64 result file (<see cref="MaxEncodedResultBytes"/>).</summary>
        public const int DownloadBufferBytes = 64 * 1024;

        /// <summary>
        /// The largest body kept in memory to be decoded at the end as a base64 result file (16 MB; result files
        /// are CSVs of one short row a step). Only a body whose first bytes are all base64 characters is kept
        /// (<see cref="ResultFile.StartsLikeBase64"/>); a JSON Lines file is dropped from memory at its first byte.
        /// </summary>
        public const int MaxEncodedResultBytes = 16 * 1024 * 1024;

        /// <summary>
        /// Downloads a file's content (<c>GET /files/{id}/content</c>) to <paramref name="path"/> without holding it in
        /// memory: the response body is read as a stream (the pipeline does not buffer it) through one
        /// <see cref="DownloadBufferBytes"/> buffer into an <see cref="AtomicFile"/> in the target's folder, which is
        /// renamed over the target only when the whole body has arrived; an error, a dropped connection or
        /// cancellation deletes the temporary file and leaves an existing target as it was. A base64-encoded result
        /// CSV is decoded at the end (<see cref="ResultFile.Decode"/>; see <see cref="MaxEncodedResultBytes"/>).
        /// The folder is created when missing; an existing file is replaced only when <paramref name="force"/>
        /// (else <see cref="DatasetFileExistsException"/>). Each read waits at most the connection's network timeout
        /// (<c>-TimeoutSec</c>), so a download that keeps arriving is never cut however long it takes; one that
        /// stalls that long fails (SaveFile.Timeout). <paramref name="progress"/> gets the bytes received so far and
        /// the body's size in bytes (Content-Length; null when the service does not send it).
        /// Returns the bytes written to <paramref name="path"/>. Throws <see cref="FineTuneServiceException"/>
        /// (Operation SaveFile: NotFound, Timeout, DownloadInterrupted, DownloadNotAllowed, ...) and <see cref="IOException"/> when the
        /// file cannot be written.
        /// </summary>
        public async Task<long> SaveFileAsync(string fileId, string path, bool force, Action<long, long?>? progress, CancellationToken cancellationToken)
        {
            string target = Path.GetFullPath(path);
            DatasetWriteMode mode = force ? DatasetWriteMode.Replace : DatasetWriteMode.New;
            if (!force && File.Exists(target)) throw new DatasetFileExistsException(target); // before the request: nothing sent in vain

            PipelineMessage sent;
            try
            {
                sent = await SendMessageAsync("SaveFile", "GET", $"files/{Uri.EscapeDataString(fileId)}/content", null, cancellationToken,
                    null, null, bufferResponse: false).ConfigureAwait(false);
            }
            catch (FineTuneServiceException ex) when (ProviderRefusals.DownloadRefused(ex, fileId, cancellationToken) is FineTuneServiceException refused)
            {
                throw refused;
            }

            using PipelineMessage message = sent;
            PipelineResponse response = message.Response!;
            long? total = response.Headers.TryGetValue("Content-Length", out string? length) &&
                long.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out long n) ? n : (long?)null;
            Stream body = response.ContentStream ?? Stream.Null;
            response.Headers.TryGetValue("x-request-id", out string? requestId);

            Directory.CreateDirectory(Path.GetDirectoryName(target) ?? "."); // once the service has answered: a failed request leaves no folder behind
            using AtomicFile file = AtomicFile.Open(target, mode);
            var buffer = new byte[DownloadBufferBytes];
            MemoryStream? encoded = new MemoryStream(); // the body while it may be a base64 result file
            long received = 0;
            progress?.Invoke(0, total);
            while (true)
            {
                int read;
                try
                {
                    read = await body.ReadAsync(buffer, 0, buffer.Length, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!(ex is OutOfMemoryException))
                {
                    throw DownloadFailed(fileId, ex, received, total, requestId, cancellationToken);
                }

                if (read == 0) break;
                file.Stream.Write(buffer, 0, read);
                received += read;
                if (encoded != null)
                {
                    encoded.Write(buffer, 0, read);
                    if (encoded.Length > MaxEncodedResultBytes || !ResultFile.StartsLikeBase64(encoded.GetBuffer(), (int)encoded.Length)) encoded = null;
                }

                progress?.Invoke(received, total);
            }

            if (received < total)
            {
                throw DownloadFailed(fileId, new EndOfStreamException($"The body ended after {received} of {total} bytes."), received, total, requestId, cancellationToken);
            }

            if (encoded != null && received > 0)
            {
                byte[] content = encoded.ToArray();
                byte[] csv = ResultFile.Decode(content);
                if (!ReferenceEquals(csv, content))
                {
                    file.Stream.SetLength(0);
                    file.Stream.Write(csv, 0, csv.Length);
                }
            }

            cancellationToken.ThrowIfCancellationRequested(); // stopped: no file appears after the command has ended
            return file.Commit();
        }

        private static Exception DownloadFailed(string fileId, Exception ex, long received, long? total, string? requestId, CancellationToken cancellationToken)
        {
            if (cancellationToken.IsCancellationRequested && ex is OperationCanceledException) return ex; // the user stopped: not an error to report
            string of = total != null ? $"{received:N0} of {total:N0} bytes" : $"{received:N0} bytes";
            string id = requestId != null ? $" (request id {requestId})" : string.Empty;
            return ex is OperationCanceledException
                ? new FineTuneServiceException("SaveFile", ErrorKind.Timeout, "Timeout",
                    $"The download of file {fileId} stalled after {of}: nothing arrived within the network timeout{id}. Nothing was saved. Try again, or raise the timeout with Connect-FineTune -TimeoutSec.", requestId: requestId, inner: ex)
                : new FineTuneServiceException("SaveFile", ErrorKind.Network, "DownloadInterrupted",
                    $"The download of file {fileId} broke off after {of}: {FineTuneServiceException.Innermost(ex).Message}{id}. Nothing was saved; run the command again.", requestId: requestId, inner: ex);
        }

        /// <summary>The network timeout of an upload: the connection's, plus a second for every 256 KB.</summary>
        private TimeSpan UploadTimeout(long bytes) => TimeSpan.FromSeconds(Connection.TimeoutSec + bytes / (256 * 1024));
    }
}
