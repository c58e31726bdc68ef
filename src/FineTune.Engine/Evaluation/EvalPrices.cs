using FineTune.Engine.Jobs;
using FineTune.Engine.Models;

namespace FineTune.Engine.Evaluation
{
    /// <summary>The one place a comparison reads prices from: the model catalog (<see cref="ModelCatalog.Load"/>).</summary>
    public static class EvalPrices
    {
        /// <summary>
        /// The USD cost of one call from the catalog's inference prices per 1M input and output tokens
        /// (<see cref="ModelCatalog.InferencePriceOf"/>: a fine-tuned model at its base row's fine-tuned rates, a base
        /// model at the base-model rates), half for a Batch API call; null when the model has no price or the catalog
        /// cannot be read.
        /// </summary>
        public static decimal? CallCost(string model, long promptTokens, long completionTokens, bool batch, string provider = ModelCatalog.OpenAI)
        {
            decimal? cost;
            try
            {
                cost = Costs.ChatCost(model, promptTokens, completionTokens, provider);
            }
            catch (ModelCatalogException)
            {
                return null;
            }

            return batch ? cost / 2 : cost;
        }

        /// <summary>What training <paramref name="trainedTokens"/> (tokens × epochs, as a finished job reports them) on <paramref name="baseModel"/> cost in USD at the catalog's training price; null without a per-token training price.</summary>
        public static decimal? TrainingCost(string baseModel, long trainedTokens, string provider = ModelCatalog.OpenAI)
        {
            try
            {
                decimal? perMillion = ModelCatalog.Load().Find(baseModel, provider)?.TrainingPerMillion;
                return perMillion * trainedTokens / 1_000_000m;
            }
            catch (ModelCatalogException)
            {
                return null;
            }
        }
    }
}
