using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Evaluation;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Diagnoses a finished job's training curve: where validation loss was best, whether the run overfitted, and which checkpoint or how many fewer epochs to pick.</para>
    /// <para type="description">Reads the job, its result file (the metrics Get-FineTuneMetric shows) and its checkpoints, and writes one diagnosis: BestStep and BestValidLoss (full_valid_loss where the file has it, else valid_loss), FinalValidLoss, FinalTrainLoss (the mean over the last tenth of the steps), Overfitted, BestEpoch and FewerEpochs (from the job's epochs), Checkpoint (the job's checkpoint at or after the best step, nearest to it) and a Verdict in a sentence. The run counts as overfitted when the final validation loss is more than 1.1 times its best (it rose again) or more than 1.5 times the final training loss (it learned the training set rather than the task). A job trained without a validation file gets a verdict that says so. Compare the picked checkpoint with the final model on held-out data with Compare-FineTuneModel (Get-FineTuneCheckpoint pipes into it). Errors: FineTune.NoResultFile while the job has not ended.</para>
    /// </summary>
    /// <example><code>Test-FineTuneJob $jobId | Format-List</code><para>Shows the diagnosis of one job.</para></example>
    /// <example><code>Wait-FineTuneJob $jobId | Test-FineTuneJob | Where-Object Overfitted | ForEach-Object Checkpoint</code><para>Prints the checkpoint to use when the run overfitted.</para></example>
    [Cmdlet(VerbsDiagnostic.Test, "FineTuneJob")]
    [OutputType(typeof(CurveDiagnosis))]
    public sealed class TestFineTuneJobCommand : ServiceCmdlet
    {
        /// <summary>The job id (ftjob-...); binds JobId of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (!TryRun(ct => Service.GetJobAsync(JobId, ct), JobId, out FineTuneJob job)) return;
            if (job.ResultFiles.Length == 0)
            {
                Report(NoResultFile(job));
                return;
            }

            if (!TryRun(ct => Service.DownloadFileAsync(job.ResultFiles[0], ct), JobId, out byte[] content)) return;
            if (!TryRun(ct => Pages.AllAsync((after, limit, c) => Service.ListCheckpointsAsync(JobId, after, limit, c), Pages.FilePageSize, ct), JobId, out IReadOnlyList<FineTuneCheckpoint> checkpoints)) return;
            IReadOnlyList<FineTuneMetric> metrics;
            try
            {
                metrics = ResultFile.ParseMetrics(content, JobId);
            }
            catch (InvalidDataException ex)
            {
                Report(InvalidResultFile(job.ResultFiles[0], ex), job);
                return;
            }

            WriteObject(TrainingCurve.Diagnose(metrics, job.Epochs, checkpoints, JobId));
        }
    }
}
