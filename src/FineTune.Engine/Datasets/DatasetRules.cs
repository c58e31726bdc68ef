using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// One check that <see cref="DatasetChecker"/> applies: a stable id (FTnnn, never reused), a severity, a
    /// one-line title and a fix hint. Every id has a row in docs/RULES.md (a test enforces it).
    /// </summary>
    public sealed class DatasetRule
    {
        internal DatasetRule(string id, FindingSeverity severity, string title, string hint)
        {
            Id = id;
            Severity = severity;
            Title = title;
            Hint = hint;
        }

        /// <summary>The stable id, e.g. <c>FT013</c>.</summary>
        public string Id { get; }

        /// <summary>How bad a breach is.</summary>
        public FindingSeverity Severity { get; }

        /// <summary>What the rule checks, in one line.</summary>
        public string Title { get; }

        /// <summary>How to fix a breach.</summary>
        public string Hint { get; }

        /// <summary>A finding of this rule.</summary>
        internal DatasetFinding At(string path, long? line, long? exampleIndex, string message) =>
            new DatasetFinding(path, line, exampleIndex, Id, Severity, message, Hint);

        /// <inheritdoc/>
        public override string ToString() => $"{Id} {Severity}: {Title}";
    }

    /// <summary>
    /// The table of every rule. Sources for each are in docs/RULES.md (OPENAI-FACTS.md sections, or a real
    /// failure from ../shared/data/SOURCES.md).
    /// </summary>
    public static class DatasetRules
    {
        // Encoding and file
        internal static readonly DatasetRule Bom = R("FT001", FindingSeverity.Error, "The file starts with a UTF-8 byte-order mark (OpenAI rejects line 1 as \"not a dictionary\").", "Save the file as UTF-8 without BOM (New-FineTuneDataset does; in Windows PowerShell 5.1 avoid Set-Content -Encoding utf8).");
        internal static readonly DatasetRule BomAzure = R("FT002", FindingSeverity.Info, "The file starts with a UTF-8 byte-order mark, which Azure OpenAI accepts.", "Nothing to do for Azure OpenAI; remove the BOM before using the file with OpenAI.");
        internal static readonly DatasetRule Utf16 = R("FT003", FindingSeverity.Error, "The file is UTF-16 or UTF-32, not UTF-8.", "Re-save the file as UTF-8, e.g. Get-Content in.jsonl | Set-Content -Encoding utf8NoBOM out.jsonl (PowerShell 7).");
        internal static readonly DatasetRule InvalidUtf8 = R("FT004", FindingSeverity.Error, "A line holds bytes that are not valid UTF-8, or an escaped lone surrogate (\\ud800 without its pair) that cannot become UTF-8.", "Re-save the source as UTF-8; the bytes usually come from a Windows-1252 or Latin-1 file. Replace a lone \\uD800-\\uDFFF escape with the character meant (both halves of the pair, or the character itself).");
        internal static readonly DatasetRule FileTooLarge = R("FT005", FindingSeverity.Error, "The file is larger than 512 MB, the most the files API takes.", "Split the file (Split-FineTuneDataset) or trim examples.");

        // Framing
        internal static readonly DatasetRule JsonArray = R("FT010", FindingSeverity.Error, "The file is a JSON array, not JSON Lines.", "Write one JSON object per line: Get-Content in.json | ConvertFrom-Json | New-FineTuneDataset -Path out.jsonl, or ConvertTo-Json -Compress per example.");
        internal static readonly DatasetRule BlankLine = R("FT011", FindingSeverity.Warning, "A blank line between examples.", "Delete empty lines; every line must hold one example.");
        internal static readonly DatasetRule Crlf = R("FT012", FindingSeverity.Info, "Lines end in CRLF (Windows line ends) or in CR alone (classic Mac OS); they are read, but the file is not in the canonical form.", "Nothing required; New-FineTuneDataset writes \\n line ends.");
        internal static readonly DatasetRule InvalidJson = R("FT013", FindingSeverity.Error, "A line is not valid JSON.", "Fix the JSON at the position given (often unescaped quotes or a cut line); write files with a JSON serializer, not by string concatenation.");
        internal static readonly DatasetRule NotObject = R("FT014", FindingSeverity.Error, "A line is valid JSON but not an object (the service says \"not a dictionary\").", "Each line must be one JSON object such as {\"messages\": [...]}.");
        internal static readonly DatasetRule NoFinalNewline = R("FT015", FindingSeverity.Info, "The last line does not end with a newline.", "Nothing required; the last example is read. Editors and New-FineTuneDataset end the file with \\n.");
        internal static readonly DatasetRule LineTooLong = R("FT016", FindingSeverity.Error, "A line is too long to check (over 64 MB).", "Shorten the example; no single example can be that large.");
        internal static readonly DatasetRule Csv = R("FT018", FindingSeverity.Error, "The file is CSV (comma- or tab-separated columns), not JSON Lines.", "Convert it: Import-Csv data.csv | New-FineTuneDataset -Path data.jsonl (-UserProperty and -AssistantProperty name the columns when their names are not recognized; -Delimiter \"`t\" on Import-Csv for a TSV).");
        internal static readonly DatasetRule PrettyPrinted = R("FT017", FindingSeverity.Error, "An example spans several lines (pretty-printed JSON).", "Write each example on one line (ConvertTo-Json -Compress, or New-FineTuneDataset).");

        // Format
        internal static readonly DatasetRule UnknownFormat = R("FT020", FindingSeverity.Error, "A line matches no training format (chat messages, preference input/outputs, or prompt/completion).", "Convert the records first: ConvertTo-FineTuneExample or New-FineTuneDataset map properties to messages.");
        internal static readonly DatasetRule FormatNotForModel = R("FT022", FindingSeverity.Error, "The file's format does not fit -Model: prompt/completion trains only babbage-002 and davinci-002; chat and preference files train chat models that take them (the model catalog's formats: no preference on o4-mini, nor on gpt-4o-mini on Azure).", "Convert prompt/completion records to chat examples (Get-Content f.jsonl | ConvertFrom-Json | New-FineTuneDataset -Path chat.jsonl), or pick the model the format is for.");
        internal static readonly DatasetRule MixedFormat = R("FT021", FindingSeverity.Error, "A line is in another format than the file.", "Keep one format per file: all chat, all preference or all prompt/completion.");

        // Chat structure
        internal static readonly DatasetRule Messages = R("FT100", FindingSeverity.Error, "\"messages\" is missing or not an array.", "Give each example \"messages\": [{\"role\": ..., \"content\": ...}, ...].");
        internal static readonly DatasetRule MessagesEmpty = R("FT101", FindingSeverity.Error, "\"messages\" is empty.", "Add at least a user and an assistant message.");
        internal static readonly DatasetRule MessageNotObject = R("FT102", FindingSeverity.Error, "A message is not a JSON object.", "Each message is {\"role\": ..., \"content\": ...}.");
        internal static readonly DatasetRule Role = R("FT103", FindingSeverity.Error, "A message has no role or an unknown one.", "Use role system, user, assistant or tool (developer is also read as a system message).");
        internal static readonly DatasetRule ContentType = R("FT104", FindingSeverity.Error, "A message's content is neither a string nor an array of content parts.", "Make content a string, or (user messages) an array of {\"type\":\"text\",\"text\":...} / {\"type\":\"image_url\",...} parts.");
        internal static readonly DatasetRule ContentPart = R("FT105", FindingSeverity.Error, "A content part is malformed.", "A part is {\"type\":\"text\",\"text\":\"...\"} or {\"type\":\"image_url\",\"image_url\":{\"url\":\"https://... or data:image/...\"}}.");
        internal static readonly DatasetRule ImageRole = R("FT106", FindingSeverity.Error, "An image part is outside a user message.", "Put images only in user messages.");
        internal static readonly DatasetRule TooManyImages = R("FT107", FindingSeverity.Error, "An example holds more than 10 images.", "Keep at most 10 images per example.");
        internal static readonly DatasetRule NoContent = R("FT108", FindingSeverity.Error, "A message has no content (and, for an assistant, no tool_calls).", "Give the message a content string, or the assistant message tool_calls.");
        internal static readonly DatasetRule EmptyContent = R("FT109", FindingSeverity.Warning, "A message's content is empty.", "Fill in the text or drop the message.");
        internal static readonly DatasetRule ToolCalls = R("FT110", FindingSeverity.Error, "An assistant's tool_calls is malformed.", "tool_calls is an array of {\"id\": \"call_1\", \"type\": \"function\", \"function\": {\"name\": \"...\", \"arguments\": \"{...}\"}}.");
        internal static readonly DatasetRule ToolArguments = R("FT111", FindingSeverity.Error, "A tool call's arguments is not a string holding a JSON object.", "Serialize the arguments object to a string: \"arguments\": \"{\\\"city\\\": \\\"Paris\\\"}\".");
        internal static readonly DatasetRule ToolCallUnanswered = R("FT112", FindingSeverity.Warning, "A tool call in the middle of a conversation has no tool message answering it.", "Add a {\"role\":\"tool\",\"tool_call_id\":\"<id>\",\"content\":...} message after the call, or end the example with the call.");
        internal static readonly DatasetRule ToolMessageOrphan = R("FT113", FindingSeverity.Error, "A tool message answers no earlier tool call.", "Set tool_call_id to the id of a tool call in an earlier assistant message.");
        internal static readonly DatasetRule ToolCallId = R("FT114", FindingSeverity.Error, "A tool message has no tool_call_id.", "Add \"tool_call_id\" with the id of the call it answers.");
        internal static readonly DatasetRule ToolsDefinition = R("FT115", FindingSeverity.Error, "The tools (or functions) definitions are malformed.", "tools is an array of {\"type\":\"function\",\"function\":{\"name\":...,\"description\":...,\"parameters\":{JSON schema}}}.");
        internal static readonly DatasetRule FunctionsDeprecated = R("FT116", FindingSeverity.Warning, "The example uses the deprecated functions / function_call fields.", "Move to tools and tool_calls.");
        internal static readonly DatasetRule ToolUnknown = R("FT117", FindingSeverity.Warning, "A tool call names a function that the example's tools do not define.", "Add the function to tools, or correct the name.");
        internal static readonly DatasetRule Weight = R("FT120", FindingSeverity.Error, "weight is not 0 or 1.", "Use \"weight\": 0 (do not learn from this message) or 1.");
        internal static readonly DatasetRule WeightRole = R("FT121", FindingSeverity.Error, "weight is set on a message that is not from the assistant.", "Remove weight; it is only allowed on assistant messages.");
        internal static readonly DatasetRule Name = R("FT122", FindingSeverity.Error, "A message's name is not a string of 1-64 letters, digits, _ or -.", "Use a name like \"example_user\", or remove it.");
        internal static readonly DatasetRule FunctionRole = R("FT123", FindingSeverity.Warning, "A message uses the legacy function role.", "Use tool_calls on the assistant and role tool with tool_call_id for the result.");
        internal static readonly DatasetRule FunctionRoleAzure = R("FT124", FindingSeverity.Info, "A message uses the legacy function role, which Azure OpenAI's function-calling fine-tuning still reads.", "Prefer tools/tool_calls for new data.");
        internal static readonly DatasetRule FunctionName = R("FT125", FindingSeverity.Error, "A function message has no name.", "Give a function message the name of the function it answers.");
        internal static readonly DatasetRule NoAssistant = R("FT130", FindingSeverity.Error, "The example has no assistant message to learn from.", "Add the assistant's answer as the last message.");
        internal static readonly DatasetRule AllWeightZero = R("FT131", FindingSeverity.Error, "Every assistant message has weight 0, so nothing is learnt.", "Set weight 1 (or remove weight) on at least one assistant message.");
        internal static readonly DatasetRule NoUser = R("FT132", FindingSeverity.Warning, "The example has no user message.", "Add the user's turn that the assistant answers.");
        internal static readonly DatasetRule GlobalPrompt = R("FT133", FindingSeverity.Error, "The first line holds only a system message, as if it were a prompt for every line; each line is an independent example.", "Delete line 1 and put the system message into every example.");
        internal static readonly DatasetRule SystemInconsistent = R("FT134", FindingSeverity.Warning, "Examples have a system message that differs from the first example's (one finding per variant, at its first line, with the number of examples that have it).", "Use the same system message in every example (and at inference), unless the difference is deliberate.");

        // Preference
        internal static readonly DatasetRule PreferenceInput = R("FT200", FindingSeverity.Error, "A preference example's input is missing or has no messages array.", "Write \"input\": {\"messages\": [{\"role\":\"user\",\"content\":...}]}.");
        internal static readonly DatasetRule PreferenceOutput = R("FT201", FindingSeverity.Error, "preferred_output or non_preferred_output is not an array of exactly one assistant message.", "Write \"preferred_output\": [{\"role\":\"assistant\",\"content\":...}] and the same for non_preferred_output.");
        internal static readonly DatasetRule PreferenceSame = R("FT202", FindingSeverity.Warning, "The preferred and non-preferred outputs are the same.", "Give two different answers; identical pairs teach nothing.");
        internal static readonly DatasetRule PreferenceLastTurn = R("FT203", FindingSeverity.Warning, "A preference example's input does not end with a user message.", "End input.messages with the user turn the two outputs answer.");

        // Completion
        internal static readonly DatasetRule PromptCompletion = R("FT300", FindingSeverity.Error, "prompt or completion is missing or not a string.", "Write {\"prompt\": \"...\", \"completion\": \"...\"} with string values.");
        internal static readonly DatasetRule EmptyCompletion = R("FT301", FindingSeverity.Error, "completion is empty.", "Give every example the completion to learn.");
        internal static readonly DatasetRule CompletionSpace = R("FT302", FindingSeverity.Info, "completion does not start with a space (the legacy guide's convention for better tokenization).", "Start each completion with a single space.");

        // Limits
        internal static readonly DatasetRule TooFewExamples = R("FT400", FindingSeverity.Error, "The file has fewer than 10 examples, the service's minimum.", "Add examples; 50-100 good ones are a common start.");
        internal static readonly DatasetRule OverTokenLimit = R("FT401", FindingSeverity.Warning, "An example has more tokens than the model takes per example; the rest is cut off.", "Shorten the example or split the conversation.");
        internal static readonly DatasetRule NoTokenLimit = R("FT402", FindingSeverity.Info, "The model's per-example token limit is not known, so lengths are not checked against it.", "Check the limit in the service's docs, or add maxTokensPerExample for the model to a price catalog (FINETUNE_PRICE_CATALOG).");

        // Content
        internal static readonly DatasetRule SpecialToken = R("FT500", FindingSeverity.Error, "Text holds a tokenizer special token such as <|endoftext|>; the job fails.", "Remove or alter the token (e.g. write <| endoftext |>).");
        internal static readonly DatasetRule Duplicate = R("FT501", FindingSeverity.Warning, "The example is the same as an earlier one.", "Remove duplicates; they overweight one example.");

        private static List<DatasetRule>? all;

        /// <summary>Every rule, by id.</summary>
        public static IReadOnlyList<DatasetRule> All => all ??= typeof(DatasetRules)
            .GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)
            .Where(f => f.FieldType == typeof(DatasetRule))
            .Select(f => (DatasetRule)f.GetValue(null)!)
            .OrderBy(r => r.Id, StringComparer.Ordinal)
            .ToList();

        /// <summary>The rule with an id, or null.</summary>
        public static DatasetRule? Find(string id) => All.FirstOrDefault(r => string.Equals(r.Id, id, StringComparison.OrdinalIgnoreCase));

        private static DatasetRule R(string id, FindingSeverity severity, string title, string hint) => new DatasetRule(id, severity, title, hint);
    }
}
