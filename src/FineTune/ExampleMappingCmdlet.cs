using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Reflection;
using FineTune.Engine.Datasets;
using FineTune.Engine;

namespace FineTune
{
    /// <summary>
    /// The parameters and pipeline handling that ConvertTo-FineTuneExample and New-FineTuneDataset share:
    /// how properties map to roles, and turning pipeline objects into examples. A record that cannot be
    /// mapped is a non-terminating error (ErrorId <c>FineTune.InvalidRecord</c>, InvalidData) that
    /// names the record number, the missing property and the properties the record has; the pipeline goes on.
    /// Records that lack a property for a role are held back until one record maps: when none does, the
    /// command ends with ONE terminating error (<c>FineTune.NoMapping</c>) that names the
    /// properties found and -UserProperty and -AssistantProperty, instead of one error a record.
    /// </summary>
    public abstract class ExampleMappingCmdlet : FineTuneCmdlet
    {
        private ExampleMapper? mapper;
        private readonly HashSet<string> mappings = new HashSet<string>(StringComparer.Ordinal);

        // Records that had no property for a role, held while no record has mapped (at most HeldMax kept).
        private const int HeldMax = 1000;
        private readonly List<(string Message, object Target)> held = new List<(string, object)>();
        private long heldCount;
        private string? heldWhat;
        private string? heldNames;
        private long mapped;

        /// <summary>Chat (default), Preference (DPO pairs) or Completion (legacy prompt/completion).</summary>
        [Parameter]
        [ValidateSet("Chat", "Preference", "Completion", IgnoreCase = true)]
        public string? Format { get; set; }

        /// <summary>A system message put first in every example (Chat, Preference) that does not start with one.</summary>
        [Parameter]
        public string? SystemMessage { get; set; }

        /// <summary>The property that holds the user text. Default: the first present of Prompt, Question, Query, Instruction, Input, User, Text, Sentence, Review, Utterance, Message (case, spaces and '_' ignored; Instruction plus Input make one text).</summary>
        [Parameter]
        [Alias("PromptProperty")]
        public string? UserProperty { get; set; }

        /// <summary>The property that holds the assistant reply. Default: the first present of Completion, Answer, Response, ExpectedResponse, Output, Reply, Assistant, Label, Category, Class, Sentiment, Intent.</summary>
        [Parameter]
        [Alias("CompletionProperty")]
        public string? AssistantProperty { get; set; }

        /// <summary>Preference: the property of the preferred reply. Default: Preferred, PreferredOutput, PreferredResponse, Chosen.</summary>
        [Parameter]
        public string? PreferredProperty { get; set; }

        /// <summary>Preference: the property of the non-preferred reply. Default: NonPreferred, NonPreferredOutput, NonPreferredResponse, Rejected.</summary>
        [Parameter]
        public string? NonPreferredProperty { get; set; }

        /// <summary>Chat: weight (0: do not learn from it, 1: learn) for the assistant messages that have none.</summary>
        [Parameter]
        [ValidateRange(0, 1)]
        public int Weight { get; set; }

        /// <summary>Tool definitions put in every example: hashtables or objects shaped <c>@{ type = 'function'; function = @{ name; description; parameters } }</c>, or JSON strings.</summary>
        [Parameter]
        public object[]? Tools { get; set; }

        /// <summary>Chat: sets parallel_tool_calls in every example (-ParallelToolCalls:$false to turn it off).</summary>
        [Parameter]
        public SwitchParameter ParallelToolCalls { get; set; }

        private protected int RecordNumber { get; private set; }

        private protected bool IsBound(string name) => MyInvocation.BoundParameters.ContainsKey(name);

        // Parsed on each read, not kept in a field: a field of an engine value type would make PowerShell load the
        // engine when it reflects over the cmdlet, before ModuleInit can (docs/DEVELOPING.md).
        private protected DatasetFormat? BoundFormat => Format == null ? (DatasetFormat?)null : DatasetCommandHelper.ParseFormat(Format);

        /// <summary>The mapper for <paramref name="format"/>, made once; a parameter that does not fit the format is a terminating error.</summary>
        private protected ExampleMapper MapperFor(DatasetFormat format)
        {
            if (mapper != null) return mapper;
            try
            {
                mapper = new ExampleMapper(new ExampleMappingOptions
                {
                    Format = format,
                    SystemMessage = SystemMessage,
                    UserProperty = UserProperty,
                    AssistantProperty = AssistantProperty,
                    PreferredProperty = PreferredProperty,
                    NonPreferredProperty = NonPreferredProperty,
                    Weight = IsBound(nameof(Weight)) ? Weight : (int?)null,
                    Tools = Tools?.Select(PSRecord.Tool).ToList(),
                    ParallelToolCalls = IsBound(nameof(ParallelToolCalls)) ? ParallelToolCalls.IsPresent : (bool?)null,
                });
            }
            catch (ArgumentException ex)
            {
                Fail(ex);
            }

            return mapper!;
        }

        /// <summary>
        /// The examples one pipeline object becomes: an example object as it is; any other object or
        /// hashtable through the mapper. Errors are written here; says (verbose, and one information line)
        /// which properties were used.
        /// </summary>
        private protected List<FineTuneExample> ToExamples(PSObject input, DatasetFormat format)
        {
            RecordNumber++;
            if (input.BaseObject is FineTuneExample ready) return new List<FineTuneExample> { ready };
            IDictionary<string, object?>? record = PSRecord.ToRecord(input);
            if (record == null)
            {
                WriteRecordError($"Record {RecordNumber} is a {input.BaseObject?.GetType().Name ?? "null"}, not an object with properties. Pipe objects or hashtables (Import-Csv, ConvertFrom-Json).", input);
                return new List<FineTuneExample>();
            }

            ExampleMapResult result = MapperFor(format).Map(record, RecordNumber);
            if (result.Examples.Count == 0 && result.MissingProperty != null && mapped == 0)
            {
                heldCount++;
                heldWhat ??= result.MissingProperty;
                heldNames ??= record.Count == 0 ? "no properties" : string.Join(", ", record.Keys);
                if (held.Count < HeldMax) held.Add((result.Errors[0], input));
                return result.Examples;
            }

            if (result.Examples.Count > 0 && mapped++ == 0) FlushHeld();
            foreach (string error in result.Errors) WriteRecordError(error, input);
            if (result.Examples.Count > 0 && mappings.Add(result.Mapping))
            {
                WriteVerbose($"Record {RecordNumber}: {result.Mapping}");
                if (mappings.Count == 1) WriteInformation($"{MyInvocation.MyCommand.Name}: {result.Mapping}", new[] { "FineTune" });
            }

            return result.Examples;
        }

        private void FlushHeld()
        {
            foreach ((string message, object target) in held) WriteRecordError(message, target);
            if (heldCount > held.Count) WriteRecordError($"{heldCount - held.Count} more records before record {RecordNumber} had no property for a role.", null);
            held.Clear();
        }

        /// <summary>
        /// Called from EndProcessing: when records came but none mapped because a property was missing, throws
        /// ONE terminating error naming the properties found and the parameters that name them.
        /// </summary>
        private protected void ThrowIfNothingMapped(string consequence)
        {
            if (mapped > 0 || heldCount == 0) return;
            string[] names = (heldNames ?? "").Split(new[] { ", " }, StringSplitOptions.RemoveEmptyEntries);
            string example = names.Length >= 2 ? $" (e.g. -UserProperty {names[0]} -AssistantProperty {names[1]})" : "";
            string message = $"None of the {heldCount} records maps to an example: {heldWhat}. The records have: {heldNames}. "
                + $"Name the columns with -UserProperty and -AssistantProperty{example}; {consequence}";
            Fail(Failure("NoMapping", ErrorKind.InvalidData, message, advice: $"Pass -UserProperty <column with the text> -AssistantProperty <column with the reply or label>{example}."));
        }

        private protected void WriteRecordError(string message, object? target)
        {
            Report(Failure("InvalidRecord", ErrorKind.InvalidData, message, target,
                "Give the record the missing value, or name the properties with -UserProperty and -AssistantProperty (-PreferredProperty, -NonPreferredProperty for Preference)."));
        }
    }

    /// <summary>Pipeline objects to the engine's plain values: case-insensitive dictionaries, lists, strings, numbers, booleans.</summary>
    internal static class PSRecord
    {
        private const int MaxDepth = 32;

        /// <summary>A hashtable or object as property name → plain value; null for a scalar (string, number).</summary>
        internal static IDictionary<string, object?>? ToRecord(object? input)
        {
            object? b = input is PSObject p ? p.BaseObject : input;
            if (b == null || b is string || b.GetType().IsPrimitive || b is decimal) return null;
            if (b is IDictionary d) return FromDictionary(d, 0);
            return FromProperties(input as PSObject ?? PSObject.AsPSObject(b), 0);
        }

        /// <summary>A tool definition: a JSON string is parsed; anything else becomes plain values.</summary>
        internal static object? Tool(object? tool)
        {
            object? b = tool is PSObject p ? p.BaseObject : tool;
            if (b is string json)
            {
                try
                {
                    using var doc = System.Text.Json.JsonDocument.Parse(json);
                    return ExampleMapper.FromJson(doc.RootElement);
                }
                catch (System.Text.Json.JsonException ex)
                {
                    throw new PSArgumentException($"A tool given as a string must be JSON: {ex.Message}", "Tools");
                }
            }

            return Plain(tool, 0);
        }

        private static Dictionary<string, object?> FromDictionary(IDictionary d, int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (DictionaryEntry e in d) result[e.Key?.ToString() ?? ""] = Plain(e.Value, depth + 1);
            return result;
        }

        /// <summary>
        /// PSObject's internal InstanceMembers (the note properties of a PSCustomObject), read through a
        /// delegate. Enumerating the public Properties of a fresh PSCustomObject costs 50–100 µs (it
        /// integrates type-table and adapter members too); the instance members alone cost about 1 µs, which
        /// is what makes New-FineTuneDataset fast on Import-Csv and ConvertFrom-Json output. Null (public
        /// Properties are used) when a PowerShell version does not have it.
        /// </summary>
        private static readonly Func<PSObject, object?>? InstanceMembers = FindInstanceMembers();

        private static Func<PSObject, object?>? FindInstanceMembers()
        {
            try
            {
                MethodInfo? getter = typeof(PSObject).GetProperty("InstanceMembers", BindingFlags.NonPublic | BindingFlags.Instance)?.GetGetMethod(true);
                return getter != null && typeof(IEnumerable).IsAssignableFrom(getter.ReturnType)
                    ? (Func<PSObject, object?>)getter.CreateDelegate(typeof(Func<PSObject, object?>))
                    : null;
            }
            catch (Exception ex) when (ex is ArgumentException || ex is MemberAccessException || ex is InvalidOperationException)
            {
                return null;
            }
        }

        private static IEnumerable Members(PSObject o) =>
            o.BaseObject is PSCustomObject && InstanceMembers != null && InstanceMembers(o) is IEnumerable members ? members : o.Properties;

        private static Dictionary<string, object?> FromProperties(PSObject o, int depth)
        {
            var result = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach (PSPropertyInfo prop in Members(o).OfType<PSPropertyInfo>())
            {
                if (!prop.IsGettable) continue;
                try
                {
                    result[prop.Name] = Plain(prop.Value, depth + 1);
                }
                catch (GetValueException)
                {
                    // a property that throws when read is left out
                }
            }

            return result;
        }

        private static object? Plain(object? value, int depth)
        {
            PSObject? ps = value as PSObject;
            object? b = ps != null ? ps.BaseObject : value;
            switch (b)
            {
                case null: return null;
                case string s: return s;
                case decimal or DateTime or DateTimeOffset: return b;
                case Enum e: return e.ToString();
                case var _ when b.GetType().IsPrimitive: return b;
                case var _ when depth > MaxDepth: return b.ToString();
                case IDictionary d: return FromDictionary(d, depth);
                case PSCustomObject: return FromProperties(ps!, depth);
                case IEnumerable list: return list.Cast<object?>().Select(v => Plain(v, depth + 1)).ToList();
                case var _ when b.GetType().Namespace?.StartsWith("FineTune", StringComparison.Ordinal) == true: return FromProperties(PSObject.AsPSObject(b), depth);
                default: return b.ToString();
            }
        }
    }
}
