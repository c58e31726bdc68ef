using System.Text.Json;
using FineTune.Engine.Pricing;
using FineTune.Engine.Tokens;

namespace FineTune.Engine.Datasets
{
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

    /// <summary>The checker's seam to <see cref="ChatTokenCounter"/> (message overhead and tool definitions counted).</summary>
    internal sealed class DefaultExampleTokenCounter : IExampleTokenCounter
    {
        private readonly TokenEncoder encoder;

        public DefaultExampleTokenCounter(TokenEncoder encoder) => this.encoder = encoder;

        public ExampleTokenTotals Count(JsonElement example, DatasetFormat format)
        {
            ExampleTokens t = ChatTokenCounter.Count(example, encoder);
            return new ExampleTokenTotals(t.Total, t.Assistant);
        }
    }

    /// <summary>Tokens one example may hold per model, from the price catalog (<see cref="ModelPrice.MaxTokensPerExample"/>; OPENAI-FACTS.md, Training files).</summary>
    internal static class ModelTokenLimits
    {
        /// <summary>
        /// The limit for a model (fine-tuned names map by their base) on the target's rows of the catalog
        /// (FINETUNE_PRICE_CATALOG or the embedded one), else OpenAI's; null when unknown or when the
        /// catalog cannot be read.
        /// </summary>
        public static int? Of(string model, DatasetTarget target = DatasetTarget.OpenAI)
        {
            try
            {
                PriceCatalog catalog = PriceCatalog.Load();
                return (target == DatasetTarget.Azure ? catalog.Find(model, "Azure")?.MaxTokensPerExample : null)
                    ?? catalog.Find(model)?.MaxTokensPerExample;
            }
            catch (PriceCatalogException)
            {
                return null;
            }
        }
    }
}
