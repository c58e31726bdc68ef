using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine.Moderation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Workflow
{
    /// <summary>The moderation rule of every command that screens (Test-FineTuneModeration, and -Moderate before an upload).</summary>
    public static class Screening
    {
        /// <summary>
        /// Screens a file through <paramref name="provider"/>'s moderation (<see cref="ModerationScreener"/>). A problem with
        /// a local file is a <see cref="FineTuneServiceException"/> of operation Moderate too: FileExists (an -OutFile
        /// without Force), FileNotFound, InvalidFile, InvalidArgument, IOFailed (a journal or copy that cannot be written).
        /// </summary>
        public static async Task<ModerationReport> ScreenAsync(IFineTuneProvider provider, ModerationOptions options, IFeedback feedback, CancellationToken cancellationToken)
        {
            try
            {
                return await ModerationScreener.ScreenAsync((inputs, ct) => provider.ModerateAsync(inputs, options.Model, ct), options, feedback, cancellationToken).ConfigureAwait(false);
            }
            catch (DatasetFileExistsException ex)
            {
                throw new FineTuneException("Moderate", ErrorKind.Conflict, "FileExists", ex.Message, inner: ex) { Target = ex.Path, Advice = "Use -Force to replace the clean copy, or give another -OutFile." };
            }
            catch (FileNotFoundException ex)
            {
                throw new FineTuneException("Moderate", ErrorKind.NotFound, "FileNotFound", ex.Message, inner: ex) { Target = options.Path };
            }
            catch (InvalidDataException ex)
            {
                throw new FineTuneException("Moderate", ErrorKind.InvalidData, "InvalidFile", ex.Message, inner: ex) { Target = options.Path };
            }
            catch (ArgumentException ex)
            {
                throw new FineTuneException("Moderate", ErrorKind.InvalidRequest, "InvalidArgument", ex.Message, inner: ex) { Target = options.Path };
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                throw new FineTuneException("Moderate", ErrorKind.FileSystem, "IOFailed", ex.Message, inner: ex) { Target = options.Path };
            }
        }

        /// <summary>
        /// Whether a failure met while screening ends the whole command: the moderation service's failures do; a problem
        /// with one file (flagged examples, a file that is missing, unreadable or exists) concerns that file only.
        /// </summary>
        public static bool EndsCommand(FineTuneException ex) =>
            ex.Operation == "Moderate" && !(ex.Reason is "Flagged" or "FileExists" or "FileNotFound" or "InvalidFile" or "InvalidArgument" or "IOFailed");

        /// <summary>
        /// The -Moderate step before an upload: screens <paramref name="path"/> (resume journal beside it), warns once per
        /// flagged example and returns when the upload may go on: nothing flagged, or <paramref name="force"/> (with a
        /// warning). Otherwise throws <see cref="FineTuneServiceException"/> Moderate.Flagged (InvalidData) naming the
        /// lines: nothing may be uploaded.
        /// </summary>
        public static async Task ScreenBeforeUploadAsync(IFineTuneProvider provider, string path, bool force, IFeedback feedback, CancellationToken cancellationToken)
        {
            ModerationReport report = await ScreenAsync(provider, new ModerationOptions { Path = path }, feedback, cancellationToken).ConfigureAwait(false);
            foreach (ModerationFinding f in report.Findings)
            {
                feedback.Warning($"{f.Path} line {f.Line}: flagged by moderation ({string.Join(", ", f.Categories)}) in {f.Role} {f.Source}: {f.Excerpt}");
            }

            ModerationSummary summary = report.Summary;
            feedback.Verbose($"Moderation: {summary.Examples} examples, {summary.Flagged} flagged ({summary.Screened} screened now, {summary.Resumed} from {summary.ResumeFile}). {ModerationSummary.Disclaimer}");
            if (summary.Flagged == 0) return;
            string lines = string.Join(", ", report.Findings.Take(20).Select(f => f.Line)) + (report.Findings.Count > 20 ? ", ..." : string.Empty);
            if (force)
            {
                feedback.Warning($"{summary.Flagged} of {summary.Examples} examples in {summary.Path} were flagged by moderation (lines {lines}); going on because of -Force. The service may fail the job.");
                return;
            }

            throw new FineTuneException("Moderate", ErrorKind.InvalidData, "Flagged",
                $"{summary.Flagged} of {summary.Examples} examples in {summary.Path} were flagged by moderation (lines {lines}); nothing was uploaded.")
            {
                Target = summary.Path,
                Advice = "Review them with Test-FineTuneModeration, write a clean copy with its -OutFile and upload that, or pass -Force to upload anyway.",
            };
        }
    }
}
