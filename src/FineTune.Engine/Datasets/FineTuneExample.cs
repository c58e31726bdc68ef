using System.Collections.Generic;
using System.Linq;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// One training example, one line of a JSON Lines training file. Which members are used depends on
    /// <see cref="Format"/>: Chat uses <see cref="Messages"/>, <see cref="Tools"/>,
    /// <see cref="ParallelToolCalls"/> and <see cref="Extra"/>; Preference uses <see cref="Messages"/>
    /// (the input), <see cref="Tools"/>, <see cref="PreferredOutput"/> and <see cref="NonPreferredOutput"/>;
    /// Completion uses <see cref="Prompt"/> and <see cref="Completion"/>.
    /// <see cref="ToJson"/> gives the exact line <see cref="DatasetWriter"/> writes.
    /// </summary>
    public sealed class FineTuneExample
    {
        /// <summary>The format this example is written in.</summary>
        public DatasetFormat Format { get; set; } = DatasetFormat.Chat;

        /// <summary>Chat: the conversation; Preference: the input messages (one turn).</summary>
        public List<ExampleMessage> Messages { get; set; } = new List<ExampleMessage>();

        /// <summary>
        /// Tool definitions (<c>{"type":"function","function":{"name","description","parameters"}}</c>), as
        /// plain values: dictionaries with string keys, lists, strings, numbers, booleans or
        /// <see cref="System.Text.Json.JsonElement"/>. Null when the example has none.
        /// </summary>
        public List<object?>? Tools { get; set; }

        /// <summary>Chat: <c>parallel_tool_calls</c>; null leaves it out.</summary>
        public bool? ParallelToolCalls { get; set; }

        /// <summary>Preference: the preferred assistant reply.</summary>
        public ExampleMessage? PreferredOutput { get; set; }

        /// <summary>Preference: the non-preferred assistant reply.</summary>
        public ExampleMessage? NonPreferredOutput { get; set; }

        /// <summary>Completion: the prompt text.</summary>
        public string? Prompt { get; set; }

        /// <summary>Completion: the completion text.</summary>
        public string? Completion { get; set; }

        /// <summary>
        /// Chat: further top-level fields kept as they came (e.g. the fields a reinforcement grader reads),
        /// written after the known ones. Null when there are none.
        /// </summary>
        public Dictionary<string, object?>? Extra { get; set; }

        /// <summary>The text of the first user message (Chat, Preference) or the prompt (Completion); for display.</summary>
        public string? User => Format == DatasetFormat.Completion ? Prompt : Messages.FirstOrDefault(m => m.Role == "user")?.Text;

        /// <summary>The text of the last assistant message (Chat), the preferred output (Preference) or the completion; for display.</summary>
        public string? Assistant => Format switch
        {
            DatasetFormat.Completion => Completion,
            DatasetFormat.Preference => PreferredOutput?.Text,
            _ => Messages.LastOrDefault(m => m.Role == "assistant")?.Text,
        };

        /// <summary>The example as one compact JSON line (no line end), exactly as it is written to a file.</summary>
        /// <exception cref="System.ArgumentException">A string holds invalid UTF-16 (a lone surrogate).</exception>
        public string ToJson() => ExampleJson.ToJson(this);

        /// <inheritdoc/>
        public override string ToString() => ToJson();
    }

    /// <summary>
    /// One message of a chat example: <c>{"role","content","name"?,"tool_calls"?,"tool_call_id"?,"weight"?}</c>.
    /// </summary>
    public sealed class ExampleMessage
    {
        /// <summary>system, user, assistant, tool (or the legacy function).</summary>
        public string Role { get; set; } = "user";

        /// <summary>
        /// A string, or a list of content parts (<c>{"type":"text","text"}</c>, <c>{"type":"image_url",...}</c>)
        /// as plain values; null leaves <c>content</c> out (an assistant message that only calls tools).
        /// </summary>
        public object? Content { get; set; }

        /// <summary>Optional participant name.</summary>
        public string? Name { get; set; }

        /// <summary>Assistant: the tool calls it makes; null when none.</summary>
        public List<ExampleToolCall>? ToolCalls { get; set; }

        /// <summary>Tool: the id of the call this message answers.</summary>
        public string? ToolCallId { get; set; }

        /// <summary>Assistant: 0 (do not learn from this message) or 1; null leaves it out.</summary>
        public int? Weight { get; set; }

        /// <summary>The content when it is a string, else the text parts joined by new lines; for display.</summary>
        public string? Text => Content as string ?? (Content is IEnumerable<object?> parts
            ? string.Join("\n", parts.OfType<IDictionary<string, object?>>().Select(p => p.TryGetValue("text", out object? t) ? t as string : null).Where(t => t != null))
            : null);
    }

    /// <summary>One tool call of an assistant message: <c>{"id","type":"function","function":{"name","arguments"}}</c>.</summary>
    public sealed class ExampleToolCall
    {
        /// <summary>The call id that the answering tool message names in tool_call_id.</summary>
        public string Id { get; set; } = "";

        /// <summary>Always "function" today.</summary>
        public string Type { get; set; } = "function";

        /// <summary>The function's name.</summary>
        public string Name { get; set; } = "";

        /// <summary>The arguments: a string that holds a JSON object, as the service wants it.</summary>
        public string Arguments { get; set; } = "{}";
    }
}
