using System;
using System.Collections.Generic;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A fine-tuning job (<c>/fine_tuning/jobs</c>), read leniently from the service's JSON (Azure's
    /// <c>pending</c> status, <c>-1</c> for auto hyperparameters and null <c>result_files</c> are all accepted).
    /// Binds by property name: <see cref="Id"/> to <c>-JobId</c> (alias Id) of the job cmdlets,
    /// <see cref="FineTunedModel"/> to <c>-Model</c> of Invoke-FineTuneChat. The base model is
    /// <see cref="BaseModel"/> (not <c>Model</c>) so that it never binds where the fine-tuned one is meant.
    /// </summary>
    public sealed class FineTuneJob
    {
        /// <summary>The job id (<c>ftjob-…</c>).</summary>
        public string Id { get; set; } = string.Empty;

        /// <summary>The same as <see cref="Id"/>, for binding to <c>-JobId</c>.</summary>
        public string JobId => Id;

        /// <summary>
        /// An open string (<see cref="JobStatus"/> classifies it): validating_files, queued, running,
        /// succeeded, failed, cancelled; the live service adds pausing/paused, Azure says pending.
        /// </summary>
        public string Status { get; set; } = string.Empty;

        /// <summary>The base model (wire name <c>model</c>), resolved to a snapshot by the service.</summary>
        public string? BaseModel { get; set; }

        /// <summary>The fine-tuned model's name once the job succeeded (<c>ft:BASE:org:suffix:id</c>), else null.</summary>
        public string? FineTunedModel { get; set; }

        /// <summary>When the job was created (UTC).</summary>
        public DateTimeOffset? CreatedAt { get; set; }

        /// <summary>When the job ended (UTC), or null while it runs.</summary>
        public DateTimeOffset? FinishedAt { get; set; }

        /// <summary>The service's estimate of the end (UTC), or null.</summary>
        public DateTimeOffset? EstimatedFinish { get; set; }

        /// <summary>The training file id.</summary>
        public string? TrainingFile { get; set; }

        /// <summary>The validation file id, or null.</summary>
        public string? ValidationFile { get; set; }

        /// <summary>Result file ids (a CSV of step metrics each); empty until the job ends.</summary>
        public string[] ResultFiles { get; set; } = new string[0];

        /// <summary>Tokens billed (examples x epochs, capped per example); null while running.</summary>
        public long? TrainedTokens { get; set; }

        /// <summary>supervised, dpo or reinforcement (open string).</summary>
        public string? Method { get; set; }

        /// <summary>Epochs (<c>n_epochs</c>); null while <c>auto</c>.</summary>
        public int? Epochs { get; set; }

        /// <summary>Examples per batch (<c>batch_size</c>); null while <c>auto</c>.</summary>
        public int? BatchSize { get; set; }

        /// <summary>Learning rate multiplier; null while <c>auto</c>.</summary>
        public double? LearningRateMultiplier { get; set; }

        /// <summary>DPO beta; null unless DPO with a set value.</summary>
        public double? Beta { get; set; }

        /// <summary>The seed the job used.</summary>
        public long? Seed { get; set; }

        /// <summary>The suffix of the fine-tuned model's name, when the service reports it.</summary>
        public string? Suffix { get; set; }

        /// <summary>The job's metadata (string pairs), including FineTune's <c>finetune_request_id</c>.</summary>
        public IReadOnlyDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>();

        /// <summary>The service's <c>error.code</c> of a failed job, or null.</summary>
        public string? ErrorCode { get; set; }

        /// <summary>The service's <c>error.message</c> of a failed job, or null.</summary>
        public string? ErrorMessage { get; set; }

        /// <summary>The service's <c>error.param</c> (the field at fault), or null.</summary>
        public string? ErrorParam { get; set; }

        /// <summary>True for succeeded, failed and cancelled (and any unknown status with a finish time).</summary>
        public bool IsTerminal => JobStatus.Classify(Status, FinishedAt) == JobState.Terminal;

        /// <summary>The service's own JSON of this object, as it came (kept by an archive); null when not read from the service.</summary>
        internal string? ServiceJson { get; set; }

        internal static FineTuneJob FromJson(JsonElement e)
        {
            JsonElement method = e.Child("method");
            string? type = method.Str("type");
            JsonElement hyper = type != null ? method.Child(type).Child("hyperparameters") : default;
            if (hyper.ValueKind != JsonValueKind.Object) hyper = e.Child("hyperparameters");
            JsonElement error = e.Child("error");
            string? code = error.Str("code");
            string? message = error.Str("message");
            var job = new FineTuneJob
            {
                ServiceJson = e.GetRawText(),
                Id = e.Str("id") ?? string.Empty,
                Status = e.Str("status") ?? string.Empty,
                BaseModel = e.Str("model"),
                FineTunedModel = e.Str("fine_tuned_model"),
                CreatedAt = e.Time("created_at"),
                FinishedAt = e.Time("finished_at"),
                EstimatedFinish = e.Time("estimated_finish"),
                TrainingFile = e.Str("training_file"),
                ValidationFile = e.Str("validation_file"),
                ResultFiles = e.StrArray("result_files"),
                TrainedTokens = e.Long("trained_tokens"),
                Method = type ?? (hyper.ValueKind == JsonValueKind.Object ? "supervised" : null),
                Epochs = (int?)hyper.Hyper("n_epochs"),
                BatchSize = (int?)hyper.Hyper("batch_size"),
                LearningRateMultiplier = hyper.Hyper("learning_rate_multiplier"),
                Beta = hyper.Hyper("beta"),
                Seed = e.Long("seed"),
                Suffix = e.Str("suffix") ?? e.Str("user_provided_suffix"),
                Metadata = e.StrMap("metadata"),
                // an error object whose code and message are null means no error
                ErrorCode = code,
                ErrorMessage = message,
                ErrorParam = code == null && message == null ? null : error.Str("param"),
            };
            return job;
        }

        /// <summary>The id, so that a job object given where an id is wanted works.</summary>
        public override string ToString() => Id;
    }
}
