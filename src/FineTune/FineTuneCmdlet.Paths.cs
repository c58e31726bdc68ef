using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine;

namespace FineTune
{
    public abstract partial class FineTuneCmdlet
    {
        /// <summary>The parameter set of <c>-Path</c> (wildcards) in commands that also take <c>-LiteralPath</c>.</summary>
        internal const string PathSet = "Path";

        /// <summary>The parameter set of <c>-LiteralPath</c> (alias PSPath: binds a file piped from Get-ChildItem).</summary>
        internal const string LiteralPathSet = "LiteralPath";

        /// <summary>The files of every path given to -Path (<paramref name="literal"/> false) or -LiteralPath, in order (see <see cref="InputFiles(string, bool, string, bool)"/>).</summary>
        internal IEnumerable<string> InputFiles(IEnumerable<string> paths, bool literal) =>
            paths.SelectMany(p => InputFiles(p, literal, literal ? LiteralPathSet : PathSet));

        /// <summary>
        /// The files an input path names, as file-system paths, the way built-in cmdlets read <c>-Path</c> and
        /// <c>-LiteralPath</c>: with <paramref name="literal"/> false the path may hold wildcards and any PowerShell path
        /// (relative to the current location, <c>~</c>, a PSDrive); with it true the path is taken as it is (brackets
        /// included). What names no file is a non-terminating error naming <paramref name="parameter"/> and is left out:
        /// a path or pattern that matches nothing (FineTune.FileNotFound), a path on another provider such as
        /// <c>Env:PATH</c> (FineTune.NotFileSystem), a folder (FineTune.NotAFile) unless <paramref name="folderAllowed"/>.
        /// </summary>
        internal List<string> InputFiles(string path, bool literal, string parameter, bool folderAllowed = false)
        {
            var files = new List<string>();
            ICollection<string> found;
            ProviderInfo provider;
            try
            {
                found = literal
                    ? new[] { SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _) }
                    : SessionState.Path.GetResolvedProviderPathFromPSPath(path, out provider);
            }
            catch (ItemNotFoundException ex)
            {
                Report(new FileNotFoundException(NoFile(path, literal, parameter), path, ex), path);
                return files;
            }
            catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException || ex is ProviderInvocationException)
            {
                Report(NotFileSystem(path, parameter, ex.Message, ex));
                return files;
            }

            if (!IsFileSystem(provider))
            {
                Report(NotFileSystem(path, parameter, $"it is on the {provider.Name} provider"));
                return files;
            }

            foreach (string file in found)
            {
                if (Directory.Exists(file))
                {
                    if (folderAllowed) files.Add(file);
                    else Report(Folder(path, file, parameter));
                }
                else if (literal && !File.Exists(file)) Report(new FileNotFoundException(NoFile(path, literal, parameter), file), file);
                else files.Add(file);
            }

            if (found.Count == 0) Report(new FileNotFoundException(NoFile(path, literal, parameter), path), path);
            return files;
        }

        /// <summary>
        /// The one file an input path names (see <see cref="InputFiles(string, bool, string, bool)"/>); null after a non-terminating error when it names
        /// none, or several (FineTune.AmbiguousPath).
        /// </summary>
        internal string? InputFile(string path, bool literal, string parameter)
        {
            List<string> files = InputFiles(path, literal, parameter);
            if (files.Count > 1)
            {
                Report(Failure("AmbiguousPath", ErrorKind.InvalidRequest, $"-{parameter} '{path}' matches {files.Count} files; give one (-LiteralPath takes a name as it is).", path));
                return null;
            }

            return files.Count == 1 ? files[0] : null;
        }

        /// <summary>
        /// A file argument that may be on the service or local, as (id, local path): a string id (<c>file-...</c>, or any
        /// name that is not a local file), a file object (Id, and its LocalPath when it was uploaded from here and is still
        /// there), or a local file (FileInfo, a path, an object with FullName/Path). (null, null) for no argument.
        /// </summary>
        internal (string? Id, string? Path) FileArgument(PSObject? value, string parameter)
        {
            if (value == null) return (null, null);
            object inner = value.BaseObject;
            if (inner is FileInfo fi) return (null, fi.FullName);
            if (inner is string s)
            {
                if (s.StartsWith("file-", StringComparison.OrdinalIgnoreCase) || !File.Exists(FileSystemPath(s, parameter))) return (s, null);
                return (null, FileSystemPath(s, parameter));
            }

            string? Prop(string name) => value.Properties[name]?.Value?.ToString();
            string? id = Prop("Id") ?? Prop("FileId");
            string? local = Prop("LocalPath");
            if (id != null) return (id, local != null && File.Exists(local) ? local : null);
            string? path = Prop("FullName") ?? Prop("Path");
            return path != null ? (null, FileSystemPath(path, parameter)) : (value.ToString(), null);
        }

        /// <summary>
        /// A path the command writes or reads as one given name (-OutFile, -Destination, a journal, a catalog), as a
        /// file-system path relative to the current PowerShell location (not the process's working folder); no wildcards.
        /// Ends the command when it is on another provider (FineTune.NotFileSystem) or, unless <paramref name="folderAllowed"/>,
        /// names an existing folder (FineTune.NotAFile) -- never a file named after it.
        /// </summary>
        internal string FileSystemPath(string path, string parameter, bool folderAllowed = false)
        {
            string full;
            ProviderInfo provider;
            try
            {
                full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out provider, out _);
            }
            catch (Exception ex) when (ex is System.Management.Automation.DriveNotFoundException || ex is ProviderNotFoundException || ex is NotSupportedException || ex is ProviderInvocationException)
            {
                Fail(NotFileSystem(path, parameter, ex.Message, ex));
                throw; // not reached
            }

            if (!IsFileSystem(provider)) Fail(NotFileSystem(path, parameter, $"it is on the {provider.Name} provider"));
            if (!folderAllowed && Directory.Exists(full)) Fail(Folder(path, full, parameter));
            return full;
        }

        private static bool IsFileSystem(ProviderInfo provider) => string.Equals(provider.Name, "FileSystem", StringComparison.OrdinalIgnoreCase);

        private static string NoFile(string path, bool literal, string parameter) =>
            literal || !WildcardPattern.ContainsWildcardCharacters(path)
                ? $"-{parameter} '{path}': the file does not exist."
                : $"-{parameter} '{path}' matches no file.";

        private Exception NotFileSystem(string path, string parameter, string why, Exception? inner = null) =>
            Failure("NotFileSystem", ErrorKind.InvalidRequest, $"-{parameter} '{path}' is not a file-system path ({why}).", path,
                $"Give -{parameter} the path of a file (a relative path, ./name, C:\\..., or a PSDrive of the FileSystem provider).", inner);

        private Exception Folder(string path, string full, string parameter) =>
            Failure("NotAFile", ErrorKind.InvalidRequest, $"-{parameter} '{path}' is a folder ({full}); give the path of a file.", full,
                "Give the path of a regular file; for every file in a folder, pipe Get-ChildItem <folder> -Filter *.jsonl to the command.");
    }
}
