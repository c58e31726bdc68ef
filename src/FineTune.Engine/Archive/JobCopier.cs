using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.IO;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;

namespace FineTune.Engine.Archive
{
    /// <summary>Why a copy cannot be made (Reason: NoData, NotTrained, AlreadyCopied), before anything was uploaded.</summary>
    public sealed class CopyRefusedException : FineTuneException
    {
        /// <summary>Creates the exception.</summary>
        public CopyRefusedException(string reason, string message)
            : base("CopyJob", reason == "NoData" ? ErrorKind.NotFound : ErrorKind.InvalidOperation, reason, message)
        {
        }
    }

    /// <summary>What Copy-FineTuneJob may override (<see cref="JobCopier.PlanAsync"/>).</summary>
    public sealed class CopyOptions
    {
        /// <summary>The local training file to upload; default: the upload ledger's copy of the source job's training file.</summary>
        public string? TrainingPath { get; set; }

        /// <summary>The local validation file; default: the ledger's copy of the source job's validation file.</summary>
        public string? ValidationPath { get; set; }

        /// <summary>The model to train on the destination; default: the source job's base model as the destination's rows of the price catalog name it.</summary>
        public string? Model { get; set; }

        /// <summary>Azure's training type (Standard, GlobalStandard, Developer); null: the service's default.</summary>
        public string? TrainingType { get; set; }

        /// <summary>Copies even when the destination already has a job copied from the source job.</summary>
        public bool Force { get; set; }

        /// <summary>Refuses the copy when the destination's estimate in USD is higher, or cannot be made (<see cref="Budget"/>); null: no cap.</summary>
        public decimal? MaxCost { get; set; }
    }

    /// <summary>A copy worked out and not yet started: the data, the request and the destination's estimate.</summary>
    public sealed class CopyPlan
    {
        /// <summary>The source job as the source service reports it.</summary>
        public FineTuneJob Source { get; set; } = new FineTuneJob();

        /// <summary>The source endpoint.</summary>
        public string SourceEndpoint { get; set; } = string.Empty;

        /// <summary>The destination connection.</summary>
        public FineTuneConnection Destination { get; set; } = null!;

        /// <summary>The local training file to upload.</summary>
        public string TrainingPath { get; set; } = string.Empty;

        /// <summary>The local validation file, or null.</summary>
        public string? ValidationPath { get; set; }

        /// <summary>The job to create (training and validation file ids are filled in after the upload).</summary>
        public JobRequest Request { get; set; } = new JobRequest();

        /// <summary>The destination's estimate (its rows of the price catalog), or null when it has no training price.</summary>
        public CostEstimate? Estimate { get; set; }

        /// <summary>The estimate in words, for the confirmation and -WhatIf.</summary>
        public string CostText { get; set; } = string.Empty;

        /// <summary>What the confirmation names: "JOB to ENDPOINT (MODEL, N epochs)".</summary>
        public string Target { get; set; } = string.Empty;
    }

    /// <summary>The outcome of a copy: both jobs, linked.</summary>
    public sealed class JobCopy
    {
        /// <summary>The source job's id.</summary>
        public string SourceJobId { get; set; } = string.Empty;

        /// <summary>Where the source job ran.</summary>
        public string SourceEndpoint { get; set; } = string.Empty;

        /// <summary>The new job's id on the destination (binds -JobId of the job cmdlets).</summary>
        public string JobId { get; set; } = string.Empty;

        /// <summary>Where the new job runs.</summary>
        public string DestinationEndpoint { get; set; } = string.Empty;

        /// <summary>The new job's status when it was created.</summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The model the new job trains.</summary>
        public string? BaseModel { get; set; }

        /// <summary>Epochs asked for (the source job's resolved value), or null for auto.</summary>
        public int? Epochs { get; set; }

        /// <summary>The destination's estimate in USD, or null.</summary>
        public decimal? EstimatedUsd { get; set; }

        /// <summary>The training file id on the destination.</summary>
        public string TrainingFile { get; set; } = string.Empty;

        /// <summary>The validation file id on the destination, or null.</summary>
        public string? ValidationFile { get; set; }

        /// <summary>The new job as the destination reported it.</summary>
        public FineTuneJob Job { get; set; } = new FineTuneJob();

        /// <inheritdoc/>
        public override string ToString() => $"{SourceJobId} -> {JobId}";
    }

    /// <summary>
    /// Re-runs a fine-tuning job on another provider (Copy-FineTuneJob): the same training and validation data (from the
    /// upload ledger or given paths; checked against the destination's rules and uploaded there), the same method, the
    /// source job's resolved hyperparameters (epochs, batch size, learning-rate multiplier, beta), suffix and seed, the
    /// base model as the destination's price catalog rows name it, and the source job's id in the new job's metadata
    /// (<see cref="SourceJobKey"/>). The create call is made at most once (<see cref="IFineTuneProvider.CreateJobAsync"/>), and a
    /// destination that already has a copy of the job is refused unless <see cref="CopyOptions.Force"/>.
    /// </summary>
    public static class JobCopier
    {
        /// <summary>The metadata key that carries the source job's id on the copy.</summary>
        public const string SourceJobKey = "source_job_id";

        /// <summary>
        /// Works the copy out without uploading or creating anything. Throws <see cref="CopyRefusedException"/> when the
        /// training data cannot be found, the destination trains no such model, or the job was copied there already;
        /// <see cref="ArgumentException"/> when the request breaks a limit; <see cref="FineTuneException"/> OverBudget or CostUnknown
        /// for <see cref="CopyOptions.MaxCost"/> (<see cref="Budget"/>); <see cref="FineTuneServiceException"/> from either service.
        /// </summary>
        public static async Task<CopyPlan> PlanAsync(IFineTuneProvider source, IFineTuneProvider destination, string jobId, CopyOptions options, IFeedback feedback, CancellationToken ct)
        {
            FineTuneJob job = await source.GetJobAsync(jobId, ct).ConfigureAwait(false);
            if (!options.Force)
            {
                FineTuneJob? copied = (await destination.ListJobsAsync(null, Pages.JobPageSize, new Dictionary<string, string> { [SourceJobKey] = job.Id }, ct).ConfigureAwait(false))
                    .Items.FirstOrDefault(j => j.Metadata.TryGetValue(SourceJobKey, out string? v) && v == job.Id);
                if (copied != null)
                {
                    throw new CopyRefusedException("AlreadyCopied", $"{job.Id} was already copied to {destination.Connection.Endpoint} as {copied.Id} (status {copied.Status}). Pass -Force to start another copy.");
                }
            }

            IReadOnlyList<LedgerEntry> ledger = UploadLedger.ReadAll();
            string training = LocalData(job.TrainingFile, "training", options.TrainingPath, ledger, feedback, ct)!;
            string? validation = job.ValidationFile == null && options.ValidationPath == null ? null
                : LocalData(job.ValidationFile, "validation", options.ValidationPath, ledger, feedback, ct);

            string provider = destination.Name;
            if (ModelCatalog.BaseModelOf(job.BaseModel) != null && options.Model == null)
            {
                throw new CopyRefusedException("NotTrained", $"{job.Id} continued training of the fine-tuned model {job.BaseModel}, which exists only where it was trained. Copy the job that made it first, then pass its new model as -Model.");
            }

            ModelEntry? price = ModelCatalog.Load().Find(options.Model ?? job.BaseModel ?? string.Empty, provider);
            string model = options.Model ?? price?.Model ?? throw new CopyRefusedException("NotTrained",
                $"The price catalog has no {provider} row for {job.BaseModel}: the destination may not train it. Pass -Model with the destination's name of the model.");
            if (price != null && (price.Retired || price.NoNewTrainingFrom is DateTime last && last <= DateTime.UtcNow.Date))
            {
                throw new CopyRefusedException("NotTrained", $"{provider} takes no new fine-tuning jobs on {model}{(price.NoNewTrainingFrom is DateTime d ? " since " + d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : string.Empty)} (price catalog {price.CatalogDate}). Pass -Model with a model the destination still trains.");
            }

            var request = new JobRequest
            {
                Model = model,
                TrainingFile = "(uploaded at copy)",
                ValidationFile = validation != null ? "(uploaded at copy)" : null,
                Method = job.Method ?? "supervised",
                Epochs = job.Epochs,
                BatchSize = job.BatchSize,
                LearningRateMultiplier = job.LearningRateMultiplier,
                Beta = string.Equals(job.Method, "dpo", StringComparison.OrdinalIgnoreCase) ? job.Beta : null,
                Suffix = job.Suffix,
                Seed = job.Seed,
                TrainingType = options.TrainingType,
            };
            foreach (KeyValuePair<string, string> p in job.Metadata.Where(p => p.Key != JobRequest.RequestIdKey)) request.Metadata[p.Key] = p.Value;
            request.Metadata[SourceJobKey] = job.Id;
            destination.CheckJob(request);

            var plan = new CopyPlan
            {
                Source = job, SourceEndpoint = source.Connection.Endpoint.AbsoluteUri, Destination = destination.Connection,
                TrainingPath = training, ValidationPath = validation, Request = request,
            };
            if (price?.TrainingPerMillionFor(options.TrainingType) != null)
            {
                DatasetMeasurement m = DatasetChecker.Measure(training, model, DatasetFormat.Auto, null, null, ct);
                plan.Estimate = CostEstimator.Estimate(price, m.BilledTokensPerEpoch, (int)Math.Min(int.MaxValue, m.Examples), job.Epochs, 0, model, trainingType: options.TrainingType);
            }

            plan.CostText = $"{provider} " + (plan.Estimate?.Sentence ?? $"estimated cost unknown: no {provider} training price for {model} in the price catalog");
            plan.Target = $"{job.Id} to {destination.Connection.Endpoint} ({model}, {request.Epochs?.ToString(CultureInfo.InvariantCulture) ?? "auto"} epochs)";
            Budget.Check("CopyJob", options.MaxCost, plan.Estimate?.EstimatedUsd, "The copy", plan.CostText, "Nothing was uploaded or started.", "Raise -MaxCost, or train on fewer examples or epochs.",
                "Add the model's price to " + Budget.PriceCatalog, plan.Target);
            return plan;
        }

        /// <summary>
        /// Carries the plan out on <paramref name="destination"/>: checks each local file against the destination's rules,
        /// uploads it (recorded in the upload ledger; Azure: waits until processed), creates the job once. Throws
        /// <see cref="FineTuneException"/> InvalidFile naming file and lines when a file breaks the destination's rules (nothing is
        /// uploaded then), and <see cref="FineTuneServiceException"/>.
        /// </summary>
        public static async Task<JobCopy> CopyAsync(IFineTuneProvider destination, CopyPlan plan, IFeedback feedback, CancellationToken ct)
        {
            DatasetTarget target = destination.Target;
            foreach (string path in new[] { plan.TrainingPath, plan.ValidationPath }.Where(p => p != null).Cast<string>())
            {
                IReadOnlyList<UploadProblem> problems = UploadChecks.Check(path, ct, target);
                if (problems.Count > 0)
                {
                    throw new FineTuneException("CopyJob", ErrorKind.InvalidData, "InvalidFile", $"{path} breaks {target}'s rules in {problems.Count} place(s); nothing was uploaded. Fix them (Test-FineTuneDataset -Target {target}) and copy again:\n" +
                        string.Join("\n", problems.Take(10).Select(p => $"  {path}: {p}")), path, $"Run Test-FineTuneDataset -Target {target} on the file for the finding and its fix.");
                }
            }

            // checked above (both files, before either is sent); each upload is recorded in the upload ledger with its SHA-256
            async Task<string> Upload(string path) => (await JobLauncher.UploadAsync(destination, path, "fine-tune", true, false, feedback, ct).ConfigureAwait(false)).Id;

            plan.Request.TrainingFile = await Upload(plan.TrainingPath).ConfigureAwait(false);
            plan.Request.ValidationFile = plan.ValidationPath != null ? await Upload(plan.ValidationPath).ConfigureAwait(false) : null;
            feedback.Progress(ProgressIds.Copy, "Copying " + plan.Source.Id, "Creating the job", -1);
            FineTuneJob job = await destination.CreateJobAsync(plan.Request, feedback, ct).ConfigureAwait(false);
            feedback.Progress(ProgressIds.Copy, "Copying " + plan.Source.Id, "done", 100, completed: true);
            return new JobCopy
            {
                SourceJobId = plan.Source.Id, SourceEndpoint = plan.SourceEndpoint, JobId = job.Id, DestinationEndpoint = destination.Connection.Endpoint.AbsoluteUri,
                Status = job.Status, BaseModel = job.BaseModel ?? plan.Request.Model, Epochs = plan.Request.Epochs, EstimatedUsd = plan.Estimate?.EstimatedUsd,
                TrainingFile = plan.Request.TrainingFile, ValidationFile = plan.Request.ValidationFile, Job = job,
            };
        }

        // The local file for a source job's file: the given path (warned about when it differs from what was uploaded),
        // else the upload ledger's copy that still matches.
        private static string? LocalData(string? fileId, string what, string? given, IReadOnlyList<LedgerEntry> ledger, IFeedback feedback, CancellationToken ct)
        {
            if (given != null)
            {
                if (!File.Exists(given)) throw new CopyRefusedException("NoData", $"The {what} file {given} does not exist.");
                LedgerEntry? uploaded = fileId == null ? null : ledger.LastOrDefault(e => e.FileId == fileId);
                if (uploaded != null && !string.Equals(IO.FileHash.Sha256Of(given, ct), uploaded.Sha256, StringComparison.OrdinalIgnoreCase))
                {
                    feedback.Warning($"{given} is not what was uploaded as {fileId} ({uploaded.Path}, SHA-256 {uploaded.Sha256}): the copy trains on other data.");
                }

                return Path.GetFullPath(given);
            }

            LedgerEntry? copy = fileId == null ? null : UploadLedger.FindLocalCopy(fileId, ledger, ct);
            if (copy != null) return copy.Path;
            throw new CopyRefusedException("NoData",
                $"The source job's {what} file {fileId} cannot be downloaded (OpenAI keeps training files to itself) and the upload ledger ({UploadLedger.LedgerPath}) knows no local copy of it that still matches. " +
                $"Give the file it was uploaded from with -{(what == "training" ? "Training" : "Validation")}Path.");
        }
    }
}
