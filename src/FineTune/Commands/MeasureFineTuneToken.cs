using System;
using System.Management.Automation;
using FineTune.Engine.Tokens;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Counts the tokens of plain text with a model's encoding, exactly as OpenAI's tiktoken does.</para>
    /// <para type="description">Takes strings from -Text or the pipeline and writes one object per string: a preview of the text, the model and encoding, Tokens, Characters, Approximate and, with -Ids, the token ids. The encoding comes from -Model (fine-tuned names such as ft:gpt-4.1-mini-2025-04-14:org::id map by their base model: o200k_base for gpt-4o, gpt-4.1, o-series and gpt-5; cl100k_base for gpt-3.5-turbo, gpt-4, babbage-002 and davinci-002) or from -Encoding. Special-token strings such as &lt;|endoftext|&gt; are counted as plain text (ordinary encoding). Counts equal tiktoken's; only a run of more than 4,096 characters without a break (no space, digit or punctuation) is counted in windows and marked Approximate. For chat examples with their message overhead use Measure-FineTuneDataset.</para>
    /// </summary>
    /// <example>
    ///   <code>Measure-FineTuneToken -Text 'hello world' -Model gpt-4o-mini -Ids</code>
    ///   <para>Two tokens, ids 24912 and 2375 (o200k_base).</para>
    /// </example>
    /// <example>
    ///   <code>Get-Content prompts.txt | Measure-FineTuneToken -Encoding cl100k_base | Measure-Object Tokens -Sum</code>
    ///   <para>Tokens of every line of a file, and their sum, in the encoding of gpt-3.5-turbo.</para>
    /// </example>
    [Cmdlet(VerbsDiagnostic.Measure, "FineTuneToken", DefaultParameterSetName = ModelSet)]
    [OutputType(typeof(TokenMeasurement))]
    public sealed class MeasureFineTuneTokenCommand : FineTuneCmdlet
    {
        private const string ModelSet = "Model";
        private const string EncodingSet = "Encoding";
        private TokenEncoder? encoder;

        /// <summary>The text to count; one result per string. Binds strings from the pipeline and a Text property of pipeline objects.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [AllowEmptyString]
        [AllowNull]
        public string[] Text { get; set; } = new string[0];

        /// <summary>The model whose encoding counts (gpt-4o-mini, gpt-4.1-2025-04-14, ft:..., gpt-3.5-turbo).</summary>
        [Parameter(ParameterSetName = ModelSet, Mandatory = true, Position = 1)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string Model { get; set; } = string.Empty;

        /// <summary>The encoding to count with instead of a model's: o200k_base or cl100k_base.</summary>
        [Parameter(ParameterSetName = EncodingSet, Mandatory = true)]
        [ValidateSet(TokenEncoder.O200kBase, TokenEncoder.Cl100kBase)]
        public string Encoding { get; set; } = string.Empty;

        /// <summary>Adds the token ids (Ids property) to each result.</summary>
        [Parameter]
        public SwitchParameter Ids { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            try
            {
                encoder = ParameterSetName == EncodingSet ? TokenEncoder.ForEncoding(Encoding) : TokenEncoder.ForModel(Model);
            }
            catch (ArgumentException ex)
            {
                Fail(ex, ParameterSetName == EncodingSet ? Encoding : Model);
            }
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            foreach (string text in Text ?? new string[] { null! })
            {
                WriteObject(TokenMeasurement.Of(text, encoder!, ParameterSetName == ModelSet ? Model : null, Ids.IsPresent));
            }
        }
    }
}
