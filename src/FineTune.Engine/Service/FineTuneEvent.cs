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

        /// <summary>The service's own JSON of this object, as it came (kept by an archive); null when not read from the service.</summary>
        internal string? ServiceJson { get; set; }

        internal static FineTuneEvent FromJson(JsonElement e, string? jobId)
        {
            Dictionary<string, double> data = e.NumMap("data");

            return new FineTuneEvent
            {
                ServiceJson = e.GetRawText(),
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
}
