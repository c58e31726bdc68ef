using System;
using System.IO;
using Xunit;

namespace FineTune.Engine.Tests
{
    /// <summary>
    /// Finds <c>../shared</c> beside the repository (read in place, never copied). A test whose input is
    /// missing calls <see cref="Require"/>, which skips it with a message that names the file.
    /// </summary>
    public static class SharedData
    {
        /// <summary>The repository root: the first folder upwards that holds FineTune.psd1.</summary>
        public static string RepoRoot
        {
            get
            {
                string? dir = AppContext.BaseDirectory;
                while (dir != null && !File.Exists(Path.Combine(dir, "FineTune.psd1")))
                {
                    dir = Path.GetDirectoryName(dir);
                }

                return dir ?? throw new InvalidOperationException("FineTune.psd1 not found above " + AppContext.BaseDirectory);
            }
        }

        /// <summary>The path of <paramref name="relative"/> under ../shared (may not exist).</summary>
        public static string PathOf(string relative) => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared", relative));

        /// <summary>The path of a shared input; skips the test when it is missing.</summary>
        public static string Require(string relative)
        {
            string path = PathOf(relative);
            Skip.IfNot(File.Exists(path), $"Input missing: {path} (../shared/{relative}); test skipped.");
            return path;
        }
    }
}
