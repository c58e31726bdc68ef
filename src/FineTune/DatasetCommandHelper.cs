using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Datasets;

namespace FineTune
{
    /// <summary>What Test- and Measure-FineTuneDataset share: path resolution, option parsing and the mapping of an unreadable file to an error record.</summary>
    internal static class DatasetCommandHelper
    {
        /// <summary>
        /// Runs <paramref name="work"/> on the file system path of <paramref name="path"/>. A missing or unreadable
        /// file becomes a non-terminating error (ErrorId FineTune.{operation}.FileNotFound / FileUnreadable) and
        /// returns false; an unknown model ends the command (FineTune.{operation}.UnknownModel); Ctrl+C stops.
        /// </summary>
        internal static bool TryOnFile(PSCmdlet cmdlet, string operation, string path, Action<string> work)
        {
            string full = cmdlet.SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);
            try
            {
                work(full);
                return true;
            }
            catch (FileNotFoundException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".FileNotFound", ErrorCategory.ObjectNotFound, full, "Check the path; Test-Path shows whether the file exists."));
            }
            catch (DirectoryNotFoundException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".FileNotFound", ErrorCategory.ObjectNotFound, full, "Check the path; Test-Path shows whether the file exists."));
            }
            catch (Engine.IO.NotAFileException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".NotAFile", ErrorCategory.InvalidArgument, full, "Give the path of a regular file."));
            }
            catch (UnauthorizedAccessException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".FileUnreadable", ErrorCategory.PermissionDenied, full, "Give your account read access to the file."));
            }
            catch (InvalidDataException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".NotJsonLines", ErrorCategory.InvalidData, full, "Run Test-FineTuneDataset on the file for the finding and its fix."));
            }
            catch (IOException ex)
            {
                cmdlet.WriteError(Record(ex, operation + ".FileUnreadable", ErrorCategory.ReadError, full, "Close programs that lock the file and try again."));
            }
            catch (ArgumentException ex) when (ex.ParamName == "model" || ex.ParamName == "encoding")
            {
                cmdlet.ThrowTerminatingError(new ErrorRecord(ex, "FineTune." + operation + ".UnknownModel", ErrorCategory.InvalidArgument, null)
                {
                    ErrorDetails = new ErrorDetails(WithoutParameterName(ex)) { RecommendedAction = "Pass a model such as gpt-4o-mini-2024-07-18, gpt-4.1-2025-04-14 or gpt-3.5-turbo." },
                });
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            return false;
        }

        internal static DatasetFormat ParseFormat(string value) => (DatasetFormat)Enum.Parse(typeof(DatasetFormat), value, ignoreCase: true);

        internal static DatasetTarget ParseTarget(string value) => (DatasetTarget)Enum.Parse(typeof(DatasetTarget), value, ignoreCase: true);

        /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'model')" that .NET appends: the user typed -Model, not a parameter of ours.</summary>
        internal static string WithoutParameterName(ArgumentException ex) =>
            ex.ParamName == null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty);

        private static ErrorRecord Record(Exception ex, string id, ErrorCategory category, object? target, string advice) =>
            new ErrorRecord(ex, "FineTune." + id, category, target) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = advice } };
    }
}
