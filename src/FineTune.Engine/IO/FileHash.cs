using System.IO;
using System.Security.Cryptography;
using System.Text;
using System.Threading;

namespace FineTune.Engine.IO
{
    /// <summary>
    /// Hashes of whole files, read once through a 1 MB buffer, lower-case hex: the SHA-256 the upload ledger, the
    /// archive manifest and the job copy compare, and the MD5 the Uploads API's complete call carries.
    /// </summary>
    public static class FileHash
    {
        /// <summary>The SHA-256 of the file at <paramref name="path"/> (64 hex characters).</summary>
        public static string Sha256Of(string path, CancellationToken cancellationToken)
        {
            using SHA256 sha = SHA256.Create();
            return Of(sha, path, cancellationToken);
        }

        /// <summary>The MD5 of the file at <paramref name="path"/> (32 hex characters).</summary>
        public static string Md5Of(string path, CancellationToken cancellationToken)
        {
            using MD5 md5 = MD5.Create();
            return Of(md5, path, cancellationToken);
        }

        /// <summary>Lower-case hex of <paramref name="bytes"/>.</summary>
        public static string Hex(byte[] bytes)
        {
            var sb = new StringBuilder(bytes.Length * 2);
            foreach (byte b in bytes) sb.Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            return sb.ToString();
        }

        private static string Of(HashAlgorithm algorithm, string path, CancellationToken cancellationToken)
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var buffer = new byte[1 << 20];
            int n;
            while ((n = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                algorithm.TransformBlock(buffer, 0, n, null, 0);
            }

            algorithm.TransformFinalBlock(buffer, 0, 0);
            return Hex(algorithm.Hash);
        }
    }
}
