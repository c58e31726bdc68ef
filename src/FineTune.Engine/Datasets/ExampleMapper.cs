using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace FineTune.Engine.Datasets
{
    /// <summary>How records become examples (the parameters of ConvertTo-FineTuneExample and New-FineTuneDataset).</summary>
    public sealed class ExampleMappingOptions
    {
        /// <summary>The format of the examples made.</summary>
        public DatasetFormat Format { get; set; } = DatasetFormat.Chat;

        /// <summary>A system message put first in every Chat/Preference example that does not start with one.</summary>
        public string? SystemMessage { get; set; }

        /// <summary>The property that holds the user text (the prompt); null: the first of <see cref="ExampleMapper.UserNames"/>.</summary>
        public string? UserProperty { get; set; }

        /// <summary>The property that holds the assistant text (the completion); null: the first of <see cref="ExampleMapper.AssistantNames"/>.</summary>
        public string? AssistantProperty { get; set; }

        /// <summary>Preference: the property of the preferred reply; null: the first of <see cref="ExampleMapper.PreferredNames"/>.</summary>
        public string? PreferredProperty { get; set; }

        /// <summary>Preference: the property of the non-preferred reply; null: the first of <see cref="ExampleMapper.NonPreferredNames"/>.</summary>
        public string? NonPreferredProperty { get; set; }

        /// <summary>Chat: the weight (0 or 1) set on every assistant message that has none.</summary>
        public int? Weight { get; set; }

        /// <summary>Chat/Preference: tool definitions set on every example (plain values, see <see cref="FineTuneExample.Tools"/>).</summary>
        public List<object?>? Tools { get; set; }

        /// <summary>Chat: parallel_tool_calls set on every example.</summary>
        public bool? ParallelToolCalls { get; set; }
    }

    /// <summary>What one record became: examples (several for an Alpaca record with several instances) or errors.</summary>
    public sealed class ExampleMapResult
    {
        /// <summary>The examples made (empty when the record failed).</summary>
        public List<FineTuneExample> Examples { get; } = new List<FineTuneExample>();

        /// <summary>One message a problem: names the record number, the missing property and the properties the record has.</summary>
        public List<string> Errors { get; } = new List<string>();

        /// <summary>
        /// Set when the record failed because it has no property for a role (not because a value was empty):
        /// what was missing, e.g. <c>no property for the user text (prompt): none of Prompt, … is set</c>.
        /// </summary>
        public string? MissingProperty { get; internal set; }

        /// <summary>Which properties were used, e.g. <c>user ← Question, assistant ← ExpectedResponse</c>.</summary>
        public string Mapping { get; internal set; } = "";
    }

    /// <summary>
    /// Turns records (property name → value, names matched without regard to case, spaces, '_' or '-', or a
    /// byte-order mark that leaked into a CSV header) into <see cref="FineTuneExample"/>s.
    /// Values are plain: string, bool, numbers, dictionaries with string keys, lists.
    /// <para>Rules, in order:</para>
    /// <list type="number">
    /// <item>With no -UserProperty/-AssistantProperty, a record that already is an example is kept as it is:
    /// Chat: it has <c>messages</c>; Preference: <c>input</c> is an object and <c>preferred_output</c> is set.</item>
    /// <item>Alpaca records: <c>instruction</c> plus an <c>instances</c> list of <c>{input, output}</c> give one
    /// example an instance; the user text is the instruction, a blank line and the input (when the input is not empty).
    /// The same holds for a flat record with instruction, input and output.</item>
    /// <item>Otherwise the user text is -UserProperty or the first present of <see cref="UserNames"/>, the
    /// assistant text -AssistantProperty or the first present of <see cref="AssistantNames"/>.</item>
    /// </list>
    /// A missing or empty value is an error for that record, never an exception.
    /// </summary>
    public sealed class ExampleMapper
    {
        /// <summary>
        /// User text, in order of precedence: Prompt, Question, Query, Instruction, Input, User, then the text
        /// columns of classification data: Text, Sentence, Review, Utterance, Message.
        /// </summary>
        public static readonly IReadOnlyList<string> UserNames = new[] { "Prompt", "Question", "Query", "Instruction", "Input", "User", "Text", "Sentence", "Review", "Utterance", "Message" };

        /// <summary>
        /// Assistant text, in order: Completion, Answer, Response, ExpectedResponse, Output, Reply, Assistant,
        /// then the label columns of classification data: Label, Category, Class, Sentiment, Intent.
        /// </summary>
        public static readonly IReadOnlyList<string> AssistantNames = new[] { "Completion", "Answer", "Response", "ExpectedResponse", "Output", "Reply", "Assistant", "Label", "Category", "Class", "Sentiment", "Intent" };

        /// <summary>Preference, preferred reply, in order: Preferred, PreferredOutput, PreferredResponse, Chosen.</summary>
        public static readonly IReadOnlyList<string> PreferredNames = new[] { "Preferred", "PreferredOutput", "PreferredResponse", "Chosen" };

        /// <summary>Preference, non-preferred reply, in order: NonPreferred, NonPreferredOutput, NonPreferredResponse, Rejected.</summary>
        public static readonly IReadOnlyList<string> NonPreferredNames = new[] { "NonPreferred", "NonPreferredOutput", "NonPreferredResponse", "Rejected" };

        private static readonly HashSet<string> ModelNames = new HashSet<string>(new[]
        {
            "format", "tools", "paralleltoolcalls", "preferredoutput", "nonpreferredoutput", "prompt", "completion", "extra", "user", "assistant", "messages",
        });

        private readonly ExampleMappingOptions options;

        /// <summary>Creates a mapper.</summary>
        /// <exception cref="ArgumentException">An option does not fit the format (a system message, tools or weight for Completion; a weight other than 0 or 1).</exception>
        public ExampleMapper(ExampleMappingOptions options)
        {
            this.options = options ?? throw new ArgumentNullException(nameof(options));
            if (options.Format == DatasetFormat.Completion && (options.SystemMessage != null || options.Tools != null || options.Weight != null || options.ParallelToolCalls != null))
            {
                throw new ArgumentException("-SystemMessage, -Tools, -ParallelToolCalls and -Weight do not apply to the Completion format (prompt/completion only).");
            }

            if (options.Weight is int w && w != 0 && w != 1) throw new ArgumentException($"-Weight must be 0 or 1, not {w}.");
        }

        /// <summary>Maps one record; <paramref name="recordNumber"/> (from 1) is used in error messages.</summary>
        public ExampleMapResult Map(IDictionary<string, object?> record, long recordNumber)
        {
            var result = new ExampleMapResult();
            if (record == null)
            {
                result.Errors.Add($"Record {recordNumber} is empty (null).");
                return result;
            }

            var fields = new Fields(record);
            try
            {
                bool explicitMapping = options.UserProperty != null || options.AssistantProperty != null;
                if (!explicitMapping && TryPassThrough(fields, result)) return result;

                if (fields.Get("instances") is IEnumerable instances and not string && !fields.Has(options.AssistantProperty, AssistantNames))
                {
                    int i = 0;
                    foreach (object? instance in instances)
                    {
                        i++;
                        if (instance is not IDictionary<string, object?> inst)
                        {
                            result.Errors.Add($"Record {recordNumber}, instance {i}: an instance must be an object with input and output.");
                            continue;
                        }

                        var merged = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                        foreach (KeyValuePair<string, object?> kv in record) if (!string.Equals(kv.Key, "instances", StringComparison.OrdinalIgnoreCase)) merged[kv.Key] = kv.Value;
                        foreach (KeyValuePair<string, object?> kv in inst) merged[kv.Key] = kv.Value;
                        try
                        {
                            result.Examples.Add(MapFields(new Fields(merged), result, inst));
                        }
                        catch (MappingException ex)
                        {
                            result.Errors.Add($"Record {recordNumber}, instance {i}: {ex.Message}");
                        }
                    }

                    if (i == 0) result.Errors.Add($"Record {recordNumber}: its instances list is empty.");
                    return result;
                }

                result.Examples.Add(MapFields(fields, result, null));
            }
            catch (MappingException ex)
            {
                result.Errors.Add($"Record {recordNumber}: {ex.Message}");
                if (ex is MissingPropertyException missing) result.MissingProperty = missing.What;
            }

            return result;
        }

        /// <summary>
        /// Builds one Chat example from messages given as plain dictionaries (role, content, name,
        /// tool_calls, tool_call_id, weight), adding the options' system message, tools and weight.
        /// </summary>
        /// <exception cref="FormatException">A message lacks a role or has a field of the wrong shape; the message says which.</exception>
        public FineTuneExample FromMessages(IEnumerable<object?> messages)
        {
            try
            {
                var example = new FineTuneExample { Format = DatasetFormat.Chat, Messages = ToMessages(messages, "message") };
                Finish(example, false);
                return example;
            }
            catch (MappingException ex)
            {
                throw new FormatException(ex.Message, ex);
            }
        }

        private bool TryPassThrough(Fields f, ExampleMapResult result)
        {
            if (options.Format == DatasetFormat.Chat && f.Get("messages") is IEnumerable messages and not string)
            {
                var example = new FineTuneExample { Format = DatasetFormat.Chat, Messages = ToMessages(messages, "messages") };
                if (f.Get("tools") is IEnumerable tools and not string) example.Tools = tools.Cast<object?>().ToList();
                if (f.Get("parallel_tool_calls") is bool p) example.ParallelToolCalls = p;
                foreach (KeyValuePair<string, object?> kv in f.Record)
                {
                    string n = Fields.Normalize(kv.Key);
                    if (ModelNames.Contains(n) || kv.Value == null) continue;
                    (example.Extra ??= new Dictionary<string, object?>())[kv.Key] = kv.Value;
                }

                Finish(example, false);
                result.Examples.Add(example);
                result.Mapping = "messages (already an example)";
                return true;
            }

            if (options.Format == DatasetFormat.Preference && f.Get("input") is IDictionary<string, object?> input && f.Get("preferred_output") != null)
            {
                var inner = new Fields(input);
                var example = new FineTuneExample
                {
                    Format = DatasetFormat.Preference,
                    Messages = inner.Get("messages") is IEnumerable m and not string ? ToMessages(m, "input.messages") : throw new MappingException("input has no messages list."),
                    PreferredOutput = Reply(f.Get("preferred_output"), "preferred_output"),
                    NonPreferredOutput = Reply(f.Get("non_preferred_output") ?? throw Missing(f, "non_preferred_output", "the non-preferred reply", null), "non_preferred_output"),
                };
                if (inner.Get("tools") is IEnumerable tools and not string) example.Tools = tools.Cast<object?>().ToList();
                Finish(example, false);
                result.Examples.Add(example);
                result.Mapping = "input, preferred_output, non_preferred_output (already an example)";
                return true;
            }

            return false;
        }

        private FineTuneExample MapFields(Fields f, ExampleMapResult result, IDictionary<string, object?>? instance)
        {
            string From(string name) => instance != null && instance.Keys.Any(k => Fields.Normalize(k) == Fields.Normalize(name)) ? "instances[]." + name : name;
            (string userName, object userValue) = f.Find(options.UserProperty, UserNames, "-UserProperty", "the user text (prompt)");
            object user = Content(userValue, userName);
            string userFrom = From(userName);
            if (options.UserProperty == null && Fields.Normalize(userName) == "instruction" && f.Get("input") is object inputValue && Content(inputValue, "input", allowEmpty: true) is string input && input.Trim().Length > 0 && user is string instruction)
            {
                user = instruction + "\n\n" + input;
                userFrom += " + " + From("input");
            }

            var mapping = new StringBuilder();
            if (options.SystemMessage != null) mapping.Append("system ← -SystemMessage, ");
            mapping.Append("user ← ").Append(userFrom);

            FineTuneExample example;
            if (options.Format == DatasetFormat.Preference)
            {
                (string pName, object pValue) = f.Find(options.PreferredProperty, PreferredNames, "-PreferredProperty", "the preferred reply");
                (string nName, object nValue) = f.Find(options.NonPreferredProperty, NonPreferredNames, "-NonPreferredProperty", "the non-preferred reply");
                mapping.Append(", preferred ← ").Append(pName).Append(", non-preferred ← ").Append(nName);
                example = new FineTuneExample
                {
                    Format = DatasetFormat.Preference,
                    Messages = { new ExampleMessage { Role = "user", Content = user } },
                    PreferredOutput = Reply(pValue, pName),
                    NonPreferredOutput = Reply(nValue, nName),
                };
            }
            else
            {
                (string aName, object aValue) = f.Find(options.AssistantProperty, AssistantNames, "-AssistantProperty", "the assistant text (completion)");
                object assistant = Content(aValue, aName);
                mapping.Append(", assistant ← ").Append(From(aName));
                if (options.Format == DatasetFormat.Completion)
                {
                    example = new FineTuneExample
                    {
                        Format = DatasetFormat.Completion,
                        Prompt = user as string ?? throw new MappingException($"property '{userName}' holds content parts; the Completion format takes text only."),
                        Completion = assistant as string ?? throw new MappingException($"property '{aName}' holds content parts; the Completion format takes text only."),
                    };
                }
                else
                {
                    example = new FineTuneExample
                    {
                        Messages = { new ExampleMessage { Role = "user", Content = user }, new ExampleMessage { Role = "assistant", Content = assistant } },
                    };
                }
            }

            Finish(example, true);
            result.Mapping = mapping.ToString();
            return example;
        }

        private void Finish(FineTuneExample example, bool mapped)
        {
            if (example.Format == DatasetFormat.Completion) return;
            if (options.SystemMessage != null && (example.Messages.Count == 0 || example.Messages[0].Role != "system"))
            {
                example.Messages.Insert(0, new ExampleMessage { Role = "system", Content = options.SystemMessage });
            }

            if (options.Tools != null) example.Tools = options.Tools;
            if (options.ParallelToolCalls != null && example.Format == DatasetFormat.Chat) example.ParallelToolCalls = options.ParallelToolCalls;
            if (options.Weight != null && example.Format == DatasetFormat.Chat)
            {
                foreach (ExampleMessage m in example.Messages)
                {
                    if (m.Role == "assistant" && (mapped || m.Weight == null)) m.Weight = options.Weight;
                }
            }
        }

        private static ExampleMessage Reply(object? value, string name)
        {
            if (value is IEnumerable list and not string)
            {
                List<ExampleMessage> messages = ToMessages(list, name);
                if (messages.Count != 1) throw new MappingException($"'{name}' must hold one assistant message, not {messages.Count}.");
                return messages[0];
            }

            return new ExampleMessage { Role = "assistant", Content = Content(value, name) };
        }

        /// <summary>Text (string or a scalar as invariant text) or a list of content parts; empty text is an error.</summary>
        private static object Content(object? value, string name, bool allowEmpty = false)
        {
            switch (value)
            {
                case null:
                    throw new MappingException($"property '{name}' is null.");
                case string s:
                    if (!allowEmpty && s.Trim().Length == 0) throw new MappingException($"property '{name}' is empty.");
                    return s;
                case bool b:
                    return b ? "true" : "false";
                case IDictionary<string, object?>:
                    throw new MappingException($"property '{name}' holds an object, not text. Name the property that holds the text.");
                case IEnumerable parts:
                    var list = parts.Cast<object?>().ToList();
                    if (list.Count == 0 || !list.All(p => p is IDictionary<string, object?>)) throw new MappingException($"property '{name}' holds a list that is not content parts ({{type, text}} objects).");
                    return list;
                case IFormattable f:
                    return f.ToString(null, CultureInfo.InvariantCulture);
                default:
                    return value.ToString() ?? "";
            }
        }

        private static List<ExampleMessage> ToMessages(IEnumerable items, string where)
        {
            var messages = new List<ExampleMessage>();
            int i = 0;
            foreach (object? item in items)
            {
                i++;
                if (item is not IDictionary<string, object?> dict) throw new MappingException($"{where} {i} is not an object with role and content.");
                var m = new Fields(dict);
                var message = new ExampleMessage
                {
                    Role = m.Get("role") as string ?? throw new MappingException($"{where} {i} has no role (system, user, assistant or tool)."),
                    Name = m.Get("name") as string,
                    ToolCallId = m.Get("tool_call_id") is object id ? Convert.ToString(id, CultureInfo.InvariantCulture) : null,
                };
                object? content = m.Get("content");
                message.Content = content switch
                {
                    null => null,
                    string s => s,
                    IDictionary<string, object?> => throw new MappingException($"{where} {i}: content must be text or a list of parts, not an object."),
                    IEnumerable parts => parts.Cast<object?>().ToList(),
                    _ => Content(content, "content", true),
                };
                object? weight = m.Get("weight");
                if (weight != null)
                {
                    message.Weight = weight is IConvertible c && !(weight is string) && !(weight is bool) && Convert.ToDouble(c, CultureInfo.InvariantCulture) is double d && (d == 0 || d == 1)
                        ? (int)d
                        : throw new MappingException($"{where} {i}: weight must be 0 or 1, not '{weight}'.");
                }

                if (m.Get("tool_calls") is object calls)
                {
                    if (calls is not IEnumerable callList || calls is string) throw new MappingException($"{where} {i}: tool_calls must be a list.");
                    message.ToolCalls = new List<ExampleToolCall>();
                    int j = 0;
                    foreach (object? call in callList)
                    {
                        j++;
                        if (call is not IDictionary<string, object?> c) throw new MappingException($"{where} {i}, tool call {j} is not an object.");
                        var cf = new Fields(c);
                        var fn = cf.Get("function") as IDictionary<string, object?>;
                        var ff = fn != null ? new Fields(fn) : cf;
                        object? args = ff.Get("arguments");
                        message.ToolCalls.Add(new ExampleToolCall
                        {
                            Id = cf.Get("id") as string ?? throw new MappingException($"{where} {i}, tool call {j} has no id."),
                            Type = cf.Get("type") as string ?? "function",
                            Name = ff.Get("name") as string ?? throw new MappingException($"{where} {i}, tool call {j} has no function name."),
                            Arguments = args as string ?? (args == null ? "{}" : ExampleJson.ValueToJson(args)),
                        });
                    }
                }

                messages.Add(message);
            }

            return messages;
        }

        private static MappingException Missing(Fields f, string what, string role, string? parameter) =>
            new MappingException($"no {what} for {role}{(parameter != null ? " (" + parameter + ")" : "")}. It has: {f.Names}.");

        /// <summary>
        /// Turns parsed JSON into plain values (objects into case-insensitive dictionaries, arrays into lists,
        /// numbers into long or double), e.g. to map the records of a JSON Lines file.
        /// </summary>
        public static object? FromJson(JsonElement element) => element.ValueKind switch
        {
            JsonValueKind.Object => element.EnumerateObject().Aggregate(
                new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase),
                (d, p) => { d[p.Name] = FromJson(p.Value); return d; }),
            JsonValueKind.Array => element.EnumerateArray().Select(FromJson).ToList(),
            JsonValueKind.String => element.GetString(),
            JsonValueKind.Number => element.TryGetInt64(out long l) ? l : element.GetDouble(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => null,
        };

        private class MappingException : Exception
        {
            public MappingException(string message)
                : base(message)
            {
            }
        }

        /// <summary>No property for a role (as opposed to a property with a bad value).</summary>
        private sealed class MissingPropertyException : MappingException
        {
            public MissingPropertyException(string what, string names, string? parameter)
                : base($"{what}. It has: {names}.{(parameter != null ? " Name it with " + parameter + "." : "")}")
            {
                What = what;
            }

            public string What { get; }
        }

        /// <summary>A record's properties looked up by normalized name (letters and digits, lower case).</summary>
        private sealed class Fields
        {
            private readonly Dictionary<string, KeyValuePair<string, object?>> byName = new Dictionary<string, KeyValuePair<string, object?>>(StringComparer.Ordinal);

            public Fields(IDictionary<string, object?> record)
            {
                Record = record;
                foreach (KeyValuePair<string, object?> kv in record)
                {
                    string n = Normalize(kv.Key);
                    if (!byName.ContainsKey(n)) byName[n] = kv;
                }
            }

            public IDictionary<string, object?> Record { get; }

            public string Names => Record.Count == 0 ? "no properties" : string.Join(", ", Record.Keys);

            // names repeat from record to record: normalize each once (bounded, for records with unique names)
            private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> Normalized = new System.Collections.Concurrent.ConcurrentDictionary<string, string>(StringComparer.Ordinal);

            public static string Normalize(string name)
            {
                if (Normalized.TryGetValue(name, out string? known)) return known;
                string n = NormalizeNew(name);
                if (Normalized.Count < 10000) Normalized[name] = n;
                return n;
            }

            private static string NormalizeNew(string name)
            {
                var sb = new StringBuilder(name.Length);
                foreach (char c in name) if (char.IsLetterOrDigit(c)) sb.Append(char.ToLowerInvariant(c));
                return sb.ToString();
            }

            public object? Get(string name) => byName.TryGetValue(Normalize(name), out KeyValuePair<string, object?> kv) ? kv.Value : null;

            public bool Has(string? explicitName, IReadOnlyList<string> defaults) =>
                explicitName != null ? Get(explicitName) != null : defaults.Any(d => Get(d) != null);

            /// <summary>The property named explicitly, else the first present default; (its name as the record spells it, value).</summary>
            public (string, object) Find(string? explicitName, IReadOnlyList<string> defaults, string parameter, string role)
            {
                if (explicitName != null)
                {
                    if (Record.TryGetValue(explicitName, out object? exact) && exact != null) return (explicitName, exact);
                    if (byName.TryGetValue(Normalize(explicitName), out KeyValuePair<string, object?> kv) && kv.Value != null) return (kv.Key, kv.Value);
                    throw new MissingPropertyException($"no property '{explicitName}' ({parameter}) for {role}", Names, null);
                }

                foreach (string d in defaults)
                {
                    if (byName.TryGetValue(Normalize(d), out KeyValuePair<string, object?> kv) && kv.Value != null) return (kv.Key, kv.Value);
                }

                throw new MissingPropertyException($"no property for {role}: none of {string.Join(", ", defaults)} is set", Names, parameter);
            }
        }
    }
}
