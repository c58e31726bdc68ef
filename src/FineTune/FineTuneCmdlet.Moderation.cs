using FineTune.Engine.Moderation;
using FineTune.Engine.Providers;
using FineTune.Engine.Workflow;

namespace FineTune
{
    public abstract partial class FineTuneCmdlet
    {
        /// <summary>
        /// Screens a file with the session's service (<see cref="Screening.ScreenAsync"/>), with progress and warnings on
        /// this cmdlet's streams. A service failure ends the command (terminating error <c>FineTune.Moderate.*</c>); a
        /// missing file, an existing -OutFile without -Force or a journal that cannot be written is a non-terminating
        /// error naming the file, and the result is null.
        /// </summary>
        internal ModerationReport? ScreenModeration(ModerationOptions options)
        {
            IFineTuneProvider service = Service;
            return TryRun(ct => Screening.ScreenAsync(service, options, Feedback, ct), options.Path, out ModerationReport report, Screening.EndsCommand) ? report : null;
        }
    }
}
