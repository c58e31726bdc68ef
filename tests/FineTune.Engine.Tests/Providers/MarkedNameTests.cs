using System.Text.RegularExpressions;
using FineTune.Engine.Providers;
using Xunit;

namespace FineTune.Engine.Tests.Providers
{
    /// <summary>The name a direct upload is stored under: the local name with a marker of that upload before the extension.</summary>
    public sealed class MarkedNameTests
    {
        [Theory]
        [InlineData("train.jsonl", "^train\\.[0-9a-f]{8}\\.jsonl$")]
        [InlineData("train.1a2b3c4d.jsonl", "^train\\.[0-9a-f]{8}\\.jsonl$")] // saved from the service, sent again: one marker, not two
        [InlineData("my.data.v2.jsonl", "^my\\.data\\.v2\\.[0-9a-f]{8}\\.jsonl$")]
        [InlineData("notes", "^notes\\.[0-9a-f]{8}$")]
        public void TheMarkerGoesBeforeTheExtension(string local, string pattern) => Assert.Matches(new Regex(pattern), OpenAiProvider.MarkedName(local));

        [Fact]
        public void EachUploadGetsItsOwnMarker()
        {
            Assert.NotEqual(OpenAiProvider.MarkedName("train.jsonl"), OpenAiProvider.MarkedName("train.jsonl"));
            Assert.NotEqual("train.1a2b3c4d.jsonl", OpenAiProvider.MarkedName("train.1a2b3c4d.jsonl"));
        }
    }
}
