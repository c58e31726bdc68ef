using System.Runtime.CompilerServices;
using System;
using System.Collections.Generic;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;

using FineTune.Engine.Tokens;

namespace FineTune.Engine.Datasets
{
    /// <summary>What checking one line found: its findings and the facts the file-wide rules need.</summary>
    internal struct LineOutcome
    {
        public List<DatasetFinding>? Findings;
        public bool Parsed;
        public DatasetFormat Format;
        public ulong Hash;
        public bool HasSystem;
        public ulong SystemHash;
        public int Tokens;
        public int AssistantTokens;

        /// <summary>Checked before the encoder was loaded: the tokens are still to be counted (<see cref="ExampleChecker.CountLater"/>).</summary>
        public bool CountPending;
    }

    /// <summary>
    /// The rules about one line on its own (encoding, JSON, structure of each format, special tokens, tokens
    /// per example). Stateless and thread-safe: lines are checked in parallel; rules across lines
    /// (duplicates, system message consistency, format of the file, counts) are in <see cref="DatasetChecker"/>.
    /// </summary>
    internal sealed class ExampleChecker
    {
        // The seed of an example's system-message hash (any fixed value; the hash is compared within one check, never kept).
        private const ulong SystemHashSeed = 14695981039346656037UL;

        private static readonly JsonDocumentOptions ParseOptions = new JsonDocumentOptions { MaxDepth = 256 };
        private static readonly string[] SpecialTokens = { "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>", "<|im_start|>", "<|im_end|>", "<|im_sep|>" };
        private const int MaxImages = 10;

        private readonly string path;
        private readonly DatasetTarget target;
        private readonly DatasetFormat forced;
        private readonly Task<TokenEncoder>? encoder;
        private readonly int? limit;
        private readonly bool countOnly;
        private readonly TextCountCache? texts;

        /// <summary>
        /// A checker for the lines of <paramref name="path"/>. <paramref name="countOnly"/> (Measure-FineTuneDataset):
        /// only parse, detect the format and count tokens (over the limit is still noted); the structure,
        /// special-token and duplicate rules are skipped, since no finding is wanted and token counts do not
        /// depend on them. <paramref name="encoder"/> may still be loading: a line checked before it is there is
        /// marked <see cref="LineOutcome.CountPending"/> and counted by <see cref="CountLater"/>.
        /// </summary>
        public ExampleChecker(string path, DatasetTarget target, DatasetFormat forced, Task<TokenEncoder>? encoder, int? limit, bool countOnly = false)
        {
            this.path = path;
            this.target = target;
            this.forced = forced;
            this.encoder = encoder;
            this.limit = limit;
            this.countOnly = countOnly;
            texts = encoder == null ? null : new TextCountCache();
        }

        [MethodImpl(Hot.Path)]
        public void Check(ReadOnlyMemory<byte> line, long lineNo, long index, ref LineOutcome o)
        {
            o = new LineOutcome { Tokens = -1, Format = DatasetFormat.Unknown };
            var ctx = new Context(this, lineNo, index);
            ReadOnlySpan<byte> span = line.Span;
            int bad = Utf8.FirstInvalid(span);
            if (bad >= 0)
            {
                ctx.Add(DatasetRules.InvalidUtf8, $"Line {lineNo} has bytes that are not valid UTF-8 (0x{span[bad]:X2} at byte {bad + 1} of the line).");
                o.Findings = ctx.Findings;
                return;
            }

            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(line, ParseOptions);
            }
            catch (JsonException ex)
            {
                ReadOnlySpan<byte> trimmed = Trim(span);
                if (trimmed.Length == 1 && trimmed[0] == (byte)'{')
                {
                    ctx.Add(DatasetRules.PrettyPrinted, $"Line {lineNo} holds only '{{': the example is pretty-printed over several lines.");
                }
                else
                {
                    long col = (ex.BytePositionInLine ?? 0) + 1;
                    ctx.Add(DatasetRules.InvalidJson, $"Line {lineNo} is not valid JSON at byte {col}: {FirstSentence(ex.Message)}");
                }

                o.Findings = ctx.Findings;
                return;
            }

            using (doc)
            {
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(DatasetRules.NotObject, $"Line {lineNo} is a JSON {Kind(root)}, not an object.");
                    o.Findings = ctx.Findings;
                    return;
                }

                string? lone = LoneSurrogates.Find(span, root);
                if (lone != null)
                {
                    ctx.Add(DatasetRules.InvalidUtf8, LoneSurrogates.Describe(lineNo, lone));
                    o.Findings = ctx.Findings;
                    return;
                }

                o.Parsed = true;
                o.Format = Detect(root);
                DatasetFormat format = o.Format != DatasetFormat.Unknown ? o.Format : forced == DatasetFormat.Auto ? DatasetFormat.Unknown : forced;
                if (!countOnly) CheckStructure(root, span, format, ref ctx, ref o);

                if (encoder != null && format != DatasetFormat.Unknown)
                {
                    if (encoder.IsCompleted) Count(root, ref ctx, ref o);
                    else o.CountPending = true;
                }
            }

            o.Findings = ctx.Findings;
        }

        /// <summary>True while the encoder loads: lines checked now are counted later (<see cref="CountLater"/>).</summary>
        public bool EncoderLoading => encoder != null && !encoder.IsCompleted;

        /// <summary>Counts the tokens of a line that <see cref="Check"/> marked <see cref="LineOutcome.CountPending"/> (it parses the line again).</summary>
        public void CountLater(ReadOnlyMemory<byte> line, long lineNo, long index, ref LineOutcome o)
        {
            o.CountPending = false;
            var ctx = new Context(this, lineNo, index) { Findings = o.Findings };
            using (JsonDocument doc = JsonDocument.Parse(line, ParseOptions))
            {
                Count(doc.RootElement, ref ctx, ref o);
            }

            o.Findings = ctx.Findings;
        }

        // The example's tokens, and the finding when they are over the model's limit.
        [MethodImpl(Hot.Path)]
        private void Count(JsonElement root, ref Context ctx, ref LineOutcome o)
        {
            TokenEncoder loaded = encoder!.GetAwaiter().GetResult(); // one that failed to load throws here, not below
            ExampleTokens t;
            try
            {
                t = ChatTokenCounter.Count(root, loaded, texts);
            }
            catch (Exception ex) when (ex is ArgumentException || ex is InvalidOperationException || ex is FormatException)
            {
                // a shape the counter cannot read is already a finding above; the example stays uncounted
                t = new ExampleTokens(-1, 0, false);
            }

            o.Tokens = t.Total;
            o.AssistantTokens = t.Assistant;
            if (t.Total >= 0 && limit is int max && t.Total > max)
            {
                ctx.Add(DatasetRules.OverTokenLimit, $"Line {ctx.Line} has {t.Total} tokens, over the model's {max} per example; {t.Total - max} tokens are cut off.");
            }
        }

        // The rules about one parsed object (all but encoding, JSON and tokens), and its hash for duplicates.
        [MethodImpl(Hot.Path)]
        private void CheckStructure(JsonElement root, ReadOnlySpan<byte> span, DatasetFormat format, ref Context ctx, ref LineOutcome o)
        {
            o.Hash = NormalizedHash(span);
            switch (format)
            {
                case DatasetFormat.Chat:
                    CheckChat(root, ref ctx, ref o);
                    break;
                case DatasetFormat.Preference:
                    CheckPreference(root, ref ctx, ref o);
                    break;
                case DatasetFormat.Completion:
                    CheckCompletion(root, ref ctx);
                    break;
                default:
                    ctx.Add(DatasetRules.UnknownFormat, $"Line {ctx.Line} has none of \"messages\" (chat), \"input\"/\"preferred_output\" (preference) or \"prompt\"/\"completion\"; its fields are {FieldList(root)}.");
                    break;
            }

            if (MayHoldSpecialToken(span)) FindSpecialTokens(root, "$", ref ctx);
        }

        [MethodImpl(Hot.Path)]
        internal static DatasetFormat Detect(JsonElement root)
        {
            if (root.TryGetProperty("messages"u8, out _)) return DatasetFormat.Chat;
            if (root.TryGetProperty("input"u8, out _) || root.TryGetProperty("preferred_output"u8, out _) || root.TryGetProperty("non_preferred_output"u8, out _)) return DatasetFormat.Preference;
            if (root.TryGetProperty("prompt"u8, out _) || root.TryGetProperty("completion"u8, out _)) return DatasetFormat.Completion;
            return DatasetFormat.Unknown;
        }

        private struct Context
        {
            public readonly ExampleChecker Checker;
            public readonly long Line;
            public readonly long Index;
            public List<DatasetFinding>? Findings;

            public Context(ExampleChecker checker, long line, long index)
            {
                Checker = checker;
                Line = line;
                Index = index;
                Findings = null;
            }

            public void Add(DatasetRule rule, string message) =>
                (Findings ??= new List<DatasetFinding>()).Add(rule.At(Checker.path, Line, Index, message));
        }

        /// <summary>What a walk over a messages array saw.</summary>
        private struct MessagesSeen
        {
            public int Count;
            public int Systems;
            public bool User;
            public int Assistants;
            public int WeightedOut;
            public string? LastRole;
            public ulong SystemHash;
        }

        [MethodImpl(Hot.Path)]
        private void CheckChat(JsonElement root, ref Context ctx, ref LineOutcome o)
        {
            HashSet<string>? tools = CheckTools(root, "", ref ctx);
            if (!root.TryGetProperty("messages"u8, out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
            {
                ctx.Add(DatasetRules.Messages, $"Line {ctx.Line}: \"messages\" is {Describe(messages)}, not an array.");
                return;
            }

            MessagesSeen seen = CheckMessages(messages, "messages", tools, ref ctx);
            if (seen.Count == 0) return;
            o.HasSystem = seen.Systems > 0;
            o.SystemHash = seen.SystemHash;
            if (seen.Systems == seen.Count && ctx.Index == 0)
            {
                ctx.Add(DatasetRules.GlobalPrompt, $"Line {ctx.Line} holds only a system message; the service reads it as an example of its own, not as a prompt for the other lines.");
            }

            if (seen.Assistants == 0)
            {
                ctx.Add(DatasetRules.NoAssistant, $"Line {ctx.Line} has no assistant message (roles: {Roles(messages)}).");
            }
            else if (seen.WeightedOut == seen.Assistants)
            {
                ctx.Add(DatasetRules.AllWeightZero, $"Line {ctx.Line}: all {seen.Assistants} assistant messages have weight 0.");
            }

            if (!seen.User && seen.Systems < seen.Count)
            {
                ctx.Add(DatasetRules.NoUser, $"Line {ctx.Line} has no user message (roles: {Roles(messages)}).");
            }
        }

        [MethodImpl(Hot.Path)]
        private MessagesSeen CheckMessages(JsonElement messages, string field, HashSet<string>? tools, ref Context ctx)
        {
            var seen = new MessagesSeen { SystemHash = SystemHashSeed };
            int images = 0, i = -1, lastAssistant = -1;
            Dictionary<string, int>? open = null;
            int total = messages.GetArrayLength();
            if (total == 0)
            {
                ctx.Add(DatasetRules.MessagesEmpty, $"Line {ctx.Line}: \"{field}\" is an empty array.");
                return seen;
            }

            foreach (JsonElement m in messages.EnumerateArray())
            {
                i++;
                seen.Count++;
                if (m.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(DatasetRules.MessageNotObject, $"Line {ctx.Line}: {field}[{i}] is {Describe(m)}, not an object.");
                    continue;
                }

                var fields = MessageFields.Of(m);
                JsonElement r = fields.Role;
                string? role = RoleOf(r);
                seen.LastRole = role;
                switch (role)
                {
                    case "system":
                    case "developer":
                        seen.Systems++;
                        break;
                    case "user":
                        seen.User = true;
                        break;
                    case "assistant":
                        seen.Assistants++;
                        lastAssistant = i;
                        break;
                    case "tool":
                        break;
                    case "function":
                        if (ctx.Checker.target == DatasetTarget.Azure) ctx.Add(DatasetRules.FunctionRoleAzure, $"Line {ctx.Line}: {field}[{i}] has role \"function\".");
                        else ctx.Add(DatasetRules.FunctionRole, $"Line {ctx.Line}: {field}[{i}] has the legacy role \"function\".");
                        if (fields.Name.ValueKind != JsonValueKind.String)
                        {
                            ctx.Add(DatasetRules.FunctionName, $"Line {ctx.Line}: {field}[{i}] (role function) has no \"name\".");
                        }

                        break;
                    default:
                        ctx.Add(DatasetRules.Role, r.ValueKind == JsonValueKind.Undefined
                            ? $"Line {ctx.Line}: {field}[{i}] has no \"role\"."
                            : $"Line {ctx.Line}: {field}[{i}].role is {Show(r)}, not one of system, user, assistant, tool.");
                        break;
                }

                JsonElement calls = fields.ToolCalls;
                bool hasCalls = Given(calls);
                bool hasFunctionCall = Given(fields.FunctionCall);
                if (hasFunctionCall) ctx.Add(DatasetRules.FunctionsDeprecated, $"Line {ctx.Line}: {field}[{i}] uses the deprecated \"function_call\".");

                CheckContent(fields.Content, role, field, i, hasCalls || hasFunctionCall, ref images, ref seen, ref ctx);

                JsonElement name = fields.Name;
                if (name.ValueKind != JsonValueKind.Undefined && role != "function" && !ValidName(name))
                {
                    ctx.Add(DatasetRules.Name, $"Line {ctx.Line}: {field}[{i}].name is {Show(name)}.");
                }

                JsonElement weight = fields.Weight;
                if (weight.ValueKind != JsonValueKind.Undefined)
                {
                    if (role != "assistant") ctx.Add(DatasetRules.WeightRole, $"Line {ctx.Line}: {field}[{i}] has role {role ?? "(none)"} and a weight.");
                    else if (weight.ValueKind != JsonValueKind.Number || !weight.TryGetDouble(out double w) || (w != 0 && w != 1)) ctx.Add(DatasetRules.Weight, $"Line {ctx.Line}: {field}[{i}].weight is {Show(weight)}.");
                    else if (w == 0) seen.WeightedOut++;
                }

                if (hasCalls)
                {
                    if (role != "assistant")
                    {
                        ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {field}[{i}] has tool_calls but role {role ?? "(none)"}; only assistant messages make tool calls.");
                    }
                    else
                    {
                        CheckToolCalls(calls, field, i, tools, ref open, ref ctx);
                    }
                }

                if (role == "tool")
                {
                    JsonElement id = fields.ToolCallId;
                    if (id.ValueKind != JsonValueKind.String)
                    {
                        ctx.Add(DatasetRules.ToolCallId, $"Line {ctx.Line}: {field}[{i}] (role tool) has no string \"tool_call_id\".");
                    }
                    else if (open == null || !open.Remove(id.GetString()!))
                    {
                        ctx.Add(DatasetRules.ToolMessageOrphan, $"Line {ctx.Line}: {field}[{i}].tool_call_id \"{id.GetString()}\" answers no tool call of an earlier assistant message.");
                    }
                }
            }

            if (open != null)
            {
                foreach (KeyValuePair<string, int> call in open)
                {
                    if (call.Value != lastAssistant || lastAssistant != total - 1)
                    {
                        ctx.Add(DatasetRules.ToolCallUnanswered, $"Line {ctx.Line}: tool call \"{call.Key}\" in {field}[{call.Value}] has no tool message answering it.");
                    }
                }
            }

            if (images > MaxImages) ctx.Add(DatasetRules.TooManyImages, $"Line {ctx.Line} holds {images} images; at most {MaxImages} are allowed.");
            return seen;
        }

        [MethodImpl(Hot.Path)]
        private static void CheckContent(JsonElement content, string? role, string field, int i, bool hasCalls, ref int images, ref MessagesSeen seen, ref Context ctx)
        {
            bool system = role == "system" || role == "developer";
            if (!Given(content))
            {
                if (!(role == "assistant" && hasCalls)) ctx.Add(DatasetRules.NoContent, $"Line {ctx.Line}: {field}[{i}] ({role ?? "no role"}) has no content{(role == "assistant" ? " and no tool_calls" : string.Empty)}.");
                return;
            }

            switch (content.ValueKind)
            {
                case JsonValueKind.String:
                    if (content.ValueEquals(string.Empty) && !hasCalls) ctx.Add(DatasetRules.EmptyContent, $"Line {ctx.Line}: {field}[{i}].content is an empty string.");
                    if (system) seen.SystemHash = AddText(seen.SystemHash, content);
                    return;
                case JsonValueKind.Array:
                    if (content.GetArrayLength() == 0)
                    {
                        ctx.Add(DatasetRules.NoContent, $"Line {ctx.Line}: {field}[{i}].content is an empty array.");
                        return;
                    }

                    int p = -1;
                    foreach (JsonElement part in content.EnumerateArray())
                    {
                        p++;
                        string? type = part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type"u8, out JsonElement t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
                        if (type == "text")
                        {
                            if (!part.TryGetProperty("text"u8, out JsonElement text) || text.ValueKind != JsonValueKind.String) ctx.Add(DatasetRules.ContentPart, $"Line {ctx.Line}: {field}[{i}].content[{p}] has type text but no string \"text\".");
                            else if (system) seen.SystemHash = AddText(seen.SystemHash, text);
                        }
                        else if (type == "image_url")
                        {
                            images++;
                            if (role != "user") ctx.Add(DatasetRules.ImageRole, $"Line {ctx.Line}: {field}[{i}].content[{p}] is an image in a {role ?? "(no role)"} message.");
                            if (!part.TryGetProperty("image_url"u8, out JsonElement img) || img.ValueKind != JsonValueKind.Object || !img.TryGetProperty("url"u8, out JsonElement url) || url.ValueKind != JsonValueKind.String)
                            {
                                ctx.Add(DatasetRules.ContentPart, $"Line {ctx.Line}: {field}[{i}].content[{p}] has type image_url but no \"image_url\": {{\"url\": \"...\"}}.");
                            }
                        }
                        else
                        {
                            ctx.Add(DatasetRules.ContentPart, part.ValueKind != JsonValueKind.Object
                                ? $"Line {ctx.Line}: {field}[{i}].content[{p}] is {Describe(part)}, not an object."
                                : $"Line {ctx.Line}: {field}[{i}].content[{p}].type is {(type == null ? "missing" : "\"" + type + "\"")}; use text or image_url.");
                        }
                    }

                    return;
                default:
                    ctx.Add(DatasetRules.ContentType, $"Line {ctx.Line}: {field}[{i}].content is {Describe(content)}.");
                    return;
            }
        }

        /// <summary>
        /// <paramref name="hash"/> with the text of the string <paramref name="value"/> (its UTF-8, escapes undone) hashed
        /// onto it: read in place, or unescaped on the stack, so a system message costs no allocation.
        /// </summary>
        [MethodImpl(Hot.Path), SkipLocalsInit]
        private static ulong AddText(ulong hash, JsonElement value)
        {
            ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(value);
            Span<byte> buffer = raw.Length <= JsonText.MaxStackBytes ? stackalloc byte[raw.Length] : default;
            return XxHash3.HashToUInt64(JsonText.TryGetUtf8(raw, buffer, out ReadOnlySpan<byte> utf8) ? utf8 : Encoding.UTF8.GetBytes(value.GetString()!), (long)hash);
        }

        [MethodImpl(Hot.Path)]
        private static void CheckToolCalls(JsonElement calls, string field, int message, HashSet<string>? tools, ref Dictionary<string, int>? open, ref Context ctx)
        {
            if (calls.ValueKind != JsonValueKind.Array || calls.GetArrayLength() == 0)
            {
                ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {field}[{message}].tool_calls is {(calls.ValueKind == JsonValueKind.Array ? "an empty array" : "a " + Kind(calls))}.");
                return;
            }

            int c = -1;
            string Cat() => $"{field}[{message}].tool_calls[{c}]"; // made only for a finding
            foreach (JsonElement call in calls.EnumerateArray())
            {
                c++;
                if (call.ValueKind != JsonValueKind.Object)
                {
                    ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {Cat()} is {Describe(call)}, not an object.");
                    continue;
                }

                if (!call.TryGetProperty("id"u8, out JsonElement id) || id.ValueKind != JsonValueKind.String || id.ValueEquals(string.Empty))
                {
                    ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {Cat()} has no \"id\".");
                }
                else
                {
                    (open ??= new Dictionary<string, int>(StringComparer.Ordinal))[id.GetString()!] = message;
                }

                if (call.TryGetProperty("type"u8, out JsonElement type) && !type.ValueEquals("function"u8))
                {
                    ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {Cat()}.type is {Show(type)}, not \"function\".");
                }

                if (!call.TryGetProperty("function"u8, out JsonElement f) || f.ValueKind != JsonValueKind.Object ||
                    !f.TryGetProperty("name"u8, out JsonElement name) || name.ValueKind != JsonValueKind.String)
                {
                    ctx.Add(DatasetRules.ToolCalls, $"Line {ctx.Line}: {Cat()} has no \"function\": {{\"name\": ..., \"arguments\": ...}}.");
                    continue;
                }

                if (tools == null) ctx.Add(DatasetRules.ToolUnknown, $"Line {ctx.Line}: {Cat()} calls \"{name.GetString()}\" but the example defines no tools.");
                else if (!tools.Contains(name.GetString()!)) ctx.Add(DatasetRules.ToolUnknown, $"Line {ctx.Line}: {Cat()} calls \"{name.GetString()}\", which is not among the example's tools ({string.Join(", ", tools)}).");

                if (!f.TryGetProperty("arguments"u8, out JsonElement args) || args.ValueKind != JsonValueKind.String || !IsJsonObject(args))
                {
                    ctx.Add(DatasetRules.ToolArguments, $"Line {ctx.Line}: {Cat()}.function.arguments is {(args.ValueKind == JsonValueKind.String ? "a string that is not a JSON object" : args.ValueKind == JsonValueKind.Undefined ? "missing" : "a " + Kind(args))}.");
                }
            }
        }

        /// <summary>Checks tools and functions of a chat example (or preference input); returns the names defined, or null for none.</summary>
        [MethodImpl(Hot.Path)]
        private static HashSet<string>? CheckTools(JsonElement holder, string prefix, ref Context ctx)
        {
            HashSet<string>? names = null;
            if (holder.TryGetProperty("tools"u8, out JsonElement tools) && tools.ValueKind != JsonValueKind.Null)
            {
                names = new HashSet<string>(StringComparer.Ordinal);
                if (tools.ValueKind != JsonValueKind.Array)
                {
                    ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}tools is {Describe(tools)}, not an array.");
                }
                else
                {
                    int i = -1;
                    foreach (JsonElement tool in tools.EnumerateArray())
                    {
                        i++;
                        JsonElement f = default;
                        bool ok = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type"u8, out JsonElement type) && type.ValueEquals("function"u8) &&
                                  tool.TryGetProperty("function"u8, out f) && f.ValueKind == JsonValueKind.Object;
                        if (!ok)
                        {
                            ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}tools[{i}] is not {{\"type\": \"function\", \"function\": {{...}}}}.");
                            continue;
                        }

                        CheckFunction(f, prefix, "tools", i, ".function", names, ref ctx);
                    }
                }
            }

            if (holder.TryGetProperty("functions"u8, out JsonElement functions) && functions.ValueKind != JsonValueKind.Null)
            {
                names ??= new HashSet<string>(StringComparer.Ordinal);
                ctx.Add(DatasetRules.FunctionsDeprecated, $"Line {ctx.Line}: {prefix}functions is deprecated.");
                if (functions.ValueKind != JsonValueKind.Array)
                {
                    ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}functions is {Describe(functions)}, not an array.");
                }
                else
                {
                    int i = -1;
                    foreach (JsonElement f in functions.EnumerateArray())
                    {
                        i++;
                        if (f.ValueKind != JsonValueKind.Object) ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}functions[{i}] is {Describe(f)}, not an object.");
                        else CheckFunction(f, prefix, "functions", i, string.Empty, names, ref ctx);
                    }
                }
            }

            return names;
        }

        // The definition at {prefix}{list}[{i}]{suffix} (the path is made only for a finding).
        [MethodImpl(Hot.Path)]
        private static void CheckFunction(JsonElement f, string prefix, string list, int i, string suffix, HashSet<string> names, ref Context ctx)
        {
            if (!f.TryGetProperty("name"u8, out JsonElement name) || !ValidName(name))
            {
                ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}{list}[{i}]{suffix}.name is {(name.ValueKind == JsonValueKind.Undefined ? "missing" : Show(name))}; use 1-64 letters, digits, _ or -.");
            }
            else
            {
                names.Add(name.GetString()!);
            }

            if (f.TryGetProperty("parameters"u8, out JsonElement parameters) && parameters.ValueKind != JsonValueKind.Object)
            {
                ctx.Add(DatasetRules.ToolsDefinition, $"Line {ctx.Line}: {prefix}{list}[{i}]{suffix}.parameters is {Describe(parameters)}, not a JSON schema object.");
            }
        }

        private void CheckPreference(JsonElement root, ref Context ctx, ref LineOutcome o)
        {
            if (!root.TryGetProperty("input"u8, out JsonElement input) || input.ValueKind != JsonValueKind.Object ||
                !input.TryGetProperty("messages"u8, out JsonElement messages) || messages.ValueKind != JsonValueKind.Array)
            {
                ctx.Add(DatasetRules.PreferenceInput, $"Line {ctx.Line}: \"input\" is {(input.ValueKind == JsonValueKind.Object ? "an object without a \"messages\" array" : input.ValueKind == JsonValueKind.Undefined ? "missing" : "a " + Kind(input))}.");
            }
            else
            {
                HashSet<string>? tools = CheckTools(input, "input.", ref ctx);
                MessagesSeen seen = CheckMessages(messages, "input.messages", tools, ref ctx);
                o.HasSystem = seen.Systems > 0;
                o.SystemHash = seen.SystemHash;
                if (seen.Count > 0 && seen.LastRole != "user")
                {
                    ctx.Add(DatasetRules.PreferenceLastTurn, $"Line {ctx.Line}: input.messages ends with role {seen.LastRole ?? "(none)"}, not user.");
                }
            }

            bool preferredOk = CheckOutput(root, "preferred_output", out JsonElement preferred, ref ctx);
            bool otherOk = CheckOutput(root, "non_preferred_output", out JsonElement other, ref ctx);
            if (preferredOk && otherOk && preferred.GetRawText() == other.GetRawText())
            {
                ctx.Add(DatasetRules.PreferenceSame, $"Line {ctx.Line}: preferred_output and non_preferred_output are identical.");
            }
        }

        private bool CheckOutput(JsonElement root, string field, out JsonElement output, ref Context ctx)
        {
            if (!root.TryGetProperty(field, out output) || output.ValueKind != JsonValueKind.Array || output.GetArrayLength() != 1)
            {
                ctx.Add(DatasetRules.PreferenceOutput, $"Line {ctx.Line}: \"{field}\" is {(output.ValueKind == JsonValueKind.Array ? $"an array of {output.GetArrayLength()} messages" : output.ValueKind == JsonValueKind.Undefined ? "missing" : "a " + Kind(output))}; it must hold exactly one assistant message.");
                return false;
            }

            JsonElement m = output[0];
            if (m.ValueKind != JsonValueKind.Object || !m.TryGetProperty("role"u8, out JsonElement role) || !role.ValueEquals("assistant"u8))
            {
                ctx.Add(DatasetRules.PreferenceOutput, $"Line {ctx.Line}: {field}[0] is not an assistant message.");
                return false;
            }

            var seen = new MessagesSeen();
            int images = 0;
            bool hasCalls = m.TryGetProperty("tool_calls"u8, out JsonElement calls) && calls.ValueKind != JsonValueKind.Null;
            CheckContent(m.TryGetProperty("content"u8, out JsonElement content) ? content : default, "assistant", field, 0, hasCalls, ref images, ref seen, ref ctx);
            return true;
        }

        private static void CheckCompletion(JsonElement root, ref Context ctx)
        {
            bool prompt = root.TryGetProperty("prompt"u8, out JsonElement p) && p.ValueKind == JsonValueKind.String;
            bool completion = root.TryGetProperty("completion"u8, out JsonElement c) && c.ValueKind == JsonValueKind.String;
            if (!prompt) ctx.Add(DatasetRules.PromptCompletion, $"Line {ctx.Line}: \"prompt\" is {(p.ValueKind == JsonValueKind.Undefined ? "missing" : "a " + Kind(p))}.");
            if (!completion)
            {
                ctx.Add(DatasetRules.PromptCompletion, $"Line {ctx.Line}: \"completion\" is {(c.ValueKind == JsonValueKind.Undefined ? "missing" : "a " + Kind(c))}.");
                return;
            }

            string text = c.GetString()!;
            if (text.Length == 0) ctx.Add(DatasetRules.EmptyCompletion, $"Line {ctx.Line}: \"completion\" is empty.");
            else if (!char.IsWhiteSpace(text[0])) ctx.Add(DatasetRules.CompletionSpace, $"Line {ctx.Line}: \"completion\" starts with '{text[0]}', not a space.");
        }

        [MethodImpl(Hot.Path)]
        private static bool MayHoldSpecialToken(ReadOnlySpan<byte> line)
        {
            int bar = Scan.IndexOf(line, (byte)'|');
            return bar >= 0 && (line.IndexOf("<|"u8) >= 0 || line.IndexOf("3c|"u8) >= 0 || line.IndexOf("3C|"u8) >= 0);
        }

        private static void FindSpecialTokens(JsonElement e, string at, ref Context ctx)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (JsonProperty p in e.EnumerateObject()) FindSpecialTokens(p.Value, at + "." + p.Name, ref ctx);
                    break;
                case JsonValueKind.Array:
                    int i = 0;
                    foreach (JsonElement item in e.EnumerateArray()) FindSpecialTokens(item, $"{at}[{i++}]", ref ctx);
                    break;
                case JsonValueKind.String:
                    string s = e.GetString()!;
                    if (s.IndexOf("<|", StringComparison.Ordinal) < 0) break;
                    foreach (string token in SpecialTokens)
                    {
                        if (s.IndexOf(token, StringComparison.Ordinal) >= 0)
                        {
                            ctx.Add(DatasetRules.SpecialToken, $"Line {ctx.Line}: {at.Substring(2)} holds the special token {token}.");
                            break;
                        }
                    }

                    break;
            }
        }

        /// <summary>True when a string value holds exactly one JSON object (tool call arguments).</summary>
        [MethodImpl(Hot.Path)]
        private static bool IsJsonObject(JsonElement value)
        {
            string text = value.GetString()!;
            byte[] bytes = System.Buffers.ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(text.Length));
            try
            {
                var reader = new Utf8JsonReader(new ReadOnlySpan<byte>(bytes, 0, Encoding.UTF8.GetBytes(text, 0, text.Length, bytes, 0)));
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) return false;
                reader.Skip();
                return !reader.Read();
            }
            catch (JsonException)
            {
                return false;
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(bytes);
            }
        }

        /// <summary>
        /// The role as one of the known constants (compared where it lies in the line: no allocation), the text of another
        /// string (an escaped one too), or null for no string.
        /// </summary>
        [MethodImpl(Hot.Path)]
        private static string? RoleOf(JsonElement r)
        {
            if (r.ValueKind != JsonValueKind.String) return null;
            ReadOnlySpan<byte> raw = JsonMarshal.GetRawUtf8Value(r);
            raw = raw.Slice(1, raw.Length - 2); // without the quotes
            if (Scan.Same(raw, "user"u8)) return "user";
            if (Scan.Same(raw, "assistant"u8)) return "assistant";
            if (Scan.Same(raw, "system"u8)) return "system";
            if (Scan.Same(raw, "tool"u8)) return "tool";
            if (Scan.Same(raw, "developer"u8)) return "developer";
            if (Scan.Same(raw, "function"u8)) return "function";
            return r.GetString();
        }

        /// <summary>A property that is there and not null (a missing one is Undefined).</summary>
        [MethodImpl(Hot.Path)]
        private static bool Given(JsonElement value) => value.ValueKind != JsonValueKind.Undefined && value.ValueKind != JsonValueKind.Null;

        /// <summary>
        /// The properties of a message that the rules read, from one pass over its names (<see cref="PropertyName"/>).
        /// A property not there is left Undefined; of a repeated name the last counts, as TryGetProperty gives.
        /// </summary>
        private struct MessageFields
        {
            public JsonElement Role, Content, ToolCalls, FunctionCall, Name, Weight, ToolCallId;

            [MethodImpl(Hot.Path)]
            public static MessageFields Of(JsonElement message)
            {
                var f = default(MessageFields);
                foreach (JsonProperty p in message.EnumerateObject())
                {
                    var name = new PropertyName(p);
                    if (name.Is("role"u8)) f.Role = p.Value;
                    else if (name.Is("content"u8)) f.Content = p.Value;
                    else if (name.Is("tool_calls"u8)) f.ToolCalls = p.Value;
                    else if (name.Is("name"u8)) f.Name = p.Value;
                    else if (name.Is("weight"u8)) f.Weight = p.Value;
                    else if (name.Is("tool_call_id"u8)) f.ToolCallId = p.Value;
                    else if (name.Is("function_call"u8)) f.FunctionCall = p.Value;
                }

                return f;
            }
        }

        [MethodImpl(Hot.Path)]
        private static bool ValidName(JsonElement name)
        {
            if (name.ValueKind != JsonValueKind.String) return false;
            string s = name.GetString()!;
            if (s.Length == 0 || s.Length > 64) return false;
            foreach (char ch in s)
            {
                if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-')) return false;
            }

            return true;
        }

        [MethodImpl(Hot.Path)]
        private static string Roles(JsonElement messages)
        {
            var roles = new List<string>();
            foreach (JsonElement m in messages.EnumerateArray())
            {
                roles.Add(m.ValueKind == JsonValueKind.Object && m.TryGetProperty("role"u8, out JsonElement r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "?");
            }

            return string.Join(", ", roles);
        }

        private static string FieldList(JsonElement root)
        {
            var names = new List<string>();
            foreach (JsonProperty p in root.EnumerateObject())
            {
                if (names.Count == 8)
                {
                    names.Add("...");
                    break;
                }

                names.Add(p.Name);
            }

            return names.Count == 0 ? "none" : string.Join(", ", names);
        }

        internal static string Kind(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True => "boolean",
            JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            _ => "missing value",
        };

        internal static string Describe(JsonElement e) => e.ValueKind switch
        {
            JsonValueKind.Undefined => "missing",
            JsonValueKind.Object => "an object",
            JsonValueKind.Array => "an array",
            _ => "a " + Kind(e),
        };

        private static string Show(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Undefined) return "missing";
            string raw = e.GetRawText();
            return raw.Length > 40 ? raw.Substring(0, 40) + "..." : raw;
        }

        // The parser's text without its own position (" Path: ...", " LineNumber: 0 | BytePositionInLine: N."),
        // which counts from 0 within the one line parsed and so contradicts the line and byte we name.
        private static string FirstSentence(string message)
        {
            foreach (string tail in new[] { " Path:", " LineNumber:" })
            {
                int cut = message.IndexOf(tail, StringComparison.Ordinal);
                if (cut > 0) message = message.Substring(0, cut);
            }

            return message;
        }

        private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> s)
        {
            int a = 0, b = s.Length;
            while (a < b && (s[a] == ' ' || s[a] == '\t')) a++;
            while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\t')) b--;
            return s.Slice(a, b - a);
        }

        /// <summary>
        /// A 64-bit hash (XXH3) of the line without the whitespace outside strings (so formatting does not hide a
        /// duplicate). The kept bytes are gathered into a small buffer, hashed at once when the line fits in it (most
        /// do), else whenever it fills (a line of any length takes no memory); a string is found whole by a vectorized
        /// search for its closing quote or next escape.
        /// </summary>
        [MethodImpl(Hot.Path), SkipLocalsInit]
        internal static ulong NormalizedHash(ReadOnlySpan<byte> line)
        {
            XxHash3? hash = null;
            Span<byte> chunk = stackalloc byte[4096];
            int used = 0, i = 0, n = line.Length;
            while (i < n)
            {
                byte b = line[i];
                if (b == (byte)'"')
                {
                    int start = i++;
                    while (i < n)
                    {
                        int m = Scan.IndexOfAny(line.Slice(i), (byte)'"', (byte)'\\');
                        if (m < 0)
                        {
                            i = n;
                            break;
                        }

                        i += m;
                        if (line[i] == (byte)'"')
                        {
                            i++;
                            break;
                        }

                        i = Math.Min(n, i + 2); // an escape and the byte it escapes
                    }

                    ReadOnlySpan<byte> text = line.Slice(start, i - start);
                    if (used + text.Length > chunk.Length)
                    {
                        (hash ??= new XxHash3()).Append(chunk.Slice(0, used));
                        used = 0;
                        if (text.Length > chunk.Length)
                        {
                            hash.Append(text);
                            continue;
                        }
                    }

                    text.CopyTo(chunk.Slice(used));
                    used += text.Length;
                    continue;
                }

                i++;
                if (b == (byte)' ' || b == (byte)'\t' || b == (byte)'\r' || b == (byte)'\n') continue; // whitespace outside strings is dropped
                if (used == chunk.Length)
                {
                    (hash ??= new XxHash3()).Append(chunk);
                    used = 0;
                }

                chunk[used++] = b;
            }

            if (hash == null) return XxHash3.HashToUInt64(chunk.Slice(0, used)); // the same value as appending the bytes
            hash.Append(chunk.Slice(0, used));
            return hash.GetCurrentHashAsUInt64();
        }

    }

    /// <summary>Strict UTF-8 validation (no overlongs, no surrogates, nothing above U+10FFFF).</summary>
    internal static class Utf8
    {
        /// <summary>The index of the first byte of an invalid sequence, or -1 when all is valid.</summary>
        [MethodImpl(Hot.Path)]
        public static int FirstInvalid(ReadOnlySpan<byte> s)
        {
            int i = 0, n = s.Length;
            while (i < n)
            {
                while (i + 8 <= n && (System.Runtime.InteropServices.MemoryMarshal.Read<ulong>(s.Slice(i)) & 0x8080808080808080UL) == 0) i += 8;
                if (i >= n) break;
                byte b = s[i];
                if (b < 0x80)
                {
                    i++;
                    continue;
                }

                int need;
                int min;
                int cp;
                if ((b & 0xE0) == 0xC0) { need = 1; min = 0x80; cp = b & 0x1F; }
                else if ((b & 0xF0) == 0xE0) { need = 2; min = 0x800; cp = b & 0x0F; }
                else if ((b & 0xF8) == 0xF0) { need = 3; min = 0x10000; cp = b & 0x07; }
                else return i;
                if (i + need >= n) return i;
                for (int k = 1; k <= need; k++)
                {
                    byte c = s[i + k];
                    if ((c & 0xC0) != 0x80) return i;
                    cp = (cp << 6) | (c & 0x3F);
                }

                if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return i;
                i += need + 1;
            }

            return -1;
        }
    }
}
