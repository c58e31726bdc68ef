using FineTune.Engine.Jobs;
using FineTune.Engine.Pricing;

namespace FineTune.Engine.Evaluation
{
    /// <summary>The one place a comparison reads prices from: the price catalog (<see cref="PriceCatalog.Load"/>).</summary>
    public static class EvalPrices
    {
        /// <summary>
        /// The USD cost of one call: the catalog's inference prices per 1M input and output tokens for the model's
        /// row (a fine-tuned model is priced by its base model's row, which holds fine-tuned inference prices), half
        /// for a Batch API call; null when the model has no price or the catalog cannot be read.
        /// </summary>
        public static decimal? CallCost(string model, long promptTokens, long completionTokens, bool batch)
        {
            decimal? cost;
            try
            {
                cost = Costs.Current.ChatCost(model, promptTokens, completionTokens);
            }
            catch (PriceCatalogException)
            {
                return null;
            }

            return batch ? cost / 2 : cost;
        }

        /// <summary>What training <paramref name="trainedTokens"/> (tokens × epochs, as a finished job reports them) on <paramref name="baseModel"/> cost in USD; null without a per-token training price.</summary>
        public static decimal? TrainingCost(string baseModel, long trainedTokens)
        {
            try
            {
                decimal? perMillion = PriceCatalog.Load().Find(baseModel)?.TrainingPerMillion;
                return perMillion * trainedTokens / 1_000_000m;
            }
            catch (PriceCatalogException)
            {
                return null;
            }
        }
    }
}
