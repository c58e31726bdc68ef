using System.Collections.Generic;
using System.IO;
using System.Management.Automation;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a job's training metrics, one object a step, from its result file.</para>
    /// <para type="description">Downloads the job's result file (a CSV the service writes when the job ends, sometimes base64-encoded) and writes Step, TrainLoss, TrainAccuracy, ValidLoss, ValidAccuracy, FullValidLoss and FullValidAccuracy (null where the file has no value). -ResultFile reads a result file by id instead.</para>
    /// </summary>
    /// <example><code>Get-FineTuneMetric $jobId | Format-Table</code><para>Shows the loss curve as a table.</para></example>
    /// <example><code>Get-FineTuneMetric $jobId | Export-Csv ./metrics.csv</code><para>Keeps the metrics before the model goes away.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneMetric", DefaultParameterSetName = "Job")]
    [OutputType(typeof(FineTuneMetric))]
    public sealed class GetFineTuneMetricCommand : ServiceCmdlet
    {
        /// <summary>The job id (ftjob-...); binds JobId of a job.</summary>
        [Parameter(ParameterSetName = "Job", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <summary>A result file id (file-...) to read instead of a job's.</summary>
        [Parameter(ParameterSetName = "File", Mandatory = true)]
        [Alias("FileId")]
        public string ResultFile { get; set; } = string.Empty;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            string? fileId = ResultFile;
            string? jobId = null;
            if (ParameterSetName == "Job")
            {
                jobId = JobId;
                if (!TryRun(ct => Service.GetJobAsync(JobId, ct), JobId, out FineTuneJob job)) return;
                if (job.ResultFiles.Length == 0)
                {
                    Report(NoResultFile(job));
                    return;
                }

                fileId = job.ResultFiles[0];
            }

            if (!TryRun(ct => Service.DownloadFileAsync(fileId!, ct), fileId, out byte[] content)) return;
            try
            {
                WriteObject(Engine.Jobs.ResultFile.ParseMetrics(content, jobId), true);
            }
            catch (InvalidDataException ex)
            {
                Report(InvalidResultFile(fileId!, ex), fileId);
            }
        }
    }
}
