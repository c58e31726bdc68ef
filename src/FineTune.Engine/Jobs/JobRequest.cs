using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Json;

namespace FineTune.Engine.Jobs
{
    /// <summary>
    /// What <c>POST /fine_tuning/jobs</c> is sent (OPENAI-FACTS.md): model, training file, optional
    /// validation file, suffix (1–64 chars), seed (0–2147483647), metadata (≤ 16 pairs, key ≤ 64 chars,
    /// value ≤ 512 chars, one pair taken by <see cref="RequestIdKey"/>) and the method with its
    /// hyperparameters (null = <c>auto</c>). <see cref="Validate()"/> throws <see cref="ArgumentException"/>
    /// naming the field that breaks a limit.
    /// </summary>
    public sealed class JobRequest
    {
        /// <summary>The metadata key that holds the client request id a retry looks for.</summary>
        public const string RequestIdKey = "finetune_request_id";

        /// <summary>The base model (or a fine-tuned model to continue from).</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The training file id.</summary>
        public string TrainingFile { get; set; } = string.Empty;

        /// <summary>The validation file id, or null.</summary>
        public string? ValidationFile { get; set; }

        /// <summary>supervised (default), dpo or reinforcement.</summary>
        public string Method { get; set; } = "supervised";

        /// <summary>Epochs 1–50, or null for auto.</summary>
        public int? Epochs { get; set; }

        /// <summary>Batch size 1–256, or null for auto.</summary>
        public int? BatchSize { get; set; }

        /// <summary>Learning rate multiplier &gt; 0, or null for auto.</summary>
        public double? LearningRateMultiplier { get; set; }

        /// <summary>DPO beta in (0, 2], or null for auto.</summary>
        public double? Beta { get; set; }

        /// <summary>Up to 64 characters added to the fine-tuned model's name.</summary>
        public string? Suffix { get; set; }

        /// <summary>0–2147483647, for reproducible runs.</summary>
        public long? Seed { get; set; }

        /// <summary>The user's metadata pairs.</summary>
        public IDictionary<string, string> Metadata { get; set; } = new Dictionary<string, string>(StringComparer.Ordinal);

        /// <summary>The client request id stored as metadata <see cref="RequestIdKey"/>; new for every command.</summary>
        public string RequestId { get; set; } = NewRequestId();

        /// <summary>A new client request id: <c>ftreq_</c> and 32 hex digits.</summary>
        public static string NewRequestId() => "ftreq_" + Guid.NewGuid().ToString("N");

        /// <summary>
        /// Azure only: Standard, GlobalStandard or Developer (sent as <c>trainingType</c> Standard, GlobalStandard,
        /// developerTier; OPENAI-FACTS.md, "Azure OpenAI"); null leaves the service's default (Standard).
        /// </summary>
        public string? TrainingType { get; set; }

        /// <summary>A copy of this request naming other files (a copy of the metadata too; the same client request id).</summary>
        public JobRequest WithFiles(string trainingFile, string? validationFile)
        {
            var copy = (JobRequest)MemberwiseClone();
            copy.TrainingFile = trainingFile;
            copy.ValidationFile = validationFile;
            copy.Metadata = new Dictionary<string, string>(Metadata, StringComparer.Ordinal);
            return copy;
        }

        /// <summary>Checks the limits the service applies; throws <see cref="ArgumentException"/> naming the field.</summary>
        public void Validate()
        {
            if (string.IsNullOrWhiteSpace(Model)) throw new ArgumentException("-Model is required: the base model to fine-tune, e.g. gpt-4o-mini-2024-07-18.");
            if (string.IsNullOrWhiteSpace(TrainingFile)) throw new ArgumentException("-TrainingFile is required: a file id (file-...), a file object from Add-FineTuneFile, or -Path.");
            if (Suffix != null && (Suffix.Length < 1 || Suffix.Length > 64)) throw new ArgumentException($"-Suffix is {Suffix.Length} characters; the service takes 1 to 64.");
            if (Seed is long s && (s < 0 || s > int.MaxValue)) throw new ArgumentException($"-Seed {s} is out of range; use 0 to 2147483647.");
            if (Epochs is int e && (e < 1 || e > 50)) throw new ArgumentException($"-Epochs {e} is out of range; use 1 to 50, or leave it out for auto.");
            if (BatchSize is int b && (b < 1 || b > 256)) throw new ArgumentException($"-BatchSize {b} is out of range; use 1 to 256, or leave it out for auto.");
            if (LearningRateMultiplier is double l && !(l > 0)) throw new ArgumentException($"-LearningRateMultiplier {l} must be greater than 0.");
            if (Beta is double beta && !(beta > 0 && beta <= 2)) throw new ArgumentException($"-Beta {beta} must be greater than 0 and at most 2.");
            if (Beta != null && !string.Equals(Method, "dpo", StringComparison.OrdinalIgnoreCase)) throw new ArgumentException("-Beta applies only to -Method Dpo.");
            if (TrainingType != null && TrainingTypeValue(TrainingType) == null) throw new ArgumentException($"-TrainingType '{TrainingType}' is not one of Standard, GlobalStandard, Developer.");
            if (Metadata.Count + 1 > 16) throw new ArgumentException($"-Metadata has {Metadata.Count} pairs; the service takes 16 and FineTune uses one ({RequestIdKey}), so give at most 15.");
            foreach (KeyValuePair<string, string> p in Metadata)
            {
                if (p.Key.Length > 64) throw new ArgumentException($"-Metadata key '{p.Key.Substring(0, 20)}...' is {p.Key.Length} characters; keys take at most 64.");
                if ((p.Value ?? string.Empty).Length > 512) throw new ArgumentException($"-Metadata value of '{p.Key}' is {p.Value!.Length} characters; values take at most 512.");
                if (p.Key == RequestIdKey) throw new ArgumentException($"-Metadata key '{RequestIdKey}' is FineTune's own; use another key.");
            }
        }

        /// <summary>The JSON body: <c>method: {type, TYPE: {hyperparameters}}</c>, auto values left out.</summary>
        public byte[] ToJson()
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                string type = Method.ToLowerInvariant();
                w.WriteStartObject();
                w.WriteString("model", Model);
                w.WriteString("training_file", TrainingFile);
                if (ValidationFile != null) w.WriteString("validation_file", ValidationFile);
                if (Suffix != null) w.WriteString("suffix", Suffix);
                if (Seed != null) w.WriteNumber("seed", Seed.Value);
                if (TrainingType != null) w.WriteString("trainingType", TrainingTypeValue(TrainingType));
                w.WriteStartObject("metadata");
                foreach (KeyValuePair<string, string> p in Metadata) w.WriteString(p.Key, p.Value ?? string.Empty);
                w.WriteString(RequestIdKey, RequestId);
                w.WriteEndObject();
                w.WriteStartObject("method");
                w.WriteString("type", type);
                w.WriteStartObject(type);
                w.WriteStartObject("hyperparameters");
                if (Epochs != null) w.WriteNumber("n_epochs", Epochs.Value);
                if (BatchSize != null) w.WriteNumber("batch_size", BatchSize.Value);
                if (LearningRateMultiplier != null) w.WriteNumber("learning_rate_multiplier", LearningRateMultiplier.Value);
                if (Beta != null) w.WriteNumber("beta", Beta.Value);
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
                w.WriteEndObject();
            }

            return buffer.ToArray();
        }

        /// <summary>Azure's wire value of a training type (Developer is developerTier), or null for an unknown one.</summary>
        public static string? TrainingTypeValue(string trainingType) => trainingType.ToLowerInvariant() switch
        {
            "standard" => "Standard",
            "globalstandard" => "GlobalStandard",
            "developer" or "developertier" => "developerTier",
            _ => null,
        };

        /// <inheritdoc/>
        public override string ToString() => string.Format(CultureInfo.InvariantCulture, "{0} on {1} ({2})", TrainingFile, Model, Method);
    }
}
