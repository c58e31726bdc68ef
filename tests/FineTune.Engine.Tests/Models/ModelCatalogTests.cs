using System;
using System.IO;
using FineTune.Engine.Models;
using Xunit;

namespace FineTune.Engine.Tests.Models
{
    /// <summary>The model catalog: every question about a model name, with the numbers of OPENAI-FACTS.md.</summary>
    public class ModelCatalogTests
    {
        private static readonly ModelCatalog Catalog = ModelCatalog.Embedded;

        [Theory]
        [InlineData("ft:gpt-4o-mini-2024-07-18:acme:demo:abc123", "gpt-4o-mini-2024-07-18")]
        [InlineData("ft:gpt-4o-mini-2024-07-18:acme:demo:abc123:ckpt-step-90", "gpt-4o-mini-2024-07-18")]
        [InlineData("ft:gpt-4.1-mini-2025-04-14:acme::x", "gpt-4.1-mini-2025-04-14")]
        [InlineData("gpt-4.1-2025-04-14.ft-0123abcd", "gpt-4.1-2025-04-14")]
        [InlineData("gpt-4o-mini-2024-07-18", null)]
        [InlineData("", null)]
        public void BaseModelOfAFineTunedIdOnEitherProvider(string id, string? baseModel) => Assert.Equal(baseModel, ModelCatalog.BaseModelOf(id));

        [Theory]
        [InlineData("gpt-4o-mini", "gpt-4o-mini-2024-07-18")]
        [InlineData("GPT-4o-mini-2024-07-18", "gpt-4o-mini-2024-07-18")]
        [InlineData("ft:gpt-4o-mini-2024-07-18:acme:demo:abc123", "gpt-4o-mini-2024-07-18")]
        [InlineData("ft:gpt-4o-mini-2024-07-18:acme:demo:abc123:ckpt-step-90", "gpt-4o-mini-2024-07-18")]
        [InlineData("gpt-4.1-mini-2025-04-14.ft-0123abcd", "gpt-4.1-mini-2025-04-14")]
        [InlineData("gpt-4o", "gpt-4o-2024-08-06")]
        [InlineData("gpt-4o-2024-05-13", "gpt-4o-2024-08-06")]
        [InlineData("gpt-3.5-turbo-1106", "gpt-3.5-turbo-0125")]
        [InlineData("gpt-3.5-turbo-0613", "gpt-3.5-turbo-0613")]
        [InlineData("davinci-002", "davinci-002")]
        public void FindsTheRowOfAModelName(string model, string row) => Assert.Equal(row, Catalog.Find(model)!.Model);

        [Fact]
        public void UnknownModelsAndProvidersFindNothing()
        {
            Assert.Null(Catalog.Find("gpt-9"));
            Assert.Null(Catalog.Find("babbage-002", ModelCatalog.Azure));
            Assert.Equal(ModelCatalog.Azure, Catalog.Find("gpt-4.1-mini-2025-04-14.ft-0123abcd", ModelCatalog.Azure)!.Provider);
        }

        [Theory]
        [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
        [InlineData("gpt-4.1-2025-04-14", "o200k_base")]
        [InlineData("ft:gpt-4.1-mini-2025-04-14:acme:demo:abc123", "o200k_base")]
        [InlineData("gpt-4.1-2025-04-14.ft-0123abcd", "o200k_base")]
        [InlineData("o4-mini", "o200k_base")]
        [InlineData("gpt-5-mini", "o200k_base")]            // no row: by family
        [InlineData("gpt-3.5-turbo-0125", "cl100k_base")]
        [InlineData("ft:gpt-3.5-turbo-0125:acme::xyz", "cl100k_base")]
        [InlineData("gpt-4-0613", "cl100k_base")]           // no row: gpt-4 is cl100k_base, gpt-4o is not
        [InlineData("babbage-002", "cl100k_base")]
        [InlineData("davinci-002", "cl100k_base")]
        [InlineData("text-embedding-3-small", "cl100k_base")]
        [InlineData("llama-3.1-8b", null)]
        public void EncodingOfAModel(string model, string? encoding) => Assert.Equal(encoding, Catalog.EncodingOf(model));

        [Theory]
        [InlineData("gpt-3.5-turbo-0613", "OpenAI", 4096)]
        [InlineData("gpt-3.5-turbo-1106", "OpenAI", 16385)]
        [InlineData("gpt-3.5-turbo-0125", "OpenAI", 16385)]
        [InlineData("gpt-4o-2024-08-06", "OpenAI", 65536)]
        [InlineData("gpt-4o-mini", "OpenAI", 65536)]
        [InlineData("gpt-4.1", "OpenAI", 65536)]
        [InlineData("ft:gpt-4.1-mini-2025-04-14:acme::x", "OpenAI", 65536)]
        [InlineData("gpt-4.1-nano", "OpenAI", 32768)]
        [InlineData("babbage-002", "OpenAI", 16384)]
        [InlineData("davinci-002", "OpenAI", 16384)]
        [InlineData("gpt-4.1-nano-2025-04-14.ft-01ab", "Azure", 32768)]
        [InlineData("babbage-002", "Azure", 16384)]          // no Azure row: what the model is does not change
        public void TokensAnExampleMayHold(string model, string provider, int limit) => Assert.Equal(limit, Catalog.MaxTokensPerExample(model, provider));

        [Fact]
        public void NoLimitForAModelItDoesNotKnow() => Assert.Null(Catalog.MaxTokensPerExample("llama-3.1-8b"));

        [Theory]
        [InlineData("gpt-4o-mini-2024-07-18", "OpenAI", "chat,preference")]
        [InlineData("gpt-4o-mini-2024-07-18", "Azure", "chat")]             // Azure: gpt-4o-mini SFT only
        [InlineData("gpt-4o", "Azure", "chat,preference")]
        [InlineData("gpt-4.1-nano", "Azure", "chat,preference")]
        [InlineData("o4-mini", "Azure", "chat")]                            // RFT: messages and grader fields
        [InlineData("babbage-002", "OpenAI", "completion")]
        [InlineData("ft:davinci-002:acme::x", "OpenAI", "completion")]
        [InlineData("davinci-002-next", "OpenAI", "completion")]            // no row: by family
        [InlineData("llama-3.1-8b", "OpenAI", "chat,preference")]
        public void FormatsAModelTrains(string model, string provider, string formats) =>
            Assert.Equal(formats, string.Join(",", Catalog.TrainingFormatsOf(model, provider)));

        [Theory]
        // Global Standard as OpenAI (OPENAI-FACTS.md, Azure training prices); Developer half of Global; Standard Global + 10%
        [InlineData("gpt-4o-mini-2024-07-18", 3.30, 3.00, 1.50)]
        [InlineData("gpt-4o-2024-08-06", 27.50, 25.00, 12.50)]
        [InlineData("gpt-4.1-2025-04-14", 27.50, 25.00, 12.50)]
        [InlineData("gpt-4.1-mini-2025-04-14", 5.50, 5.00, 2.50)]
        [InlineData("gpt-4.1-nano-2025-04-14", 1.65, 1.50, 0.75)]
        public void AzureTrainingPricesPerTrainingType(string model, double standard, double global, double developer)
        {
            ModelEntry row = Catalog.Find(model, ModelCatalog.Azure)!;
            Assert.Equal((decimal)standard, row.TrainingPerMillionFor("Standard"));
            Assert.Equal((decimal)standard, row.TrainingPerMillionFor(null));
            Assert.Equal((decimal)global, row.TrainingPerMillionFor("GlobalStandard"));
            Assert.Equal((decimal)developer, row.TrainingPerMillionFor("Developer"));
            Assert.Equal((decimal)developer, row.TrainingPerMillionFor("DeveloperTier"));
            Assert.False(row.Verified);                                         // "unverified, mark it so"
            Assert.Equal(1.70m, row.HostingPerHour);
            Assert.Equal(0m, row.HostingPerHourFor("DeveloperTier"));
        }

        [Fact]
        public void AzureReinforcementIsBilledPerHour()
        {
            ModelEntry row = Catalog.Find("o4-mini", ModelCatalog.Azure)!;
            Assert.Equal(100.00m, row.TrainingPerHour);
            Assert.Null(row.TrainingPerMillionFor("GlobalStandard"));
        }

        [Theory]
        [InlineData("gpt-4o-mini", "OpenAI", "2027-01-06", "2027-01-14")]
        [InlineData("gpt-4.1-mini-2025-04-14", "OpenAI", "2027-01-06", "2027-01-14")]
        [InlineData("gpt-4o-mini", "Azure", "2027-04-02", "2027-10-01")]      // trains until no earlier than 2027-04-01
        [InlineData("gpt-4.1-mini", "Azure", "2027-04-15", "2027-10-14")]     // trains until no earlier than 2027-04-14
        [InlineData("babbage-002", "OpenAI", "2024-10-28", null)]
        public void DatesOfAModel(string model, string provider, string noNewTraining, string? shutdown)
        {
            ModelEntry row = Catalog.Find(model, provider)!;
            Assert.Equal(noNewTraining, row.NoNewTrainingFrom?.ToString("yyyy-MM-dd"));
            Assert.Equal(shutdown, row.ShutdownDate?.ToString("yyyy-MM-dd"));
        }

        [Theory]
        [InlineData("gpt-3.5-turbo")]
        [InlineData("gpt-4.1-nano")]
        [InlineData("o4-mini")]
        public void ModelsRetiredOn20261023CannotBeTrained(string model)
        {
            ModelEntry row = Catalog.Find(model)!;
            Assert.True(row.Retired);
            Assert.False(row.CanTrainOn(new DateTime(2026, 9, 1)));
        }

        [Fact]
        public void AFineTunedModelChatsAtItsBaseRowsFineTunedRates()
        {
            InferencePrice p = Catalog.InferencePriceOf("ft:gpt-4o-mini-2024-07-18:org::x")!;
            Assert.True(p.FineTuned);
            Assert.Equal("gpt-4o-mini-2024-07-18", p.CatalogModel);
            Assert.Equal(0.30m, p.InputPerMillion);
            Assert.Equal(0.30m, p.CachedInputPerMillion);                       // none given: priced as input
            Assert.Equal(1.20m, p.OutputPerMillion);
            Assert.True(p.Verified);
            // 1,000 prompt tokens × $0.30/1M + 500 completion tokens × $1.20/1M = $0.0009
            Assert.Equal(0.0009m, p.Cost(1000, 500));
            Assert.Equal(1.50m, p.Cost(1_000_000, 1_000_000));
        }

        [Theory]
        [InlineData("ft:gpt-4o-2024-08-06:org::x", 3.75, 15.00)]
        [InlineData("ft:gpt-4.1-2025-04-14:org::x", 3.00, 12.00)]
        [InlineData("ft:gpt-4.1-mini-2025-04-14:org::x", 0.80, 3.20)]
        [InlineData("ft:gpt-4.1-nano-2025-04-14:org::x", 0.20, 0.80)]
        [InlineData("ft:gpt-3.5-turbo-0125:org::x", 3.00, 6.00)]
        [InlineData("ft:babbage-002:org::x", 1.60, 1.60)]
        [InlineData("ft:davinci-002:org::x", 12.00, 12.00)]
        [InlineData("ft:o4-mini-2025-04-16:org::x", 4.00, 16.00)]
        public void FineTunedInferencePricesAreTheFactsFiles(string model, double input, double output)
        {
            InferencePrice p = Catalog.InferencePriceOf(model)!;
            Assert.Equal((decimal)input, p.InputPerMillion);
            Assert.Equal((decimal)output, p.OutputPerMillion);
        }

        [Fact]
        public void ABaseModelChatsAtTheBaseRatesMarkedUnverified()
        {
            InferencePrice p = Catalog.InferencePriceOf("gpt-4o-mini")!;
            Assert.False(p.FineTuned);
            Assert.Equal(0.15m, p.InputPerMillion);
            Assert.Equal(0.075m, p.CachedInputPerMillion);
            Assert.Equal(0.60m, p.OutputPerMillion);
            Assert.False(p.Verified);                                           // not in OPENAI-FACTS.md: third-party copies
            // 600 uncached × $0.15 + 400 cached × $0.075 + 500 out × $0.60, per 1M
            Assert.Equal(0.00042m, p.Cost(1000, 500, cachedInputTokens: 400));
            Assert.Throws<ArgumentOutOfRangeException>(() => p.Cost(100, 0, cachedInputTokens: 101));
        }

        [Fact]
        public void NoInferencePriceWhereTheCatalogHasNone()
        {
            Assert.Null(Catalog.InferencePriceOf("gpt-4.1-mini-2025-04-14.ft-0123abcd", ModelCatalog.Azure)); // base rate per deployment type not gathered
            Assert.Null(Catalog.InferencePriceOf("gpt-9"));
            Assert.Null(Catalog.InferencePriceOf("gpt-3.5-turbo-0613"));        // base rate not in the catalog
        }

        [Theory]
        [InlineData("gpt-4o-mni", "OpenAI", "gpt-4o-mini")]
        [InlineData("GPT-4.1-mimi", "OpenAI", "gpt-4.1-mini")]
        [InlineData("gpt-4o-mini-2024-07-81", "OpenAI", "gpt-4o-mini-2024-07-18")]
        [InlineData("davinci-02", "OpenAI", "davinci-002")]
        [InlineData("gpt-4.1-mni-2025-04-14", "Azure", "gpt-4.1-mini-2025-04-14")]
        public void SuggestsTheClosestKnownNameForATypo(string typed, string provider, string suggestion)
        {
            Assert.Equal(suggestion, Catalog.Suggest(typed, provider));
            Assert.Equal($" Did you mean '{suggestion}'?", Catalog.HintFor(typed, provider));
        }

        [Theory]
        [InlineData("gpt-4o-mini")]          // known: nothing to suggest
        [InlineData("llama-3.1-8b")]         // nothing close
        [InlineData("o1")]                   // short: no name within one edit
        public void SuggestsNothingForAKnownOrFarName(string typed)
        {
            Assert.Null(Catalog.Suggest(typed));
            Assert.Equal(string.Empty, Catalog.HintFor(typed));
        }

        [Theory]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""trainingPerMillion"": ""eight""}]}", "models[0].trainingPerMillion")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""a""}, {""trainingPerMillion"": 1}]}", "models[1].model")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""shutdownDate"": ""14/01/2027""}]}", "models[0].shutdownDate")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""formats"": [""chat"", ""dpo""]}]}", "models[0].formats")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""trainingPerMillionByType"": {""Regional"": 1}}]}", "models[0].trainingPerMillionByType.Regional")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""trainingPerMillionByType"": {""Developer"": -1}}]}", "models[0].trainingPerMillionByType.Developer")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": [{""model"": ""m"", ""encoding"": ""p50k_base""}]}", "models[0].encoding")]
        [InlineData(@"{""date"": ""2026-11"", ""models"": []}", "source")]
        [InlineData(@"{""date"": ""2026-11"", ""source"": ""x"", ""models"": {}}", "models")]
        public void BadCatalogFieldsAreNamed(string json, string field)
        {
            string path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, json);
            try
            {
                var ex = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Load(path));
                Assert.Equal(field, ex.Field);
                Assert.Contains(path, ex.Message);
                Assert.Contains($"'{field}'", ex.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void InvalidJsonNamesFileAndLine()
        {
            string path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
            File.WriteAllText(path, "{\n  \"date\": \"2026-11\",\n  \"source\": oops\n}");
            try
            {
                var ex = Assert.Throws<ModelCatalogException>(() => ModelCatalog.Load(path));
                Assert.Contains(path, ex.Message);
                Assert.Contains("line 3", ex.Message);
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void AnOwnCatalogAnswersForItsModelsAndKeepsTheFamilyRules()
        {
            ModelCatalog own = ModelCatalog.Parse(@"{""date"": ""2027-02"", ""source"": ""our contract"", ""models"": [
                {""model"": ""acme-chat-1"", ""encoding"": ""cl100k_base"", ""maxTokensPerExample"": 8000, ""formats"": [""chat""],
                 ""inputPerMillion"": 1, ""outputPerMillion"": 2, ""trainingPerMillion"": 4.5, ""trainingPerMillionByType"": {""GlobalStandard"": 4}}]}", "own.json");
            Assert.Equal("cl100k_base", own.EncodingOf("ft:acme-chat-1:org::x"));
            Assert.Equal("o200k_base", own.EncodingOf("gpt-4o-mini"));       // no row: by family
            Assert.Equal(8000, own.MaxTokensPerExample("acme-chat-1"));
            Assert.Equal("chat", string.Join(",", own.TrainingFormatsOf("acme-chat-1")));
            Assert.Equal(0.000005m, own.InferencePriceOf("ft:acme-chat-1:org::x")!.Cost(1, 2));
            Assert.Equal(4m, own.Find("acme-chat-1")!.TrainingPerMillionFor("GlobalStandard"));
            Assert.Equal("our contract", own.Find("acme-chat-1")!.Source);
        }

        [Fact]
        public void ABrokenFileLeavesSideQuestionsToTheEmbeddedCatalog()
        {
            string path = Path.Combine(Path.GetTempPath(), $"prices-{Guid.NewGuid():N}.json");
            try
            {
                File.WriteAllText(path, @"{""date"": ""2027-02"", ""source"": ""ours"", ""models"": [{""model"": ""acme-chat-1"", ""encoding"": ""cl100k_base""}]}");
                Assert.Equal("cl100k_base", ModelCatalog.CurrentOrEmbedded(path).EncodingOf("acme-chat-1"));
                File.WriteAllText(path, "{ not json");
                File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddMinutes(1));
                Assert.Throws<ModelCatalogException>(() => ModelCatalog.Load(path));
                Assert.Same(ModelCatalog.Embedded, ModelCatalog.CurrentOrEmbedded(path));
            }
            finally
            {
                File.Delete(path);
            }
        }

        [Fact]
        public void TheEmbeddedCatalogIsDatedAndLoadsWithoutAPath()
        {
            Assert.Equal(ModelCatalog.EmbeddedName, ModelCatalog.Embedded.Path);
            Assert.Equal("2026-11", ModelCatalog.Embedded.Date);
            if (Environment.GetEnvironmentVariable(ModelCatalog.EnvironmentVariable) == null) Assert.Same(ModelCatalog.Embedded, ModelCatalog.Load());
        }
    }
}
