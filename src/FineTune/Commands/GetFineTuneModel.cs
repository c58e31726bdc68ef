using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Lists the models the endpoint serves, or gets one by id, with base model and shutdown date.</para>
    /// <para type="description">Warns for every model within 60 days of its shutdown date (GET /models returns shutdown_date).</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneModel -FineTuned</code>
    ///   <para>Lists the fine-tuned models with their base model and the base model's shutdown date.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneModel | Where-Object ShutdownDate | Sort-Object ShutdownDate | Format-Table Id, ShutdownDate, DaysToShutdown</code>
    ///   <para>Shows which models are announced to shut down, soonest first.</para>
    /// </example>
    /// <example>
    ///   <code>Get-FineTuneModel -FineTuned -WithJobs | Format-Table Id, JobId, Exists, ShutdownDate</code>
    ///   <para>Which fine-tuned models still exist and which were deleted, with the job that made each and the day it stops serving.</para>
    /// </example>
    /// <example>
    ///   <code>(Get-FineTuneJob -Id $jobId).FineTunedModel | Get-FineTuneModel</code>
    ///   <para>Gets the fine-tuned model a job made ($jobId holds the job's id, e.g. ftjob-abc123). Pipe the model name: a job object piped whole binds its Id, the job id.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Get, "FineTuneModel", DefaultParameterSetName = "List")]
    [OutputType(typeof(FineTuneModel))]
    public sealed class GetFineTuneModelCommand : ServiceCmdlet
    {
        /// <summary>Days before a shutdown date from which a warning is written.</summary>
        public const int ShutdownWarningDays = 60;

        /// <summary>A model id; binds the FineTunedModel property of a job from the pipeline.</summary>
        [Parameter(ParameterSetName = "Id", Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("FineTunedModel", "Model")]
        public string[] Id { get; set; } = new string[0];

        /// <summary>Lists only fine-tuned models.</summary>
        [Parameter(ParameterSetName = "List")]
        public SwitchParameter FineTuned { get; set; }

        /// <summary>Joins the models with the jobs that made them: JobId on each fine-tuned model, and the models of succeeded jobs that the service no longer lists (deleted), with Exists $false and their base model's shutdown date. Reads every job (all pages).</summary>
        [Parameter(ParameterSetName = "List")]
        public SwitchParameter WithJobs { get; set; }

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            var models = new List<FineTuneModel>();
            if (ParameterSetName == "Id")
            {
                foreach (string id in Id)
                {
                    if (TryRun(ct => Service.GetModelAsync(id, ct), id, out FineTuneModel m)) models.Add(m);
                }
            }
            else if (TryRun(ct => Service.ListModelsAsync(ct), null, out IReadOnlyList<FineTuneModel> all))
            {
                models.AddRange(all.Where(m => !FineTuned || m.IsFineTuned));
                if (WithJobs && TryRun(ct => Pages.AllAsync((after, limit, c) => Service.ListJobsAsync(after, limit, null, c), 100, ct), null, out IReadOnlyList<FineTuneJob> jobs))
                {
                    models.AddRange(Join(models, all, jobs));
                }
            }

            WriteObject(models, enumerateCollection: true);

            // One warning per shutdown date, not per model: a list of base models would otherwise repeat it.
            foreach (var group in models.Where(m => m.DaysToShutdown is int d && d <= ShutdownWarningDays).GroupBy(m => m.ShutdownDate!.Value))
            {
                int days = group.First().DaysToShutdown!.Value;
                string ids = string.Join(", ", group.Select(m => m.Id));
                WriteWarning(days < 0
                    ? $"Shut down on {group.Key:yyyy-MM-dd}: {ids}."
                    : $"Shut down on {group.Key:yyyy-MM-dd}, in {days} days: {ids}. Export what you need (Get-FineTuneJob, Save-FineTuneFile) before then.");
            }
        }

        // JobId on the listed fine-tuned models; the models of succeeded jobs that are no longer listed, as deleted ones.
        private static IEnumerable<FineTuneModel> Join(List<FineTuneModel> shown, IReadOnlyList<FineTuneModel> listed, IReadOnlyList<FineTuneJob> jobs)
        {
            var byModel = new Dictionary<string, FineTuneJob>(System.StringComparer.Ordinal);
            foreach (FineTuneJob j in jobs.Where(j => j.FineTunedModel != null)) byModel[j.FineTunedModel!] = j;
            foreach (FineTuneModel m in shown)
            {
                if (byModel.TryGetValue(m.Id, out FineTuneJob? job)) m.JobId = job.Id;
            }

            var ids = new HashSet<string>(listed.Select(m => m.Id), System.StringComparer.Ordinal);
            foreach (FineTuneJob job in byModel.Values.Where(j => !ids.Contains(j.FineTunedModel!)).OrderBy(j => j.CreatedAt))
            {
                yield return new FineTuneModel
                {
                    Id = job.FineTunedModel!, JobId = job.Id, Exists = false, Created = job.FinishedAt,
                    ShutdownDate = listed.FirstOrDefault(b => b.Id == job.BaseModel)?.ShutdownDate,
                };
            }
        }
    }
}
