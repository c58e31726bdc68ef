using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Workflow
{
    /// <summary>What to launch: the job request and the local files to check, screen and upload first.</summary>
    public sealed class JobLaunch
    {
        /// <summary>The job; its TrainingFile/ValidationFile are ids, or empty/null when <see cref="TrainingPath"/>/<see cref="ValidationPath"/> are uploaded first.</summary>
        public JobRequest Request { get; set; } = new JobRequest();

        /// <summary>A local training file (checked, screened, uploaded), or null when the request names a file id.</summary>
        public string? TrainingPath { get; set; }

        /// <summary>A local validation file, or null.</summary>
        public string? ValidationPath { get; set; }

        /// <summary>Refuse to start when the estimate is higher (USD), or cannot be made.</summary>
        public decimal? MaxCost { get; set; }

        /// <summary>Upload without running the dataset checks first.</summary>
        public bool SkipValidation { get; set; }

        /// <summary>Screen the local files with the moderation endpoint first.</summary>
        public bool Moderate { get; set; }

        /// <summary>With <see cref="Moderate"/>: go on even when examples are flagged.</summary>
        public bool Force { get; set; }

        /// <summary>Wait for the job to end and return the final job.</summary>
        public bool Wait { get; set; }
    }

    /// <summary>What a launch will do, known before anything is sent: the target and the cost sentence for the confirmation.</summary>
    public sealed class LaunchPlan
    {
        internal LaunchPlan(JobLaunch launch, string target, string cost, CostEstimate? estimate, IReadOnlyList<UploadProblem>? trainingProblems)
        {
            Launch = launch;
            Target = target;
            Cost = cost;
            Estimate = estimate;
            TrainingProblems = trainingProblems;
        }

        /// <summary>The inputs.</summary>
        public JobLaunch Launch { get; }

        /// <summary>"FILE on MODEL": what the confirmation names.</summary>
        public string Target { get; }

        /// <summary>The estimate's sentence ("estimated cost $1.23: N tokens = ..." or why it is unknown).</summary>
        public string Cost { get; }

        /// <summary>The estimate from the local training file, or null when none could be made.</summary>
        public CostEstimate? Estimate { get; }

        /// <summary>The errors of the local training file, found in the same read that counted its tokens; null when it was not checked (-SkipValidation, no local file).</summary>
        internal IReadOnlyList<UploadProblem>? TrainingProblems { get; }
    }

    /// <summary>
    /// Starts a fine-tuning job the one way every command does (Start-FineTuneJob): <see cref="Prepare"/> checks the
    /// request, estimates the cost from the local file and applies the budget, sending nothing (the caller asks for
    /// confirmation with the plan's sentence); <see cref="LaunchAsync"/> then asks the service for the model (before
    /// any upload), screens, checks and uploads the local files, creates the job once, and waits when asked.
    /// Failures are <see cref="FineTuneException"/> (UnknownModel, CostUnknown and OverBudget (<see cref="Budget"/>),
    /// InvalidFile, Flagged, and the service's <see cref="FineTuneServiceException"/>), <see cref="ArgumentException"/>
    /// for a request that breaks a limit, and the file system's.
    /// </summary>
    public static class JobLauncher
    {
        /// <summary>
        /// Checks the request against the provider's limits, estimates the cost (from <see cref="JobLaunch.TrainingPath"/>
        /// through <see cref="Costs"/> at the provider's price for the request's training type; the estimate's
        /// warning goes to <paramref name="feedback"/>) and applies
        /// <see cref="JobLaunch.MaxCost"/>. Sends nothing. Throws <see cref="FineTuneException"/> NoTrainingFile when the launch
        /// has neither a training file id nor a local path.
        /// </summary>
        public static LaunchPlan Prepare(IFineTuneProvider provider, JobLaunch launch, IFeedback feedback, CancellationToken cancellationToken)
        {
            JobRequest request = launch.Request;
            string model = request.Model;
            string? path = launch.TrainingPath;
            string? trainingId = string.IsNullOrEmpty(request.TrainingFile) ? null : request.TrainingFile;
            if (trainingId == null && path == null)
            {
                throw new FineTuneException("StartJob", ErrorKind.InvalidRequest, "NoTrainingFile", "-TrainingFile is empty. Give a file id (file-...), a file object from Add-FineTuneFile, or -Path.");
            }

            // the limits, with placeholders for the files still to upload
            JobRequest checkable = request.WithFiles(trainingId ?? "(to upload)", request.ValidationFile ?? (launch.ValidationPath != null ? "(to upload)" : null));
            provider.CheckJob(checkable);

            // One read of the local training file gives both its errors (unless -SkipValidation) and the tokens the estimate needs.
            IReadOnlyList<UploadProblem>? problems = null;
            CostEstimate? estimate = null;
            if (path != null && File.Exists(path) && !launch.SkipValidation && ModelCatalog.CurrentOrEmbedded().EncodingOf(model) != null)
            {
                problems = UploadChecks.CheckAndMeasure(path, model, provider.Target, cancellationToken, out DatasetMeasurement? measured);
                estimate = measured == null ? null : Costs.EstimateTraining(model, measured, request.Epochs, provider.Name, request.TrainingType);
            }
            else if (path != null && File.Exists(path))
            {
                estimate = Costs.EstimateTraining(model, path, request.Epochs, cancellationToken, provider.Name, request.TrainingType);
            }

            if (estimate?.Warning != null) feedback.Warning(estimate.Warning);
            string cost = estimate != null ? estimate.Sentence
                : path == null ? "estimated cost unknown: no local training file to count"
                : !File.Exists(path) ? $"estimated cost unknown: the training file {path} does not exist"
                : $"estimated cost unknown: {model} is not in the price catalog.{ModelCatalog.DidYouMean(model, provider.Name)}";
            // what gets an estimate depends on why there is none: no local file, a missing one, a model the catalog lacks, or a row without a training price
            string getAnEstimate = path == null ? "Pass -Path to the local training file"
                : !File.Exists(path) ? "Check -Path"
                : estimate == null ? "Correct -Model, or add the model to " + Budget.PriceCatalog
                : "Add the model's training price to " + Budget.PriceCatalog;
            Budget.Check("StartJob", launch.MaxCost, estimate?.EstimatedUsd, "The job", cost, "Nothing was started.", "Lower -Epochs, use a smaller file or model, or raise -MaxCost.", getAnEstimate);
            string target = $"{path ?? trainingId} on {model}";
            return new LaunchPlan(launch, target, cost, estimate, problems);
        }

        /// <summary>
        /// Whether a failure of <see cref="LaunchAsync"/> ends the whole command rather than the one pipeline item: a model
        /// the service does not serve, and the moderation service's failures (<see cref="Screening.EndsCommand"/>).
        /// </summary>
        public static bool EndsCommand(FineTuneException ex) => ex.Reason == "UnknownModel" || Screening.EndsCommand(ex);

        /// <summary>
        /// Carries out <paramref name="plan"/> (after the caller's confirmation): model check before any upload, screen,
        /// check and upload of the local files, the job created once, and with <see cref="JobLaunch.Wait"/> the wait
        /// (<paramref name="onEvent"/> gets its events). Returns the job (the final one when waited for) and how the
        /// wait ended (null when not waited).
        /// </summary>
        public static async Task<(FineTuneJob Job, WaitResult? Wait)> LaunchAsync(IFineTuneProvider provider, LaunchPlan plan, IFeedback feedback, Action<FineTuneEvent>? onEvent, CancellationToken cancellationToken)
        {
            JobLaunch launch = plan.Launch;
            JobRequest request = launch.Request;
            bool uploads = string.IsNullOrEmpty(request.TrainingFile) || launch.ValidationPath != null && request.ValidationFile == null;
            if (uploads) await CheckModelAsync(provider, request.Model, feedback, cancellationToken).ConfigureAwait(false);
            if (launch.Moderate)
            {
                if (launch.TrainingPath == null) feedback.Warning($"-Moderate screens local files only; the training file {request.TrainingFile} is already on the service and was not screened.");
                else await Screening.ScreenBeforeUploadAsync(provider, launch.TrainingPath, launch.Force, feedback, cancellationToken).ConfigureAwait(false);
                if (launch.ValidationPath != null && request.ValidationFile == null) await Screening.ScreenBeforeUploadAsync(provider, launch.ValidationPath, launch.Force, feedback, cancellationToken).ConfigureAwait(false);
            }

            if (string.IsNullOrEmpty(request.TrainingFile))
            {
                // checked in Prepare (the same read counted the tokens), else checked while it is sent
                if (plan.TrainingProblems != null) ThrowWhenInvalid(launch.TrainingPath!, plan.TrainingProblems);
                request.TrainingFile = (await UploadAsync(provider, launch.TrainingPath!, "fine-tune", launch.SkipValidation || plan.TrainingProblems != null, false, feedback, cancellationToken).ConfigureAwait(false)).Id;
            }

            if (launch.ValidationPath != null && request.ValidationFile == null) request.ValidationFile = (await UploadAsync(provider, launch.ValidationPath, "fine-tune", launch.SkipValidation, false, feedback, cancellationToken).ConfigureAwait(false)).Id;

            feedback.Verbose($"Creating the job with client request id {request.RequestId} ({JobRequest.RequestIdKey} in its metadata).");
            FineTuneJob job = await provider.CreateJobAsync(request, feedback, cancellationToken).ConfigureAwait(false);
            if (!launch.Wait) return (job, null);
            WaitResult wait = await JobWatcher.WaitAsync(provider, job.Id, new WaitOptions { Backlog = 20 }, onEvent, feedback, cancellationToken).ConfigureAwait(false);
            return (wait.Job, wait);
        }

        /// <summary>
        /// Uploads a local file while checking it (unless <paramref name="skipValidation"/>: the dataset rules' errors for
        /// the provider, via <see cref="UploadChecks"/>): the bytes go out while the check runs, and the upload
        /// becomes a file on the service only once the check has passed; a failing check stops the upload and leaves
        /// nothing on the service. Progress in bytes is throttled; the upload ledger gets the file with the SHA-256 of
        /// the bytes sent (a ledger that cannot be written is a warning). Throws <see cref="FineTuneServiceException"/>
        /// AddFile.InvalidFile naming the file and lines when it has errors.
        /// </summary>
        public static async Task<FineTuneFile> UploadAsync(IFineTuneProvider provider, string path, string purpose, bool skipValidation, bool useUploadApi, IFeedback feedback, CancellationToken cancellationToken)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task? checkPassed = null;
            if (!skipValidation)
            {
                DatasetTarget target = provider.Target;
                checkPassed = Task.Run(() => ThrowWhenInvalid(path, UploadChecks.Check(path, stop.Token, target)), stop.Token);
            }

            var progress = new ProgressThrottle(feedback, ProgressIds.Upload, "Uploading " + Path.GetFileName(path));
            long size = new FileInfo(path).Length;
            FineTuneFile file;
            try
            {
                file = await provider.UploadFileAsync(path, purpose, useUploadApi, sent => progress.Report(sent, size), feedback, cancellationToken, checkPassed).ConfigureAwait(false);
            }
            catch when (checkPassed != null && !checkPassed.IsCompleted)
            {
                stop.Cancel(); // the upload failed: the check stops too, and has ended before the error is reported
                await checkPassed.ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                throw;
            }
            finally
            {
                progress.Complete();
            }

            // The upload ledger (path, size, SHA-256, file id): the service never hands a training file's content out
            // again, so the archive and Copy-FineTuneJob find the local copy there. A ledger that cannot be written is
            // a warning: the upload itself succeeded.
            try
            {
                await Task.Run(() => IO.UploadLedger.Record(file.Id, path, provider.Connection.Endpoint.AbsoluteUri, purpose, cancellationToken, file.Sha256), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException)
            {
                feedback.Warning($"{file.Id} was uploaded, but the upload ledger ({IO.UploadLedger.LedgerPath}) could not record where it came from: {ex.Message}");
            }

            return file;
        }

        // AddFile.InvalidFile (nothing was uploaded) when the check found errors.
        private static void ThrowWhenInvalid(string path, IReadOnlyList<UploadProblem> problems)
        {
            if (problems.Count == 0) return;
            string list = string.Join("\n", problems.Take(10).Select(p => $"  {path}: {p}"));
            throw new FineTuneException("AddFile", ErrorKind.InvalidData, "InvalidFile",
                $"The file '{path}' has {problems.Count} error(s) the service would reject; no file was made on the service. Fix them (Test-FineTuneDataset lists every finding), or pass -SkipValidation:\n{list}")
            { Target = path };
        }

        // Before anything is uploaded: a mistyped model would otherwise be found only when the job is created.
        // Stops when the service says it has no such model; goes on when it cannot tell, also when asking fails
        // (5xx, 429, network after the retries; a key without the models scope): the check only saves an upload.
        private static async Task CheckModelAsync(IFineTuneProvider provider, string model, IFeedback feedback, CancellationToken cancellationToken)
        {
            ModelLookup lookup = await provider.LookUpModelAsync(model, cancellationToken).ConfigureAwait(false);
            if (lookup.Unanswered != null) feedback.Warning($"Could not ask the service whether it serves '{model}' ({lookup.Unanswered}); uploading anyway.");
            else if (lookup.Serves == null) feedback.Verbose($"The endpoint could not say whether it serves '{model}'; uploading anyway.");
            if (lookup.Serves != false) return;
            throw new FineTuneException("StartJob", ErrorKind.InvalidRequest, "UnknownModel",
                $"The service has no model '{model}' (or this key cannot use it); nothing was uploaded.{ModelCatalog.DidYouMean(model, provider.Name)} Get-FineTuneModel lists the models this key can use; Get-FineTuneCost -Model tab-completes the fine-tunable ones.")
            { Target = model };
        }
    }
}
