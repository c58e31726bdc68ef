using System.Linq;
using System.Threading;
using FineTune.Engine.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>FT022: a prompt/completion file trains only babbage-002/davinci-002, and they take nothing else.</summary>
    public class FormatFitsModelTests
    {
        [SkippableFact]
        public void TheRealLegacyFileIsAnErrorForAChatModelAndCleanForDavinci()
        {
            string path = SharedData.Require("data/legacy_prompt_completion_semaphore_qa.jsonl");
            var forChat = new System.Collections.Generic.List<DatasetFinding>();
            DatasetReport chat = DatasetChecker.Test(path, new DatasetCheckOptions { Model = "gpt-4o-mini-2024-07-18" }, forChat.Add, null, CancellationToken.None);
            Assert.False(chat.Valid);
            Assert.Single(forChat, f => f.RuleId == "FT022");
            var forDavinci = new System.Collections.Generic.List<DatasetFinding>();
            DatasetChecker.Test(path, new DatasetCheckOptions { Model = "davinci-002" }, forDavinci.Add, null, CancellationToken.None);
            Assert.DoesNotContain(forDavinci, f => f.RuleId == "FT022");
        }

        [Theory]
        [InlineData(DatasetFormat.Completion, "gpt-4o-mini-2024-07-18", true)]
        [InlineData(DatasetFormat.Completion, "babbage-002", false)]
        [InlineData(DatasetFormat.Chat, "davinci-002", true)]
        [InlineData(DatasetFormat.Chat, "ft:gpt-4.1-mini-2025-04-14:acme::x", false)]
        [InlineData(DatasetFormat.Preference, "gpt-4.1-2025-04-14", false)]
        public void FormatFitsModel(DatasetFormat format, string model, bool misfit) =>
            Assert.Equal(misfit, DatasetChecker.FormatFits(format, model) != null);

        [Theory]
        [InlineData(DatasetFormat.Preference, "gpt-4o-mini-2024-07-18", DatasetTarget.Azure, "The file is preference examples; on Azure gpt-4o-mini-2024-07-18 trains on chat examples only.")]
        [InlineData(DatasetFormat.Preference, "gpt-4o-mini-2024-07-18", DatasetTarget.OpenAI, null)]
        [InlineData(DatasetFormat.Preference, "gpt-4.1-mini-2025-04-14", DatasetTarget.Azure, null)]
        [InlineData(DatasetFormat.Preference, "o4-mini", DatasetTarget.OpenAI, "The file is preference examples; o4-mini trains on chat examples only.")]
        [InlineData(DatasetFormat.Chat, "ft:babbage-002:acme::x", DatasetTarget.OpenAI, "The file is chat examples; ft:babbage-002:acme::x trains on prompt/completion lines only.")]
        [InlineData(DatasetFormat.Completion, "gpt-4.1-2025-04-14.ft-01ab", DatasetTarget.Azure, "The file is prompt/completion, which trains only babbage-002 and davinci-002; gpt-4.1-2025-04-14.ft-01ab needs chat examples (\"messages\").")]
        [InlineData(DatasetFormat.Unknown, "davinci-002", DatasetTarget.OpenAI, null)]
        public void TheCatalogSaysWhichFormatsAModelTrainsOnEachProvider(DatasetFormat format, string model, DatasetTarget target, string? misfit) =>
            Assert.Equal(misfit, DatasetChecker.FormatFits(format, model, target));
    }
}
