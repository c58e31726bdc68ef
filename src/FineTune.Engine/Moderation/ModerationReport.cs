using System.Collections.Generic;

namespace FineTune.Engine.Moderation
{
    /// <summary>
    /// One flagged training example: where it is (<see cref="Path"/>, 1-based <see cref="Line"/>, 0-based
    /// <see cref="ExampleIndex"/> among the non-blank lines), the categories the service flagged, the
    /// three highest category scores (0–1) and the message that was flagged (role, JSON path, short excerpt).
    /// </summary>
    public sealed class ModerationFinding
    {
        /// <summary>The full path of the screened file.</summary>
        public string Path { get; set; } = "";

        /// <summary>1-based line number.</summary>
        public long Line { get; set; }

        /// <summary>0-based position among the file's examples (non-blank lines).</summary>
        public int ExampleIndex { get; set; }

        /// <summary>The flagged categories of every flagged text of the example (service names, e.g. <c>violence</c>, <c>self-harm/intent</c>).</summary>
        public string[] Categories { get; set; } = new string[0];

        /// <summary>The three highest category scores (0–1) over the example's texts, highest first.</summary>
        public Dictionary<string, double> TopScores { get; set; } = new Dictionary<string, double>();

        /// <summary>The role of the flagged message with the highest score (user, assistant, system, tool; prompt or completion for legacy examples).</summary>
        public string Role { get; set; } = "";

        /// <summary>Where that text sits in the line, e.g. <c>messages[2].content</c>.</summary>
        public string Source { get; set; } = "";

        /// <summary>The start of the flagged text (at most 80 characters, white space collapsed).</summary>
        public string Excerpt { get; set; } = "";

        /// <summary>True when the verdict came from the resume journal (no request was sent for it in this run).</summary>
        public bool FromJournal { get; set; }
    }

    /// <summary>
    /// The totals of one screening: examples in the file, screened in this run, taken from the journal,
    /// skipped (not JSON), flagged (and by category), requests sent, seconds, examples per second, and the
    /// clean copy written. <see cref="Note"/> says that passing is no promise.
    /// </summary>
    public sealed class ModerationSummary
    {
        /// <summary>What passing this screen means, shown in every summary and in help.</summary>
        public const string Disclaimer = "Passing this screen does not guarantee that the service will accept the file: it runs its own checks, with its own models and thresholds, after the upload.";

        /// <summary>The full path of the screened file.</summary>
        public string Path { get; set; } = "";

        /// <summary>The moderation model.</summary>
        public string Model { get; set; } = "";

        /// <summary>Examples (non-blank lines) in the file.</summary>
        public int Examples { get; set; }

        /// <summary>Examples sent to the service in this run.</summary>
        public int Screened { get; set; }

        /// <summary>Examples whose verdict came from the resume journal (nothing sent).</summary>
        public int Resumed { get; set; }

        /// <summary>Lines that are not JSON objects and were not screened (Test-FineTuneDataset names the fault); the clean copy keeps them.</summary>
        public int Skipped { get; set; }

        /// <summary>Flagged examples (screened now or earlier).</summary>
        public int Flagged { get; set; }

        /// <summary>Flagged examples per category (an example may count in several), most first.</summary>
        public Dictionary<string, int> ByCategory { get; set; } = new Dictionary<string, int>();

        /// <summary><c>POST /moderations</c> requests this run sent (retries not counted).</summary>
        public int Requests { get; set; }

        /// <summary>Texts sent in those requests (an example has one text a message; long texts are cut in pieces).</summary>
        public int Inputs { get; set; }

        /// <summary>Wall-clock seconds of the run.</summary>
        public double Seconds { get; set; }

        /// <summary>Examples (screened or resumed) per second.</summary>
        public double ExamplesPerSecond { get; set; }

        /// <summary>The resume journal used, or null when none could be written.</summary>
        public string? ResumeFile { get; set; }

        /// <summary>The clean copy written (-OutFile), or null.</summary>
        public string? OutFile { get; set; }

        /// <summary>Examples in the clean copy.</summary>
        public int? CleanExamples { get; set; }

        /// <summary>The disclaimer (<see cref="Disclaimer"/>).</summary>
        public string Note { get; set; } = Disclaimer;
    }

    /// <summary>What <see cref="ModerationScreener"/> returns: the findings in line order and the summary.</summary>
    public sealed class ModerationReport
    {
        /// <summary>Creates the report.</summary>
        public ModerationReport(IReadOnlyList<ModerationFinding> findings, ModerationSummary summary)
        {
            Findings = findings;
            Summary = summary;
        }

        /// <summary>One finding per flagged example, in line order.</summary>
        public IReadOnlyList<ModerationFinding> Findings { get; }

        /// <summary>The totals.</summary>
        public ModerationSummary Summary { get; }
    }
}
