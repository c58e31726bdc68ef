using System.Linq;
using FineTune.Engine.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.Datasets
{
    public class UploadCheckTests
    {
        [SkippableFact]
        public void AGoodTrainingFilePasses()
        {
            string path = SharedData.Require("data/chat_ticket_classification_train.jsonl");
            Assert.Empty(UploadChecks.Check(path, default));
        }

        [SkippableFact]
        public void AFileWithBrokenJsonIsRefusedWithTheLine()
        {
            string path = SharedData.Require("data/bad_legacy_unescaped_quotes_semaphore.jsonl");
            var problems = UploadChecks.Check(path, default);
            Assert.NotEmpty(problems);
            Assert.True(problems[0].Line > 0);
            Assert.StartsWith("FT", problems[0].Rule);
            Assert.StartsWith($"line {problems[0].Line} ({problems[0].Rule}): ", problems[0].ToString());
        }
    }
}
