using System.Text.Json;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Datasets
{
    // THE ONE SEAM to the tokens work (issue 3, branch tokens): switch DefaultExampleTokenCounter.Count to
    // `var t = ChatTokenCounter.Count(example, encoder); return new ExampleTokenTotals(t.Total, t.Assistant);`
    // and ModelTokenLimits.Of to PriceCatalog.Load(..).Find(model) once that branch is merged.

    /// <summary>Tokens of one example: all of it, and the assistant's part.</summary>
    internal readonly struct ExampleTokenTotals
    {
        public ExampleTokenTotals(int total, int assistant)
        {
            Total = total;
            Assistant = assistant;
        }

        public int Total { get; }

        public int Assistant { get; }
    }

    /// <summary>Counts one parsed example line (chat, preference or completion). Must be thread-safe.</summary>
    internal interface IExampleTokenCounter
    {
        ExampleTokenTotals Count(JsonElement example, DatasetFormat format);
    }

    /// <summary>
    /// TEMPORARY stand-in until ChatTokenCounter lands: the cookbook's chat estimate (OPENAI-FACTS.md,
    /// Counting tokens): 3 tokens a message + the tokens of each value + 1 for a name + 3 for the reply
    /// primer; tool definitions counted as the tokens of their JSON text; completion = prompt + completion.
    /// </summary>
    internal sealed class DefaultExampleTokenCounter : IExampleTokenCounter
    {
        private readonly TokenEncoder encoder;

        public DefaultExampleTokenCounter(TokenEncoder encoder) => this.encoder = encoder;

        public ExampleTokenTotals Count(JsonElement example, DatasetFormat format)
        {
            int total = 0, assistant = 0;
            switch (format)
            {
                case DatasetFormat.Completion:
                    int prompt = Text(example, "prompt"), completion = Text(example, "completion");
                    return new ExampleTokenTotals(prompt + completion, completion);
                case DatasetFormat.Preference:
                    if (example.TryGetProperty("input", out JsonElement input) && input.ValueKind == JsonValueKind.Object)
                    {
                        total += Messages(input, ref assistant) + Tools(input);
                    }

                    int before = assistant;
                    if (example.TryGetProperty("preferred_output", out JsonElement preferred) && preferred.ValueKind == JsonValueKind.Array)
                    {
                        foreach (JsonElement m in preferred.EnumerateArray()) total += Message(m, ref assistant);
                    }

                    return new ExampleTokenTotals(total + 3, assistant - before);
                default:
                    total = Messages(example, ref assistant) + Tools(example);
                    return new ExampleTokenTotals(total + 3, assistant);
            }
        }

        private int Messages(JsonElement holder, ref int assistant)
        {
            int total = 0;
            if (holder.TryGetProperty("messages", out JsonElement messages) && messages.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement m in messages.EnumerateArray()) total += Message(m, ref assistant);
            }

            return total;
        }

        private int Message(JsonElement message, ref int assistant)
        {
            if (message.ValueKind != JsonValueKind.Object) return 0;
            int n = 3;
            bool isAssistant = false;
            foreach (JsonProperty p in message.EnumerateObject())
            {
                int t = 0;
                if (p.Value.ValueKind == JsonValueKind.String)
                {
                    t = encoder.Count(p.Value.GetString()!);
                    if (p.NameEquals("name")) t++;
                    if (p.NameEquals("role") && p.Value.ValueEquals("assistant")) isAssistant = true;
                }
                else if (p.NameEquals("content") && p.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement part in p.Value.EnumerateArray())
                    {
                        if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out JsonElement text) && text.ValueKind == JsonValueKind.String)
                        {
                            t += encoder.Count(text.GetString()!);
                        }
                    }
                }
                else if (p.NameEquals("tool_calls") && p.Value.ValueKind == JsonValueKind.Array)
                {
                    foreach (JsonElement call in p.Value.EnumerateArray())
                    {
                        if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("function", out JsonElement f) && f.ValueKind == JsonValueKind.Object)
                        {
                            t += 3 + Text(f, "name") + Text(f, "arguments");
                        }
                    }
                }

                n += t;
            }

            if (isAssistant) assistant += n - 3;
            return n;
        }

        private int Tools(JsonElement holder)
        {
            int n = 0;
            foreach (string key in new[] { "tools", "functions" })
            {
                if (holder.TryGetProperty(key, out JsonElement tools) && tools.ValueKind == JsonValueKind.Array)
                {
                    n += encoder.Count(tools.GetRawText());
                }
            }

            return n;
        }

        private int Text(JsonElement holder, string property) =>
            holder.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.String ? encoder.Count(v.GetString()!) : 0;
    }

    /// <summary>
    /// Tokens one example may hold per model (OPENAI-FACTS.md, Training files: longer ones are cut, not
    /// refused). TEMPORARY table: to be read from the price catalog (PriceCatalog.Find(model)) after merge.
    /// </summary>
    internal static class ModelTokenLimits
    {
        /// <summary>The limit for a model (fine-tuned names map by their base), or null when unknown.</summary>
        public static int? Of(string model)
        {
            string name = (Service.FineTuneModel.BaseModelOf(model) ?? model).Trim().ToLowerInvariant();
            if (name.StartsWith("gpt-3.5-turbo-0613", System.StringComparison.Ordinal)) return 4096;
            if (name.StartsWith("gpt-3.5-turbo", System.StringComparison.Ordinal) || name.StartsWith("gpt-35-turbo", System.StringComparison.Ordinal)) return 16385;
            if (name.StartsWith("gpt-4.1-nano", System.StringComparison.Ordinal)) return 32768;
            if (name.StartsWith("gpt-4o", System.StringComparison.Ordinal) || name.StartsWith("gpt-4.1", System.StringComparison.Ordinal)) return 65536;
            if (name == "babbage-002" || name == "davinci-002") return 16384;
            return null;
        }
    }
}
