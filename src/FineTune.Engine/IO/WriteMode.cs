using System.IO;

namespace FineTune.Engine.IO
{
    /// <summary>What a writer does when the target file exists.</summary>
    public enum DatasetWriteMode
    {
        /// <summary>Refuse: <see cref="DatasetFileExistsException"/> (the default; -Force is not set).</summary>
        New,

        /// <summary>Replace the file, atomically (-Force).</summary>
        Replace,

        /// <summary>Keep its lines and add the new ones after them, atomically (-Append); creates the file when missing.</summary>
        Append,
    }

    /// <summary>The target file exists and neither replacing (-Force) nor appending (-Append) was asked for.</summary>
    public sealed class DatasetFileExistsException : IOException, IFineTuneFailure
    {
        /// <summary>Creates the exception for <paramref name="path"/>.</summary>
        public DatasetFileExistsException(string path)
            : base($"{path} exists. Use -Force to replace it or -Append to add to it.") => Path = path;

        /// <summary>The full path of the existing file.</summary>
        public string Path { get; }

        /// <inheritdoc/>
        public string Operation => "WriteFile";

        /// <inheritdoc/>
        public string Reason => "FileExists";

        /// <inheritdoc/>
        public ErrorKind Kind => ErrorKind.Conflict;

        /// <inheritdoc/>
        public object? Target => Path;

        /// <inheritdoc/>
        public string? Advice => "Use -Force to replace the file (-Append where the command has it), or give another path.";
    }
}
