using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine.Moderation;
using FineTune.Engine.Service;

namespace FineTune
{
    public abstract partial class FineTuneCmdlet
    {
        /// <summary>
        /// The one moderation helper of every cmdlet that screens (Test-FineTuneModeration, and -Moderate on
        /// the upload and job cmdlets): runs <see cref="ModerationScreener"/> against the session's service,
        /// with progress and warnings on this cmdlet's streams. A service failure ends the command
        /// (terminating error <c>FineTune.Moderate.*</c>); a missing file, an existing -OutFile without -Force or
        /// a journal that cannot be written is a non-terminating error naming the file, and the result is null.
        /// </summary>
        internal ModerationReport? ScreenModeration(ModerationOptions options)
        {
            FineTuneService service = Service;
            try
            {
                return Run(ct => ModerationScreener.ScreenAsync(service, options, Feedback, ct));
            }
            catch (DatasetFileExistsException ex)
            {
                var record = new ErrorRecord(ex, "FineTune.Moderate.FileExists", ErrorCategory.ResourceExists, ex.Path);
                record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Use -Force to replace the clean copy, or give another -OutFile." };
                WriteError(record);
            }
            catch (InvalidDataException ex)
            {
                WriteError(new ErrorRecord(ex, "FineTune.Moderate.InvalidFile", ErrorCategory.InvalidData, options.Path));
            }
            catch (FileNotFoundException ex)
            {
                WriteError(new ErrorRecord(ex, "FineTune.Moderate.FileNotFound", ErrorCategory.ObjectNotFound, options.Path));
            }
            catch (ArgumentException ex)
            {
                WriteError(new ErrorRecord(ex, "FineTune.Moderate.InvalidArgument", ErrorCategory.InvalidArgument, options.Path));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                WriteError(new ErrorRecord(ex, "FineTune.Moderate.IOFailed", ErrorCategory.WriteError, options.Path));
            }

            return null;
        }
    }
}
