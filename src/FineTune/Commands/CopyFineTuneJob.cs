using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Archive;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Re-runs a fine-tuning job on another provider (a paid action: it asks for confirmation and shows the destination's estimated cost).</para>
    /// <para type="description">Reads the job from the current connection (the source) and starts the same job on -Destination: the same training and validation data, the same method, the source job's resolved hyperparameters (epochs, batch size, learning-rate multiplier, beta), suffix and seed, and the base model as the destination's rows of the price catalog name it (-Model overrides). The data comes from the upload ledger (the local files the source job's files were uploaded from, while they still have the same size and SHA-256), or from -TrainingPath and -ValidationPath: OpenAI never hands training files out. Each file is checked against the destination's rules (Azure accepts a byte-order mark where OpenAI refuses one) and uploaded there unchanged (on Azure the copy waits until the file is processed), then the job is created at most once, carrying the source job's id in its metadata (source_job_id); a destination that already has a copy of the job is refused unless -Force. -WhatIf prints the destination's estimate (tokens x epochs x its training price) and sends nothing; -MaxCost refuses a copy whose estimate is higher or unknown. Outputs both jobs linked: SourceJobId, JobId (the new job, which binds -JobId of the job cmdlets once connected to the destination), both endpoints, the model, epochs and the estimate. Errors: FineTune.NoData (no local copy of the data), FineTune.NotTrained (the destination trains no such model), FineTune.AlreadyCopied, FineTune.InvalidFile (the destination's rules), FineTune.OverBudget, FineTune.CostUnknown, and the services' failures with their own ErrorIds (e.g. FineTune.RateLimited, FineTune.Unauthorized).</para>
    /// </summary>
    /// <example><code>$azure = Connect-FineTune -Name azure -Endpoint https://RESOURCE.openai.azure.com/openai/v1/ -ApiKey $azureKey -PassThru; Connect-FineTune -Name openai -ApiKey $openAiKey; Copy-FineTuneJob $jobId -Destination $azure -WhatIf</code><para>Shows what re-running the OpenAI job $jobId (e.g. ftjob-abc123) on Azure would cost; sends nothing. Both connections have names: Connect-FineTune without -Name re-configures the current connection, which would turn $azure into the OpenAI one.</para></example>
    /// <example><code>Get-FineTuneJob -All -Status succeeded | Copy-FineTuneJob -Destination $azure -MaxCost 20 -Confirm:$false</code><para>Re-runs every succeeded job on Azure, each only if its estimate is at most $20.</para></example>
    /// <example><code>Copy-FineTuneJob $jobId -Destination $azure -TrainingPath ./train.jsonl -TrainingType GlobalStandard -Confirm:$false</code><para>Copies a job whose upload is not in the ledger, with Azure's GlobalStandard training type.</para></example>
    [Cmdlet(VerbsCommon.Copy, "FineTuneJob", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
    [OutputType(typeof(JobCopy))]
    public sealed class CopyFineTuneJobCommand : ServiceCmdlet
    {
        /// <summary>The source job (ftjob-...) on the current connection; binds JobId or Id of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <summary>Where to re-run the job: the name of a connection (Connect-FineTune -Name) or a connection object (Connect-FineTune -PassThru, Get-FineTuneContext -ListAvailable).</summary>
        [Parameter(Mandatory = true)]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public PSObject Destination { get; set; } = null!;

        /// <summary>The local training file, when the upload ledger does not know the source job's one.</summary>
        [Parameter]
        public string? TrainingPath { get; set; }

        /// <summary>The local validation file, when the upload ledger does not know the source job's one.</summary>
        [Parameter]
        public string? ValidationPath { get; set; }

        /// <summary>The model to train on the destination (default: the source job's base model as the destination names it).</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ModelCompleter))]
        public string? Model { get; set; }

        /// <summary>Azure: Standard, GlobalStandard or Developer (sent as trainingType).</summary>
        [Parameter]
        [ValidateSet("Standard", "GlobalStandard", "Developer")]
        public string? TrainingType { get; set; }

        /// <summary>Refuses to start when the destination's estimate is above this many USD, or unknown.</summary>
        [Parameter]
        [ValidateRange(0, 1000000)]
        public decimal? MaxCost { get; set; }

        /// <summary>Copies even when the destination already has a copy of the job.</summary>
        [Parameter]
        public SwitchParameter Force { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            FineTuneConnection connection;
            try
            {
                connection = FineTuneSession.Resolve(SessionState.PSVariable, Destination);
            }
            catch (ArgumentException ex)
            {
                Fail(Failure("InvalidConnection", ErrorKind.InvalidRequest, ex.Message, Destination, inner: ex));
                return;
            }

            IFineTuneProvider destination = ProviderFactory.Create(connection);
            var options = new CopyOptions
            {
                TrainingPath = TrainingPath == null ? null : FileSystemPath(TrainingPath, nameof(TrainingPath)),
                ValidationPath = ValidationPath == null ? null : FileSystemPath(ValidationPath, nameof(ValidationPath)),
                Model = Model, TrainingType = TrainingType, Force = Force, MaxCost = MaxCost,
            };
            CopyPlan plan;
            try
            {
                if (!TryRun(ct => JobCopier.PlanAsync(Service, destination, JobId, options, Feedback, ct), JobId, out plan)) return;
            }
            catch (ArgumentException ex)
            {
                Report(ex, JobId); // the request breaks a limit of the destination
                return;
            }

            if (!ShouldProcess(plan.Target, $"Copy the job: upload its data and start a paid fine-tuning job ({plan.CostText})")) return;
            if (TryRun(ct => JobCopier.CopyAsync(destination, plan, Feedback, ct), JobId, out JobCopy copy)) WriteObject(copy);
        }
    }
}
