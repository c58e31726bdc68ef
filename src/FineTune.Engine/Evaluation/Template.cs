using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>Asks a grader model: the model, the rendered messages; returns the reply text.</summary>
    public delegate Task<string> GraderChat(string model, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken);

    /// <summary>What a grader sees: the item, the model's answer and (for model graders) a way to ask a model.</summary>
    public sealed class GradingContext
    {
        private JsonNode? outputJson;
        private bool parsed;

        /// <summary>Creates the context of one answer.</summary>
        public GradingContext(EvalExample example, string outputText, GraderChat? chat = null)
        {
            Example = example;
            OutputText = outputText ?? string.Empty;
            Chat = chat;
        }

        /// <summary>The example graded.</summary>
        public EvalExample Example { get; }

        /// <summary><c>{{sample.output_text}}</c>: the answer.</summary>
        public string OutputText { get; }

        /// <summary>Asks a grader model (label_model, score_model); null when none is available.</summary>
        public GraderChat? Chat { get; }

        /// <summary><c>{{sample.output_json}}</c>: the answer parsed as JSON, or null when it is not JSON.</summary>
        public JsonNode? OutputJson
        {
            get
            {
                if (!parsed)
                {
                    parsed = true;
                    outputJson = TryParseJson(OutputText, out JsonNode? node) ? node : null;
                }

                return outputJson;
            }
        }

        /// <summary>Whether <paramref name="text"/> is one JSON value (surrounding white space allowed).</summary>
        public static bool TryParseJson(string text, out JsonNode? node)
        {
            node = null;
            if (string.IsNullOrWhiteSpace(text)) return false;
            try
            {
                node = JsonNode.Parse(text);
                return true;
            }
            catch (JsonException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The service's grader templates: <c>{{item.a.b}}</c> (a field of the item), <c>{{sample.output_text}}</c>
    /// (the answer), <c>{{sample.output_json.a}}</c> (a field of the answer parsed as JSON). A string renders as
    /// itself, another value as its JSON; a path that leads nowhere renders as the empty string. Array elements
    /// are addressed as <c>a.0</c> or <c>a[0]</c>.
    /// </summary>
    public static class Template
    {
        private static readonly Regex Placeholder = new Regex(@"\{\{\s*([A-Za-z_][\w\-]*(?:(?:\.[\w\-]+)|(?:\[\d+\]))*)\s*\}\}", RegexOptions.CultureInvariant);

        /// <summary>Renders <paramref name="template"/> for one answer.</summary>
        public static string Render(string template, GradingContext context)
        {
            if (string.IsNullOrEmpty(template) || template.IndexOf("{{", StringComparison.Ordinal) < 0) return template ?? string.Empty;
            return Placeholder.Replace(template, m => Resolve(m.Groups[1].Value, context));
        }

        private static string Resolve(string path, GradingContext context)
        {
            string[] parts = path.Replace("[", ".").Replace("]", string.Empty).Split('.');
            JsonNode? node;
            int i;
            if (parts[0] == "item")
            {
                node = context.Example.Item;
                i = 1;
            }
            else if (parts[0] == "sample" && parts.Length >= 2 && parts[1] == "output_text")
            {
                return parts.Length == 2 ? context.OutputText : string.Empty;
            }
            else if (parts[0] == "sample" && parts.Length >= 2 && parts[1] == "output_json")
            {
                node = context.OutputJson;
                i = 2;
            }
            else
            {
                return string.Empty;
            }

            for (; i < parts.Length && node != null; i++)
            {
                node = node switch
                {
                    JsonObject o => o[parts[i]],
                    JsonArray a when int.TryParse(parts[i], out int k) && k >= 0 && k < a.Count => a[k],
                    _ => null,
                };
            }

            return node switch
            {
                null => string.Empty,
                JsonValue v when v.TryGetValue(out string? s) => s ?? string.Empty,
                _ => node.ToJsonString(),
            };
        }
    }
}
