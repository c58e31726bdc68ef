using System;
using FineTune.Engine.Providers;
using Xunit;

namespace FineTune.Engine.Tests.Providers
{
    /// <summary>The -Debug wire log never shows a secret that a URL carries.</summary>
    public class WireLogPolicyTests
    {
        [Theory]
        [InlineData("http://user:s3cret@proxy.local:8080/v1/files", "http://***@proxy.local:8080/v1/files")]
        [InlineData("https://r.openai.azure.com/openai/v1/models?api-key=abc123&limit=2", "https://r.openai.azure.com/openai/v1/models?api-key=***&limit=2")]
        [InlineData("https://x.blob.core.windows.net/f?sv=2024&sig=Zm9vYmFy%3D&se=1", "https://x.blob.core.windows.net/f?sv=2024&sig=***&se=1")]
        [InlineData("https://api.openai.com/v1/fine_tuning/jobs?after=ftjob-1&limit=20", "https://api.openai.com/v1/fine_tuning/jobs?after=ftjob-1&limit=20")]
        public void MasksUserInformationAndSecretParameters(string url, string shown) =>
            Assert.Equal(shown, WireLogPolicy.MaskUrl(new Uri(url)));
    }
}
