using System.Collections;
using System.Management.Automation;
using System.Threading.Tasks;
using FineTune.Engine;
using FineTune.Engine.Jobs;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Starts a fine-tuning job (a paid action: it asks for confirmation and shows the estimated cost).</para>
    /// <para type="description">The training file is a file id, a file object from Add-FineTuneFile, or -Path to a local file that is checked and uploaded first (stored like Add-FineTuneFile stores it: train.jsonl as train.1a2b3c4d.jsonl, a random marker of this upload). -WhatIf prints the estimated cost (from the local file when there is one: tokens x epochs x the model's training price) and sends nothing. -MaxCost refuses to start when the estimate is higher (or cannot be made). Before it uploads anything it asks the service for -Model (GET /models/{model}) and stops with FineTune.UnknownModel, naming the closest catalog model, when the service has no such model; a wrong key (401 invalid_api_key) or an exhausted quota ends it there too; when it cannot ask (5xx, 429, a restricted key without the models scope, no such route), it warns and goes on. One command never starts two paid jobs: the job carries a client request id in its metadata (finetune_request_id); when the create call fails after it may have reached the service (timeout, 5xx, dropped connection) the job is looked for by that id before the call is tried again. Runbooks pass -Confirm:$false. -Wait waits for the job like Wait-FineTuneJob and outputs the final job. OpenAI takes no new fine-tuning jobs from 2027-01-06 (the price catalog's dates warn in the 60 days before); a create refused with a permission error (403) outside Azure is FineTune.TrainingClosed, which names the date and Copy-FineTuneJob, to re-run the job on a provider that still trains.</para>
    /// </summary>
    /// <example><code>Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Path ./train.jsonl -WhatIf</code><para>Shows the estimated cost; sends nothing.</para></example>
    /// <example><code>Add-FineTuneFile ./train.jsonl | Start-FineTuneJob -Model gpt-4o-mini-2024-07-18 -Epochs 3 -Suffix support -MaxCost 5 -Confirm:$false | Wait-FineTuneJob</code><para>Uploads, starts a job if it costs at most $5, and waits for it.</para></example>
    /// <example><code>Add-FineTuneFile ./train.jsonl | Start-FineTuneJob -Model gpt-4.1-mini-2025-04-14 -TrainingType GlobalStandard -Confirm:$false</code><para>On Azure OpenAI: waits until the file is processed, then trains with the GlobalStandard training type.</para></example>
    [Cmdlet(VerbsLifecycle.Start, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High, DefaultParameterSetName = FileSet)]
    [OutputType(typeof(FineTuneJob))]
    public sealed class StartFineTuneJobCommand : ServiceCmdlet
    {
        private const string FileSet = "File";

        /// <summary>The base model to fine-tune (e.g. gpt-4o-mini-2024-07-18), or a fine-tuned model to continue from.</summary>
        [Parameter(Mandatory = true)]
        [Alias("BaseModel")]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string Model { get; set; } = string.Empty;

        /// <summary>The training file: an id (file-...) or a file object (Add-FineTuneFile output, bound from the pipeline).</summary>
        [Parameter(ParameterSetName = FileSet, Mandatory = true, Position = 0, ValueFromPipeline = true)]
        [Alias("training_file")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public PSObject? TrainingFile { get; set; }

        /// <summary>A local training file to check, upload, then train on (wildcards matching one file); binds Path from the pipeline.</summary>
        [Parameter(ParameterSetName = PathSet, Mandatory = true, ValueFromPipelineByPropertyName = true)]
        [SupportsWildcards]
        public string? Path { get; set; }

        /// <summary>A local training file, taken as typed (no wildcards: brackets are part of the name); binds the PSPath of a file piped from Get-ChildItem.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true, ParameterSetName = LiteralPathSet)]
        [Alias("PSPath", "FullName")]
        public string? LiteralPath { get; set; }

        /// <summary>The validation file: an id, a file object, or a local path (checked and uploaded first).</summary>
        [Parameter]
        [Alias("validation_file")]
        [ArgumentCompleter(typeof(FileIdCompleter))]
        public PSObject? ValidationFile { get; set; }

        /// <summary>Supervised (default), Dpo or Reinforcement.</summary>
        [Parameter]
        public FineTuneMethod Method { get; set; } = FineTuneMethod.Supervised;

        /// <summary>Epochs, 1–50 (n_epochs); default auto.</summary>
        [Parameter]
        [Alias("n_epochs")]
        [ValidateRange(1, 50)]
        public int? Epochs { get; set; }

        /// <summary>Examples per batch, 1–256; default auto.</summary>
        [Parameter]
        [Alias("batch_size")]
        [ValidateRange(1, 256)]
        public int? BatchSize { get; set; }

        /// <summary>Learning rate multiplier, greater than 0; default auto.</summary>
        [Parameter]
        [Alias("learning_rate_multiplier")]
        public double? LearningRateMultiplier { get; set; }

        /// <summary>DPO beta, in (0, 2]; only with -Method Dpo.</summary>
        [Parameter]
        public double? Beta { get; set; }

        /// <summary>Up to 64 characters added to the fine-tuned model's name.</summary>
        [Parameter]
        [ValidateLength(1, 64)]
        public string? Suffix { get; set; }

        /// <summary>A seed, 0–2147483647, for reproducible training.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? Seed { get; set; }

        /// <summary>Up to 15 string pairs kept with the job (FineTune uses a 16th, finetune_request_id).</summary>
        [Parameter]
        public Hashtable? Metadata { get; set; }

        /// <summary>Refuses to start when the estimated training cost in USD is higher than this, or cannot be estimated.</summary>
        [Parameter]
        [ValidateRange(0, double.MaxValue)]
        public decimal? MaxCost { get; set; }

        /// <summary>With -Path: uploads without checking the file first.</summary>
        [Parameter]
        public SwitchParameter SkipValidation { get; set; }

        /// <summary>Waits for the job to end (as Wait-FineTuneJob) and outputs the final job.</summary>
        [Parameter]
        public SwitchParameter Wait { get; set; }

        /// <summary>Screens the local training and validation files (-Path, -ValidationFile path) with the moderation endpoint before uploading them, and starts nothing when an example is flagged, unless -Force. Files given by id are not screened. Passing the screen does not guarantee the service will accept the file.</summary>
        [Parameter]
        public SwitchParameter Moderate { get; set; }

        /// <summary>With -Moderate: uploads and starts even when examples were flagged (each is still listed as a warning).</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <summary>Azure OpenAI only: Standard (the service's default, in the resource's region), GlobalStandard (any region, cheaper) or Developer (cheapest, no data residency). Elsewhere a clear error.</summary>
        [Parameter]
        [ValidateSet("Standard", "GlobalStandard", "Developer")]
        public string? TrainingType { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            (string? trainingId, string? trainingPath) = ParameterSetName == FileSet ? FileArgument(TrainingFile, nameof(TrainingFile))
                : (null, InputFile(Path ?? LiteralPath!, ParameterSetName == LiteralPathSet, ParameterSetName));
            if (ParameterSetName != FileSet && trainingPath == null) return; // InputFile has said why
            (string? validationId, string? validationPath) = FileArgument(ValidationFile, nameof(ValidationFile));
            var request = new JobRequest
            {
                Model = Model, TrainingFile = trainingId ?? string.Empty, ValidationFile = validationId, Method = Method.ToString().ToLowerInvariant(), Epochs = Epochs, BatchSize = BatchSize,
                LearningRateMultiplier = LearningRateMultiplier, Beta = Beta, Suffix = Suffix, Seed = Seed, TrainingType = TrainingType,
            };
            foreach (DictionaryEntry e in Metadata ?? new Hashtable()) request.Metadata[e.Key.ToString()!] = e.Value?.ToString() ?? string.Empty;
            var launch = new JobLaunch { Request = request, TrainingPath = trainingPath, ValidationPath = validationPath, MaxCost = MaxCost, SkipValidation = SkipValidation, Moderate = Moderate, Force = Force, Wait = Wait };

            IFineTuneProvider planner = ProviderFactory.Create(ResolveConnection()); // no key needed to plan (-WhatIf)
            IFeedback feedback = Feedback;
            LaunchPlan plan = Run(ct => Task.Run(() => JobLauncher.Prepare(planner, launch, feedback, ct), ct));
            if (!ShouldProcessOrExplain(plan.Target, $"Start a paid fine-tuning job ({plan.Cost})", $"starts a paid job ({plan.Cost})", "-Confirm:$false (with -MaxCost to cap the estimate)")) return;
            IFineTuneProvider provider = Service;
            if (TryRun(ct => JobLauncher.LaunchAsync(provider, plan, feedback, e => feedback.Information(e), ct), plan.Target, out (FineTuneJob Job, WaitResult? Wait) result, JobLauncher.EndsCommand) &&
                (result.Wait == null || ReportWait(result.Job.Id, result.Wait, null)))
            {
                WriteObject(result.Job);
            }
        }
    }
}
