using System;
using System.IO;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine.Moderation;
using FineTune.Engine.Providers;

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
            IFineTuneProvider service = Service;
            try
            {
                return Run(ct => ModerationScreener.ScreenAsync((inputs, c) => service.ModerateAsync(inputs, options.Model, c), options, Feedback, ct));
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

        /// <summary>
        /// The -Moderate step of the cmdlets that upload (Add-FineTuneFile, Start-FineTuneJob): screens
        /// <paramref name="path"/> (resume journal beside it, see Test-FineTuneModeration), writes one warning per
        /// flagged example, and returns true when the upload may go on: nothing flagged, or <paramref name="force"/>.
        /// When something is flagged and not forced it writes the error <c>FineTune.Moderate.Flagged</c>
        /// (InvalidData) naming the lines, and returns false: nothing may be uploaded.
        /// </summary>
        internal bool ScreenBeforeUpload(string path, bool force)
        {
            ModerationReport? report = ScreenModeration(new ModerationOptions { Path = path });
            if (report == null) return false;
            foreach (ModerationFinding f in report.Findings)
            {
                WriteWarning($"{f.Path} line {f.Line}: flagged by moderation ({string.Join(", ", f.Categories)}) in {f.Role} {f.Source}: {f.Excerpt}");
            }

            ModerationSummary summary = report.Summary;
            WriteVerbose($"Moderation: {summary.Examples} examples, {summary.Flagged} flagged ({summary.Screened} screened now, {summary.Resumed} from {summary.ResumeFile}). {ModerationSummary.Disclaimer}");
            if (summary.Flagged == 0) return true;
            string lines = string.Join(", ", report.Findings.Take(20).Select(f => f.Line)) + (report.Findings.Count > 20 ? ", ..." : string.Empty);
            if (force)
            {
                WriteWarning($"{summary.Flagged} of {summary.Examples} examples in {summary.Path} were flagged by moderation (lines {lines}); going on because of -Force. The service may fail the job.");
                return true;
            }

            var ex = new InvalidDataException($"{summary.Flagged} of {summary.Examples} examples in {summary.Path} were flagged by moderation (lines {lines}); nothing was uploaded.");
            var record = new ErrorRecord(ex, "FineTune.Moderate.Flagged", ErrorCategory.InvalidData, summary.Path);
            record.ErrorDetails = new ErrorDetails(ex.Message)
            {
                RecommendedAction = "Review them with Test-FineTuneModeration, write a clean copy with its -OutFile and upload that, or pass -Force to upload anyway.",
            };
            WriteError(record);
            return false;
        }
    }
}
