using System;
using System.ClientModel;
using System.IO;
using System.Net.Http;
using System.Security.Cryptography;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// A request body for the SDK's pipeline made from a System.Net.Http content, so multipart uploads
    /// stream from disk (MultipartFormDataContent over a StreamContent) instead of being buffered. The
    /// content can be written again (a retry) because StreamContent rewinds a seekable stream.
    /// </summary>
    internal sealed class HttpContentBody : BinaryContent
    {
        private readonly HttpContent content;

        public HttpContentBody(HttpContent content)
        {
            this.content = content;
        }

        /// <summary>The Content-Type header with its boundary.</summary>
        public string ContentType => content.Headers.ContentType?.ToString() ?? "application/octet-stream";

        public override bool TryComputeLength(out long length)
        {
            long? known = content.Headers.ContentLength;
            length = known ?? 0;
            return known != null;
        }

        public override void WriteTo(Stream stream, CancellationToken cancellationToken) =>
            content.CopyToAsync(stream).GetAwaiter().GetResult();

        public override Task WriteToAsync(Stream stream, CancellationToken cancellationToken) => content.CopyToAsync(stream);

        public override void Dispose() => content.Dispose();
    }

    /// <summary>
    /// A read-only window of a file (what an upload sends), reporting bytes read and, with <c>hash</c>, hashing them
    /// (SHA-256) as they are read: <see cref="Sha256"/> is the window's hash once it has been read whole, in order,
    /// from its start (a rewind for a resend starts the hash again).
    /// </summary>
    internal sealed class FileWindow : Stream
    {
        private readonly FileStream file;
        private readonly long start;
        private readonly long length;
        private readonly Action<long>? read;
        private readonly IncrementalHash? hash;
        private long hashed;

        public FileWindow(string path, long start, long length, Action<long>? read, bool hash = false)
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            this.start = start;
            this.length = length;
            this.read = read;
            this.hash = hash ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
            file.Position = start;
        }

        /// <summary>The SHA-256 (lower-case hex) of the whole window, once read in order to its end; else null.</summary>
        public string? Sha256 { get; private set; }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => file.Position - start;
            set
            {
                file.Position = start + Math.Max(0, Math.Min(length, value));
                if (hash != null && Position != hashed)
                {
                    hash.GetHashAndReset(); // a read out of order: start over when read from the start again
                    hashed = Position == 0 ? 0 : -1;
                    Sha256 = null;
                }
            }
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(buffer, offset, file.Read(buffer, offset, Limit(count)));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(buffer, offset, await file.ReadAsync(buffer, offset, Limit(count), cancellationToken).ConfigureAwait(false));

        public override long Seek(long offset, SeekOrigin origin)
        {
            Position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => Position + offset, _ => length + offset };
            return Position;
        }

        public override void Flush() { }
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                file.Dispose();
                hash?.Dispose();
            }

            base.Dispose(disposing);
        }

        private int Limit(int count) => (int)Math.Min(count, Math.Max(0, length - Position));

        private int Count(byte[] buffer, int offset, int n)
        {
            if (n > 0)
            {
                if (hash != null && hashed >= 0)
                {
                    hash.AppendData(buffer, offset, n);
                    hashed += n;
                    if (hashed == length) Sha256 = IO.FileHash.Hex(hash.GetHashAndReset());
                }

                read?.Invoke(n);
            }

            return n;
        }
    }
}
