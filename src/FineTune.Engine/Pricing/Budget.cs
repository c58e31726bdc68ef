using System.Globalization;

namespace FineTune.Engine.Pricing
{
    /// <summary>
    /// The one budget rule of every paid action (-MaxCost on Start-FineTuneJob, Copy-FineTuneJob and the embedding
    /// commands): when a cap is given, an action whose estimate is above it, or cannot be made, is refused before
    /// anything is sent. Amounts in USD.
    /// </summary>
    public static class Budget
    {
        /// <summary>Where a missing price goes, for the advice of CostUnknown: "a price catalog (-PriceCatalog or FINETUNE_PRICE_CATALOG; about_FineTune shows its shape)".</summary>
        public const string PriceCatalog = "a price catalog (-PriceCatalog or FINETUNE_PRICE_CATALOG; about_FineTune shows its shape)";

        /// <summary>
        /// Does nothing without <paramref name="max"/> or when <paramref name="usd"/> is at most <paramref name="max"/>.
        /// Else throws <see cref="FineTuneException"/>: OverBudget ("{what} would cost about $usd ({cost}), above -MaxCost
        /// $max. {nothingDone}", with <paramref name="spendLess"/> as the advice) or, when <paramref name="usd"/> is null,
        /// CostUnknown ("-MaxCost was given but the cost cannot be estimated ({cost}). {getAnEstimate}, or leave out
        /// -MaxCost."). <paramref name="cost"/> is the estimate's sentence (<see cref="CostEstimate.Sentence"/>).
        /// </summary>
        public static void Check(string operation, decimal? max, decimal? usd, string what, string cost, string nothingDone, string spendLess, string getAnEstimate, object? target = null)
        {
            if (max is not decimal cap) return;
            if (usd is not decimal estimate)
            {
                throw new FineTuneException(operation, ErrorKind.InvalidOperation, "CostUnknown",
                    $"-MaxCost {cap.ToString(CultureInfo.InvariantCulture)} was given but the cost cannot be estimated ({cost}). {getAnEstimate}, or leave out -MaxCost.", target);
            }

            if (estimate > cap)
            {
                throw new FineTuneException(operation, ErrorKind.LimitsExceeded, "OverBudget",
                    $"{what} would cost about ${Usd(estimate)} ({cost}), above -MaxCost ${Usd(cap)}. {nothingDone}", target, spendLess);
            }
        }

        // Cents, and the digits below a cent when there are any (an embedding run can cost $0.0004).
        private static string Usd(decimal usd) => usd.ToString("0.00######", CultureInfo.InvariantCulture);
    }
}
