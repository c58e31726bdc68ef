using System.Collections.Generic;
using System.Threading;

namespace FineTune.Engine.Datasets
{
    /// <summary>A problem that keeps a training file from being uploaded (file, line and field, and how to fix it).</summary>
    public sealed class UploadProblem
    {
        /// <summary>The 1-based line, or 0 for the whole file.</summary>
        public int Line { get; set; }

        /// <summary>The dataset rule id (FT0xx, see Test-FineTuneDataset), or null.</summary>
        public string? Rule { get; set; }

        /// <summary>What is wrong and how to fix it.</summary>
        public string Message { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => (Line > 0 ? $"line {Line}" : "file") + (Rule != null ? $" ({Rule})" : string.Empty) + ": " + Message;
    }

    /// <summary>
    /// What Add-FineTuneFile and Start-FineTuneJob -Path run before an upload unless -SkipValidation: the errors of
    /// <see cref="DatasetChecker.Test"/> (the rules of Test-FineTuneDataset), with the file-size rule left out (a file
    /// above 512 MB goes through the Uploads API instead). Plain functions: no state, nothing to swap.
    /// </summary>
    public static class UploadChecks
    {
        /// <summary>The errors that would make the service (<paramref name="target"/>: OpenAI or Azure) reject <paramref name="path"/> (warnings are not returned).</summary>
        public static IReadOnlyList<UploadProblem> Check(string path, CancellationToken cancellationToken, DatasetTarget target = DatasetTarget.OpenAI)
        {
            var problems = new List<UploadProblem>();
            DatasetChecker.Test(path, new DatasetCheckOptions { Target = target }, f => Note(problems, f), null, cancellationToken);
            return problems;
        }

        /// <summary>
        /// The errors <see cref="Check"/> gives and, in the same read of the file, the tokens of its
        /// examples for <paramref name="model"/> (<paramref name="measurement"/>, as Measure-FineTuneDataset counts them;
        /// null when the file is not JSON Lines): what Start-FineTuneJob -Path needs before anything is sent. Throws
        /// as <see cref="DatasetChecker.Test"/> does.
        /// </summary>
        public static IReadOnlyList<UploadProblem> CheckAndMeasure(string path, string model, DatasetTarget target, CancellationToken cancellationToken, out DatasetMeasurement? measurement)
        {
            var problems = new List<UploadProblem>();
            DatasetReport report = DatasetChecker.Test(path, new DatasetCheckOptions { Target = target, Model = model }, f => Note(problems, f), null, cancellationToken);
            measurement = report.Measurement;
            return problems;
        }

        /// <summary>Adds <paramref name="finding"/> to <paramref name="problems"/> when it is an error the service would reject the file for.</summary>
        internal static void Note(List<UploadProblem> problems, DatasetFinding finding)
        {
            if (finding.Severity != FindingSeverity.Error || finding.RuleId == DatasetRules.FileTooLarge.Id) return;
            problems.Add(new UploadProblem { Line = (int)(finding.Line ?? 0), Rule = finding.RuleId, Message = $"{finding.Message} {finding.Hint}".Trim() });
        }
    }
}
