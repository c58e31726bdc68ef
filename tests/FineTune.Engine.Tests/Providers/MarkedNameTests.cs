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
        [InlineData("data.20240101.jsonl", "^data\\.20240101\\.[0-9a-f]{8}\\.jsonl$")] // a date stamp is not a marker: it stays
        public void TheMarkerGoesBeforeTheExtension(string local, string pattern) => Assert.Matches(new Regex(pattern), OpenAiProvider.MarkedName(local));

        [Fact]
        public void EveryMarkerHasALetterSoThatNoneIsTakenForADate()
        {
            for (int i = 0; i < 500; i++)
            {
                string marked = OpenAiProvider.MarkedName("data.jsonl");
                Assert.Matches(new Regex("^data\\.[0-9a-f]*[a-f][0-9a-f]*\\.jsonl$"), marked);
                Assert.Equal("data.12345678.jsonl".Length, marked.Length);
                Assert.Equal(marked.Length, OpenAiProvider.MarkedName(marked).Length); // sent again: replaced, not added to
            }
        }

        [Fact]
        public void EachUploadGetsItsOwnMarker()
        {
            Assert.NotEqual(OpenAiProvider.MarkedName("train.jsonl"), OpenAiProvider.MarkedName("train.jsonl"));
            Assert.NotEqual("train.1a2b3c4d.jsonl", OpenAiProvider.MarkedName("train.1a2b3c4d.jsonl"));
        }
    }
}
