using System.Collections.Generic;
using System.Management.Automation;
using FineTune.Engine.Service;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Gets a job's checkpoints: the models saved at the last epochs, with their step and metrics.</para>
    /// <para type="description">The service keeps the checkpoints of the last 3 epochs. Each FineTunedModelCheckpoint is a model name that Invoke-FineTuneChat can call (it binds -Model by property name).</para>
    /// </summary>
    /// <example><code>Get-FineTuneCheckpoint $jobId</code><para>Lists the checkpoints, newest first.</para></example>
    /// <example><code>Get-FineTuneCheckpoint $jobId | Select-Object -Last 1 | Invoke-FineTuneChat 'Hello'</code><para>Asks the earliest kept checkpoint a question.</para></example>
    [Cmdlet(VerbsCommon.Get, "FineTuneCheckpoint")]
    [OutputType(typeof(FineTuneCheckpoint))]
    public sealed class GetFineTuneCheckpointCommand : ServiceCmdlet
    {
        /// <summary>The job id (ftjob-...); binds JobId of a job.</summary>
        [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
        [Alias("Id")]
        [ArgumentCompleter(typeof(JobIdCompleter))]
        public string JobId { get; set; } = string.Empty;

        /// <inheritdoc/>
        protected override void ProcessRecord()
        {
            if (TryRun(ct => Pages.AllAsync((after, limit, c) => Service.ListCheckpointsAsync(JobId, after, limit, c), Pages.FilePageSize, ct), JobId, out IReadOnlyList<FineTuneCheckpoint> list)) WriteObject(list, true);
        }
    }
}
