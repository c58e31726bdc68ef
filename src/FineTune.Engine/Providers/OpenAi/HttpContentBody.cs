using System;
using System.ClientModel;
using System.IO;
using System.Net.Http;
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

    /// <summary>A read-only window of a file (one part of an upload), reporting bytes read.</summary>
    internal sealed class FileWindow : Stream
    {
        private readonly FileStream file;
        private readonly long start;
        private readonly long length;
        private readonly Action<long>? read;

        public FileWindow(string path, long start, long length, Action<long>? read)
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            this.start = start;
            this.length = length;
            this.read = read;
            file.Position = start;
        }

        public override bool CanRead => true;
        public override bool CanSeek => true;
        public override bool CanWrite => false;
        public override long Length => length;

        public override long Position
        {
            get => file.Position - start;
            set => file.Position = start + Math.Max(0, Math.Min(length, value));
        }

        public override int Read(byte[] buffer, int offset, int count) => Count(file.Read(buffer, offset, Limit(count)));

        public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            Count(await file.ReadAsync(buffer, offset, Limit(count), cancellationToken).ConfigureAwait(false));

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
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }

        private int Limit(int count) => (int)Math.Min(count, Math.Max(0, length - Position));

        private int Count(int n)
        {
            if (n > 0) read?.Invoke(n);
            return n;
        }
    }
}
