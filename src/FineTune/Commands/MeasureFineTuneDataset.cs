using System.Management.Automation;
using FineTune.Engine.Datasets;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Counts the tokens of every example in a training file for a model: distribution, examples over the limit, billed tokens.</para>
    /// <para type="description">Streams the file and counts each example with the model's encoding (o200k_base or cl100k_base; message overhead and tool definitions counted). Returns Examples, CountedExamples, TotalTokens, AssistantTokens, MinTokens, MeanTokens, MedianTokens, P95Tokens, MaxTokens, the model's TokenLimit per example, ExamplesOverLimit and BilledTokensPerEpoch (each example capped at the limit, as the service bills). Lines that are not valid examples are not counted (Test-FineTuneDataset says why). -PerExample also writes the count of each example first.</para>
    /// </summary>
    /// <example>
    ///   <code>Measure-FineTuneDataset -Path train.jsonl -Model gpt-4.1-mini-2025-04-14</code>
    ///   <para>The token distribution of train.jsonl for gpt-4.1-mini.</para>
    /// </example>
    /// <example>
    ///   <code>Measure-FineTuneDataset train.jsonl -Model gpt-4o-mini-2024-07-18 -PerExample | Where-Object OverLimit</code>
    ///   <para>The examples that are too long for the model.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Measure, "FineTuneDataset", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(DatasetMeasurement), typeof(ExampleTokenCount))]
    public sealed class MeasureFineTuneDatasetCommand : FineTuneCmdlet
    {
        /// <summary>The training file(s): wildcards and any PowerShell path (relative to the current location, a PSDrive); binds the Path of a dataset object from the pipeline.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string[] Path { get; set; } = new string[0];

        /// <summary>The training file(s), taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string[] LiteralPath { get; set; } = new string[0];

        /// <summary>The model whose encoding and per-example token limit apply (fine-tuned ft:... names map by their base model).</summary>
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string Model { get; set; } = string.Empty;

        /// <summary>The format to expect: Auto (default), Chat, Preference or Completion.</summary>
        [Parameter]
        [ValidateSet("Auto", "Chat", "Preference", "Completion")]
        public string Format { get; set; } = "Auto";

        /// <summary>Also writes one ExampleTokenCount (Line, ExampleIndex, Tokens, AssistantTokens, OverLimit) per example, before the summary.</summary>
        [Parameter]
        public SwitchParameter PerExample { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            DatasetFormat format = DatasetCommandHelper.ParseFormat(Format);
            foreach (string path in InputFiles(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
            {
                DatasetCommandHelper.TryOnFile(this, path, full =>
                    WriteObject(DatasetChecker.Measure(full, Model, format, PerExample ? e => WriteObject(e) : null, Feedback, CancellationToken)));
            }
        }
    }
}
