using System;
using System.IO;
using System.Text;

namespace FineTune.Engine.IO
{
    /// <summary>
    /// A file written atomically: everything goes to a temporary file in the target's folder
    /// (<c>.name.random.tmp</c>), which <see cref="Commit"/> flushes to disk and renames over the target
    /// (rename within one folder is atomic, so a reader sees the old file or the new one, never half of
    /// one). <see cref="Dispose"/> without <see cref="Commit"/> (an error, Ctrl+C) deletes the temporary file
    /// and leaves an existing target untouched. Append copies the existing target into the temporary
    /// file first (adding a missing final <c>\n</c>): a plain append could leave a half-written last line
    /// in the real file when the process dies; the copy costs one read of the old file.
    /// </summary>
    public sealed class AtomicFile : IDisposable
    {
        /// <summary>UTF-8 without a byte-order mark: what the service and every JSONL/CSV reader expect.</summary>
        public static readonly Encoding Utf8NoBom = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);

        /// <summary>
        /// Writes a whole file in one go through <see cref="Open"/> and <see cref="Commit"/>: the folder is
        /// created when missing; an existing file is replaced only when <paramref name="force"/> is true, else
        /// <see cref="DatasetFileExistsException"/> (an <see cref="IOException"/>) names it.
        /// </summary>
        public static void Write(string path, bool force, Action<Stream> write)
        {
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)) ?? ".");
            using AtomicFile file = Open(path, force ? DatasetWriteMode.Replace : DatasetWriteMode.New);
            write(file.Stream);
            file.Commit();
        }

        /// <summary>Writes <paramref name="text"/> as UTF-8 without a BOM (see <see cref="Write"/>).</summary>
        public static void WriteAllText(string path, string text, bool force) =>
            Write(path, force, s =>
            {
                byte[] bytes = Utf8NoBom.GetBytes(text);
                s.Write(bytes, 0, bytes.Length);
            });

        private readonly string temp;
        private readonly bool replace;
        private bool committed;
        private long length = -1;

        private AtomicFile(string target, string temp, bool replace, FileStream stream, long existingLines)
        {
            Target = target;
            this.temp = temp;
            this.replace = replace;
            Stream = stream;
            ExistingLines = existingLines;
        }

        /// <summary>The full path of the file being written.</summary>
        public string Target { get; }

        /// <summary>The temporary file's stream; write here.</summary>
        public FileStream Stream { get; }

        /// <summary>Non-empty lines copied from the existing file (Append), else 0.</summary>
        public long ExistingLines { get; }

        /// <summary>The temporary file (in the target's folder).</summary>
        internal string TempPath => temp;

        /// <summary>The size in bytes once <see cref="Seal"/> ran, else -1.</summary>
        internal long Length => length;

        /// <summary>Flushes the temporary file to disk and closes it (before a rename). Returns its size in bytes.</summary>
        internal long Seal()
        {
            if (length >= 0) return length;
            Stream.Flush(true);
            length = Stream.Length;
            Stream.Dispose();
            return length;
        }

        /// <summary>Opens the temporary file for <paramref name="path"/>.</summary>
        /// <exception cref="DatasetFileExistsException">The file exists and <paramref name="mode"/> is New.</exception>
        /// <exception cref="IOException">The folder does not exist or cannot be written.</exception>
        public static AtomicFile Open(string path, DatasetWriteMode mode)
        {
            string target = System.IO.Path.GetFullPath(path);
            if (Directory.Exists(target)) throw new NotAFileException($"{target} is a folder; give the path of a file to write.");
            bool exists = File.Exists(target);
            if (exists && mode == DatasetWriteMode.New) throw new DatasetFileExistsException(target);
            string dir = System.IO.Path.GetDirectoryName(target) ?? ".";
            if (!Directory.Exists(dir)) throw new DirectoryNotFoundException($"The folder {dir} does not exist (writing {target}).");
            string temp = System.IO.Path.Combine(dir, "." + System.IO.Path.GetFileName(target) + "." + Guid.NewGuid().ToString("N").Substring(0, 8) + ".tmp");
            var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
            try
            {
                long lines = 0;
                if (exists && mode == DatasetWriteMode.Append) lines = CopyExisting(target, stream);
                return new AtomicFile(target, temp, exists, stream, lines);
            }
            catch
            {
                stream.Dispose();
                TryDelete(temp);
                throw;
            }
        }

        private static long CopyExisting(string target, Stream into)
        {
            var buffer = new byte[1 << 16];
            long lines = 0;
            bool lineHasBytes = false;
            byte last = (byte)'\n';
            using FileStream source = FilePaths.OpenRead(target);
            int n;
            while ((n = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                for (int i = 0; i < n; i++)
                {
                    byte b = buffer[i];
                    if (b == (byte)'\n')
                    {
                        if (lineHasBytes) lines++;
                        lineHasBytes = false;
                    }
                    else if (b != (byte)'\r' && b != (byte)' ' && b != (byte)'\t')
                    {
                        lineHasBytes = true;
                    }
                }

                into.Write(buffer, 0, n);
                last = buffer[n - 1];
            }

            if (lineHasBytes) lines++;
            if (last != (byte)'\n') into.WriteByte((byte)'\n');
            return lines;
        }

        /// <summary>Flushes to disk and renames the temporary file to the target. Returns the final size in bytes.</summary>
        /// <exception cref="DatasetFileExistsException">The target appeared meanwhile and the mode was New.</exception>
        public long Commit()
        {
            long bytes = Seal();
            if (replace && File.Exists(Target))
            {
                File.Replace(temp, Target, null);
            }
            else
            {
                try
                {
                    File.Move(temp, Target);
                }
                catch (IOException) when (File.Exists(Target))
                {
                    throw new DatasetFileExistsException(Target);
                }
            }

            committed = true;
            return bytes;
        }

        /// <summary>Deletes the temporary file unless it was committed.</summary>
        public void Dispose()
        {
            if (committed) return;
            Stream.Dispose();
            TryDelete(temp);
        }

        private static void TryDelete(string file)
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }
}
