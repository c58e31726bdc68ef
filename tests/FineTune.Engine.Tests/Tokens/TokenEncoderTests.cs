using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    public class TokenEncoderTests
    {
        [Theory]
        [InlineData("gpt-4o-mini-2024-07-18", "o200k_base")]
        [InlineData("gpt-4.1-2025-04-14", "o200k_base")]
        [InlineData("ft:gpt-4.1-mini-2025-04-14:acme:demo:abc123", "o200k_base")]
        [InlineData("gpt-4.1-2025-04-14.ft-0123abcd", "o200k_base")]
        [InlineData("gpt-3.5-turbo-0125", "cl100k_base")]
        [InlineData("ft:gpt-3.5-turbo-0125:acme::xyz", "cl100k_base")]
        [InlineData("davinci-002", "cl100k_base")]
        public void MapsModelsToEncodings(string model, string encoding) => Assert.Equal(encoding, TokenEncoder.EncodingOf(model));

        [Fact]
        public void CountsPlainText()
        {
            // tiktoken: "hello world" is [24912, 2375] in o200k_base and [15339, 1917] in cl100k_base
            Assert.Equal(new[] { 24912, 2375 }, TokenEncoder.ForEncoding("o200k_base").Encode("hello world"));
            Assert.Equal(new[] { 15339, 1917 }, TokenEncoder.ForEncoding("cl100k_base").Encode("hello world"));
        }
    }
}
