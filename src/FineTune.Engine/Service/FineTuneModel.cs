using System;
using System.Globalization;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A model the endpoint serves (<c>GET /models</c>): base models with their shutdown date, and
    /// fine-tuned models with the base model they were trained from.
    /// </summary>
    public sealed class FineTuneModel
    {
        /// <summary>The model id, e.g. <c>gpt-4o-mini-2024-07-18</c> or <c>ft:gpt-4o-mini-2024-07-18:org:suffix:abc123</c>.</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The owner (<c>system</c>, <c>openai</c>, or the organization of a fine-tuned model).</summary>
        public string? OwnedBy { get; set; }

        /// <summary>When the model was created (UTC).</summary>
        public DateTimeOffset? Created { get; set; }

        /// <summary>True for a fine-tuned model (an <c>ft:</c> id, or Azure's <c>base.ft-hex</c>).</summary>
        public bool IsFineTuned => BaseModel != null;

        /// <summary>The base model a fine-tuned model was trained from (<see cref="Models.ModelCatalog.BaseModelOf"/>); null for a base model.</summary>
        public string? BaseModel => Models.ModelCatalog.BaseModelOf(Id);

        /// <summary>The service's <c>shutdown_date</c> (UTC date); for a fine-tuned model without one, its base model's (it serves until then); null when none is announced.</summary>
        public DateTime? ShutdownDate { get; set; }

        /// <summary>The job that made this fine-tuned model, when known (Get-FineTuneModel -WithJobs).</summary>
        public string? JobId { get; set; }

        /// <summary>False for a model a job made that the service no longer lists (deleted); true for every listed model.</summary>
        public bool Exists { get; set; } = true;

        /// <summary>Whole days from today (UTC) to <see cref="ShutdownDate"/>; negative once past; null when none.</summary>
        public int? DaysToShutdown => ShutdownDate is DateTime d ? (int)(d.Date - DateTime.UtcNow.Date).TotalDays : (int?)null;

        /// <summary>The service's own JSON of this object, as it came (kept by an archive); null when not read from the service.</summary>
        internal string? ServiceJson { get; set; }

        internal static FineTuneModel FromJson(JsonElement e)
        {
            DateTime? shutdown = null;
            string? sd = e.Str("shutdown_date");
            if (sd != null)
            {
                if (DateTime.TryParseExact(sd, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime d))
                {
                    shutdown = d;
                }
                else if (e.Long("shutdown_date") is long unix)
                {
                    shutdown = DateTimeOffset.FromUnixTimeSeconds(unix).UtcDateTime.Date;
                }
            }

            return new FineTuneModel
            {
                ServiceJson = e.GetRawText(),
                Id = e.Str("id") ?? string.Empty,
                OwnedBy = e.Str("owned_by"),
                Created = e.Time("created"),
                ShutdownDate = shutdown,
            };
        }

        /// <inheritdoc/>
        public override string ToString() => Id;
    }

    /// <summary>What the endpoint said of a model (the provider port's LookUpModelAsync).</summary>
    public sealed class ModelLookup
    {
        /// <summary>Creates an answer.</summary>
        public ModelLookup(bool? serves, string? unanswered)
        {
            Serves = serves;
            Unanswered = unanswered;
        }

        /// <summary>True: the endpoint serves it; false: it has no such model; null: it cannot tell.</summary>
        public bool? Serves { get; }

        /// <summary>Why the endpoint could not be asked (the failure's message), when that is why <see cref="Serves"/> is null.</summary>
        public string? Unanswered { get; }
    }
}
