using System;
using System.IO;
using System.Text;

namespace FineTune.Engine.IO
{
    /// <summary>
    /// Writes a whole file so that readers see either the old file or the complete new one, never half
    /// (DESIGN.md 2.4): the content goes to a temporary file in the same folder, is flushed to disk, then
    /// renamed over the target. On failure the temporary file is removed and the target is untouched.
    /// </summary>
    public static class AtomicFile
    {
        /// <summary>UTF-8 without a byte-order mark: what the service and every JSONL/CSV reader expect.</summary>
        public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>
        /// Writes <paramref name="write"/>'s output to <paramref name="path"/>. Throws <see cref="IOException"/>
        /// naming the file when it exists and <paramref name="force"/> is false.
        /// </summary>
        public static void Write(string path, bool force, Action<Stream> write)
        {
            string full = Path.GetFullPath(path);
            if (File.Exists(full) && !force)
            {
                throw new IOException($"The file '{full}' already exists. Use -Force to replace it, or choose another -Path.");
            }

            string dir = Path.GetDirectoryName(full) ?? ".";
            Directory.CreateDirectory(dir);
            string temp = Path.Combine(dir, "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            try
            {
                using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
                {
                    write(stream);
                    stream.Flush(flushToDisk: true);
                }

                if (File.Exists(full))
                {
                    File.Replace(temp, full, destinationBackupFileName: null);
                }
                else
                {
                    File.Move(temp, full);
                }
            }
            finally
            {
                if (File.Exists(temp)) File.Delete(temp);
            }
        }

        /// <summary>Writes <paramref name="text"/> as UTF-8 without a BOM (see <see cref="Write"/>).</summary>
        public static void WriteAllText(string path, string text, bool force) =>
            Write(path, force, s =>
            {
                byte[] bytes = Utf8NoBom.GetBytes(text);
                s.Write(bytes, 0, bytes.Length);
            });
    }
}
