using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;

namespace FineTune.Emulator
{
    /// <summary>
    /// A fine-tuning job and its simulation. The clock (<see cref="JobClock"/>) calls <see cref="Advance"/>
    /// with the seconds that passed; each phase takes <c>--time-scale</c> seconds: validating_files, queued,
    /// then one phase per epoch while running (Azure flavour: pending for both first phases). Paused jobs do not advance. Use under <see cref="EmulatorState.Sync"/>.
    /// </summary>
    public sealed class Job
    {
        private readonly Random noise;
        private double elapsed;
        private int stepsDone;
        private bool validated;

        /// <summary>A job in validating_files; the files are checked when that phase ends.</summary>
        public Job(string id, long sequence, string model, string baseModel, int seed, string modelName)
        {
            Id = id;
            Sequence = sequence;
            Model = model;
            BaseModel = baseModel;
            Seed = seed;
            ModelName = modelName;
            noise = new Random(seed);
        }

        public string Id { get; }
        public long Sequence { get; }
        public long CreatedAt { get; init; } = EmulatorState.Now;
        /// <summary>The model trained on (a base snapshot or a fine-tuned model).</summary>
        public string Model { get; }
        /// <summary>The base snapshot under <see cref="Model"/> (goes into the fine-tuned model name).</summary>
        public string BaseModel { get; }
        public int Seed { get; }
        /// <summary>The fine-tuned model name the job will produce: ft:&lt;base&gt;:&lt;org&gt;:&lt;suffix&gt;:&lt;id&gt;.</summary>
        public string ModelName { get; }
        public string TrainingFile { get; init; } = "";
        public string? ValidationFile { get; init; }
        public string? Suffix { get; init; }
        public Dictionary<string, string>? Metadata { get; init; }
        public JsonArray? Integrations { get; init; }
        /// <summary>supervised, dpo or reinforcement.</summary>
        public string MethodType { get; init; } = "supervised";
        /// <summary>Requested hyperparameters (numbers or "auto"), resolved when validation ends.</summary>
        public JsonObject RequestedHyperparameters { get; init; } = new JsonObject();
        public TrainingFormat Format { get; init; }

        /// <summary>Azure flavour: Standard, GlobalStandard or developerTier; null in the OpenAI flavour.</summary>
        public string? TrainingType { get; init; }

        /// <summary>True in the Azure flavour (status pending, -1 for auto, null organization_id).</summary>
        public bool Azure => TrainingType != null;

        public string Status { get; set; } = "validating_files";
        public JobError? Error { get; private set; }
        public string? FineTunedModel { get; private set; }
        public long? FinishedAt { get; set; }
        public long? TrainedTokens { get; private set; }
        public List<string> ResultFiles { get; } = new List<string>();
        public TrainingData? Data { get; private set; }

        /// <summary>The validation file's examples (what the fine-tuned model learned the task from besides <see cref="Data"/>), or null.</summary>
        public TrainingData? ValidationData { get; private set; }
        public int Epochs { get; private set; }
        public int BatchSize { get; private set; }
        public double LearningRateMultiplier { get; private set; }
        public double Beta { get; private set; }
        public int TotalSteps { get; private set; }
        /// <summary>Events, oldest first (the route returns them newest first).</summary>
        public List<JsonObject> Events { get; } = new List<JsonObject>();
        /// <summary>Checkpoints, oldest first: the ends of the last 3 epochs.</summary>
        public List<JsonObject> Checkpoints { get; } = new List<JsonObject>();
        /// <summary>One CSV row a step: step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy.</summary>
        public StringBuilder Metrics { get; } = new StringBuilder("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy\n");

        /// <summary>True in succeeded, failed and cancelled.</summary>
        public bool IsTerminal => Status is "succeeded" or "failed" or "cancelled";

        /// <summary>Appends an event (info/warn/error; message or metrics).</summary>
        public void AddEvent(EmulatorState state, string level, string message, string type = "message", JsonObject? data = null) =>
            Events.Add(new JsonObject
            {
                ["object"] = "fine_tuning.job.event", ["id"] = state.NewId("ftevent-"), ["created_at"] = EmulatorState.Now,
                ["level"] = level, ["message"] = message, ["type"] = type, ["data"] = data ?? new JsonObject(),
            });

        /// <summary>Ends the job as failed with <paramref name="error"/>.</summary>
        public void Fail(EmulatorState state, JobError error)
        {
            Status = "failed";
            Error = error;
            FinishedAt = EmulatorState.Now;
            AddEvent(state, "error", error.Message);
        }

        /// <summary>Moves the job on by <paramref name="seconds"/> of emulated time.</summary>
        public void Advance(EmulatorState state, double seconds)
        {
            if (IsTerminal || Status is "paused" or "pausing") return;
            double phase = state.Options.TimeScale;
            elapsed += seconds;
            if (Status is "validating_files" or "pending" && !validated && elapsed >= phase)
            {
                elapsed -= phase;
                Validate(state);
            }

            if (Status is "queued" or "pending" && validated && elapsed >= phase)
            {
                elapsed -= phase;
                Status = "running";
                AddEvent(state, "info", "Fine-tuning job started");
            }

            if (Status == "running")
            {
                double total = phase * Epochs;
                int target = (int)Math.Min(TotalSteps, Math.Floor(elapsed / total * TotalSteps));
                while (stepsDone < target) Step(state);
                if (stepsDone >= TotalSteps) Succeed(state);
            }
        }

        /// <summary>Unix seconds when the job should end, while it runs; else null.</summary>
        public long? EstimatedFinish(EmulatorState state) => Status is "running" or "queued" || (Status == "pending" && validated)
            ? EmulatorState.Now + (long)Math.Ceiling((Status != "running" ? state.Options.TimeScale : 0) + state.Options.TimeScale * Epochs * (1 - (double)stepsDone / Math.Max(1, TotalSteps)))
            : null;

        private void Validate(EmulatorState state)
        {
            AddEvent(state, "info", "Validating training file: " + TrainingFile);
            (TrainingData? data, JobError? error) = Check(state, TrainingFile, "training_file");
            if (error == null && ValidationFile != null)
            {
                AddEvent(state, "info", "Validating validation file: " + ValidationFile);
                (ValidationData, error) = Check(state, ValidationFile, "validation_file");
            }

            if (error != null)
            {
                Fail(state, error);
                return;
            }

            Data = data!;
            int n = Data.Examples.Count;
            Epochs = Resolve("n_epochs", () => n * 3 < 100 ? Math.Min(25, 100 / n) : n * 3 > 25000 ? Math.Max(1, 25000 / n) : 3);
            BatchSize = Resolve("batch_size", () => Math.Clamp((int)Math.Ceiling(n * 0.002), 1, 256));
            LearningRateMultiplier = RequestedHyperparameters["learning_rate_multiplier"] is JsonValue lr && lr.TryGetValue(out double l) ? l : 1.8;
            Beta = RequestedHyperparameters["beta"] is JsonValue b && b.TryGetValue(out double bv) ? bv : 0.1;
            TotalSteps = (int)Math.Ceiling((double)n / BatchSize) * Epochs;
            validated = true;
            Status = Azure ? "pending" : "queued";
            AddEvent(state, "info", "Files validated, moving job to queued state");
        }

        private int Resolve(string name, Func<int> auto) =>
            RequestedHyperparameters[name] is JsonValue v && v.TryGetValue(out int i) ? i : auto();

        private (TrainingData? Data, JobError? Error) Check(EmulatorState state, string fileId, string param)
        {
            StoredFile? file = state.Files.GetValueOrDefault(fileId);
            return file == null
                ? (null, new JobError("invalid_file", $"The {param.Replace('_', ' ')} {fileId} was deleted before the job could read it.", param))
                : FineTune.Emulator.TrainingFile.Check(file.Content, Format, param);
        }

        private void Step(EmulatorState state)
        {
            stepsDone++;
            double progress = (double)stepsDone / TotalSteps;
            double trainLoss = Math.Round(0.05 + 1.9 * Math.Exp(-4 * progress) + noise.NextDouble() * 0.05, 4);
            double trainAccuracy = Math.Round(Math.Min(1, 0.45 + 0.5 * (1 - Math.Exp(-4 * progress)) + noise.NextDouble() * 0.02), 4);
            double? validLoss = ValidationFile != null ? Math.Round(trainLoss * 1.1 + 0.02, 4) : null;
            double? validAccuracy = ValidationFile != null ? Math.Round(trainAccuracy * 0.97, 4) : null;
            Metrics.Append(string.Format(CultureInfo.InvariantCulture, "{0},{1},{2},{3},{4}\n", stepsDone, trainLoss, trainAccuracy, validLoss, validAccuracy));

            var data = new JsonObject { ["step"] = stepsDone, ["train_loss"] = trainLoss, ["train_mean_token_accuracy"] = trainAccuracy, ["total_steps"] = TotalSteps };
            if (validLoss != null)
            {
                data["valid_loss"] = validLoss;
                data["valid_mean_token_accuracy"] = validAccuracy;
            }

            int stride = Math.Max(1, TotalSteps / 100);
            if (stepsDone % stride == 0 || stepsDone == TotalSteps || stepsDone == 1)
            {
                AddEvent(state, "info", string.Format(CultureInfo.InvariantCulture, "Step {0}/{1}: training loss={2:0.0000}", stepsDone, TotalSteps, trainLoss), "metrics", data);
            }

            int stepsPerEpoch = TotalSteps / Epochs;
            int epoch = stepsDone / stepsPerEpoch;
            if (stepsDone % stepsPerEpoch == 0 && epoch > Epochs - 3)
            {
                AddCheckpoint(state, data, ModelName + ":ckpt-step-" + stepsDone.ToString(CultureInfo.InvariantCulture));
            }
        }

        private void AddCheckpoint(EmulatorState state, JsonObject data, string name)
        {
            var metrics = new JsonObject { ["step"] = stepsDone, ["train_loss"] = data["train_loss"]!.DeepClone(), ["train_mean_token_accuracy"] = data["train_mean_token_accuracy"]!.DeepClone() };
            if (data["valid_loss"] != null)
            {
                foreach (string k in new[] { "valid_loss", "valid_mean_token_accuracy" }) metrics[k] = data[k]!.DeepClone();
                metrics["full_valid_loss"] = data["valid_loss"]!.DeepClone();
                metrics["full_valid_mean_token_accuracy"] = data["valid_mean_token_accuracy"]!.DeepClone();
            }

            Checkpoints.Add(new JsonObject
            {
                ["object"] = "fine_tuning.job.checkpoint", ["id"] = state.NewId("ftckpt-"), ["created_at"] = EmulatorState.Now,
                ["fine_tuned_model_checkpoint"] = name, ["fine_tuning_job_id"] = Id, ["step_number"] = stepsDone, ["metrics"] = metrics,
            });
            AddEvent(state, "info", $"Checkpoint created at step {stepsDone}");
        }

        private void Succeed(EmulatorState state)
        {
            StoredFile result = state.AddFile("step_metrics.csv", "fine-tune-results", Encoding.UTF8.GetBytes(Metrics.ToString()));
            ResultFiles.Add(result.Id);
            FineTunedModel = ModelName;
            TrainedTokens = Data!.Tokens * Epochs;
            Status = "succeeded";
            FinishedAt = EmulatorState.Now;
            AddEvent(state, "info", "New fine-tuned model created: " + ModelName);
            AddEvent(state, "info", "The job has successfully completed");
        }

        /// <summary>The job object (OpenAPI schema FineTuningJob).</summary>
        public JsonObject ToJson(EmulatorState state)
        {
            var hyper = new JsonObject
            {
                ["batch_size"] = Epochs > 0 ? BatchSize : Requested("batch_size"),
                ["learning_rate_multiplier"] = Epochs > 0 ? LearningRateMultiplier : Requested("learning_rate_multiplier"),
                ["n_epochs"] = Epochs > 0 ? Epochs : Requested("n_epochs"),
            };
            var methodHyper = (JsonObject)hyper.DeepClone();
            if (MethodType == "dpo") methodHyper["beta"] = Epochs > 0 ? Beta : Requested("beta");
            var metadata = new JsonObject();
            foreach (var kv in Metadata ?? new Dictionary<string, string>()) metadata[kv.Key] = kv.Value;
            var json = new JsonObject
            {
                ["object"] = "fine_tuning.job",
                ["id"] = Id,
                ["model"] = Model,
                ["created_at"] = CreatedAt,
                ["finished_at"] = FinishedAt,
                ["fine_tuned_model"] = FineTunedModel,
                ["organization_id"] = Azure ? null : state.Options.Organization,
                ["result_files"] = Azure && ResultFiles.Count == 0 ? null : new JsonArray(ResultFiles.Select(f => (JsonNode)JsonValue.Create(f)!).ToArray()),
                ["status"] = Status,
                ["validation_file"] = ValidationFile,
                ["training_file"] = TrainingFile,
                ["hyperparameters"] = hyper,
                ["trained_tokens"] = TrainedTokens,
                ["error"] = Error == null ? null : new JsonObject { ["code"] = Error.Code, ["message"] = Error.Message, ["param"] = Error.Param },
                ["integrations"] = Integrations?.DeepClone() ?? new JsonArray(),
                ["seed"] = Seed,
                ["estimated_finish"] = EstimatedFinish(state),
                ["method"] = new JsonObject { ["type"] = MethodType, [MethodType] = new JsonObject { ["hyperparameters"] = methodHyper } },
                ["metadata"] = Metadata == null ? null : metadata,
                ["user_provided_suffix"] = Suffix,
            };
            if (Azure) json["trainingType"] = TrainingType;
            return json;
        }

        /// <summary>A requested hyperparameter before validation resolves it: the number, or "auto" (Azure: -1).</summary>
        private JsonNode Requested(string name)
        {
            JsonNode? v = RequestedHyperparameters[name];
            bool auto = v == null || (v is JsonValue s && s.TryGetValue(out string? text) && text == "auto");
            return auto ? (Azure ? JsonValue.Create(-1) : JsonValue.Create("auto"))! : v!.DeepClone();
        }
    }
}
