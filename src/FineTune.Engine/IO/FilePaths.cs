using System;
using System.IO;
using System.Reflection;
using System.Runtime.InteropServices;

namespace FineTune.Engine.IO
{
    /// <summary>
    /// Which file a path names: the full path with every symbolic link along it resolved, so that an output
    /// (a clean copy, a journal, a split) is never one of the command's inputs under another name.
    /// </summary>
    public static class FilePaths
    {
        // FileSystemInfo.LinkTarget exists on the .NET the module runs on (6 and later), not in netstandard2.0.
        private static readonly PropertyInfo? LinkTarget = typeof(FileSystemInfo).GetProperty("LinkTarget");

        private static readonly StringComparison Comparison = Path.DirectorySeparatorChar == '\\' ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

        /// <summary>The full path of <paramref name="path"/> with every symbolic link along it (folders and the file) resolved; parts that do not exist are kept as given.</summary>
        public static string Resolve(string path)
        {
            string full = Path.GetFullPath(path);
            if (LinkTarget == null) return full;
            for (int hops = 0; hops < 40; hops++)
            {
                string? linked = FirstLink(full);
                if (linked == null) return full;
                full = linked;
            }

            return full; // a link loop: the path as far as it resolved
        }

        /// <summary>True when both paths name the same file (after <see cref="Resolve"/>).</summary>
        public static bool Same(string a, string b) => string.Equals(Resolve(a), Resolve(b), Comparison);

        /// <summary>
        /// Refuses to write <paramref name="output"/> when it is one of <paramref name="inputs"/> (also through a
        /// link): throws <see cref="ArgumentException"/> naming both, before anything is written.
        /// </summary>
        /// <param name="output">The file about to be written.</param>
        /// <param name="what">What the output is, e.g. "-ResumeFile".</param>
        /// <param name="inputs">(name, path) of each file the command reads or writes otherwise; null paths are skipped.</param>
        public static void RefuseOverlap(string output, string what, params (string Name, string? Path)[] inputs)
        {
            foreach ((string name, string? input) in inputs)
            {
                if (input != null && Same(output, input))
                {
                    throw new ArgumentException($"{what} {output} is the same file as {name} {input}; writing it would destroy that file. Name another file.");
                }
            }
        }

        /// <summary>
        /// A name from a service (a file's <c>filename</c>) made safe to save under in a folder: only its last
        /// part (no folders, no <c>..</c>), without control characters (NUL), characters no file system takes
        /// (<c>/ \ : * ? " &lt; &gt; |</c>), leading dots (no hidden <c>.bashrc</c>) and spaces or dots at the ends
        /// (Windows drops them). A name with nothing left, or one that Windows reserves (CON, NUL, COM1...),
        /// gives <paramref name="fallback"/> (the file's id).
        /// </summary>
        public static string SafeFileName(string? name, string fallback)
        {
            string last = (name ?? string.Empty).Replace('\\', '/');
            last = last.Substring(last.LastIndexOf('/') + 1);
            var kept = new System.Text.StringBuilder(last.Length);
            foreach (char c in last)
            {
                if (!char.IsControl(c) && "/\\:*?\"<>|".IndexOf(c) < 0) kept.Append(c);
            }

            string safe = kept.ToString().Trim().TrimStart('.').TrimEnd('.', ' ').Trim();
            string stem = safe.Split('.')[0].ToUpperInvariant();
            bool reserved = stem == "CON" || stem == "PRN" || stem == "AUX" || stem == "NUL" || (stem.Length == 4 && (stem.StartsWith("COM", StringComparison.Ordinal) || stem.StartsWith("LPT", StringComparison.Ordinal)) && char.IsDigit(stem[3]));
            return safe.Length == 0 || reserved ? fallback : safe;
        }

        /// <summary>
        /// Opens an input for reading after refusing what is not a regular file: a folder, a named pipe (FIFO),
        /// a device or a socket (opening or reading those can block forever or never end).
        /// </summary>
        /// <exception cref="FileNotFoundException">Nothing is at <paramref name="path"/>.</exception>
        /// <exception cref="NotAFileException">The path is a folder or not a regular file; the message says which and what to give instead.</exception>
        public static FileStream OpenRead(string path, int bufferSize = 1 << 16, FileOptions options = FileOptions.None)
        {
            RequireRegularFile(path);
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize, options);
        }

        /// <summary>Throws unless <paramref name="path"/> is a regular file (see <see cref="OpenRead"/>).</summary>
        public static void RequireRegularFile(string path)
        {
            string full = Path.GetFullPath(path);
            if (Directory.Exists(full)) throw new NotAFileException($"{full} is a folder; give the path of a file.");
            if (!File.Exists(full)) throw new FileNotFoundException($"No file at '{full}'.", full);
            if (UnixFileType(full) is int type && type != RegularFile)
            {
                throw new NotAFileException($"{full} is not a regular file but a {(type == 0x1000 ? "named pipe (FIFO)" : type == 0xC000 ? "socket" : "device")}; reading it could block or never end. Give the path of a regular file (copy the data to one first).");
            }
        }

        private const int RegularFile = 0x8000; // S_IFREG

        // The S_IFMT bits of the file (symbolic links followed), or null where they cannot be read (Windows).
        private static int? UnixFileType(string path)
        {
            if (Path.DirectorySeparatorChar == '\\') return null;
            try
            {
                return Stat(path, out NativeStatus status) == 0 ? status.Mode & 0xF000 : (int?)null;
            }
            catch (Exception ex) when (ex is DllNotFoundException || ex is EntryPointNotFoundException)
            {
                return null;
            }
        }

        // .NET's own POSIX layer (shipped with every .NET on Unix): stat into its fixed FileStatus layout,
        // whose second field is st_mode. The struct is larger than the runtime's so that added fields fit.
        [DllImport("libSystem.Native", EntryPoint = "SystemNative_Stat", CharSet = CharSet.Ansi, SetLastError = true)]
        private static extern int Stat(string path, out NativeStatus status);

        [StructLayout(LayoutKind.Sequential)]
        private struct NativeStatus
        {
            public int Flags;
            public int Mode;
            [MarshalAs(UnmanagedType.ByValArray, SizeConst = 32)]
            public long[] Rest;
        }

        // The path with its first symbolic link (from the root down) replaced by the link's target, or null when there is none.
        private static string? FirstLink(string full)
        {
            string root = Path.GetPathRoot(full) ?? string.Empty;
            string[] parts = full.Substring(root.Length).Split(new[] { Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar }, StringSplitOptions.RemoveEmptyEntries);
            string current = root;
            for (int i = 0; i < parts.Length; i++)
            {
                string next = Path.Combine(current, parts[i]);
                FileSystemInfo info = Directory.Exists(next) ? new DirectoryInfo(next) : new FileInfo(next);
                if (!info.Exists) return null;
                if (LinkTarget!.GetValue(info) is string target)
                {
                    string resolved = Path.GetFullPath(Path.Combine(current, target));
                    for (int j = i + 1; j < parts.Length; j++) resolved = Path.Combine(resolved, parts[j]);
                    return resolved;
                }

                current = next;
            }

            return null;
        }
    }

    /// <summary>A path given as a file names a folder, a named pipe, a device or a socket.</summary>
    public sealed class NotAFileException : IOException, IFineTuneFailure
    {
        /// <summary>Creates the exception with the message for the user.</summary>
        public NotAFileException(string message)
            : base(message)
        {
        }

        /// <inheritdoc/>
        public string Operation => "OpenFile";

        /// <inheritdoc/>
        public string Reason => "NotAFile";

        /// <inheritdoc/>
        public ErrorKind Kind => ErrorKind.InvalidRequest;

        /// <inheritdoc/>
        public object? Target => null;

        /// <inheritdoc/>
        public string? Advice => "Give the path of a regular file.";
    }
}
