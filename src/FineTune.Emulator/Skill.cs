using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FineTune.Emulator
{
    /// <summary>
    /// How emulated models answer questions, so that an evaluation has something to find (docs/EMULATOR.md,
    /// "Answers and skill"). A question is keyed by its user messages (each followed by a space) or, on the
    /// completions route, by its prompt. The emulator knows the answer to every question in a file uploaded
    /// with purpose <c>fine-tune</c>. A base model answers a known question right with probability
    /// <c>--base-skill</c>, a fine-tuned model a question of its validation file with <c>--tuned-skill</c> (a
    /// checkpoint in between, by its step) and a question of its training file always; the draw is seeded by
    /// <c>--seed</c>, the model and the question, so the same question gets the same answer every time. A wrong
    /// answer is another label of the file (when its answers are a few short labels), else the reference with
    /// its last number changed, else a sentence that answers nothing. A grader request (a base model asked with
    /// <c>Reference:</c> and <c>Answer:</c> lines) is scored from the word overlap of the two.
    /// </summary>
    public static partial class Skill
    {
        private static readonly ConditionalWeakTable<EmulatorState, Dictionary<string, KnownFile>> Cache = new ConditionalWeakTable<EmulatorState, Dictionary<string, KnownFile>>();

        /// <summary>The answers of one uploaded file by question key, and its labels when its answers are 2–20 distinct short texts.</summary>
        private sealed record KnownFile(Dictionary<string, string> Answers, IReadOnlyList<string> Labels);

        /// <summary>The key of a chat question: each user message followed by a space (as the training data keys it).</summary>
        public static string KeyOf(JsonArray messages) =>
            string.Concat(messages.OfType<JsonObject>().Where(m => Requests.String(m, "role") == "user").Select(m => TrainingFile.TextOf(m["content"]) + " "));

        /// <summary>A base model's answer, or null when the emulator does not know the question.</summary>
        public static string? BaseAnswer(EmulatorState state, string model, string key) =>
            Known(state, key, out IReadOnlyList<string> labels) is string right ? Draw(state, model, key, right, labels, state.Options.BaseSkill) : null;

        /// <summary>A fine-tuned model's (or checkpoint's, at <paramref name="progress"/> 0–1 of its job) answer from its job's data, or null when the question is in neither of its files.</summary>
        public static string? TunedAnswer(EmulatorState state, string model, string key, TrainingData data, TrainingData? validation, double progress)
        {
            TrainedExample? trained = data.Examples.FirstOrDefault(e => e.Prompt == key);
            if (trained != null) return trained.Reply;
            TrainedExample? held = validation?.Examples.FirstOrDefault(e => e.Prompt == key);
            if (held == null) return null;
            Known(state, key, out IReadOnlyList<string> labels);
            double skill = state.Options.BaseSkill + (state.Options.TunedSkill - state.Options.BaseSkill) * Math.Clamp(progress, 0, 1);
            return Draw(state, model, key, held.Reply, labels, skill);
        }

        private static string Draw(EmulatorState state, string model, string key, string right, IReadOnlyList<string> labels, double skill)
        {
            if (Uniform($"{state.Options.Seed}|{model}|{key}") < skill) return right;
            double u = Uniform($"{state.Options.Seed}|{model}|{key}|wrong");
            var others = labels.Where(l => l != right).ToList();
            if (labels.Contains(right) && others.Count > 0) return others[(int)(u * others.Count)];
            Match last = Number().Matches(right).LastOrDefault() ?? Match.Empty;
            if (last.Success && long.TryParse(last.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out long n))
            {
                return right.Substring(0, last.Index) + (n + 1 + (long)(u * 9)).ToString(CultureInfo.InvariantCulture) + right.Substring(last.Index + last.Length);
            }

            return "I am not sure how to answer that.";
        }

        /// <summary>A uniform number in [0, 1) from the FNV-1a hash of <paramref name="text"/>: the same text, the same number.</summary>
        public static double Uniform(string text)
        {
            ulong hash = 14695981039346656037UL;
            foreach (byte b in Encoding.UTF8.GetBytes(text))
            {
                hash ^= b;
                hash *= 1099511628211UL;
            }

            hash ^= hash >> 33; // mix the high bits down: FNV's low bits vary little between similar texts
            hash *= 0xff51afd7ed558ccdUL;
            hash ^= hash >> 33;
            return (hash >> 11) / (double)(1UL << 53);
        }

        private static string? Known(EmulatorState state, string key, out IReadOnlyList<string> labels)
        {
            labels = Array.Empty<string>();
            List<StoredFile> files;
            lock (state.Sync) files = state.Files.Values.Where(f => f.Purpose == "fine-tune").OrderBy(f => f.Sequence).ToList();
            Dictionary<string, KnownFile> cache = Cache.GetOrCreateValue(state);
            foreach (StoredFile f in files)
            {
                KnownFile known;
                lock (cache)
                {
                    if (!cache.TryGetValue(f.Id, out known!)) cache[f.Id] = known = Read(f.Content);
                }

                if (known.Answers.TryGetValue(key, out string? answer))
                {
                    labels = known.Labels;
                    return answer;
                }
            }

            return null;
        }

        private static KnownFile Read(byte[] content)
        {
            var answers = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (string line in Encoding.UTF8.GetString(content).Split('\n'))
            {
                try
                {
                    if (JsonNode.Parse(line) is not JsonObject o) continue;
                    if (o["messages"] is JsonArray messages && messages.OfType<JsonObject>().LastOrDefault(m => Requests.String(m, "role") == "assistant") is JsonObject reply)
                    {
                        answers.TryAdd(KeyOf(messages), TrainingFile.TextOf(reply["content"]));
                    }
                    else if (o["prompt"] is JsonValue p && p.TryGetValue(out string? prompt) && o["completion"] is JsonValue c && c.TryGetValue(out string? completion))
                    {
                        answers.TryAdd(prompt, completion);
                    }
                }
                catch (JsonException)
                {
                    // not an example: nothing to know
                }
            }

            var distinct = answers.Values.Distinct(StringComparer.Ordinal).ToList();
            bool isLabels = distinct.Count is >= 2 and <= 20 && distinct.All(a => a.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length <= 3);
            return new KnownFile(answers, isLabels ? distinct.OrderBy(a => a, StringComparer.Ordinal).ToList() : Array.Empty<string>());
        }

        /// <summary>
        /// A grader model's reply when the messages hold a <c>Reference:</c> (or <c>Reference answer:</c>) line and an
        /// <c>Answer:</c> (or <c>Model answer:</c>) line, else null. The score is the F1 of the two texts' lower-cased
        /// words (0–1). Asked for one of a list of labels ("...one of these labels...: a, b."): the first label when
        /// the score is at least 0.5, else the last. Asked for a number from L to H: L + score·(H − L). Otherwise the
        /// score, with two decimals.
        /// </summary>
        public static string? GraderReply(JsonArray messages)
        {
            var texts = messages.OfType<JsonObject>().Select(m => TrainingFile.TextOf(m["content"])).ToList();
            string text = string.Join("\n", texts);
            var sections = new Dictionary<string, StringBuilder>();
            foreach (string message in texts)
            {
                StringBuilder? current = null; // a section ends with its message, or at an instruction line
                foreach (string line in message.Split('\n'))
                {
                    Match marker = Marker().Match(line);
                    if (marker.Success)
                    {
                        current = sections[marker.Groups[1].Value.ToLowerInvariant().StartsWith("ref", StringComparison.Ordinal) ? "reference" : "answer"] = new StringBuilder(line.Substring(marker.Length));
                    }
                    else if (LabelList().IsMatch(line) || Range().IsMatch(line))
                    {
                        current = null;
                    }
                    else
                    {
                        current?.Append('\n').Append(line);
                    }
                }
            }

            if (!sections.TryGetValue("reference", out StringBuilder? r) || !sections.TryGetValue("answer", out StringBuilder? a)) return null;
            double score = WordF1(a.ToString(), r.ToString());
            Match labels = LabelList().Match(text);
            if (labels.Success)
            {
                string[] list = labels.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
                if (list.Length > 0) return score >= 0.5 ? list[0] : list[^1];
            }

            Match range = Range().Match(text);
            if (range.Success && double.TryParse(range.Groups[1].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double low)
                && double.TryParse(range.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double high))
            {
                return (low + score * (high - low)).ToString("0.##", CultureInfo.InvariantCulture);
            }

            return score.ToString("0.00", CultureInfo.InvariantCulture);
        }

        /// <summary>The F1 of two texts' lower-cased words (bags of words; 1 when both are empty).</summary>
        public static double WordF1(string a, string b)
        {
            var x = Words(a);
            var y = Words(b);
            if (x.Count == 0 && y.Count == 0) return 1;
            var counts = y.GroupBy(w => w).ToDictionary(g => g.Key, g => g.Count());
            int common = 0;
            foreach (string w in x)
            {
                if (counts.TryGetValue(w, out int c) && c > 0)
                {
                    counts[w] = c - 1;
                    common++;
                }
            }

            return common == 0 ? 0 : 2.0 * common / (x.Count + y.Count);
        }

        private static List<string> Words(string text) => WordPattern().Matches(text.ToLowerInvariant()).Select(m => m.Value).ToList();

        [GeneratedRegex(@"-?\d+")]
        private static partial Regex Number();

        [GeneratedRegex(@"[\p{L}\p{N}]+")]
        private static partial Regex WordPattern();

        [GeneratedRegex(@"^\s*((?:reference|model)?\s*answer|reference)\s*:\s*", RegexOptions.IgnoreCase)]
        private static partial Regex Marker();

        [GeneratedRegex(@"one of these labels[^:]*:\s*([^\n]+?)\.?\s*$", RegexOptions.IgnoreCase | RegexOptions.Multiline)]
        private static partial Regex LabelList();

        [GeneratedRegex(@"number from\s+(-?[\d.]+)\s+to\s+(-?[\d.]+)", RegexOptions.IgnoreCase)]
        private static partial Regex Range();
    }
}
