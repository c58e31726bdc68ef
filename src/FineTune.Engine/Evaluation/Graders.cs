using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;
using Json.Schema;

namespace FineTune.Engine.Evaluation
{
    /// <summary>What one grader made of one answer.</summary>
    public sealed class GradeResult
    {
        /// <summary>The grader's name.</summary>
        public string Grader { get; set; } = string.Empty;

        /// <summary>The score (1 or 0 for checks; the metric, the model's score or the formula otherwise).</summary>
        public double Score { get; set; }

        /// <summary>Whether the answer passes this grader.</summary>
        public bool Passed { get; set; }

        /// <summary>The label the answer was read as (label set, label_model), or null.</summary>
        public string? Label { get; set; }

        /// <summary>Whether the answer had the expected form (JSON, schema, the regex found, a known label); null when the grader does not judge form.</summary>
        public bool? FormatValid { get; set; }

        /// <summary>Why it failed (a schema error, an unreadable score), or null.</summary>
        public string? Detail { get; set; }

        /// <inheritdoc/>
        public override string ToString() => $"{Grader}: {Score.ToString("0.###", CultureInfo.InvariantCulture)}{(Passed ? " pass" : " fail")}";
    }

    /// <summary>
    /// A grader: the service's JSON shapes (string_check, text_similarity, label_model, score_model, multi; see
    /// <see cref="GraderFile"/>) and the shorthands (exact, contains, regex, label set, valid JSON, JSON Schema).
    /// Graders are immutable and thread-safe.
    /// </summary>
    public abstract class Grader
    {
        /// <summary>Sets the name and type.</summary>
        protected Grader(string name, string type)
        {
            Name = name;
            Type = type;
        }

        /// <summary>The grader's name (unique within a comparison).</summary>
        public string Name { get; }

        /// <summary>The service's type (<c>string_check</c>…) or the shorthand's (<c>exact</c>, <c>regex</c>…).</summary>
        public string Type { get; }

        /// <summary>The labels when this grader sorts answers into a label set (accuracy and a confusion matrix follow), else null.</summary>
        public virtual IReadOnlyList<string>? Labels => null;

        /// <summary>Whether grading calls a model (label_model, score_model, or a multi grader holding one).</summary>
        public virtual bool UsesModel => false;

        /// <summary>Grades one answer.</summary>
        public abstract Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken);

        /// <summary>A pass/fail result.</summary>
        protected GradeResult Check(bool passed, bool? format = null, string? label = null, string? detail = null) =>
            new GradeResult { Grader = Name, Score = passed ? 1 : 0, Passed = passed, FormatValid = format, Label = label, Detail = detail };

        /// <summary>The answer equals the reference (both trimmed; case-sensitive).</summary>
        public static Grader Exact() => new StringCheckGrader("exact", "{{sample.output_text}}", "{{item.reference}}", "eq", trim: true);

        /// <summary>The answer contains the reference (trimmed; case-insensitive).</summary>
        public static Grader Contains() => new StringCheckGrader("contains", "{{sample.output_text}}", "{{item.reference}}", "ilike", trim: true);
    }

    /// <summary>
    /// <c>string_check</c>: compares the rendered input with the rendered reference. <c>eq</c> equal,
    /// <c>ne</c> not equal, <c>like</c> the input contains the reference, <c>ilike</c> the same ignoring case.
    /// Score 1 or 0.
    /// </summary>
    public sealed class StringCheckGrader : Grader
    {
        private readonly bool trim;

        /// <summary>Creates the grader; throws <see cref="ArgumentException"/> for another operation.</summary>
        public StringCheckGrader(string name, string input, string reference, string operation, bool trim = false)
            : base(name, trim ? name : "string_check")
        {
            if (!new[] { "eq", "ne", "like", "ilike" }.Contains(operation)) throw new ArgumentException($"operation '{operation}' is not one of eq, ne, like, ilike.", nameof(operation));
            Input = input;
            Reference = reference;
            Operation = operation;
            this.trim = trim;
        }

        /// <summary>The input template.</summary>
        public string Input { get; }

        /// <summary>The reference template.</summary>
        public string Reference { get; }

        /// <summary>eq, ne, like or ilike.</summary>
        public string Operation { get; }

        /// <inheritdoc/>
        public override Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            string a = Template.Render(Input, context), b = Template.Render(Reference, context);
            if (trim)
            {
                a = a.Trim();
                b = b.Trim();
            }

            bool passed = Operation switch
            {
                "eq" => string.Equals(a, b, StringComparison.Ordinal),
                "ne" => !string.Equals(a, b, StringComparison.Ordinal),
                "like" => a.IndexOf(b, StringComparison.Ordinal) >= 0,
                _ => a.IndexOf(b, StringComparison.OrdinalIgnoreCase) >= 0,
            };
            return Task.FromResult(Check(passed));
        }
    }

    /// <summary>
    /// <c>text_similarity</c>: a <see cref="TextMetrics"/> score of the rendered input against the rendered
    /// reference; passes at <c>pass_threshold</c> (default 0.5). <c>cosine</c> needs an embeddings model and is refused.
    /// </summary>
    public sealed class TextSimilarityGrader : Grader
    {
        /// <summary>Creates the grader; throws <see cref="ArgumentException"/> for an unknown metric.</summary>
        public TextSimilarityGrader(string name, string input, string reference, string metric, double passThreshold = 0.5)
            : base(name, "text_similarity")
        {
            if (metric == "cosine") throw new ArgumentException("evaluation_metric 'cosine' compares embeddings, which this grader does not compute offline. Use fuzzy_match, bleu, gleu, meteor, rouge_1..rouge_5 or rouge_l.", nameof(metric));
            if (!TextMetrics.Names.Contains(metric)) throw new ArgumentException($"evaluation_metric '{metric}' is not one of: {string.Join(", ", TextMetrics.Names)}.", nameof(metric));
            Input = input;
            Reference = reference;
            Metric = metric;
            PassThreshold = passThreshold;
        }

        /// <summary>The input template.</summary>
        public string Input { get; }

        /// <summary>The reference template.</summary>
        public string Reference { get; }

        /// <summary>The metric.</summary>
        public string Metric { get; }

        /// <summary>The lowest passing score.</summary>
        public double PassThreshold { get; }

        /// <inheritdoc/>
        public override Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            double score = TextMetrics.Score(Metric, Template.Render(Input, context), Template.Render(Reference, context));
            return Task.FromResult(new GradeResult { Grader = Name, Score = score, Passed = score >= PassThreshold });
        }
    }

    /// <summary>
    /// A regular expression (.NET syntax). With a capturing group, the answer passes when the group's value in
    /// the answer's last match equals the group's value in the reference's last match (numbers compared without
    /// thousands separators): <c>####\s*(-?[\d,.]+)</c> grades a final answer. Without a group, the answer passes
    /// when the pattern matches it. The format is valid when the pattern is found in the answer.
    /// </summary>
    public sealed class RegexGrader : Grader
    {
        private readonly Regex regex;

        /// <summary>Creates the grader; throws <see cref="ArgumentException"/> for a bad pattern.</summary>
        public RegexGrader(string pattern, string name = "regex")
            : base(name, "regex")
        {
            regex = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            Pattern = pattern;
        }

        /// <summary>The pattern.</summary>
        public string Pattern { get; }

        /// <inheritdoc/>
        public override Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            Match? answer = LastMatch(context.OutputText);
            if (regex.GetGroupNumbers().Length < 2) return Task.FromResult(Check(answer != null, answer != null));
            if (answer == null) return Task.FromResult(Check(false, false, detail: "the pattern is not in the answer"));
            Match? reference = LastMatch(context.Example.Reference);
            if (reference == null) return Task.FromResult(Check(false, true, detail: "the pattern is not in the reference"));
            string a = Normalize(answer.Groups[1].Value), b = Normalize(reference.Groups[1].Value);
            return Task.FromResult(Check(a == b, true, label: a));
        }

        private Match? LastMatch(string text)
        {
            Match? last = null;
            for (Match m = regex.Match(text ?? string.Empty); m.Success; m = m.NextMatch()) last = m;
            return last;
        }

        private static string Normalize(string value)
        {
            string v = value.Trim();
            string digits = v.Replace(",", string.Empty);
            return decimal.TryParse(digits, NumberStyles.Number, CultureInfo.InvariantCulture, out decimal d) ? d.ToString("G29", CultureInfo.InvariantCulture) : v;
        }
    }

    /// <summary>
    /// A label set: the answer is read as the label it equals (trimmed, ignoring case and a final period), else
    /// the first label that appears in it as a whole word; it passes when that is the reference's label. The
    /// format is valid when the answer equals a label. Accuracy, per-label precision and recall and a confusion
    /// matrix follow from the rows.
    /// </summary>
    public sealed class LabelSetGrader : Grader
    {
        private readonly string[] labels;

        /// <summary>Creates the grader; throws <see cref="ArgumentException"/> without labels.</summary>
        public LabelSetGrader(IEnumerable<string> labels, string name = "label")
            : base(name, "label")
        {
            this.labels = labels.Where(l => !string.IsNullOrWhiteSpace(l)).Select(l => l.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
            if (this.labels.Length == 0) throw new ArgumentException("A label set needs at least one label.", nameof(labels));
        }

        /// <summary>The label that stands for an answer that is none of the labels.</summary>
        public const string NoLabel = "(none)";

        /// <inheritdoc/>
        public override IReadOnlyList<string> Labels => labels;

        /// <summary>The label <paramref name="text"/> reads as, or <see cref="NoLabel"/>.</summary>
        public string LabelOf(string text, out bool exact)
        {
            string t = (text ?? string.Empty).Trim().TrimEnd('.').Trim();
            string? hit = labels.FirstOrDefault(l => string.Equals(l, t, StringComparison.OrdinalIgnoreCase));
            exact = hit != null;
            return hit ?? labels.FirstOrDefault(l => Regex.IsMatch(t, @"(?<![\p{L}\p{N}])" + Regex.Escape(l) + @"(?![\p{L}\p{N}])", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)) ?? NoLabel;
        }

        /// <inheritdoc/>
        public override Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            string predicted = LabelOf(context.OutputText, out bool exact);
            string expected = LabelOf(context.Example.Reference, out _);
            return Task.FromResult(Check(predicted != NoLabel && predicted == expected, exact, predicted));
        }
    }

    /// <summary>
    /// The answer is one JSON value (white space around it allowed) and, with a schema, valid against it
    /// (JSON Schema 2020-12 and earlier drafts, through JsonSchema.Net). The detail names the first error.
    /// </summary>
    public sealed class JsonGrader : Grader
    {
        private readonly JsonSchema? schema;

        /// <summary>Creates the grader; <paramref name="schemaText"/> null checks only that the answer is JSON. Throws <see cref="ArgumentException"/> for a schema that cannot be read.</summary>
        public JsonGrader(string? schemaText, string name = "json")
            : base(name, schemaText == null ? "json" : "json_schema")
        {
            if (schemaText == null) return;
            try
            {
                schema = JsonSchema.FromText(schemaText, new BuildOptions { SchemaRegistry = new SchemaRegistry() });
            }
            catch (Exception ex) when (ex is JsonException || ex is ArgumentException || ex is InvalidOperationException || ex is NotSupportedException || ex is FormatException)
            {
                throw new ArgumentException("The JSON Schema cannot be read: " + ex.Message, nameof(schemaText), ex);
            }
        }

        /// <inheritdoc/>
        public override Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            string text = context.OutputText.Trim();
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(text);
            }
            catch (JsonException ex)
            {
                return Task.FromResult(Check(false, false, detail: "not JSON: " + ex.Message));
            }

            using (doc)
            {
                if (schema == null) return Task.FromResult(Check(true, true));
                EvaluationResults results = schema.Evaluate(doc.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List });
                if (results.IsValid) return Task.FromResult(Check(true, true));
                string? first = (results.Details ?? new List<EvaluationResults>()).Prepend(results)
                    .Where(d => d.Errors != null && d.Errors.Count > 0)
                    .Select(d => $"{(d.InstanceLocation.ToString().Length == 0 ? "/" : d.InstanceLocation.ToString())}: {d.Errors!.Values.First()}")
                    .FirstOrDefault();
                return Task.FromResult(Check(false, false, detail: "schema: " + (first ?? "not valid")));
            }
        }
    }

    /// <summary>
    /// <c>label_model</c>: asks <c>model</c> with the rendered <c>input</c> messages (and a last system message that
    /// lists the labels and asks for exactly one); the reply is read as a label as <see cref="LabelSetGrader"/> reads
    /// an answer. Passes when the label is one of <c>passing_labels</c>.
    /// </summary>
    public sealed class LabelModelGrader : Grader
    {
        private readonly LabelSetGrader reader;

        /// <summary>Creates the grader.</summary>
        public LabelModelGrader(string name, string model, IReadOnlyList<(string Role, string Content)> input, IReadOnlyList<string> labels, IReadOnlyList<string> passingLabels)
            : base(name, "label_model")
        {
            Model = model;
            Input = input;
            PassingLabels = passingLabels;
            reader = new LabelSetGrader(labels, name);
        }

        /// <summary>The grader model.</summary>
        public string Model { get; }

        /// <summary>The message templates.</summary>
        public IReadOnlyList<(string Role, string Content)> Input { get; }

        /// <summary>The labels that pass.</summary>
        public IReadOnlyList<string> PassingLabels { get; }

        /// <inheritdoc/>
        public override bool UsesModel => true;

        /// <inheritdoc/>
        public override async Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            var messages = ModelGrading.Render(Input, context);
            messages.Add(new ChatMessage("system", "Answer with exactly one of these labels and nothing else: " + string.Join(", ", reader.Labels) + "."));
            string reply = await ModelGrading.AskAsync(context, Model, messages, cancellationToken).ConfigureAwait(false);
            string label = reader.LabelOf(reply, out bool exact);
            return Check(PassingLabels.Contains(label, StringComparer.OrdinalIgnoreCase), exact, label, label == LabelSetGrader.NoLabel ? "the grader model answered none of the labels: " + Short(reply) : null);
        }

        internal static string Short(string s) => s.Length <= 80 ? s : s.Substring(0, 77) + "...";
    }

    /// <summary>
    /// <c>score_model</c>: asks <c>model</c> with the rendered <c>input</c> messages (and a last system message that
    /// asks for one number in <c>range</c>, default [0, 1]); the reply's first number, clamped to the range, is the
    /// score. Passes at <c>pass_threshold</c> (default: the middle of the range). A reply without a number scores
    /// the bottom of the range and fails.
    /// </summary>
    public sealed class ScoreModelGrader : Grader
    {
        private static readonly Regex Number = new Regex(@"-?\d+(?:\.\d+)?", RegexOptions.CultureInvariant);

        /// <summary>Creates the grader.</summary>
        public ScoreModelGrader(string name, string model, IReadOnlyList<(string Role, string Content)> input, double low = 0, double high = 1, double? passThreshold = null)
            : base(name, "score_model")
        {
            if (!(high > low)) throw new ArgumentException($"range [{low}, {high}] must go from a lower to a higher number.", nameof(high));
            Model = model;
            Input = input;
            Low = low;
            High = high;
            PassThreshold = passThreshold ?? (low + high) / 2;
        }

        /// <summary>The grader model.</summary>
        public string Model { get; }

        /// <summary>The message templates.</summary>
        public IReadOnlyList<(string Role, string Content)> Input { get; }

        /// <summary>The bottom of the range.</summary>
        public double Low { get; }

        /// <summary>The top of the range.</summary>
        public double High { get; }

        /// <summary>The lowest passing score.</summary>
        public double PassThreshold { get; }

        /// <inheritdoc/>
        public override bool UsesModel => true;

        /// <inheritdoc/>
        public override async Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            var messages = ModelGrading.Render(Input, context);
            messages.Add(new ChatMessage("system", string.Format(CultureInfo.InvariantCulture, "Reply with only a number from {0} to {1}.", Low, High)));
            string reply = await ModelGrading.AskAsync(context, Model, messages, cancellationToken).ConfigureAwait(false);
            Match m = Number.Match(reply);
            if (!m.Success || !double.TryParse(m.Value, NumberStyles.Float, CultureInfo.InvariantCulture, out double score))
            {
                return new GradeResult { Grader = Name, Score = Low, Passed = false, FormatValid = false, Detail = "the grader model gave no number: " + LabelModelGrader.Short(reply) };
            }

            score = Math.Max(Low, Math.Min(High, score));
            return new GradeResult { Grader = Name, Score = score, Passed = score >= PassThreshold };
        }
    }

    /// <summary>
    /// <c>multi</c>: runs its graders and combines their scores with <c>calculate_output</c> (<see cref="Formula"/>,
    /// names are the graders' keys or names). Passes at <c>pass_threshold</c> (default 0.5).
    /// </summary>
    public sealed class MultiGrader : Grader
    {
        /// <summary>Creates the grader; throws <see cref="FormatException"/> for a formula that cannot be read.</summary>
        public MultiGrader(string name, IReadOnlyList<(string Key, Grader Grader)> graders, string calculateOutput, double passThreshold = 0.5)
            : base(name, "multi")
        {
            Graders = graders;
            Formula = Formula.Parse(calculateOutput, graders.Select(g => g.Key));
            PassThreshold = passThreshold;
        }

        /// <summary>The graders by key.</summary>
        public IReadOnlyList<(string Key, Grader Grader)> Graders { get; }

        /// <summary>The formula.</summary>
        public Formula Formula { get; }

        /// <summary>The lowest passing score.</summary>
        public double PassThreshold { get; }

        /// <inheritdoc/>
        public override bool UsesModel => Graders.Any(g => g.Grader.UsesModel);

        /// <inheritdoc/>
        public override async Task<GradeResult> GradeAsync(GradingContext context, CancellationToken cancellationToken)
        {
            var scores = new Dictionary<string, double>(StringComparer.Ordinal);
            var details = new List<string>();
            foreach ((string key, Grader grader) in Graders)
            {
                GradeResult r = await grader.GradeAsync(context, cancellationToken).ConfigureAwait(false);
                scores[key] = r.Score;
                details.Add(key + "=" + r.Score.ToString("0.###", CultureInfo.InvariantCulture));
            }

            double score = Formula.Evaluate(scores);
            return new GradeResult { Grader = Name, Score = score, Passed = score >= PassThreshold, Detail = string.Join(", ", details) };
        }
    }

    /// <summary>What label_model and score_model share: rendering the messages and asking the model.</summary>
    internal static class ModelGrading
    {
        public static List<ChatMessage> Render(IReadOnlyList<(string Role, string Content)> input, GradingContext context) =>
            input.Select(m => new ChatMessage(m.Role, Template.Render(m.Content, context))).ToList();

        public static Task<string> AskAsync(GradingContext context, string model, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
        {
            if (context.Chat == null) throw new InvalidOperationException("This grader asks a model, and no connection to one was given.");
            return context.Chat(model, messages, cancellationToken);
        }
    }
}
