using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FineTune.Engine.Datasets
{
    /// <summary>
    /// Writes examples as compact JSON with System.Text.Json's <see cref="Utf8JsonWriter"/>.
    /// Escaping: <see cref="JavaScriptEncoder.UnsafeRelaxedJsonEscaping"/>, so non-ASCII text of the Basic
    /// Multilingual Plane (accents, CJK, Cyrillic) is written as UTF-8 as it is, not as \uXXXX: lines stay
    /// readable and small (a third of the bytes for CJK), and any JSON parser reads the same strings back.
    /// Quotes, backslashes and control characters (new lines, tabs) are still escaped; "unsafe" only
    /// concerns embedding in HTML, which a training file never is. Characters outside the BMP (emoji) are
    /// written as a \uD83D\uDE00 escape pair by that encoder: the same text after parsing.
    /// A string with a lone surrogate is not valid Unicode (the service's tokenizer cannot read it) and
    /// raises <see cref="ArgumentException"/> naming its position.
    /// </summary>
    internal static class ExampleJson
    {
        internal static readonly JsonWriterOptions Options = new JsonWriterOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            Indented = false,
            SkipValidation = false,
        };

        internal static string ToJson(FineTuneExample example)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Options))
            {
                Write(writer, example);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }

        internal static void Write(Utf8JsonWriter w, FineTuneExample e)
        {
            w.WriteStartObject();
            switch (e.Format)
            {
                case DatasetFormat.Completion:
                    w.WriteString("prompt", Checked(e.Prompt ?? ""));
                    w.WriteString("completion", Checked(e.Completion ?? ""));
                    break;
                case DatasetFormat.Preference:
                    w.WriteStartObject("input");
                    WriteMessages(w, e.Messages);
                    WriteTools(w, e.Tools);
                    w.WriteEndObject();
                    WriteOutput(w, "preferred_output", e.PreferredOutput);
                    WriteOutput(w, "non_preferred_output", e.NonPreferredOutput);
                    break;
                default:
                    WriteMessages(w, e.Messages);
                    WriteTools(w, e.Tools);
                    if (e.ParallelToolCalls is bool p) w.WriteBoolean("parallel_tool_calls", p);
                    if (e.Extra != null)
                    {
                        foreach (KeyValuePair<string, object?> kv in e.Extra)
                        {
                            w.WritePropertyName(kv.Key);
                            WriteValue(w, kv.Value, 0);
                        }
                    }

                    break;
            }

            w.WriteEndObject();
        }

        private static void WriteOutput(Utf8JsonWriter w, string name, ExampleMessage? message)
        {
            w.WriteStartArray(name);
            if (message != null) WriteMessage(w, message);
            w.WriteEndArray();
        }

        private static void WriteTools(Utf8JsonWriter w, List<object?>? tools)
        {
            if (tools == null) return;
            w.WritePropertyName("tools");
            WriteValue(w, tools, 0);
        }

        private static void WriteMessages(Utf8JsonWriter w, List<ExampleMessage> messages)
        {
            w.WriteStartArray("messages");
            foreach (ExampleMessage m in messages) WriteMessage(w, m);
            w.WriteEndArray();
        }

        private static void WriteMessage(Utf8JsonWriter w, ExampleMessage m)
        {
            w.WriteStartObject();
            w.WriteString("role", Checked(m.Role));
            if (m.Content != null)
            {
                w.WritePropertyName("content");
                WriteValue(w, m.Content, 0);
            }

            if (m.Name != null) w.WriteString("name", Checked(m.Name));
            if (m.ToolCalls != null)
            {
                w.WriteStartArray("tool_calls");
                foreach (ExampleToolCall c in m.ToolCalls)
                {
                    w.WriteStartObject();
                    w.WriteString("id", Checked(c.Id));
                    w.WriteString("type", c.Type);
                    w.WriteStartObject("function");
                    w.WriteString("name", Checked(c.Name));
                    w.WriteString("arguments", Checked(c.Arguments));
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            if (m.ToolCallId != null) w.WriteString("tool_call_id", Checked(m.ToolCallId));
            if (m.Weight is int weight) w.WriteNumber("weight", weight);
            w.WriteEndObject();
        }

        /// <summary>
        /// Writes a plain value: null, string, bool, number, <see cref="JsonElement"/>, a dictionary with
        /// string keys (an object), any other sequence (an array); anything else as its invariant string.
        /// </summary>
        internal static void WriteValue(Utf8JsonWriter w, object? value, int depth)
        {
            if (depth > 64) throw new ArgumentException("The value is nested more than 64 levels deep (a cycle?).");
            switch (value)
            {
                case null: w.WriteNullValue(); break;
                case string s: w.WriteStringValue(Checked(s)); break;
                case bool b: w.WriteBooleanValue(b); break;
                case int i: w.WriteNumberValue(i); break;
                case long l: w.WriteNumberValue(l); break;
                case double d when !double.IsNaN(d) && !double.IsInfinity(d): w.WriteNumberValue(d); break;
                case float f when !float.IsNaN(f) && !float.IsInfinity(f): w.WriteNumberValue(f); break;
                case decimal m: w.WriteNumberValue(m); break;
                case short or ushort or byte or sbyte or uint: w.WriteNumberValue(Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
                case ulong u: w.WriteNumberValue(u); break;
                case JsonElement e: e.WriteTo(w); break;
                case DateTime dt: w.WriteStringValue(dt.ToString("o", CultureInfo.InvariantCulture)); break;
                case DateTimeOffset dto: w.WriteStringValue(dto.ToString("o", CultureInfo.InvariantCulture)); break;
                case IDictionary<string, object?> dict:
                    w.WriteStartObject();
                    foreach (KeyValuePair<string, object?> kv in dict)
                    {
                        w.WritePropertyName(kv.Key);
                        WriteValue(w, kv.Value, depth + 1);
                    }

                    w.WriteEndObject();
                    break;
                case IDictionary dict:
                    w.WriteStartObject();
                    foreach (DictionaryEntry kv in dict)
                    {
                        w.WritePropertyName(Convert.ToString(kv.Key, CultureInfo.InvariantCulture) ?? "");
                        WriteValue(w, kv.Value, depth + 1);
                    }

                    w.WriteEndObject();
                    break;
                case IEnumerable list:
                    w.WriteStartArray();
                    foreach (object? item in list) WriteValue(w, item, depth + 1);
                    w.WriteEndArray();
                    break;
                default:
                    w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                    break;
            }
        }

        /// <summary>The string itself; <see cref="ArgumentException"/> when it holds a lone surrogate.</summary>
        internal static string Checked(string s)
        {
            for (int i = 0; i < s.Length; i++)
            {
                char c = s[i];
                if (c < '\uD800' || c > '\uDFFF') continue;
                if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
                {
                    i++;
                    continue;
                }

                string near = s.Substring(Math.Max(0, i - 20), Math.Min(20, i));
                throw new ArgumentException($"The text holds a lone surrogate U+{(int)c:X4} at character {i + 1} (after \"{near}\"): it is not valid Unicode and cannot be written as UTF-8. Fix the source text.");
            }

            return s;
        }

        /// <summary>A plain value as compact JSON (tool call arguments given as an object).</summary>
        internal static string ValueToJson(object? value)
        {
            using var buffer = new MemoryStream();
            using (var writer = new Utf8JsonWriter(buffer, Options))
            {
                WriteValue(writer, value, 0);
            }

            return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
    }
}
