using FineTune.Engine.Pricing;

namespace FineTune.Engine.Datasets
{
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
