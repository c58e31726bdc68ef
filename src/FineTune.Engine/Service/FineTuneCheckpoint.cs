using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A checkpoint of a job (<c>/fine_tuning/jobs/{id}/checkpoints</c>; the service keeps those of the last
    /// 3 epochs). <see cref="FineTunedModelCheckpoint"/> is a model name Invoke-FineTuneChat can call.
    /// </summary>
    public sealed class FineTuneCheckpoint
    {
        /// <summary>The checkpoint id (<c>ftckpt-…</c>).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The job it belongs to.</summary>
        public string? JobId { get; set; }

        /// <summary>When it was saved (UTC).</summary>
        public DateTimeOffset? CreatedAt { get; set; }

        /// <summary>The model name of the checkpoint (<c>ft:…:ckpt-step-N</c>).</summary>
        public string? FineTunedModelCheckpoint { get; set; }

        /// <summary>The training step it was saved at.</summary>
        public int? StepNumber { get; set; }

        /// <summary>The metrics at that step by wire name (train_loss, valid_loss, full_valid_loss, ...).</summary>
        public IReadOnlyDictionary<string, double> Metrics { get; set; } = new Dictionary<string, double>();

        /// <summary>Training loss at the step, or null.</summary>
        public double? TrainLoss => Metrics.TryGetValue("train_loss", out double v) ? v : (double?)null;

        /// <summary>Validation loss on the full validation set at the step (else the batch's), or null.</summary>
        public double? ValidLoss => Metrics.TryGetValue("full_valid_loss", out double v) ? v : Metrics.TryGetValue("valid_loss", out double b) ? b : (double?)null;

        /// <summary>The service's own JSON of this object, as it came (kept by an archive); null when not read from the service.</summary>
        internal string? ServiceJson { get; set; }

        internal static FineTuneCheckpoint FromJson(JsonElement e)
        {
            Dictionary<string, double> metrics = e.NumMap("metrics");

            return new FineTuneCheckpoint
            {
                ServiceJson = e.GetRawText(),
                Id = e.Str("id") ?? string.Empty,
                JobId = e.Str("fine_tuning_job_id"),
                CreatedAt = e.Time("created_at"),
                FineTunedModelCheckpoint = e.Str("fine_tuned_model_checkpoint"),
                StepNumber = (int?)e.Long("step_number"),
                Metrics = metrics,
            };
        }

        /// <inheritdoc/>
        public override string ToString() => FineTunedModelCheckpoint ?? Id;
    }
}
