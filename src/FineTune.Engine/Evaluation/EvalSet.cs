using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// One held-out example: the prompt (every message before the last assistant message of a chat line, or a
    /// legacy line's <c>prompt</c>), the reference (that assistant message, or <c>completion</c>) and the item
    /// (the line's other top-level fields, for <c>{{item.*}}</c>; <c>item.reference</c> is the reference unless
    /// the line has a field of that name).
    /// </summary>
    public sealed class EvalExample
    {
        internal EvalExample(long line, IReadOnlyList<ChatMessage> prompt, string? legacyPrompt, string reference, JsonObject item)
        {
            Line = line;
            Prompt = prompt;
            LegacyPrompt = legacyPrompt;
            Reference = reference;
            Item = item;
        }

        /// <summary>The 1-based line in the file.</summary>
        public long Line { get; }

        /// <summary>The messages sent (chat lines; empty for legacy lines).</summary>
        public IReadOnlyList<ChatMessage> Prompt { get; }

        /// <summary>A legacy line's prompt text (sent to the completions route), or null.</summary>
        public string? LegacyPrompt { get; }

        /// <summary>The reference answer.</summary>
        public string Reference { get; }

        /// <summary>The item for <c>{{item.*}}</c> templates.</summary>
        public JsonObject Item { get; }

        /// <summary>The last user message (or the legacy prompt): what a row shows as the question.</summary>
        public string Question => LegacyPrompt ?? Prompt.LastOrDefault(m => m.Role == "user")?.Content ?? string.Empty;
    }

    /// <summary>A line of an evaluation file that cannot be used: names the file, line and field and how to fix it.</summary>
    public sealed class EvalSetException : FineTuneException
    {
        /// <summary>Creates the error.</summary>
        public EvalSetException(string path, long line, string? field, string problem)
            : base("ReadEvalSet", ErrorKind.InvalidData, "InvalidExample", $"{path}:{line}{(field == null ? string.Empty : " (" + field + ")")}: {problem}", path,
                "Fix the line as the message says, or run Test-FineTuneDataset on the file.")
        {
            Path = path;
            Line = line;
            Field = field;
        }

        /// <summary>The file.</summary>
        public string Path { get; }

        /// <summary>The 1-based line (0 for the whole file).</summary>
        public long Line { get; }

        /// <summary>The field at fault, or null.</summary>
        public string? Field { get; }
    }

    /// <summary>Reads an evaluation file: chat JSONL (<c>messages</c>) or legacy JSONL (<c>prompt</c>/<c>completion</c>).</summary>
    public static class EvalSet
    {
        private static readonly HashSet<string> PromptFields = new HashSet<string>(StringComparer.Ordinal) { "messages", "prompt", "completion", "tools", "functions", "parallel_tool_calls" };

        /// <summary>
        /// Reads <paramref name="path"/> (UTF-8, a BOM is skipped; blank lines are skipped), at most
        /// <paramref name="first"/> examples. Throws <see cref="EvalSetException"/> naming the line and field
        /// when a line is not a JSON object, has no assistant message to use as the reference, or has a message
        /// without a role; <see cref="FileNotFoundException"/> when the file is missing.
        /// </summary>
        public static IReadOnlyList<EvalExample> Read(string path, int? first = null)
        {
            string full = System.IO.Path.GetFullPath(path);
            if (!File.Exists(full)) throw new FileNotFoundException($"The evaluation file {full} does not exist.", full);
            var list = new List<EvalExample>();
            long number = 0;
            foreach (string raw in File.ReadLines(full, Encoding.UTF8))
            {
                number++;
                if (first != null && list.Count >= first.Value) break;
                string line = raw.Trim('\uFEFF', ' ', '\t', '\r');
                if (line.Length == 0) continue;
                list.Add(Parse(full, number, line));
            }

            if (list.Count == 0) throw new EvalSetException(full, 0, null, "the file has no examples. Give a JSONL file with one chat example (a 'messages' array ending in an assistant message) per line.");
            return list;
        }

        /// <summary>Reads one line (see <see cref="Read"/>).</summary>
        public static EvalExample Parse(string path, long number, string line)
        {
            JsonObject obj;
            try
            {
                obj = JsonNode.Parse(line) as JsonObject ?? throw new EvalSetException(path, number, null, "is not a JSON object. Each line must be one object such as {\"messages\":[...]}.");
            }
            catch (JsonException ex)
            {
                throw new EvalSetException(path, number, null, $"is not valid JSON ({ex.Message}). Each line must be one JSON object.");
            }

            var item = new JsonObject();
            foreach (KeyValuePair<string, JsonNode?> p in obj)
            {
                if (!PromptFields.Contains(p.Key)) item[p.Key] = p.Value?.DeepClone();
            }

            if (obj["messages"] is JsonArray messages)
            {
                var all = new List<ChatMessage>();
                int lastAssistant = -1;
                for (int i = 0; i < messages.Count; i++)
                {
                    if (!(messages[i] is JsonObject m) || !(m["role"] is JsonValue r) || !r.TryGetValue(out string? role) || string.IsNullOrEmpty(role))
                    {
                        throw new EvalSetException(path, number, $"messages[{i}].role", "a message needs a role (system, user or assistant).");
                    }

                    string content = TextOf(m["content"]);
                    if (role == "assistant" && content.Length == 0 && m["tool_calls"] != null) content = m["tool_calls"]!.ToJsonString();
                    if (role == "assistant") lastAssistant = i;
                    all.Add(new ChatMessage(role!, content));
                }

                if (lastAssistant < 0) throw new EvalSetException(path, number, "messages", "has no assistant message to use as the reference answer. Add the expected answer as the last assistant message.");
                string reference = all[lastAssistant].Content;
                if (!item.ContainsKey("reference")) item["reference"] = reference;
                return new EvalExample(number, all.Take(lastAssistant).ToList(), null, reference, item);
            }

            if (obj["prompt"] is JsonValue pv && pv.TryGetValue(out string? prompt))
            {
                string completion = obj["completion"] is JsonValue cv && cv.TryGetValue(out string? c) ? c! : throw new EvalSetException(path, number, "completion", "a legacy line needs a 'completion' string as the reference answer.");
                if (!item.ContainsKey("reference")) item["reference"] = completion;
                return new EvalExample(number, Array.Empty<ChatMessage>(), prompt, completion, item);
            }

            throw new EvalSetException(path, number, "messages", "has neither a 'messages' array (chat) nor 'prompt'/'completion' strings (legacy).");
        }

        /// <summary>The text of a message content: a string, or the <c>text</c> of each part of an array joined.</summary>
        internal static string TextOf(JsonNode? content)
        {
            switch (content)
            {
                case JsonValue v when v.TryGetValue(out string? s):
                    return s ?? string.Empty;
                case JsonArray parts:
                    return string.Concat(parts.OfType<JsonObject>().Select(p => p["text"] is JsonValue t && t.TryGetValue(out string? x) ? x : string.Empty));
                case JsonObject part when part["text"] is JsonValue t2 && t2.TryGetValue(out string? y):
                    return y ?? string.Empty;
                default:
                    return string.Empty;
            }
        }
    }
}
