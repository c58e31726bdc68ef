using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine.IO;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Splits a training file into training and validation files by a seeded shuffle.</para>
    /// <para type="description">Shuffles the non-empty lines (Fisher–Yates, seeded) and writes the first -ValidationCount (or round(examples × -ValidationFraction), default 0.2, at least 1) to the validation file and the rest to the training file. Every line is copied byte for byte: no example is lost, changed or duplicated. The same -Seed gives the same split; without one a seed is drawn and written to the verbose and information streams. Both files change together or neither does: they are written to temporary files and renamed only when both are complete; a split stopped during the renames (Ctrl+C, a killed process) is finished by the next split of the same files, which also deletes temporary files a stopped split left, with a warning for each. Existing files are only replaced with -Force; a folder given as an output is an error. Default names: NAME.train.jsonl and NAME.validation.jsonl beside the input. Outputs two dataset objects, training first.</para>
    /// </summary>
    /// <example>
    /// <code>Split-FineTuneDataset -Path all.jsonl -ValidationFraction 0.1 -Seed 42</code>
    /// <para>Writes all.train.jsonl (90%) and all.validation.jsonl (10%); the same seed gives the same files.</para>
    /// </example>
    /// <example>
    /// <code>Import-Csv faq.csv | New-FineTuneDataset -Path faq.jsonl | Split-FineTuneDataset -ValidationCount 20 -Force</code>
    /// <para>Builds a file and splits off 20 validation examples.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Split, "FineTuneDataset", SupportsShouldProcess = true, DefaultParameterSetName = FractionSet)]
    [OutputType(typeof(FineTuneDataset))]
    public sealed class SplitFineTuneDatasetCommand : FineTuneCmdlet
    {
        private const string FractionSet = "Fraction";
        private const string CountSet = "Count";

        /// <summary>The JSON Lines file to split (wildcards matching one file, any PowerShell path); binds the Path of a dataset object from the pipeline. Give it or -LiteralPath.</summary>
        [Parameter(Position = 0, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string? Path { get; set; }

        /// <summary>The file to split, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName")]
        public string? LiteralPath { get; set; }

        /// <summary>Share of the examples for validation, greater than 0 and less than 1 (default 0.2).</summary>
        [Parameter(ParameterSetName = FractionSet)]
        [ValidateRange(0.0, 1.0)]
        public double ValidationFraction { get; set; } = 0.2;

        /// <summary>Number of examples for validation (1 to examples − 1).</summary>
        [Parameter(ParameterSetName = CountSet, Mandatory = true)]
        [ValidateRange(1, int.MaxValue)]
        public int ValidationCount { get; set; }

        /// <summary>The shuffle's seed; the same seed and file give the same split.</summary>
        [Parameter]
        public int? Seed { get; set; }

        /// <summary>The training file to write (default NAME.train.jsonl beside the input).</summary>
        [Parameter]
        public string? TrainingPath { get; set; }

        /// <summary>The validation file to write (default NAME.validation.jsonl beside the input).</summary>
        [Parameter]
        public string? ValidationPath { get; set; }

        /// <summary>The format stamped on the output objects (binds the Format of a dataset object; default Chat). Lines are copied, not parsed.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateSet("Chat", "Preference", "Completion", IgnoreCase = true)]
        public string Format { get; set; } = "Chat";

        /// <summary>Replaces existing output files.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if ((Path == null) == (LiteralPath == null)) Fail(Failure("InvalidArgument", ErrorKind.InvalidRequest, "Give the file to split with -Path or -LiteralPath (one of them)."));
            string? source = Path != null ? InputFile(Path, false, nameof(Path)) : InputFile(LiteralPath!, true, nameof(LiteralPath));
            if (source == null) return;
            (string train, string valid) = DatasetSplitter.DefaultPaths(source);
            if (TrainingPath != null) train = FileSystemPath(TrainingPath, nameof(TrainingPath));
            if (ValidationPath != null) valid = FileSystemPath(ValidationPath, nameof(ValidationPath));
            if (!ShouldProcess(source, $"Split into {train} and {valid}")) return;
            try
            {
                DatasetSplit split = DatasetSplitter.Split(
                    source, train, valid, ValidationFraction, ParameterSetName == CountSet ? ValidationCount : (int?)null, Seed,
                    DatasetCommandHelper.ParseFormat(Format), Force ? DatasetWriteMode.Replace : DatasetWriteMode.New, CancellationToken);
                foreach (string note in split.Recovered) WriteWarning(note);
                string message = $"Split {source}: {split.Training.ExampleCount} training, {split.Validation.ExampleCount} validation examples (seed {split.Seed}).";
                WriteVerbose(message);
                WriteInformation(message, new[] { "FineTune" });
                WriteObject(split.Training);
                WriteObject(split.Validation);
            }
            catch (ArgumentException ex)
            {
                Report(Failure("InvalidSplit", ErrorKind.InvalidRequest, ErrorMapper.WithoutParameterName(ex), source, "Give a -ValidationFraction or -ValidationCount that leaves examples on both sides.", ex));
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                Report(ex, source);
            }
            catch (OperationCanceledException) when (CancellationToken.IsCancellationRequested)
            {
                throw new PipelineStoppedException();
            }
        }
    }
}
