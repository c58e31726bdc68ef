using System;
using System.IO;
using FineTune.Engine.Models;
using FineTune.Engine.Pricing;
using Xunit;

namespace FineTune.Engine.Tests.Pricing
{
    public class PricingTests
    {
        private static readonly ModelCatalog Catalog = ModelCatalog.Embedded;

        [Fact]
        public void Gpt35TurboHundredThousandTokensThreeEpochsIsTwoFortyDollars()
        {
            ModelEntry price = Catalog.Find("gpt-3.5-turbo")!;
            CostEstimate e = CostEstimator.Estimate(price, 100_000, 0, 3, 0, "gpt-3.5-turbo", new DateTime(2026, 11, 29));
            Assert.Equal(300_000, e.TrainedTokens);
            Assert.Equal(8.00m, e.PricePerMillion);
            Assert.Equal(2.40m, e.EstimatedUsd);
            Assert.Equal("2.40", e.EstimatedUsd!.Value.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture));
            Assert.False(e.CanTrain);
            Assert.Contains("retired", e.Warning);
            Assert.Equal("2026-11", e.CatalogDate);
            Assert.Equal("cl100k_base", e.Encoding);
        }

        [Theory]
        [InlineData(1, 25)]
        [InlineData(4, 25)]
        [InlineData(5, 20)]
        [InlineData(10, 10)]
        [InlineData(33, 3)]
        [InlineData(34, 3)]
        [InlineData(100, 3)]
        [InlineData(8333, 3)]
        [InlineData(8334, 2)]
        [InlineData(12500, 2)]
        [InlineData(12501, 1)]
        [InlineData(1_000_000, 1)]
        public void AutoEpochsFollowTheCookbookRule(int examples, int epochs) => Assert.Equal(epochs, CostEstimator.AutoEpochs(examples));

        [Fact]
        public void TokensTimesEpochsBeyondALongIsAClearErrorNotANegativeFigure()
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => CostEstimator.Estimate(Catalog.Find("gpt-4o-mini")!, long.MaxValue, 0, 50, 0));
            Assert.Contains("training tokens", ex.Message);
            Assert.Throws<ArgumentOutOfRangeException>(() => CostEstimator.Estimate(Catalog.Find("gpt-4o-mini")!, 1000, 0, 3, 0, hostingHours: decimal.MaxValue));
            CostEstimate most = CostEstimator.Estimate(Catalog.Find("gpt-4o-mini")!, long.MaxValue / 50, 0, 50, 0);
            Assert.Equal(long.MaxValue / 50 * 50, most.TrainedTokens);
            Assert.True(most.EstimatedUsd > 0);
        }

        [Fact]
        public void AutoEpochsAreUsedWhenNoneAreGiven()
        {
            CostEstimate e = CostEstimator.Estimate(Catalog.Find("gpt-4o-mini")!, 50_000, 10, null, 7_000, null, new DateTime(2026, 9, 1));
            Assert.True(e.EpochsAuto);
            Assert.Equal(10, e.Epochs);
            Assert.Equal(500_000, e.TrainedTokens);
            Assert.Equal(1.50m, e.EstimatedUsd); // 500,000 × $3.00 / 1M; validation tokens are free
            Assert.Equal(7_000, e.ValidationTokens);
            Assert.True(e.CanTrain);
            Assert.Null(e.Warning);
            Assert.Throws<ArgumentException>(() => CostEstimator.Estimate(Catalog.Find("gpt-4o-mini")!, 50_000, 0, null, 0));
        }

        [Fact]
        public void WarnsWithinSixtyDaysOfTheLastDayOfNewJobsAndOfShutdown()
        {
            ModelEntry mini = Catalog.Find("gpt-4o-mini")!; // no new jobs from 2027-01-06, shut down 2027-01-14
            CostEstimate today = CostEstimator.Estimate(mini, 1_000, 10, 3, 0, null, new DateTime(2026, 11, 30));
            Assert.True(today.CanTrain);
            Assert.Equal("gpt-4o-mini-2024-07-18 takes no new fine-tuning jobs from 2027-01-06 (in 37 days) and shuts down on 2027-01-14 (in 45 days).", today.Warning);
            Assert.Null(CostEstimator.Estimate(mini, 1_000, 10, 3, 0, null, new DateTime(2026, 11, 6)).Warning); // 61 days before the first
            Assert.Equal("gpt-4o-mini-2024-07-18 takes no new fine-tuning jobs from 2027-01-06 (in 60 days).", CostEstimator.Estimate(mini, 1_000, 10, 3, 0, null, new DateTime(2026, 11, 7)).Warning);
        }

        [Fact]
        public void NoNewTrainingFromTheAnnouncedDay()
        {
            ModelEntry p = Catalog.Find("gpt-4.1-mini-2025-04-14")!;
            Assert.True(CostEstimator.Estimate(p, 1000, 10, 3, 0, null, new DateTime(2027, 1, 5)).CanTrain);
            CostEstimate late = CostEstimator.Estimate(p, 1000, 10, 3, 0, null, new DateTime(2027, 1, 6));
            Assert.False(late.CanTrain);
            Assert.Contains("2027-01-06", late.Warning);
            Assert.Equal(new DateTime(2027, 1, 14), late.ShutdownDate);
        }

        [Fact]
        public void LongExamplesAreBilledUpToTheLimit()
        {
            Assert.Equal(65_536, CostEstimator.BilledTokens(Catalog.Find("gpt-4o")!, 70_000));
            Assert.Equal(4_096, CostEstimator.BilledTokens(Catalog.Find("gpt-3.5-turbo-0613")!, 5_000));
            Assert.Equal(1_000, CostEstimator.BilledTokens(Catalog.Find("gpt-4o")!, 1_000));
        }

        [Fact]
        public void PerHourModelsHaveNoTokenEstimate()
        {
            CostEstimate e = CostEstimator.Estimate(Catalog.Find("o4-mini")!, 1000, 10, 3, 0, null, new DateTime(2026, 11, 29));
            Assert.Null(e.EstimatedUsd);
            Assert.Contains("per training hour", e.Warning);
        }

        [Fact]
        public void AnOwnCatalogReplacesTheEmbeddedOne()
        {
            string path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, @"{""date"": ""2027-02"", ""source"": ""our contract"", ""models"": [{""model"": ""gpt-4.1-mini-2025-04-14"", ""provider"": ""Azure"", ""trainingPerMillion"": 4.5, ""verified"": true}]}");
            try
            {
                ModelCatalog own = ModelCatalog.Load(path);
                CostEstimate e = CostEstimator.Estimate(own.Find("gpt-4.1-mini", "Azure")!, 1_000_000, 0, 2, 0);
                Assert.Equal(9.00m, e.EstimatedUsd);
                Assert.Equal("our contract", e.CatalogSource);
                Assert.Equal("2027-02", e.CatalogDate);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }
}
