using System;
using System.Globalization;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Datasets;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Estimates what training a model costs: billed tokens × epochs × the price per 1M tokens.</para>
    /// <para type="description">Prices come from a catalog of dated, sourced rows built into the module (docs/PRICING.md), or from -PriceCatalog or the FINETUNE_PRICE_CATALOG environment variable (a JSON file of the same shape). -Epochs takes a number from 1 to 50 or Auto (the default), which works out the epochs from -Examples as the service does: 3, but fewer or more so that examples × epochs stays between 100 and 25,000. Validation tokens are free and only reported. The result carries the catalog's date and source and the model's shutdown date, and CanTrain is false with a warning once the model takes no new fine-tuning jobs; within 60 days of its last day of new jobs or of its shutdown, a warning gives both dates and the days left. Fine-tuned names (ft:...) and undated names (gpt-4o-mini) find the row of their base snapshot. TrainingTokens, Examples and Model also bind by property name from pipeline objects.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneCost -Model gpt-3.5-turbo -TrainingTokens 100000 -Epochs 3</code>
    ///   <para>300,000 trained tokens at $8.00 per 1M: EstimatedUsd 2.40, with a warning that gpt-3.5-turbo is retired for fine-tuning.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneCost -Model gpt-4o-mini -TrainingTokens 250000 -Examples 500 -ValidationTokens 20000</code>
    ///   <para>Auto epochs for 500 examples (3): 750,000 trained tokens at $3.00 per 1M, $2.25; the validation tokens cost nothing.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneCost -Model gpt-4o-mini-2024-07-18 -Provider Azure -TrainingTokens 1e6 -Epochs 3 -TrainingType GlobalStandard -HostingHours 720 -PriceCatalog ./azure-contract.json</code>
    ///   <para>Azure: training with the GlobalStandard discount of your catalog and a month (720 h) of hosting the deployment (HostingUsd); numbers marked unverified carry a warning.</para>
    /// </example>
    /// <example>
    ///   <code>Import-Csv faq.csv | New-FineTuneDataset -Path train.jsonl | Get-FineTuneCost -Model gpt-4o-mini-2024-07-18</code>
    ///   <para>Measures the new training file with the model's encoding (o200k_base) and prices it with auto epochs.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneCost -Model gpt-4.1-mini-2025-04-14 -TrainingTokens 1e6 -Epochs 2 -PriceCatalog ./our-prices.json -Provider Azure</code>
    ///   <para>Prices from your own catalog, for example your Azure contract's rows.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FineTuneCost", DefaultParameterSetName = TokensSet)]
    [OutputType(typeof(CostEstimate))]
    public sealed class GetFineTuneCostCommand : FineTuneCmdlet
    {
        // Tokens: a count you already have (or Measure-FineTuneDataset's output from the pipeline).
        // Path: a training file (or New-FineTuneDataset's output), measured here with the model's encoding.
        private const string TokensSet = "Tokens";
        private ModelCatalog? catalog;

        /// <summary>The base or fine-tuned model to train (gpt-4o-mini, gpt-4.1-mini-2025-04-14, ft:...).</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string Model { get; set; } = string.Empty;

        /// <summary>Tokens billed for one epoch: the training file's tokens, each example capped at the model's limit (Measure-FineTuneDataset gives them).</summary>
        [Parameter(ParameterSetName = TokensSet, Mandatory = true, Position = 1, ValueFromPipelineByPropertyName = true)]
        [Alias("BilledTokens", "BilledTokensPerEpoch")]
        [ValidateRange(0, long.MaxValue)]
        public long TrainingTokens { get; set; }

        /// <summary>A JSON Lines training file to measure: its billed tokens per epoch (each example capped at the model's limit) and its example count are used. Binds the Path of New-FineTuneDataset's output.</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("TrainingFile")]
        [ValidateNotNullOrEmpty]
        [SupportsWildcards]
        public string Path { get; set; } = string.Empty;

        /// <summary>The training file to measure, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(ParameterSetName = LiteralPathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [Alias("PSPath", "FullName")]
        [ValidateNotNullOrEmpty]
        public string LiteralPath { get; set; } = string.Empty;

        /// <summary>A JSON Lines validation file to measure; its tokens are reported, not billed.</summary>
        [Parameter(ParameterSetName = PathSet)]
        [Parameter(ParameterSetName = LiteralPathSet)]
        [ValidateNotNullOrEmpty]
        public string? ValidationPath { get; set; }

        /// <summary>The number of training examples; needed for -Epochs Auto with -TrainingTokens (taken from the file with -Path).</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("ExampleCount")]
        [ValidateRange(0, int.MaxValue)]
        public int Examples { get; set; }

        /// <summary>Epochs (n_epochs): a number from 1 to 50, or Auto (default) to work them out from -Examples as the service does.</summary>
        [Parameter]
        [Alias("n_epochs")]
        [ValidateNotNullOrEmpty]
        [ValidatePattern(@"^\s*(?i:auto|0*([1-9]|[1-4][0-9]|50))\s*$")]
        public string Epochs { get; set; } = "Auto";

        /// <summary>Tokens of the validation file; reported, not billed.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [ValidateRange(0, long.MaxValue)]
        public long ValidationTokens { get; set; }

        /// <summary>A price catalog JSON file to use instead of the built-in one (schema in docs/PRICING.md). Default: $env:FINETUNE_PRICE_CATALOG, else built in.</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        public string? PriceCatalog { get; set; }

        /// <summary>Whose prices: OpenAI (default) or Azure.</summary>
        [Parameter]
        [ValidateSet("OpenAI", "Azure")]
        public string Provider { get; set; } = "OpenAI";

        /// <summary>Azure: the training type whose discount from the catalog applies (Standard, GlobalStandard, Developer).</summary>
        [Parameter]
        [ValidateSet("Standard", "GlobalStandard", "Developer")]
        public string? TrainingType { get; set; }

        /// <summary>Azure: hours of hosting to price for the deployed fine-tuned model (USD per hour from the catalog; none for Developer).</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public decimal HostingHours { get; set; }

        /// <inheritdoc/>
        protected override void BeginProcessing()
        {
            // A relative path, given or from the environment, is relative to the current PowerShell location.
            string? given = PriceCatalog ?? Environment.GetEnvironmentVariable(ModelCatalog.EnvironmentVariable);
            string? path = string.IsNullOrWhiteSpace(given) ? null : FileSystemPath(given, nameof(PriceCatalog));
            try
            {
                catalog = ModelCatalog.Load(path);
            }
            catch (ModelCatalogException ex)
            {
                Fail(ex);
            }
        }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            ModelEntry? price = catalog!.Find(Model, Provider);
            if (price == null)
            {
                string known = string.Join(", ", catalog.Models.Where(m => string.Equals(m.Provider, Provider, StringComparison.OrdinalIgnoreCase)).Select(m => m.Model));
                Report(Failure("UnknownModel", ErrorKind.InvalidRequest, $"The price catalog ({catalog.Path}, {catalog.Date}) has no {Provider} price for '{Model}'.{catalog.HintFor(Model, Provider)} Known: {known}.", Model,
                    "Use one of the known models, or add the model to your own catalog (-PriceCatalog)."));
                return;
            }

            if (ParameterSetName != TokensSet && !MeasureFiles(price.Model))
            {
                return;
            }

            int? epochs = Epochs.Trim().Equals("auto", StringComparison.OrdinalIgnoreCase) ? (int?)null : int.Parse(Epochs.Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            if (epochs == null && Examples < 1)
            {
                Report(Failure("ExamplesNeeded", ErrorKind.InvalidRequest, "-Epochs Auto works the epochs out from the number of training examples: give -Examples, or a number of epochs (-Epochs 3).", Model));
                return;
            }

            CostEstimate estimate;
            try
            {
                estimate = CostEstimator.Estimate(price, TrainingTokens, Examples, epochs, ValidationTokens, Model, trainingType: TrainingType, hostingHours: HostingHours);
            }
            catch (ArgumentException ex)
            {
                Report(ex, Model);
                return;
            }

            if (estimate.Warning != null) WriteWarning(estimate.Warning);
            WriteObject(estimate);
        }

        // -Path: billed tokens and examples of the training file, tokens of the validation file.
        private bool MeasureFiles(string model)
        {
            bool literal = ParameterSetName == LiteralPathSet;
            string? training = InputFile(literal ? LiteralPath : Path, literal, ParameterSetName);
            string? validation = ValidationPath == null ? null : InputFile(ValidationPath, false, nameof(ValidationPath));
            if (training == null || (ValidationPath != null && validation == null)) return false;
            bool ok = DatasetCommandHelper.TryOnFile(this, training, full =>
            {
                DatasetMeasurement m = DatasetChecker.Measure(full, model, DatasetFormat.Auto, null, Feedback, CancellationToken);
                TrainingTokens = m.BilledTokensPerEpoch;
                Examples = (int)Math.Min(int.MaxValue, m.Examples);
            });
            if (ok && validation != null)
            {
                ok = DatasetCommandHelper.TryOnFile(this, validation, full =>
                    ValidationTokens = DatasetChecker.Measure(full, model, DatasetFormat.Auto, null, Feedback, CancellationToken).TotalTokens);
            }

            return ok;
        }
    }
}
