using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace FineTune.Engine.Evaluation
{
    /// <summary>A grader definition that cannot be used: names the source, the field and how to fix it.</summary>
    public sealed class GraderException : FineTuneException
    {
        /// <summary>Creates the error.</summary>
        public GraderException(string source, string field, string problem, Exception? inner = null)
            : base("ReadGrader", ErrorKind.InvalidData, "InvalidGrader", $"Grader {source}, field '{field}': {problem}", source,
                "Fix the grader as the message says; the shapes are those of the service's graders.", inner)
        {
            Source = source;
            Field = field;
        }

        /// <summary>The file (or "JSON text") the grader came from.</summary>
        public new string Source { get; }

        /// <summary>The JSON path of the field at fault.</summary>
        public string Field { get; }
    }

    /// <summary>
    /// Reads graders in the service's JSON shape (OpenAPI <c>GraderStringCheck</c>, <c>GraderTextSimilarity</c>,
    /// <c>GraderLabelModel</c>, <c>GraderScoreModel</c>, <c>GraderMulti</c>; the shapes reinforcement fine-tuning
    /// and the Evals API take) with System.Text.Json: one grader object, or an array of them. A multi grader's
    /// <c>graders</c> is an object of graders by key, an array, or one grader. <c>pass_threshold</c> (Evals API
    /// testing criteria) is read where it applies. <c>python</c> graders run code on the service and are refused,
    /// as is the <c>cosine</c> metric (it needs an embeddings model).
    /// </summary>
    public static class GraderFile
    {
        /// <summary>Reads the graders of a file; throws <see cref="GraderException"/> or <see cref="FileNotFoundException"/>.</summary>
        public static IReadOnlyList<Grader> Load(string path)
        {
            string full = Path.GetFullPath(path);
            if (!File.Exists(full)) throw new FileNotFoundException($"The grader file {full} does not exist.", full);
            return Parse(File.ReadAllText(full), full);
        }

        /// <summary>Reads graders from JSON text; <paramref name="source"/> names it in errors.</summary>
        public static IReadOnlyList<Grader> Parse(string json, string source = "JSON text")
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw new GraderException(source, "$", $"not valid JSON at line {ex.LineNumber + 1}: {ex.Message}", ex);
            }

            using (doc)
            {
                JsonElement root = doc.RootElement;
                var list = new List<Grader>();
                if (root.ValueKind == JsonValueKind.Array)
                {
                    int i = 0;
                    foreach (JsonElement e in root.EnumerateArray()) list.Add(Read(e, source, $"[{i++}]", null));
                }
                else
                {
                    list.Add(Read(root, source, "$", null));
                }

                var duplicate = list.GroupBy(g => g.Name).FirstOrDefault(g => g.Count() > 1);
                if (duplicate != null) throw new GraderException(source, "name", $"two graders are named '{duplicate.Key}'. Give each a name of its own.");
                return list;
            }
        }

        private static Grader Read(JsonElement e, string source, string at, string? key)
        {
            if (e.ValueKind != JsonValueKind.Object) throw new GraderException(source, at, "a grader must be a JSON object with a 'type'.");
            string type = Str(e, "type", source, at, required: true)!;
            string name = Str(e, "name", source, at, required: false) ?? key ?? type;
            try
            {
                switch (type)
                {
                    case "string_check":
                        return new StringCheckGrader(name, Str(e, "input", source, at)!, Str(e, "reference", source, at)!, Str(e, "operation", source, at)!);
                    case "text_similarity":
                        return new TextSimilarityGrader(name, Str(e, "input", source, at)!, Str(e, "reference", source, at)!, Str(e, "evaluation_metric", source, at)!, Num(e, "pass_threshold", source, at) ?? 0.5);
                    case "label_model":
                        return new LabelModelGrader(name, Str(e, "model", source, at)!, Messages(e, source, at), Strings(e, "labels", source, at), Strings(e, "passing_labels", source, at));
                    case "score_model":
                    {
                        double low = 0, high = 1;
                        if (e.TryGetProperty("range", out JsonElement range) && range.ValueKind != JsonValueKind.Null)
                        {
                            if (range.ValueKind != JsonValueKind.Array || range.GetArrayLength() != 2 || range[0].ValueKind != JsonValueKind.Number || range[1].ValueKind != JsonValueKind.Number)
                            {
                                throw new GraderException(source, at + ".range", "must be two numbers, [low, high].");
                            }

                            low = range[0].GetDouble();
                            high = range[1].GetDouble();
                        }

                        return new ScoreModelGrader(name, Str(e, "model", source, at)!, Messages(e, source, at), low, high, Num(e, "pass_threshold", source, at));
                    }

                    case "multi":
                        return new MultiGrader(name, SubGraders(e, source, at), Str(e, "calculate_output", source, at)!, Num(e, "pass_threshold", source, at) ?? 0.5);
                    case "python":
                        throw new GraderException(source, at + ".type", "python graders run their code on the service; this command does not run Python. Use string_check, text_similarity, label_model, score_model or multi.");
                    default:
                        throw new GraderException(source, at + ".type", $"'{type}' is not a grader type: use string_check, text_similarity, label_model, score_model or multi.");
                }
            }
            catch (ArgumentException ex)
            {
                throw new GraderException(source, at, ex.Message.Split(new[] { " (Parameter" }, StringSplitOptions.None)[0], ex);
            }
            catch (FormatException ex)
            {
                throw new GraderException(source, at + ".calculate_output", ex.Message, ex);
            }
        }

        private static IReadOnlyList<(string Key, Grader Grader)> SubGraders(JsonElement e, string source, string at)
        {
            if (!e.TryGetProperty("graders", out JsonElement g)) throw new GraderException(source, at + ".graders", "a multi grader needs 'graders': an object of graders by name.");
            var list = new List<(string, Grader)>();
            if (g.ValueKind == JsonValueKind.Object && !g.TryGetProperty("type", out _))
            {
                foreach (JsonProperty p in g.EnumerateObject()) list.Add((p.Name, Read(p.Value, source, at + ".graders." + p.Name, p.Name)));
            }
            else if (g.ValueKind == JsonValueKind.Array)
            {
                int i = 0;
                foreach (JsonElement x in g.EnumerateArray())
                {
                    Grader sub = Read(x, source, $"{at}.graders[{i++}]", null);
                    list.Add((sub.Name, sub));
                }
            }
            else
            {
                Grader sub = Read(g, source, at + ".graders", null);
                list.Add((sub.Name, sub));
            }

            if (list.Count == 0) throw new GraderException(source, at + ".graders", "is empty.");
            return list;
        }

        private static IReadOnlyList<(string Role, string Content)> Messages(JsonElement e, string source, string at)
        {
            if (!e.TryGetProperty("input", out JsonElement input) || input.ValueKind != JsonValueKind.Array || input.GetArrayLength() == 0)
            {
                throw new GraderException(source, at + ".input", "must be an array of messages ({\"role\":\"user\",\"content\":\"... {{sample.output_text}} ...\"}).");
            }

            var list = new List<(string, string)>();
            int i = 0;
            foreach (JsonElement m in input.EnumerateArray())
            {
                string where = $"{at}.input[{i++}]";
                string role = m.ValueKind == JsonValueKind.Object ? Str(m, "role", source, where)! : throw new GraderException(source, where, "must be a message object with role and content.");
                m.TryGetProperty("content", out JsonElement content);
                list.Add((role, ContentText(content)));
            }

            return list;
        }

        /// <summary>A message content as text: a string, an <c>input_text</c>/<c>output_text</c> part, or an array of parts (text parts joined; images and audio are left out).</summary>
        private static string ContentText(JsonElement content)
        {
            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    return content.GetString()!;
                case JsonValueKind.Object:
                    return content.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString()! : string.Empty;
                case JsonValueKind.Array:
                    return string.Concat(content.EnumerateArray().Select(ContentText));
                default:
                    return string.Empty;
            }
        }

        private static string? Str(JsonElement e, string name, string source, string at, bool required = true)
        {
            if (e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String) return v.GetString();
            if (e.TryGetProperty(name, out v) && v.ValueKind != JsonValueKind.Null) throw new GraderException(source, at + "." + name, "must be a string.");
            if (required) throw new GraderException(source, at + "." + name, "is required.");
            return null;
        }

        private static double? Num(JsonElement e, string name, string source, string at)
        {
            if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
            if (v.ValueKind != JsonValueKind.Number) throw new GraderException(source, at + "." + name, "must be a number.");
            return v.GetDouble();
        }

        private static IReadOnlyList<string> Strings(JsonElement e, string name, string source, string at)
        {
            if (!e.TryGetProperty(name, out JsonElement v) || v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(x => x.ValueKind != JsonValueKind.String))
            {
                throw new GraderException(source, at + "." + name, "must be an array of strings.");
            }

            return v.EnumerateArray().Select(x => x.GetString()!).ToList();
        }
    }
}
