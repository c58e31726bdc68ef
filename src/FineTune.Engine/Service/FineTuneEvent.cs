using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// One event of a job (<c>/fine_tuning/jobs/{id}/events</c>): a message, or a metrics event whose
    /// <see cref="Data"/> holds step, total_steps, train_loss, valid_loss, train_mean_token_accuracy and the like.
    /// </summary>
    public sealed class FineTuneEvent
    {
        /// <summary>The event id (<c>ftevent-…</c>).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The job it belongs to.</summary>
        public string? JobId { get; set; }

        /// <summary>When it happened (UTC).</summary>
        public DateTimeOffset? CreatedAt { get; set; }

        /// <summary>info, warn or error (open string).</summary>
        public string? Level { get; set; }

        /// <summary>message or metrics (others appear, e.g. moderation checks).</summary>
        public string? Type { get; set; }

        /// <summary>The event's text.</summary>
        public string Message { get; set; } = string.Empty;

        /// <summary>The numbers of a metrics event (<c>data</c>) by wire name; empty for other events.</summary>
        public IReadOnlyDictionary<string, double> Data { get; set; } = new Dictionary<string, double>();

        /// <summary>The training step of a metrics event, or null.</summary>
        public int? Step => Data.TryGetValue("step", out double v) ? (int)v : (int?)null;

        /// <summary>The job's total steps from a metrics event, or null.</summary>
        public int? TotalSteps => Data.TryGetValue("total_steps", out double v) ? (int)v : (int?)null;

        /// <summary>The training loss of a metrics event, or null.</summary>
        public double? TrainLoss => Data.TryGetValue("train_loss", out double v) ? v : (double?)null;

        internal static FineTuneEvent FromJson(JsonElement e, string? jobId)
        {
            var data = new Dictionary<string, double>(StringComparer.Ordinal);
            JsonElement d = e.Child("data");
            if (d.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in d.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Number) data[p.Name] = p.Value.GetDouble();
                }
            }

            return new FineTuneEvent
            {
                Id = e.Str("id") ?? string.Empty,
                JobId = jobId,
                CreatedAt = e.Time("created_at"),
                Level = e.Str("level"),
                Type = e.Str("type"),
                Message = e.Str("message") ?? string.Empty,
                Data = data,
            };
        }

        /// <summary>One line: time, level and message (what the information stream shows).</summary>
        public override string ToString() =>
            string.Format(CultureInfo.InvariantCulture, "{0:yyyy-MM-dd HH:mm:ss} [{1}] {2}", CreatedAt?.UtcDateTime, Level ?? "info", Message);
    }

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

        internal static FineTuneCheckpoint FromJson(JsonElement e)
        {
            var metrics = new Dictionary<string, double>(StringComparer.Ordinal);
            JsonElement m = e.Child("metrics");
            if (m.ValueKind == JsonValueKind.Object)
            {
                foreach (JsonProperty p in m.EnumerateObject())
                {
                    if (p.Value.ValueKind == JsonValueKind.Number) metrics[p.Name] = p.Value.GetDouble();
                }
            }

            return new FineTuneCheckpoint
            {
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

    /// <summary>The answer of one chat completion, with its token usage and cost.</summary>
    public sealed class ChatAnswer
    {
        /// <summary>The model that answered (as the service names it).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The user message that was sent.</summary>
        public string Question { get; set; } = string.Empty;

        /// <summary>The assistant's reply (the first choice's content).</summary>
        public string? Answer { get; set; }

        /// <summary>Why generation stopped: stop, length, content_filter, tool_calls.</summary>
        public string? FinishReason { get; set; }

        /// <summary>Input tokens billed (<c>usage.prompt_tokens</c>).</summary>
        public long PromptTokens { get; set; }

        /// <summary>Output tokens billed (<c>usage.completion_tokens</c>).</summary>
        public long CompletionTokens { get; set; }

        /// <summary>Prompt plus completion tokens.</summary>
        public long TotalTokens => PromptTokens + CompletionTokens;

        /// <summary>The call's cost in USD from the price catalog (fine-tuned inference prices of the base model); null when the model has no price.</summary>
        public decimal? CostUsd { get; set; }

        /// <summary>The <c>x-request-id</c> of the call, or null.</summary>
        public string? RequestId { get; set; }

        /// <inheritdoc/>
        public override string ToString() => Answer ?? string.Empty;
    }
}
