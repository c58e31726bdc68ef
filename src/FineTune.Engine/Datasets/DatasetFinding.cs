namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// One problem in a training file, as <see cref="DatasetChecker"/> finds it: where (file, 1-based line,
    /// 0-based example index; both null for a finding about the whole file), which rule, how bad, what and
    /// how to fix it.
    /// </summary>
    public sealed class DatasetFinding
    {
        /// <summary>Creates a finding.</summary>
        public DatasetFinding(string path, long? line, long? exampleIndex, string ruleId, FindingSeverity severity, string message, string hint)
        {
            Path = path;
            Line = line;
            ExampleIndex = exampleIndex;
            RuleId = ruleId;
            Severity = severity;
            Message = message;
            Hint = hint;
        }

        /// <summary>The file's full path.</summary>
        public string Path { get; }

        /// <summary>The 1-based line number, or null for the whole file.</summary>
        public long? Line { get; }

        /// <summary>The 0-based index of the example (non-blank line) in the file, or null.</summary>
        public long? ExampleIndex { get; }

        /// <summary>The rule's id (docs/RULES.md).</summary>
        public string RuleId { get; }

        /// <summary>Error (the service rejects it), Warning or Info.</summary>
        public FindingSeverity Severity { get; }

        /// <summary>What is wrong, naming the field.</summary>
        public string Message { get; }

        /// <summary>How to fix it.</summary>
        public string Hint { get; }

        /// <inheritdoc/>
        public override string ToString() => $"{Path}:{Line} {RuleId} {Severity}: {Message}";
    }

    /// <summary>
    /// What <c>Test-FineTuneDataset</c> ends with: the format found, counts of examples and findings, the
    /// file size and, when a model was given, the tokens of all examples. <see cref="Valid"/> is true when
    /// no finding is an Error.
    /// </summary>
    public sealed class DatasetReport
    {
        /// <summary>The file's full path.</summary>
        public string Path { get; internal set; } = string.Empty;

        /// <summary>The format given or detected (Unknown when no line matched one).</summary>
        public DatasetFormat Format { get; internal set; }

        /// <summary>The service the file was checked for.</summary>
        public DatasetTarget Target { get; internal set; }

        /// <summary>Examples: non-blank lines.</summary>
        public long Examples { get; internal set; }

        /// <summary>Findings of severity Error.</summary>
        public long Errors { get; internal set; }

        /// <summary>Findings of severity Warning.</summary>
        public long Warnings { get; internal set; }

        /// <summary>Findings of severity Info.</summary>
        public long Infos { get; internal set; }

        /// <summary>Tokens of all counted examples with the model's encoding, or null without a model.</summary>
        public long? Tokens { get; internal set; }

        /// <summary>
        /// With a model: the token distribution Measure-FineTuneDataset gives for the same file and model, counted in
        /// the same pass as the findings (examples that could not be read are not counted); null without a model.
        /// </summary>
        public DatasetMeasurement? Measurement { get; internal set; }

        /// <summary>The model the tokens were counted for, or null.</summary>
        public string? Model { get; internal set; }

        /// <summary>The file's size in bytes.</summary>
        public long Bytes { get; internal set; }

        /// <summary>True when there is no Error finding.</summary>
        public bool Valid => Errors == 0;
    }
}
