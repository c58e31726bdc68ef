using System.Collections.Generic;
using System.Management.Automation;
using FineTune.Engine.Jobs;

namespace FineTune
{
    /// <summary>
    /// The shared face of Show-FineTuneLossChart and Export-FineTuneLossChart: takes metric objects
    /// (Get-FineTuneMetric's, or any with Step, TrainLoss and ValidLoss properties) from the pipeline.
    /// </summary>
    public abstract class LossChartCmdlet : FineTuneCmdlet
    {
        private readonly List<LossPoint> points = new List<LossPoint>();

        /// <summary>The training step; binds the Step property of Get-FineTuneMetric's output.</summary>
        [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
        public int Step { get; set; }

        /// <summary>Training loss at the step; binds the TrainLoss property.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("train_loss")]
        public double? TrainLoss { get; set; }

        /// <summary>Validation loss at the step, if measured; binds the ValidLoss property.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        [Alias("valid_loss")]
        public double? ValidLoss { get; set; }

        /// <summary>The job the metrics belong to, used in the default title; binds the JobId property.</summary>
        [Parameter(ValueFromPipelineByPropertyName = true)]
        public string? JobId { get; set; }

        /// <summary>The chart's title (default: "Loss of JOBID", or "Training loss").</summary>
        [Parameter]
        public string? Title { get; set; }

        /// <summary>The points collected from the pipeline, in arrival order.</summary>
        protected IReadOnlyList<LossPoint> Points => points;

        /// <summary>The title to draw.</summary>
        protected string ChartTitle => Title ?? (string.IsNullOrEmpty(JobId) ? "Training loss" : $"Loss of {JobId}");

        /// <inheritdoc/>
        protected override void ProcessRecord() => points.Add(new LossPoint(Step, TrainLoss, ValidLoss));
    }
}
