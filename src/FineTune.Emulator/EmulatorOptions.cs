using System;
using System.Collections.Generic;
using System.Globalization;

namespace FineTune.Emulator
{
    /// <summary>The service the emulator imitates.</summary>
    public enum Flavor
    {
        /// <summary>OpenAI's v1 API (https://api.openai.com/v1): bearer key, ft: model names.</summary>
        OpenAI,

        /// <summary>
        /// Azure OpenAI's v1 API (OPENAI-FACTS.md, "Azure OpenAI"): <c>api-key</c> header or bearer, job status
        /// pending, -1 for auto hyperparameters, null organization_id, file states uploaded → pending → running →
        /// processed, fine-tuned ids <c>&lt;base&gt;.ft-&lt;hex&gt;</c>, <c>trainingType</c>, no DELETE /models and no
        /// /uploads, and the ARM deployments endpoint (<see cref="DeploymentRoutes"/>).
        /// </summary>
        Azure,
    }

    /// <summary>
    /// The emulator's knobs, from the command line (<c>--name value</c>) or set by a test that hosts it in-process.
    /// </summary>
    public sealed class EmulatorOptions
    {
        /// <summary>TCP port on 127.0.0.1; 0 picks a free one (default 0).</summary>
        public int Port { get; set; }

        /// <summary>Seconds each job phase takes (validating_files, queued, each training epoch); default 1.</summary>
        public double TimeScale { get; set; } = 1.0;

        /// <summary>Seed of every random choice (fault draws, ids, metric noise); default 42.</summary>
        public int Seed { get; set; } = 42;

        /// <summary>The exact bearer key to accept; null accepts any non-empty key.</summary>
        public string? ApiKey { get; set; }

        /// <summary>Words that make a moderation input flagged; <c>word=category</c> picks the category (default violence).</summary>
        public List<string> TriggerWords { get; } = new List<string>();

        /// <summary>Probability (0..1) that a /v1 request meets a random fault (429, 500, 503 or a dropped connection).</summary>
        public double FaultRate { get; set; }

        /// <summary>Organization id in job objects; its name part (without "org-") goes into fine-tuned model names.</summary>
        public string Organization { get; set; } = "org-emulator";

        /// <summary>How often a base model answers a question it knows right (<c>--base-skill</c>, 0–1, default 0.4; see <see cref="Skill"/>).</summary>
        public double BaseSkill { get; set; } = 0.4;

        /// <summary>How often a fine-tuned model answers a held-out question of its task right (<c>--tuned-skill</c>, 0–1, default 0.8).</summary>
        public double TunedSkill { get; set; } = 0.8;

        /// <summary>True for the Azure flavour.</summary>
        public bool IsAzure => Flavor == Flavor.Azure;

        /// <summary>The flavour to imitate (<c>--flavor openai|azure</c>).</summary>
        public Flavor Flavor { get; set; } = Flavor.OpenAI;

        /// <summary>
        /// The first day (UTC) on which the organization can no longer create fine-tuning jobs
        /// (<c>--no-new-jobs-from yyyy-MM-dd</c>; OpenAI's is 2027-01-06); null: jobs are taken. The control route
        /// <c>POST /_emulator/closure</c> changes it while the emulator runs (<see cref="EmulatorState.NoNewJobsFrom"/>).
        /// </summary>
        public DateTime? NoNewJobsFrom { get; set; }

        /// <summary>
        /// Parses <c>--port N --time-scale S --seed N --api-key K --trigger-words a,b --fault-rate R --org ID --flavor F --no-new-jobs-from D --base-skill P --tuned-skill P</c>.
        /// Throws <see cref="ArgumentException"/> naming the option on an unknown option or a bad value.
        /// </summary>
        public static EmulatorOptions Parse(IReadOnlyList<string> args)
        {
            var o = new EmulatorOptions();
            for (int i = 0; i < args.Count; i++)
            {
                string name = args[i].ToLowerInvariant();
                string Value() => i + 1 < args.Count ? args[++i] : throw new ArgumentException($"Option {name} needs a value.");
                switch (name)
                {
                    case "--port": o.Port = ParseInt(name, Value(), 0, 65535); break;
                    case "--time-scale": o.TimeScale = ParseDouble(name, Value(), 0.001, 3600); break;
                    case "--seed": o.Seed = ParseInt(name, Value(), int.MinValue, int.MaxValue); break;
                    case "--api-key": o.ApiKey = Value(); break;
                    case "--trigger-words":
                        foreach (string w in Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)) o.TriggerWords.Add(w);
                        break;
                    case "--fault-rate": o.FaultRate = ParseDouble(name, Value(), 0, 1); break;
                    case "--org": o.Organization = Value(); break;
                    case "--base-skill": o.BaseSkill = ParseDouble(name, Value(), 0, 1); break;
                    case "--tuned-skill": o.TunedSkill = ParseDouble(name, Value(), 0, 1); break;
                    case "--flavor":
                        string f = Value();
                        o.Flavor = f.Equals("openai", StringComparison.OrdinalIgnoreCase) ? Flavor.OpenAI
                            : f.Equals("azure", StringComparison.OrdinalIgnoreCase) ? Flavor.Azure
                            : throw new ArgumentException($"--flavor {f} is not supported: use openai or azure.");
                        break;
                    case "--no-new-jobs-from": o.NoNewJobsFrom = ParseDate(name, Value()); break;
                    default: throw new ArgumentException($"Unknown option '{args[i]}'. Options: --port, --time-scale, --seed, --api-key, --trigger-words, --fault-rate, --org, --flavor, --no-new-jobs-from, --base-skill, --tuned-skill.");
                }
            }

            return o;
        }

        /// <summary>A yyyy-MM-dd date (UTC midnight); <see cref="ArgumentException"/> naming <paramref name="name"/> otherwise.</summary>
        public static DateTime ParseDate(string name, string s) =>
            DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out DateTime d)
                ? d : throw new ArgumentException($"{name} '{s}' must be a date as yyyy-MM-dd (e.g. 2027-01-06).");

        private static int ParseInt(string name, string s, int min, int max) =>
            int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max
                ? v : throw new ArgumentException($"{name} '{s}' must be an integer from {min} to {max}.");

        private static double ParseDouble(string name, string s, double min, double max) =>
            double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v >= min && v <= max
                ? v : throw new ArgumentException($"{name} '{s}' must be a number from {min} to {max}.");
    }
}
