using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Emulator
{
    /// <summary>The training format a job expects: chat (supervised), preference (DPO) or legacy prompt/completion.</summary>
    public enum TrainingFormat
    {
        /// <summary><c>{"messages": [...]}</c>.</summary>
        Chat,
        /// <summary><c>{"input": {"messages"}, "preferred_output", "non_preferred_output"}</c>.</summary>
        Preference,
        /// <summary><c>{"prompt", "completion"}</c> (babbage-002, davinci-002).</summary>
        Legacy,
    }

    /// <summary>One training example reduced to what chat answers need: the prompt text and the reply.</summary>
    public sealed record TrainedExample(string Prompt, string Reply);

    /// <summary>A training file that passed the checks: its examples and its token count (an estimate, see <see cref="TrainingFile.EstimateTokens"/>).</summary>
    public sealed record TrainingData(IReadOnlyList<TrainedExample> Examples, long Tokens);

    /// <summary>A failed check, as the job's <c>error</c> shows it: <c>{code, message, param}</c>.</summary>
    public sealed record JobError(string Code, string Message, string? Param);

    /// <summary>
    /// The emulator's own checks of a training or validation file, written apart from the engine's rules so that
    /// each can catch the other's mistakes. What the service documents and people reported (OPENAI-FACTS.md,
    /// "Training files"): UTF-8 JSON Lines without a byte-order mark, one JSON object a line, at least 10
    /// examples, every chat example with an assistant message, roles system/user/assistant/tool/function, no
    /// tokenizer special tokens.
    /// </summary>
    public static class TrainingFile
    {
        /// <summary>The minimum number of examples a training file must hold.</summary>
        public const int MinExamples = 10;

        private static readonly string[] Roles = { "system", "developer", "user", "assistant", "tool", "function" };
        private static readonly string[] SpecialTokens = { "<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>", "<|endofprompt|>", "<|im_start|>", "<|im_end|>" };

        /// <summary>
        /// Checks <paramref name="content"/> in <paramref name="format"/>; <paramref name="param"/> is
        /// <c>training_file</c> or <c>validation_file</c>. Returns the data, or the error the job fails with.
        /// </summary>
        public static (TrainingData? Data, JobError? Error) Check(byte[] content, TrainingFormat format, string param)
        {
            JobError Fail(string detail, string code = "invalid_training_file") =>
                new JobError(code, $"The job failed due to an invalid {param.Replace('_', ' ')}. {detail}", param);

            if (content.Length >= 3 && content[0] == 0xEF && content[1] == 0xBB && content[2] == 0xBF)
            {
                return (null, Fail("Invalid file format. Line 1: the file starts with a UTF-8 byte-order mark, so the line is not a JSON object. Save the file as UTF-8 without BOM."));
            }

            string text;
            try
            {
                text = new UTF8Encoding(false, true).GetString(content);
            }
            catch (DecoderFallbackException)
            {
                return (null, Fail("Invalid file format. The file is not UTF-8 text (UTF-16 or a binary file?)."));
            }

            string trimmed = text.TrimStart();
            if (trimmed.StartsWith('['))
            {
                return (null, Fail("Invalid file format. The file holds a JSON array; write one JSON object a line (JSON Lines)."));
            }

            var examples = new List<TrainedExample>();
            long tokens = 0;
            string[] lines = text.Split('\n');
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].TrimEnd('\r');
                if (line.Trim().Length == 0) continue;
                int lineNo = i + 1;
                JsonObject? obj;
                try
                {
                    obj = JsonNode.Parse(line) as JsonObject;
                }
                catch (JsonException e)
                {
                    return (null, Fail($"Invalid file format. Line {lineNo}: not valid JSON ({e.Message.Split('.')[0]})."));
                }

                if (obj == null) return (null, Fail($"Invalid file format. Line {lineNo}: not a JSON object."));
                foreach (string special in SpecialTokens)
                {
                    if (line.Contains(special, StringComparison.Ordinal))
                    {
                        return (null, Fail($"Line {lineNo}: the text contains the special token {special}, which training does not allow."));
                    }
                }

                (TrainedExample? example, string? problem, long exampleTokens) = format switch
                {
                    TrainingFormat.Legacy => Legacy(obj),
                    TrainingFormat.Preference => Preference(obj),
                    _ => Chat(obj["messages"]),
                };
                if (problem != null) return (null, Fail($"Invalid file format. Line {lineNo}, example {examples.Count + 1}: {problem}"));
                examples.Add(example!);
                tokens += exampleTokens;
            }

            if (examples.Count < MinExamples)
            {
                return (null, new JobError("invalid_n_examples", string.Format(CultureInfo.InvariantCulture, "{0} has {1} example(s), but must have at least {2} examples.", param == "training_file" ? "Training file" : "Validation file", examples.Count, MinExamples), param));
            }

            return (new TrainingData(examples, tokens), null);
        }

        /// <summary>Tokens of a text, estimated as one token per 4 characters (at least 1); the emulator carries no tokenizer.</summary>
        public static long EstimateTokens(string text) => Math.Max(1, (text.Length + 3) / 4);

        private static (TrainedExample?, string?, long) Chat(JsonNode? node)
        {
            if (node is not JsonArray messages || messages.Count == 0) return (null, "missing \"messages\" (a non-empty array of messages).", 0);
            var prompt = new StringBuilder();
            string? reply = null;
            long tokens = 3;
            for (int m = 0; m < messages.Count; m++)
            {
                if (messages[m] is not JsonObject message) return (null, $"message {m + 1} is not an object.", 0);
                string? role = (message["role"] as JsonValue)?.TryGetValue(out string? r) == true ? r : null;
                if (role == null) return (null, $"message {m + 1} has no \"role\".", 0);
                if (!Roles.Contains(role)) return (null, $"message {m + 1}: unrecognized role '{role}'.", 0);
                string content = TextOf(message["content"]);
                bool hasToolCalls = message["tool_calls"] is JsonArray { Count: > 0 } || message["function_call"] is JsonObject;
                if (role == "assistant")
                {
                    if (content.Length == 0 && !hasToolCalls) return (null, $"message {m + 1}: an assistant message needs \"content\" or \"tool_calls\".", 0);
                    if (message["weight"] is JsonNode w && !(w.GetValueKind() == JsonValueKind.Number && (w.GetValue<double>() == 0 || w.GetValue<double>() == 1)))
                    {
                        return (null, $"message {m + 1}: \"weight\" must be 0 or 1.", 0);
                    }

                    reply = content.Length > 0 ? content : (message["tool_calls"] ?? message["function_call"])!.ToJsonString();
                }
                else if (role == "user")
                {
                    prompt.Append(content).Append(' ');
                }

                tokens += 3 + EstimateTokens(content) + (hasToolCalls ? EstimateTokens((message["tool_calls"] ?? message["function_call"])!.ToJsonString()) : 0);
            }

            return reply == null
                ? (null, "missing an assistant message: every example needs at least one assistant message to learn from.", 0)
                : (new TrainedExample(prompt.ToString(), reply), null, tokens);
        }

        private static (TrainedExample?, string?, long) Preference(JsonObject obj)
        {
            if (obj["input"] is not JsonObject input) return (null, "missing \"input\" (an object with \"messages\").", 0);
            if (obj["preferred_output"] is not JsonArray { Count: > 0 } preferred || preferred[0] is not JsonObject best) return (null, "missing \"preferred_output\" (an array with one assistant message).", 0);
            if (obj["non_preferred_output"] is not JsonArray { Count: > 0 }) return (null, "missing \"non_preferred_output\" (an array with one assistant message).", 0);
            if (input["messages"] is not JsonArray inputMessages) return (null, "\"input\" has no \"messages\" array.", 0);
            var messages = (JsonArray)inputMessages.DeepClone();
            messages.Add(best.DeepClone());
            return Chat(messages);
        }

        private static (TrainedExample?, string?, long) Legacy(JsonObject obj)
        {
            string? prompt = (obj["prompt"] as JsonValue)?.TryGetValue(out string? p) == true ? p : null;
            string? completion = (obj["completion"] as JsonValue)?.TryGetValue(out string? c) == true ? c : null;
            if (prompt == null) return (null, "missing \"prompt\" (a string).", 0);
            if (string.IsNullOrEmpty(completion)) return (null, "missing \"completion\" (a non-empty string).", 0);
            return (new TrainedExample(prompt, completion), null, EstimateTokens(prompt) + EstimateTokens(completion));
        }

        /// <summary>The text of a message content: a string, or the text parts of an array of parts.</summary>
        public static string TextOf(JsonNode? content) => content switch
        {
            JsonValue v when v.TryGetValue(out string? s) => s ?? "",
            JsonArray parts => string.Join(" ", parts.OfType<JsonObject>().Select(p => (p["text"] as JsonValue)?.TryGetValue(out string? t) == true ? t : "")),
            _ => "",
        };
    }
}
