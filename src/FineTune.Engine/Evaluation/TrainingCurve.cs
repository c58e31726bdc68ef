using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>What a job's loss curve says: where validation loss was best, whether the run overfitted, and what to pick.</summary>
    public sealed class CurveDiagnosis
    {
        /// <summary>The job.</summary>
        public string? JobId { get; set; }

        /// <summary>The step of the lowest validation loss (full_valid_loss where the file has it, else valid_loss), or null without validation.</summary>
        public int? BestStep { get; set; }

        /// <summary>The lowest validation loss.</summary>
        public double? BestValidLoss { get; set; }

        /// <summary>The last validation loss.</summary>
        public double? FinalValidLoss { get; set; }

        /// <summary>The mean training loss over the last tenth of the steps (at least one): the single last step is noisy.</summary>
        public double? FinalTrainLoss { get; set; }

        /// <summary>Whether the run overfitted (see <see cref="TrainingCurve.Diagnose"/>).</summary>
        public bool Overfitted { get; set; }

        /// <summary>The epochs the job trained, when known.</summary>
        public int? Epochs { get; set; }

        /// <summary>The epoch the best step falls in (1-based), when the epochs are known.</summary>
        public int? BestEpoch { get; set; }

        /// <summary>Epochs fewer to train next time (0 when the last epoch was the best).</summary>
        public int? FewerEpochs { get; set; }

        /// <summary>The checkpoint to use instead of the final model (the one at or after the best step, nearest to it), or null.</summary>
        public string? Checkpoint { get; set; }

        /// <summary>The verdict and the advice in a sentence.</summary>
        public string Verdict { get; set; } = string.Empty;

        /// <inheritdoc/>
        public override string ToString() => Verdict;
    }

    /// <summary>Diagnoses a training curve (the step Microsoft's Foundry fine-tuning notebooks take after every job).</summary>
    public static class TrainingCurve
    {
        /// <summary>Final validation loss above this multiple of its best: overfitted (it rose 10% from its low).</summary>
        public const double RiseFactor = 1.10;

        /// <summary>Final validation loss above this multiple of the final training loss: overfitted (the model learned the training set, not the task).</summary>
        public const double GapFactor = 1.5;

        /// <summary>
        /// Diagnoses <paramref name="metrics"/> (Get-FineTuneMetric rows). Overfitted when the final validation loss is
        /// more than <see cref="RiseFactor"/> times its best, or more than <see cref="GapFactor"/> times the final
        /// training loss. The best epoch is ⌈best step / (last step / epochs)⌉; <paramref name="checkpoints"/> (the
        /// job's, any order) give the checkpoint at or after the best step nearest to it. Without validation losses
        /// the verdict says that nothing can be told.
        /// </summary>
        public static CurveDiagnosis Diagnose(IReadOnlyList<FineTuneMetric> metrics, int? epochs, IReadOnlyList<FineTuneCheckpoint>? checkpoints, string? jobId = null)
        {
            var d = new CurveDiagnosis { JobId = jobId, Epochs = epochs };
            var ordered = metrics.OrderBy(m => m.Step).ToList();
            var valid = ordered.Select(m => (m.Step, Loss: m.FullValidLoss ?? m.ValidLoss)).Where(v => v.Loss != null).ToList();
            var train = ordered.Where(m => m.TrainLoss != null).ToList();
            if (train.Count > 0) d.FinalTrainLoss = train.Skip(train.Count - Math.Max(1, train.Count / 10)).Average(m => m.TrainLoss!.Value);
            if (valid.Count == 0)
            {
                d.Verdict = "No validation loss: train with a validation file (Split-FineTuneDataset) to tell whether the run overfitted.";
                return d;
            }

            var best = valid.OrderBy(v => v.Loss!.Value).ThenBy(v => v.Step).First();
            d.BestStep = best.Step;
            d.BestValidLoss = best.Loss;
            d.FinalValidLoss = valid[valid.Count - 1].Loss;
            bool rose = d.FinalValidLoss > d.BestValidLoss * RiseFactor;
            bool gap = d.FinalTrainLoss is double t && d.FinalValidLoss > t * GapFactor;
            d.Overfitted = rose || gap;
            int lastStep = ordered[ordered.Count - 1].Step;
            if (epochs is int e && e > 0 && lastStep > 0)
            {
                double perEpoch = (double)lastStep / e;
                d.BestEpoch = Math.Max(1, Math.Min(e, (int)Math.Ceiling(best.Step / perEpoch - 1e-9)));
                d.FewerEpochs = e - d.BestEpoch;
            }

            d.Checkpoint = checkpoints?.Where(c => c.StepNumber >= best.Step && c.FineTunedModelCheckpoint != null).OrderBy(c => c.StepNumber).FirstOrDefault()?.FineTunedModelCheckpoint;
            string figures = string.Format(CultureInfo.InvariantCulture, "validation loss best {0:0.###} at step {1}, final {2:0.###}; training loss {3:0.###}", d.BestValidLoss, d.BestStep, d.FinalValidLoss, d.FinalTrainLoss);
            if (!d.Overfitted)
            {
                d.Verdict = $"No overfitting ({figures}). Keep the final model.";
            }
            else
            {
                string why = rose ? "validation loss rose more than 10% from its best" : "validation loss is more than 1.5x the training loss";
                string pick = d.Checkpoint != null ? $"use checkpoint {d.Checkpoint}" : "no checkpoint is that early";
                string fewer = d.FewerEpochs is int f && f > 0 ? $", or train {f} epoch(s) fewer ({d.BestEpoch} instead of {epochs})" : gap && !rose ? ", or add more varied training data" : string.Empty;
                d.Verdict = $"Overfitted: {why} ({figures}). {char.ToUpperInvariant(pick[0])}{pick.Substring(1)}{fewer}.";
            }

            return d;
        }
    }
}
