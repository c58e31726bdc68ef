using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace FineTune.Engine.IO
{
    /// <summary>
    /// Two files that change together or not at all (Split-FineTuneDataset's training and validation files).
    /// Both are written to temporary files first (<see cref="AtomicFile"/>); <see cref="Commit"/> flushes both to
    /// disk, writes a commit marker (<c>.NAME.pair</c> beside the first file, one <c>temp TAB target</c> line
    /// each) and only then renames both, keeping the old files as <c>.bak</c> until both renames are done. A
    /// failed rename puts the first file back. A process killed before the marker leaves only temporary
    /// files (the old pair is intact); killed after it, the marker says how to finish. <see cref="Recover"/>,
    /// run before the next write of the same pair, finishes an interrupted commit (rolls forward) and deletes
    /// temporary files that no marker names, and says what it did.
    /// </summary>
    public static class AtomicPair
    {
        /// <summary>Commits both files as one change. Returns their sizes in bytes.</summary>
        /// <exception cref="IOException">A rename failed; both targets are as they were before.</exception>
        public static (long First, long Second) Commit(AtomicFile first, AtomicFile second)
        {
            string marker = Prepare(first, second);
            Apply(marker, rollBack: true);
            return (first.Length, second.Length);
        }

        /// <summary>
        /// Finishes a commit of the pair that a killed process left (marker present: the new files replace the
        /// old), then deletes leftover temporary files of either target. Returns one sentence per action, for
        /// the user; empty when there was nothing to do.
        /// </summary>
        /// <exception cref="IOException">The interrupted commit cannot be finished; the message names the marker.</exception>
        public static IReadOnlyList<string> Recover(string first, string second)
        {
            var notes = new List<string>();
            string marker = MarkerOf(Path.GetFullPath(first));
            if (File.Exists(marker))
            {
                List<(string Temp, string Target)> entries = Read(marker);
                Apply(marker, rollBack: false);
                notes.Add($"An earlier run was stopped while it replaced {string.Join(" and ", entries.Select(e => e.Target))}; the files it had finished writing are now in place.");
            }

            foreach (string target in new[] { first, second }.Select(Path.GetFullPath))
            {
                string dir = Path.GetDirectoryName(target) ?? ".";
                if (!Directory.Exists(dir)) continue;
                foreach (string left in Directory.GetFiles(dir, "." + Path.GetFileName(target) + ".*").Where(f => f.EndsWith(".tmp", StringComparison.Ordinal) || f.EndsWith(".bak", StringComparison.Ordinal)))
                {
                    try
                    {
                        File.Delete(left);
                        notes.Add($"Deleted {left}, a temporary file that an interrupted run left; {target} was not changed by it.");
                    }
                    catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
                    {
                        notes.Add($"{left} is a temporary file that an interrupted run left and it cannot be deleted ({ex.Message}); delete it.");
                    }
                }
            }

            return notes;
        }

        /// <summary>Seals both temporary files and writes the marker (the point after which the pair rolls forward). Returns the marker's path.</summary>
        internal static string Prepare(AtomicFile first, AtomicFile second)
        {
            first.Seal();
            second.Seal();
            string marker = MarkerOf(first.Target);
            byte[] text = Encoding.UTF8.GetBytes($"{first.TempPath}\t{first.Target}\n{second.TempPath}\t{second.Target}\n");
            using (var stream = new FileStream(marker, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                stream.Write(text, 0, text.Length);
                stream.Flush(true);
            }

            return marker;
        }

        /// <summary>The commit marker of a pair whose first file is <paramref name="firstTarget"/>.</summary>
        internal static string MarkerOf(string firstTarget) =>
            Path.Combine(Path.GetDirectoryName(firstTarget) ?? ".", "." + Path.GetFileName(firstTarget) + ".pair");

        // Renames every temporary file the marker names over its target (an old target is kept as .bak until all
        // are done), then deletes the backups and the marker. With rollBack, a failure restores what was renamed.
        internal static void Apply(string marker, bool rollBack)
        {
            var done = new List<(string Target, string? Backup)>();
            List<(string Temp, string Target)> entries = Read(marker);
            try
            {
                foreach ((string temp, string target) in entries)
                {
                    if (!File.Exists(temp)) continue; // renamed before the process was stopped
                    if (Directory.Exists(target)) throw new IOException($"{target} is a folder, not a file.");
                    string backup = Path.ChangeExtension(temp, ".bak");
                    if (File.Exists(target))
                    {
                        File.Replace(temp, target, backup);
                        done.Add((target, backup));
                    }
                    else
                    {
                        File.Move(temp, target);
                        done.Add((target, null));
                    }
                }
            }
            catch (Exception ex) when (rollBack && (ex is IOException || ex is UnauthorizedAccessException))
            {
                foreach ((string target, string? backup) in Enumerable.Reverse(done))
                {
                    if (backup != null) File.Replace(backup, target, null);
                    else File.Delete(target);
                }

                File.Delete(marker);
                throw;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new IOException($"An interrupted write left {marker}, and finishing it failed: {ex.Message} Fix the cause and run the command again, or delete {marker} and the .tmp files beside it to keep the old files.", ex);
            }

            foreach ((string temp, string _) in entries) File.Delete(Path.ChangeExtension(temp, ".bak"));

            File.Delete(marker);
        }

        private static List<(string Temp, string Target)> Read(string marker) =>
            File.ReadAllLines(marker).Where(l => l.IndexOf('\t') > 0).Select(l => (l.Substring(0, l.IndexOf('\t')), l.Substring(l.IndexOf('\t') + 1))).ToList();
    }
}
