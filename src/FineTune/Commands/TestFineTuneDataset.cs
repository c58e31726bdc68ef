using System.Management.Automation;
using FineTune.Engine.Datasets;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Checks a JSONL training file against the service's rules and the known traps, one finding per problem.</para>
    /// <para type="description">Streams the file (memory does not grow with its size, except about 16 bytes per distinct example for the duplicate rule: 16 MB per million examples) and writes one finding per problem (Path, Line, ExampleIndex, RuleId, Severity Error/Warning/Info, Message, Hint), then a summary (Format, Examples, Errors, Warnings, Infos, Tokens with -Model, Bytes, Valid; with -Model also Measurement, the token distribution Measure-FineTuneDataset gives, counted in the same read: when you want both the findings and the measurement, this one command reads and counts the file once, and each text the file repeats, such as a system message or the tool definitions, is counted on its first two sightings only, then taken from a cache of the texts that repeat). The rules cover encoding (BOM, UTF-16, invalid UTF-8), framing (JSON array, blank lines, CRLF, invalid JSON lines: the other lines are still checked), the structure of chat, preference (DPO) and prompt/completion examples (roles, content parts, tool calls paired with tool messages, tools, weight, name), the limits (at least 10 examples, tokens per example for -Model, 512 MB), an assistant message to learn from, special tokens, duplicates and an inconsistent system message. Every rule id (FTnnn) is listed in docs/RULES.md. Problems in the data are findings; only a file that cannot be read is an error record. A file is valid when no finding is an Error.</para>
    /// </summary>
    /// <example>
    ///   <code>Test-FineTuneDataset -Path train.jsonl -Model gpt-4o-mini-2024-07-18</code>
    ///   <para>Writes each finding, then the summary with the tokens of all examples for gpt-4o-mini.</para>
    /// </example>
    /// <example>
    ///   <code>if (-not (Test-FineTuneDataset train.jsonl -Quiet)) { throw 'train.jsonl would be rejected' }</code>
    ///   <para>Returns only $true or $false, for scripts and runbooks.</para>
    /// </example>
    /// <example>
    ///   <code>Get-ChildItem *.jsonl | Test-FineTuneDataset -Target Azure | Where-Object Severity -eq Error</code>
    ///   <para>Checks every file for Azure OpenAI (a UTF-8 BOM is accepted there) and keeps only the errors.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuneDataset", DefaultParameterSetName = PathSet)]
    [OutputType(typeof(DatasetFinding), typeof(DatasetReport), typeof(bool))]
    public sealed class TestFineTuneDatasetCommand : FineTuneCmdlet
    {
        /// <summary>The training file(s): wildcards and any PowerShell path (relative to the current location, a PSDrive); binds the Path of a dataset object (New-FineTuneDataset) from the pipeline.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true, ParameterSetName = PathSet)]
        [SupportsWildcards]
        public string[] Path { get; set; } = new string[0];

        /// <summary>The training file(s), taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string[] LiteralPath { get; set; } = new string[0];

        /// <summary>A model (e.g. gpt-4o-mini-2024-07-18, or a fine-tuned ft:... name): counts tokens with its encoding and checks each example against its per-example limit.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>The format to expect: Auto (default, from the first valid line), Chat, Preference or Completion.</summary>
        [Parameter]
        [ValidateSet("Auto", "Chat", "Preference", "Completion")]
        public string Format { get; set; } = "Auto";

        /// <summary>The service the file is for: OpenAI or Azure (Azure accepts a UTF-8 BOM and the legacy function role). Default: Azure when the session's connection (Connect-FineTune, Get-FineTuneContext) is to Azure, else OpenAI.</summary>
        [Parameter]
        [ValidateSet("OpenAI", "Azure")]
        public string? Target { get; set; }

        /// <summary>Writes only $true (no Error finding) or $false per file.</summary>
        [Parameter]
        public SwitchParameter Quiet { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var options = new DatasetCheckOptions { Model = Model, Format = DatasetCommandHelper.ParseFormat(Format), Target = DatasetCommandHelper.ParseTarget(Target ?? ProviderName) };
            foreach (string path in InputFiles(ParameterSetName == LiteralPathSet ? LiteralPath : Path, ParameterSetName == LiteralPathSet))
            {
                DatasetCommandHelper.TryOnFile(this, path, full =>
                {
                    DatasetReport report = DatasetChecker.Test(full, options, Quiet ? null : f => WriteObject(f), Feedback, CancellationToken);
                    WriteObject(Quiet ? (object)report.Valid : report);
                });
            }
        }
    }
}
