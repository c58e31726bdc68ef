using FineTune.Engine.Pricing;
using Xunit;

namespace FineTune.Engine.Tests.Pricing
{
    /// <summary>Azure's cost model: training with the deployment type's discount, hosting by the hour.</summary>
    public class AzureCostTests
    {
        // A user's own catalog row (the embedded Azure rows have no training price or discounts yet).
        private const string Contract = @"{ ""date"": ""2026-11"", ""source"": ""our Azure contract"", ""models"": [
            { ""model"": ""gpt-4o-mini-2024-07-18"", ""provider"": ""Azure"", ""encoding"": ""o200k_base"",
              ""trainingPerMillion"": 3.30, ""hostingPerHour"": 1.70, ""maxTokensPerExample"": 65536, ""verified"": true,
              ""discounts"": { ""GlobalStandard"": 0.10, ""DeveloperTier"": 0.50 } } ] }";

        private static readonly ModelPrice Row = PriceCatalog.Parse(Contract, "contract.json").Find("gpt-4o-mini", "Azure")!;

        [Fact]
        public void GlobalStandardTakesTheCatalogsFractionOffTraining()
        {
            CostEstimate standard = CostEstimator.Estimate(Row, 1_000_000, 500, 3, 0);
            CostEstimate global = CostEstimator.Estimate(Row, 1_000_000, 500, 3, 0, trainingType: "GlobalStandard");
            Assert.Equal(9.90m, standard.EstimatedUsd);              // 3M tokens x $3.30 per 1M
            Assert.Equal(8.91m, global.EstimatedUsd);                // 10% off
            Assert.Equal("GlobalStandard", global.TrainingType);
            Assert.Null(global.Warning);
        }

        [Fact]
        public void HostingIsPricedPerHourExceptForDeveloper()
        {
            CostEstimate month = CostEstimator.Estimate(Row, 1_000_000, 500, 3, 0, trainingType: "Standard", hostingHours: 720);
            Assert.Equal(1224.00m, month.HostingUsd);                // 720 h x $1.70
            Assert.Null(month.TrainingType);
            CostEstimate developer = CostEstimator.Estimate(Row, 1_000_000, 500, 3, 0, trainingType: "Developer", hostingHours: 24);
            Assert.Equal(0m, developer.HostingUsd);
            Assert.Equal(4.95m, developer.EstimatedUsd);             // DeveloperTier: half price
        }

        [Fact]
        public void EmbeddedAzureRowsPriceHostingAndSayTrainingIsUnknownAndUnverified()
        {
            ModelPrice embedded = PriceCatalog.Load().Find("gpt-4o-mini-2024-07-18", "Azure")!;
            CostEstimate e = CostEstimator.Estimate(embedded, 1_000_000, 500, 3, 0, trainingType: "GlobalStandard", hostingHours: 10);
            Assert.Null(e.EstimatedUsd);
            Assert.Equal(17.00m, e.HostingUsd);
            Assert.False(e.PriceVerified);
            Assert.Contains("no training price", e.Warning);
            Assert.Contains("not verified", e.Warning);
        }
    }
}
