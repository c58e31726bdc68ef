using System.Collections.Generic;
using System.Text;
using System.Text.Json;

namespace FineTune.Engine.Moderation
{
    /// <summary>One piece of an example's text to screen: who said it (<see cref="Role"/>), where it sits in the line (<see cref="Source"/>) and the text.</summary>
    public sealed class ModerationInput
    {
        /// <summary>Creates an input.</summary>
        public ModerationInput(string role, string source, string text)
        {
            Role = role;
            Source = source;
            Text = text;
        }

        /// <summary>The message's role (system, user, assistant, tool), or <c>prompt</c>/<c>completion</c> for legacy examples.</summary>
        public string Role { get; }

        /// <summary>A JSON path into the example, e.g. <c>messages[2].content</c>, <c>preferred_output[0].content</c>, <c>messages[1].tool_calls[0].function.arguments</c>.</summary>
        public string Source { get; }

        /// <summary>The text sent to the moderation endpoint.</summary>
        public string Text { get; }
    }

    /// <summary>
    /// Takes the text out of one training example, in every format the service trains on
    /// (OPENAI-FACTS.md, "Training files"): chat <c>messages</c> (string content, the text parts of an
    /// array content, tool results, the arguments of <c>tool_calls</c> and of a legacy
    /// <c>function_call</c>); preference (DPO) <c>input.messages</c>, <c>preferred_output</c> and
    /// <c>non_preferred_output</c>; legacy <c>prompt</c> and <c>completion</c>. Empty texts are left out.
    /// Image parts are not sent (the screen is text only). Never throws on odd shapes: what is not text is skipped.
    /// </summary>
    public static class ModerationText
    {
        /// <summary>Every text of <paramref name="example"/> (a parsed JSONL line), in document order.</summary>
        public static List<ModerationInput> Extract(JsonElement example)
        {
            var list = new List<ModerationInput>();
            if (example.ValueKind != JsonValueKind.Object) return list;
            if (example.TryGetProperty("messages", out JsonElement messages)) Messages(messages, "messages", list);
            if (example.TryGetProperty("input", out JsonElement input) && input.ValueKind == JsonValueKind.Object && input.TryGetProperty("messages", out JsonElement inputMessages))
            {
                Messages(inputMessages, "input.messages", list);
            }

            foreach (string output in new[] { "preferred_output", "non_preferred_output" })
            {
                if (!example.TryGetProperty(output, out JsonElement o)) continue;
                if (o.ValueKind == JsonValueKind.Object) Message(o, output, list);
                else Messages(o, output, list);
            }

            foreach (string field in new[] { "prompt", "completion" })
            {
                if (example.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String) Add(list, field, field, v.GetString());
            }

            return list;
        }

        private static void Messages(JsonElement messages, string path, List<ModerationInput> list)
        {
            if (messages.ValueKind != JsonValueKind.Array) return;
            int i = 0;
            foreach (JsonElement m in messages.EnumerateArray()) Message(m, $"{path}[{i++}]", list);
        }

        private static void Message(JsonElement m, string path, List<ModerationInput> list)
        {
            if (m.ValueKind != JsonValueKind.Object) return;
            string role = m.TryGetProperty("role", out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString() ?? "" : "";
            if (m.TryGetProperty("content", out JsonElement content))
            {
                if (content.ValueKind == JsonValueKind.String)
                {
                    Add(list, role, path + ".content", content.GetString());
                }
                else if (content.ValueKind == JsonValueKind.Array)
                {
                    var text = new StringBuilder();
                    foreach (JsonElement part in content.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out JsonElement t) && t.ValueKind == JsonValueKind.String)
                        {
                            if (text.Length > 0) text.Append('\n');
                            text.Append(t.GetString());
                        }
                    }

                    Add(list, role, path + ".content", text.ToString());
                }
            }

            if (m.TryGetProperty("tool_calls", out JsonElement calls) && calls.ValueKind == JsonValueKind.Array)
            {
                int c = 0;
                foreach (JsonElement call in calls.EnumerateArray())
                {
                    if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out JsonElement f)) Arguments(f, role, $"{path}.tool_calls[{c}].function.arguments", list);
                    c++;
                }
            }

            if (m.TryGetProperty("function_call", out JsonElement fc)) Arguments(fc, role, path + ".function_call.arguments", list);
        }

        private static void Arguments(JsonElement function, string role, string path, List<ModerationInput> list)
        {
            if (function.ValueKind == JsonValueKind.Object && function.TryGetProperty("arguments", out JsonElement a))
            {
                Add(list, role, path, a.ValueKind == JsonValueKind.String ? a.GetString() : a.GetRawText());
            }
        }

        private static void Add(List<ModerationInput> list, string role, string source, string? text)
        {
            if (!string.IsNullOrWhiteSpace(text)) list.Add(new ModerationInput(role, source, text!));
        }

        /// <summary>
        /// Cuts <paramref name="text"/> into pieces of at most <paramref name="max"/> UTF-16 characters
        /// (never between the halves of a surrogate pair), so that a long message is screened whole.
        /// </summary>
        public static IEnumerable<string> Chunks(string text, int max)
        {
            int start = 0;
            while (text.Length - start > max)
            {
                int end = start + max;
                if (char.IsHighSurrogate(text[end - 1])) end--;
                yield return text.Substring(start, end - start);
                start = end;
            }

            yield return start == 0 ? text : text.Substring(start);
        }
    }
}
