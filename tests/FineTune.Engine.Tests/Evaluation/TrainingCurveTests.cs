using System.Collections.Generic;
using System.Linq;
using FineTune.Engine.Evaluation;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Evaluation
{
    public class TrainingCurveTests
    {
        // 3 epochs of 10 steps; validation loss every 5 steps
        private static List<FineTuneMetric> Curve(double[] valid, double finalTrain) =>
            Enumerable.Range(1, 30).Select(s => new FineTuneMetric
            {
                Step = s,
                TrainLoss = s == 30 || s >= 28 ? finalTrain : 2.0 - s * 0.05,
                ValidLoss = s % 5 == 0 ? valid[s / 5 - 1] : (double?)null,
            }).ToList();

        private static readonly FineTuneCheckpoint[] Checkpoints =
        {
            new FineTuneCheckpoint { StepNumber = 30, FineTunedModelCheckpoint = "ft:m:org::abc" },
            new FineTuneCheckpoint { StepNumber = 20, FineTunedModelCheckpoint = "ft:m:org::abc:ckpt-step-20" },
            new FineTuneCheckpoint { StepNumber = 10, FineTunedModelCheckpoint = "ft:m:org::abc:ckpt-step-10" },
        };

        [Fact]
        public void ARisingValidationLossIsOverfittingAtTheBestEpoch()
        {
            // best 0.8 at step 15 (epoch 2), final 1.2 = 1.5x the best
            CurveDiagnosis d = TrainingCurve.Diagnose(Curve(new[] { 1.0, 0.9, 0.8, 0.95, 1.1, 1.2 }, 0.7), 3, Checkpoints, "ftjob-1");
            Assert.True(d.Overfitted);
            Assert.Equal(15, d.BestStep);
            Assert.Equal(0.8, d.BestValidLoss);
            Assert.Equal(1.2, d.FinalValidLoss);
            Assert.Equal(2, d.BestEpoch);
            Assert.Equal(1, d.FewerEpochs);
            Assert.Equal("ft:m:org::abc:ckpt-step-20", d.Checkpoint);
            Assert.Contains("rose more than 10%", d.Verdict);
            Assert.Contains("1 epoch(s) fewer (2 instead of 3)", d.Verdict);
        }

        [Fact]
        public void AFallingCurveKeepsTheFinalModel()
        {
            CurveDiagnosis d = TrainingCurve.Diagnose(Curve(new[] { 1.0, 0.9, 0.8, 0.75, 0.72, 0.7 }, 0.6), 3, Checkpoints);
            Assert.False(d.Overfitted);
            Assert.Equal(30, d.BestStep);
            Assert.Equal(0, d.FewerEpochs);
            Assert.Equal(0.6, d.FinalTrainLoss!.Value, 10); // the last 3 steps (a tenth of 30) average 0.6
            Assert.StartsWith("No overfitting", d.Verdict);
        }

        [Fact]
        public void AValidationLossFarAboveTrainingLossIsOverfittingToo()
        {
            // best and final 0.9 at step 30, but the training loss ended at 0.3: 0.9 > 1.5 x 0.3
            CurveDiagnosis d = TrainingCurve.Diagnose(Curve(new[] { 1.0, 0.98, 0.96, 0.94, 0.92, 0.9 }, 0.3), 3, Checkpoints);
            Assert.True(d.Overfitted);
            Assert.Contains("1.5x the training loss", d.Verdict);
            Assert.Contains("more varied training data", d.Verdict);
        }

        [Fact]
        public void WithoutValidationNothingCanBeTold()
        {
            CurveDiagnosis d = TrainingCurve.Diagnose(Curve(new double[6], 0.5).Select(m => { m.ValidLoss = null; return m; }).ToList(), 3, null);
            Assert.Null(d.BestStep);
            Assert.False(d.Overfitted);
            Assert.Contains("validation file", d.Verdict);
        }
    }
}
