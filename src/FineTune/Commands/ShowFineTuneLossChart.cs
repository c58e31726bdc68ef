using System.Management.Automation;
using FineTune.Engine.Jobs;

namespace FineTune.Commands
{
    /// <summary>
    /// <para type="synopsis">Draws training and validation loss over steps as a Unicode chart in the terminal.</para>
    /// <para type="description">Takes the metric objects of Get-FineTuneMetric (or any objects with Step, TrainLoss and ValidLoss) from the pipeline and writes the chart as lines of text: braille dots for training loss, '×' for validation loss, the loss range on the left and the step range below. NaN and infinite losses are left out. To save the chart as a file, use Export-FineTuneLossChart.</para>
    /// </summary>
    /// <example>
    ///   <code>Get-FineTuneMetric -JobId $jobId | Show-FineTuneLossChart</code>
    ///   <para>Draws the loss curve of a finished job.</para>
    /// </example>
    /// <example>
    ///   <code>Wait-FineTuneJob -Id $jobId | Get-FineTuneMetric | Show-FineTuneLossChart -Width 100 -Height 20 -Title 'Support bot v2'</code>
    ///   <para>Waits for the job, then draws a larger chart with a title of your own.</para>
    /// </example>
    [Cmdlet(VerbsCommon.Show, "FineTuneLossChart")]
    [OutputType(typeof(string))]
    public sealed class ShowFineTuneLossChartCommand : LossChartCmdlet
    {
        /// <summary>Plot width in terminal columns (each holds 2 steps of resolution); default 60.</summary>
        [Parameter]
        [ValidateRange(10, 400)]
        public int Width { get; set; } = 60;

        /// <summary>Plot height in terminal rows (each holds 4 levels of resolution); default 12.</summary>
        [Parameter]
        [ValidateRange(4, 100)]
        public int Height { get; set; } = 12;

        /// <inheritdoc/>
        protected override void EndProcessing()
        {
            foreach (string line in LossChart.RenderText(Points, Width, Height, ChartTitle))
            {
                WriteObject(line);
            }
        }
    }
}
