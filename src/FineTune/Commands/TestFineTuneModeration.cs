using System.Management.Automation;
using FineTune.Engine.Moderation;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Screens every example of a training file with the moderation endpoint, before it is uploaded.</para>
    /// <para type="description">The service runs every training file through moderation and fails the whole job, after the upload and after the job started, when too many examples are flagged. Test-FineTuneModeration finds those examples first. It sends the text of every example (all message contents including text parts, tool results, tool-call arguments, the input messages and both outputs of a preference pair, legacy prompt and completion) to POST /moderations as array input: at most 32 texts and 32,000 characters a request, texts over 8,000 characters cut in pieces, -ThrottleLimit requests in flight (default 4). Rate limits (429) are waited out as Retry-After says (capped by Connect-FineTune -MaxRetryDelaySec), with at least 8 retries a request; insufficient_quota stops at once. It writes one ModerationFinding per flagged example (line, categories, top scores, the role, place and start of the flagged message), then a ModerationSummary (examples, flagged, flagged by category, requests, examples per second). Progress shows examples per second.</para>
    /// <para type="description">Resume: every verdict is written to a journal (-ResumeFile; default OUTFILE.moderation-journal.jsonl, or PATH.moderation-journal.jsonl without -OutFile), one line per example keyed by a SHA-256 hash of the model and the line's text. Run the same command again after an interruption (Ctrl+C, a lost connection, a quota error) and only the examples not yet in the journal are sent; an edited line has a new hash and is screened again. Delete the journal to screen everything anew.</para>
    /// <para type="description">-OutFile writes a clean copy without the flagged examples, atomically (temporary file, then rename); every other line is copied byte for byte, and the original file is never written. An existing -OutFile is only replaced with -Force.</para>
    /// <para type="description">Passing this screen does not guarantee that the service will accept the file: it runs its own checks, with its own models and thresholds, after the upload.</para>
    /// </summary>
    /// <example>
    /// <code>Test-FineTuneModeration -Path train.jsonl -OutFile train.clean.jsonl</code>
    /// <para>Lists the flagged examples and a summary, and writes train.clean.jsonl without them.</para>
    /// </example>
    /// <example>
    /// <code>$r = Test-FineTuneModeration train.jsonl; $r | Where-Object Line | Format-List Line, Categories, Role, Excerpt</code>
    /// <para>Keeps the findings for review; run it again after Ctrl+C and it carries on where it stopped.</para>
    /// </example>
    /// <example>
    /// <code>Get-ChildItem data/*.jsonl | Test-FineTuneModeration -ThrottleLimit 2 | Where-Object Line</code>
    /// <para>Screens every file in data (bound by FullName) with two requests in flight and keeps only the findings; each file gets its own journal beside it.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuneModeration", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(ModerationFinding), typeof(ModerationSummary))]
    public sealed class TestFineTuneModerationCommand : ServiceCmdlet
    {
        /// <summary>The JSON Lines training file(s) to screen (never written): wildcards and any PowerShell path; binds the Path of a pipeline object.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string Path { get; set; } = "";

        /// <summary>The training file to screen, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string LiteralPath { get; set; } = "";

        /// <summary>Where to write a clean copy without the flagged examples (every other line byte for byte; written atomically).</summary>
        [Parameter]
        public string? OutFile { get; set; }

        /// <summary>Replaces an existing -OutFile.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>The moderation model (default omni-moderation-latest).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string Model { get; set; } = "omni-moderation-latest";

        /// <summary>Moderation requests in flight at once, 1 to 16 (default 4). Lower it when the service answers 429 often.</summary>
        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>The resume journal (JSONL, one verdict per example keyed by a hash of model and line). Default: OUTFILE.moderation-journal.jsonl, or PATH.moderation-journal.jsonl.</summary>
        [Parameter]
        public string? ResumeFile { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            bool literal = ParameterSetName == LiteralPathSet;
            if (OutFile != null || ResumeFile != null)
            {
                // one -OutFile or -ResumeFile holds one file's screen: a pattern must match one file (else FineTune.AmbiguousPath)
                string? path = InputFile(literal ? LiteralPath : Path, literal, ParameterSetName);
                if (path != null) Screen(path);
                return;
            }

            foreach (string path in InputFiles(new[] { literal ? LiteralPath : Path }, literal)) Screen(path);
        }

        private void Screen(string path)
        {
            var options = new ModerationOptions
            {
                Path = path,
                OutFile = OutFile == null ? null : FileSystemPath(OutFile, nameof(OutFile)),
                ResumeFile = ResumeFile == null ? null : FileSystemPath(ResumeFile, nameof(ResumeFile)),
                Force = Force,
                Model = Model,
                ThrottleLimit = ThrottleLimit,
            };
            ModerationReport? report = ScreenModeration(options);
            if (report == null) return;
            foreach (ModerationFinding finding in report.Findings) WriteObject(finding);
            WriteObject(report.Summary);
        }
    }
}
