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
        /// Runs <paramref name="work"/> on <paramref name="full"/> (a file <see cref="FineTuneCmdlet.InputFiles(string, bool, string, bool)"/> resolved). A missing or unreadable
        /// file becomes a non-terminating error (FineTune.FileNotFound, NotAFile, AccessDenied, IOFailed, InvalidData:
        /// <see cref="ErrorMapper"/>) and returns false; an unknown model ends the command (FineTune.UnknownModel); Ctrl+C stops.
        /// </summary>
        internal static bool TryOnFile(FineTuneCmdlet cmdlet, string full, Action<string> work)
        {
            try
            {
                work(full);
                return true;
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is InvalidDataException)
            {
                cmdlet.Report(ex, full);
            }
            catch (ArgumentException ex) when (ex.ParamName == "model" || ex.ParamName == "encoding")
            {
                cmdlet.Fail(ex);
            }
            catch (OperationCanceledException)
            {
                throw new PipelineStoppedException();
            }

            return false;
        }

        internal static DatasetFormat ParseFormat(string value) => (DatasetFormat)Enum.Parse(typeof(DatasetFormat), value, ignoreCase: true);

        internal static DatasetTarget ParseTarget(string value) => (DatasetTarget)Enum.Parse(typeof(DatasetTarget), value, ignoreCase: true);
    }
}
