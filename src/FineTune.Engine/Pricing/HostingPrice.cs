using System;

namespace FineTune.Engine.Pricing
{
    /// <summary>What hosting a deployed fine-tuned model costs on Azure OpenAI.</summary>
    public static class HostingPrice
    {
        /// <summary>
        /// The hosting cost in USD an hour of a deployment of <paramref name="model"/> with <paramref name="sku"/>, from the
        /// price catalog's Azure row (<c>hostingPerHour</c>; DeveloperTier has no hosting fee: 0), and the row (null when
        /// the catalog has none, or cannot be read: then the cost is null).
        /// </summary>
        public static (decimal? UsdPerHour, ModelPrice? Row) PerHour(string model, string sku)
        {
            ModelPrice? row;
            try
            {
                row = PriceCatalog.Load().Find(model, "Azure");
            }
            catch (PriceCatalogException)
            {
                row = null;
            }

            if (string.Equals(sku, "DeveloperTier", StringComparison.OrdinalIgnoreCase)) return (0m, row);
            return (row?.HostingPerHour, row);
        }
    }
}
