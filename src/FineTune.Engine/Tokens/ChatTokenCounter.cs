using System.Runtime.CompilerServices;
using System;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Tokens
{
    /// <summary>
    /// Tokens of one training example (one JSON Lines line) as the service counts them for its limits and
    /// its bill, in the chat, preference (DPO) or legacy prompt/completion format (OPENAI-FACTS.md,
    /// Training files and Counting tokens).
    /// </summary>
    /// <remarks>
    /// Messages, after OpenAI's cookbook "How to count tokens with tiktoken" (<c>num_tokens_from_messages</c>):
    /// 3 tokens a message, plus the tokens of every value in it (role, content, name, ...), plus 1 for a
    /// <c>name</c>, plus 3 for the reply primer (<c>&lt;|start|&gt;assistant&lt;|message|&gt;</c>). Values that
    /// are not strings: content parts count the <c>text</c> of their text parts (images are not counted);
    /// <c>tool_calls</c> and <c>function_call</c> count the function's name and arguments; <c>weight</c> is not
    /// counted; any other object or array counts the strings inside it.
    /// <para>Tool definitions (<c>tools</c>, or the deprecated <c>functions</c>), after the same cookbook's
    /// <c>num_tokens_for_tools</c>: per function <see cref="FunctionInit"/> (7 for o200k_base models such as
    /// gpt-4o, 10 for cl100k_base models such as gpt-3.5-turbo and gpt-4) + the tokens of
    /// <c>name:description</c> (one trailing period dropped); when the parameters have properties, 3 + per
    /// property 3 + the tokens of <c>key:type:description</c>, and for an <c>enum</c> -3 + per item 3 + its
    /// tokens; then 12 once after all functions. The cookbook verified these against the API for gpt-4o,
    /// gpt-4o-mini, gpt-3.5-turbo and gpt-4; for other models they are the best published estimate.</para>
    /// <para>Assistant tokens are the tokens of the content (and tool calls) of assistant messages with a
    /// weight other than 0 (what the model learns to write), without role or overhead, as the cookbook's
    /// "Data preparation and analysis for chat model fine-tuning" notebook counts them. Preference examples: the input's messages and tools, plus
    /// both outputs (all of it is sent); assistant tokens are both outputs. Legacy examples: prompt plus
    /// completion, no overhead; assistant tokens are the completion.</para>
    /// Never throws on odd shapes: what is not there counts 0 (the dataset rules report it).
    /// </remarks>
    public static class ChatTokenCounter
    {
        /// <summary>Tokens every message adds (cookbook: <c>tokens_per_message</c>).</summary>
        public const int TokensPerMessage = 3;

        /// <summary>Tokens a <c>name</c> field adds (cookbook: <c>tokens_per_name</c>).</summary>
        public const int TokensPerName = 1;

        /// <summary>Tokens of the reply primer added once per conversation.</summary>
        public const int ReplyPrimer = 3;

        private const int PropertiesInit = 3, PropertyKey = 3, EnumInit = -3, EnumItem = 3, FunctionsEnd = 12;

        /// <summary>Tokens each tool definition starts with: 7 with o200k_base (gpt-4o family), 10 with cl100k_base (gpt-3.5-turbo, gpt-4).</summary>
        public static int FunctionInit(TokenEncoder encoder) =>
            (encoder ?? throw new ArgumentNullException(nameof(encoder))).EncodingName == TokenEncoder.O200kBase ? 7 : 10;

        /// <summary>
        /// The tokens of one training example: chat (<c>messages</c>, <c>tools</c>/<c>functions</c>),
        /// preference (<c>input</c>, <c>preferred_output</c>, <c>non_preferred_output</c>) or legacy
        /// (<c>prompt</c>, <c>completion</c>). Not an object: 0 tokens. Thread-safe.
        /// </summary>
        [MethodImpl(Hot.Path)]
        public static ExampleTokens Count(JsonElement example, TokenEncoder encoder) => Count(example, encoder, null);

        /// <summary>
        /// <see cref="Count(JsonElement, TokenEncoder)"/>, looking each string value and each tool definition list up in
        /// <paramref name="texts"/> (the file's cache) first, so the texts a file repeats are encoded once.
        /// </summary>
        [MethodImpl(Hot.Path)]
        internal static ExampleTokens Count(JsonElement example, TokenEncoder encoder, TextCountCache? texts)
        {
            if (encoder == null) throw new ArgumentNullException(nameof(encoder));
            var tally = new Tally(encoder, texts);
            if (example.ValueKind != JsonValueKind.Object) return default;

            if (example.TryGetProperty("messages"u8, out JsonElement messages))
            {
                int total = Conversation(messages, example, tally, out int assistant);
                return tally.Result(total, assistant);
            }

            if (example.TryGetProperty("input"u8, out JsonElement input) || example.TryGetProperty("preferred_output"u8, out _))
            {
                int total = 0;
                if (input.ValueKind == JsonValueKind.Object && input.TryGetProperty("messages"u8, out JsonElement inputMessages))
                {
                    total += Conversation(inputMessages, input, tally, out _);
                }
                else if (input.ValueKind == JsonValueKind.String)
                {
                    total += tally.Text(input);
                }

                int assistant = 0;
                foreach (string output in new[] { "preferred_output", "non_preferred_output" })
                {
                    if (example.TryGetProperty(output, out JsonElement outputs) && outputs.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement message in outputs.EnumerateArray())
                        {
                            total += TokensPerMessage + Message(message, tally, out int values, out _);
                            assistant += values;
                        }
                    }
                }

                return tally.Result(total, assistant);
            }

            if (example.TryGetProperty("prompt"u8, out JsonElement prompt) | example.TryGetProperty("completion"u8, out JsonElement completion))
            {
                int completionTokens = tally.Text(completion);
                return tally.Result(tally.Text(prompt) + completionTokens, completionTokens);
            }

            return default;
        }

        /// <summary>
        /// The overhead and text of tool definitions: a <c>tools</c> array (<c>{type, function: {...}}</c>)
        /// or a <c>functions</c> array (the function objects themselves), by the cookbook's formula (see the
        /// class remarks). 0 for an empty array or anything that is not an array.
        /// </summary>
        public static int CountTools(JsonElement tools, TokenEncoder encoder) => Tools(tools, new Tally(encoder ?? throw new ArgumentNullException(nameof(encoder)), null));

        [MethodImpl(Hot.Path)]
        private static int Conversation(JsonElement messages, JsonElement owner, Tally tally, out int assistant)
        {
            assistant = 0;
            int total = 0;
            if (messages.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement message in messages.EnumerateArray())
                {
                    total += TokensPerMessage + Message(message, tally, out int values, out bool trainedAssistant);
                    if (trainedAssistant) assistant += values;
                }

                total += ReplyPrimer;
            }

            if (owner.TryGetProperty("tools"u8, out JsonElement tools) && tools.ValueKind == JsonValueKind.Array) total += tally.Cached(tools, (t, v) => Tools(v, t));
            if (owner.TryGetProperty("functions"u8, out JsonElement functions) && functions.ValueKind == JsonValueKind.Array) total += tally.Cached(functions, (t, v) => Tools(v, t));
            return total;
        }

        // The tokens of a message's values and the name's extra token (without the per-message overhead);
        // 'trained' is the part an assistant message is trained on: content, tool_calls, function_call;
        // 'trainedAssistant' whether the message is one: role assistant, weight not 0 (read in the same pass; of a
        // repeated name the last counts, as TryGetProperty gives).
        [MethodImpl(Hot.Path)]
        private static int Message(JsonElement message, Tally tally, out int trained, out bool trainedAssistant)
        {
            trained = 0;
            trainedAssistant = false;
            if (message.ValueKind != JsonValueKind.Object) return 0;
            int values = 0, extra = 0;
            JsonElement role = default, weight = default;
            foreach (JsonProperty property in message.EnumerateObject())
            {
                // the name compared in place (UTF-8, escapes read): no string per property
                var name = new PropertyName(property);
                if (name.Is("weight"u8))
                {
                    weight = property.Value;
                }
                else if (name.Is("name"u8))
                {
                    values += tally.Text(property.Value);
                    extra += TokensPerName;
                }
                else if (name.Is("content"u8))
                {
                    trained += Content(property.Value, tally);
                }
                else if (name.Is("tool_calls"u8))
                {
                    if (property.Value.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement call in property.Value.EnumerateArray())
                        {
                            if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function"u8, out JsonElement function)) trained += FunctionCall(function, tally);
                        }
                    }
                }
                else if (name.Is("function_call"u8))
                {
                    trained += FunctionCall(property.Value, tally);
                }
                else
                {
                    if (name.Is("role"u8)) role = property.Value;
                    values += tally.Strings(property.Value);
                }
            }

            trainedAssistant = role.ValueKind == JsonValueKind.String && role.ValueEquals("assistant"u8) &&
                !(weight.ValueKind == JsonValueKind.Number && weight.TryGetDouble(out double w) && w == 0);
            return values + trained + extra;
        }

        [MethodImpl(Hot.Path)]
        private static int Content(JsonElement content, Tally tally)
        {
            if (content.ValueKind != JsonValueKind.Array) return tally.Text(content);
            int tokens = 0;
            foreach (JsonElement part in content.EnumerateArray())
            {
                if (part.ValueKind == JsonValueKind.String) tokens += tally.Text(part);
                else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text"u8, out JsonElement text)) tokens += tally.Text(text);
            }

            return tokens;
        }

        [MethodImpl(Hot.Path)]
        private static int FunctionCall(JsonElement function, Tally tally)
        {
            if (function.ValueKind != JsonValueKind.Object) return 0;
            int tokens = 0;
            if (function.TryGetProperty("name"u8, out JsonElement name)) tokens += tally.Text(name);
            if (function.TryGetProperty("arguments"u8, out JsonElement arguments))
            {
                tokens += arguments.ValueKind == JsonValueKind.String ? tally.Text(arguments) : tally.Count(arguments.GetRawText());
            }

            return tokens;
        }

        [MethodImpl(Hot.Path)]
        private static int Tools(JsonElement tools, Tally tally)
        {
            if (tools.ValueKind != JsonValueKind.Array) return 0;
            int functionInit = FunctionInit(tally.Encoder);
            int tokens = 0, functions = 0;
            foreach (JsonElement tool in tools.EnumerateArray())
            {
                if (tool.ValueKind != JsonValueKind.Object) continue;
                JsonElement function = tool.TryGetProperty("function"u8, out JsonElement inner) && inner.ValueKind == JsonValueKind.Object ? inner : tool;
                functions++;
                tokens += functionInit;
                string name = tally.StringOf(function, "name"u8);
                string description = TrimPeriod(tally.StringOf(function, "description"u8));
                tokens += tally.Count(name + ":" + description);
                if (function.TryGetProperty("parameters"u8, out JsonElement parameters) && parameters.ValueKind == JsonValueKind.Object &&
                    parameters.TryGetProperty("properties"u8, out JsonElement properties) && properties.ValueKind == JsonValueKind.Object)
                {
                    bool any = false;
                    foreach (JsonProperty property in properties.EnumerateObject())
                    {
                        if (!any)
                        {
                            tokens += PropertiesInit;
                            any = true;
                        }

                        tokens += PropertyKey;
                        JsonElement schema = property.Value;
                        if (schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("enum"u8, out JsonElement items) && items.ValueKind == JsonValueKind.Array)
                        {
                            tokens += EnumInit;
                            foreach (JsonElement item in items.EnumerateArray())
                            {
                                tokens += EnumItem + (item.ValueKind == JsonValueKind.String ? tally.Text(item) : tally.Count(item.GetRawText()));
                            }
                        }

                        string type = schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("type"u8, out JsonElement t)
                            ? (t.ValueKind == JsonValueKind.String ? tally.StringOf(t) : t.GetRawText())
                            : string.Empty;
                        string propertyDescription = TrimPeriod(schema.ValueKind == JsonValueKind.Object ? tally.StringOf(schema, "description"u8) : string.Empty);
                        tokens += tally.Count(property.Name + ":" + type + ":" + propertyDescription);
                    }
                }
            }

            return functions > 0 ? tokens + FunctionsEnd : 0;
        }

        [MethodImpl(Hot.Path)]
        private static string TrimPeriod(string s) => s.EndsWith(".", StringComparison.Ordinal) ? s.Substring(0, s.Length - 1) : s;

        // Counts and remembers whether any count was approximate.
        private sealed class Tally
        {
            // A \uD800-\uDBFF escape not followed by a low one, or a \uDC00-\uDFFF escape not after a high one,
            // after an even number of backslashes.
            private static readonly Regex LoneSurrogateEscape = new Regex(
                @"(?<=(?:^|[^\\])(?:\\\\)*)(?:\\u[dD][89abAB][0-9a-fA-F]{2}(?!\\u[dD][c-fC-F][0-9a-fA-F]{2})|(?<!\\u[dD][89abAB][0-9a-fA-F]{2})\\u[dD][c-fC-F][0-9a-fA-F]{2})",
                RegexOptions.CultureInvariant);

            private readonly TextCountCache? texts;

            internal Tally(TokenEncoder encoder, TextCountCache? texts)
            {
                Encoder = encoder;
                this.texts = texts;
            }

            internal TokenEncoder Encoder { get; }

            internal bool Approximate { get; private set; }

            internal ExampleTokens Result(int total, int assistant) => new ExampleTokens(total, assistant, Approximate);

            [MethodImpl(Hot.Path)]
            internal int Count(string text)
            {
                TokenCount c = Encoder.Measure(text);
                Approximate |= c.Approximate;
                return c.Tokens;
            }

            // A string value's tokens; 0 for anything else.
            [MethodImpl(Hot.Path)]
            internal int Text(JsonElement value) => value.ValueKind == JsonValueKind.String ? Cached(value, (t, v) => t.CountString(v)) : 0;

            // A string's tokens: ASCII text is counted from its UTF-8 bytes (in place, or unescaped on the stack), with
            // no string made; other text through StringOf.
            [MethodImpl(Hot.Path), SkipLocalsInit]
            private int CountString(JsonElement value)
            {
                ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
                Span<byte> buffer = raw.Length <= JsonText.MaxStackBytes ? stackalloc byte[raw.Length] : default;
                if (JsonText.TryGetUtf8(raw, buffer, out ReadOnlySpan<byte> utf8) && Scan.IsAscii(utf8))
                {
                    TokenCount c = Encoder.MeasureAscii(utf8);
                    Approximate |= c.Approximate;
                    return c.Tokens;
                }

                return Count(StringOf(value));
            }

            // The tokens 'count' gives for a string value or a list of tool definitions (never another kind: the
            // raw JSON of a string starts with a quote, of a list with '[', so the two never share a key), from the
            // file's cache when its raw JSON is there (no string is made).
            [MethodImpl(Hot.Path)]
            internal int Cached(JsonElement value, Func<Tally, JsonElement, int> count)
            {
                ReadOnlySpan<byte> raw = texts == null ? default : JsonMarshal.GetRawUtf8Value(value);
                if (texts == null || raw.Length > TextCountCache.MaxKeyBytes) return count(this, value);
                int hash = TextCountCache.Hash(raw);
                if (texts.TryGet(raw, hash, out TokenCount known))
                {
                    Approximate |= known.Approximate;
                    return known.Tokens;
                }

                bool before = Approximate;
                Approximate = false;
                int tokens = count(this, value);
                if (texts.SeenBefore(hash, raw.Length)) texts.Add(raw, hash, new TokenCount(tokens, Approximate));
                Approximate |= before;
                return tokens;
            }

            // The tokens of every string inside a value (not the property names).
            [MethodImpl(Hot.Path)]
            internal int Strings(JsonElement value)
            {
                switch (value.ValueKind)
                {
                    case JsonValueKind.String:
                        return Text(value);
                    case JsonValueKind.Array:
                        int a = 0;
                        foreach (JsonElement item in value.EnumerateArray()) a += Strings(item);
                        return a;
                    case JsonValueKind.Object:
                        int o = 0;
                        foreach (JsonProperty p in value.EnumerateObject()) o += Strings(p.Value);
                        return o;
                    default:
                        return 0;
                }
            }

            [MethodImpl(Hot.Path)]
            internal string StringOf(JsonElement owner, ReadOnlySpan<byte> property) =>
                owner.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.String ? StringOf(v) : string.Empty;

            // GetString refuses a lone surrogate escape (\ud800); tiktoken reads one as U+FFFD, so do we.
            [MethodImpl(Hot.Path)]
            internal string StringOf(JsonElement value)
            {
                try
                {
                    return value.GetString() ?? string.Empty;
                }
                catch (InvalidOperationException)
                {
                    string raw = LoneSurrogateEscape.Replace(value.GetRawText(), "\\uFFFD");
                    using JsonDocument doc = JsonDocument.Parse(raw);
                    return doc.RootElement.GetString() ?? string.Empty;
                }
            }
        }
    }

    /// <summary>The tokens of one training example (<see cref="ChatTokenCounter.Count(JsonElement, TokenEncoder)"/>).</summary>
    public readonly struct ExampleTokens
    {
        /// <summary>Creates a result.</summary>
        public ExampleTokens(int total, int assistant, bool approximate)
        {
            Total = total;
            Assistant = assistant;
            Approximate = approximate;
        }

        /// <summary>All tokens of the example: messages with their overhead, reply primer, tool definitions.</summary>
        public int Total { get; }

        /// <summary>The tokens the model is trained to write: values of assistant messages whose weight is not 0 (or the completion).</summary>
        public int Assistant { get; }

        /// <summary>True when a text held a run too long to count exactly (see <see cref="TokenCount.Approximate"/>).</summary>
        public bool Approximate { get; }
    }
}
