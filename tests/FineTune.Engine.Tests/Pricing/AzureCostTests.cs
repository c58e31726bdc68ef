using System;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using Xunit;

namespace FineTune.Engine.Tests.Pricing
{
    /// <summary>Azure's cost model: training with the deployment type's discount, hosting by the hour.</summary>
    public class AzureCostTests
    {
        // A user's own catalog row with discounts (the embedded Azure rows give a price per training type instead).
        private const string Contract = @"{ ""date"": ""2026-11"", ""source"": ""our Azure contract"", ""models"": [
            { ""model"": ""gpt-4o-mini-2024-07-18"", ""provider"": ""Azure"", ""encoding"": ""o200k_base"",
              ""trainingPerMillion"": 3.30, ""hostingPerHour"": 1.70, ""maxTokensPerExample"": 65536, ""verified"": true,
              ""discounts"": { ""GlobalStandard"": 0.10, ""DeveloperTier"": 0.50 } } ] }";

        private static readonly ModelEntry Row = ModelCatalog.Parse(Contract, "contract.json").Find("gpt-4o-mini", "Azure")!;

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

        [Theory]
        // 1M tokens × 3 epochs on Azure gpt-4.1-mini: Global Standard $5.00 per 1M (OPENAI-FACTS.md), Developer half, Standard $5.50
        [InlineData("GlobalStandard", 15.00, 5.00)]
        [InlineData("Developer", 7.50, 2.50)]
        [InlineData("Standard", 16.50, 5.50)]
        [InlineData(null, 16.50, 5.50)]
        public void EmbeddedAzureRowsPriceEachTrainingTypeAndSayTheyAreUnverified(string? trainingType, double usd, double perMillion)
        {
            ModelEntry embedded = ModelCatalog.Embedded.Find("gpt-4.1-mini-2025-04-14", ModelCatalog.Azure)!;
            CostEstimate e = CostEstimator.Estimate(embedded, 1_000_000, 500, 3, 0, today: new DateTime(2026, 12, 1), trainingType: trainingType, hostingHours: 10);
            Assert.Equal((decimal)usd, e.EstimatedUsd);
            Assert.Equal((decimal)perMillion, e.PricePerMillion);
            Assert.Equal(trainingType == "Developer" ? 0m : 17.00m, e.HostingUsd);
            Assert.False(e.PriceVerified);
            Assert.Equal($"The price of gpt-4.1-mini-2025-04-14 is not verified ({embedded.Source}).", e.Warning);
        }

        [Fact]
        public void ATrainingTypeWithoutAPriceOrDiscountFallsBackToStandardWithAWarning()
        {
            ModelEntry row = ModelCatalog.Parse(@"{ ""date"": ""2026-11"", ""source"": ""s"", ""models"": [
                { ""model"": ""gpt-4o-mini-2024-07-18"", ""provider"": ""Azure"", ""trainingPerMillion"": 3.30, ""verified"": true } ] }", "c.json").Find("gpt-4o-mini", "Azure")!;
            CostEstimate e = CostEstimator.Estimate(row, 1_000_000, 500, 3, 0, trainingType: "GlobalStandard");
            Assert.Equal(9.90m, e.EstimatedUsd);
            Assert.Equal("The catalog has no GlobalStandard training price or discount for gpt-4o-mini-2024-07-18; the Standard training price is used.", e.Warning);
        }
    }
}
