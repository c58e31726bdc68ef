using System;
using System.Net;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>A service that echoes the key, a token or proxy credentials back never gets them into a message.</summary>
    public sealed class SecretMaskingTests
    {
        private const string Key = "sk-proj-Zq81mV0aTestSecretKey4471";

        private static async Task<FineTuneServiceException> FailWith(int status, Func<HttpListenerRequest, string> body, Uri? proxy = null)
        {
            using var server = new LoopbackServer(async ctx =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body(ctx.Request));
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = "application/json";
                ctx.Response.Headers["x-request-id"] = "req_echo";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            });
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, Key, KeySource.Parameter, maxRetries: 0, proxy: proxy));
            return await Assert.ThrowsAsync<FineTuneServiceException>(() => provider.ListModelsAsync(CancellationToken.None));
        }

        [Fact]
        public async Task AnEchoedAuthorizationHeaderIsMasked()
        {
            FineTuneServiceException ex = await FailWith(401, r =>
                "{\"error\":{\"message\":\"Incorrect API key provided: " + r.Headers["Authorization"] + ". Key " + Key.Substring(0, 20) + "... is wrong\",\"type\":\"invalid_request_error\",\"code\":\"invalid_api_key\"}}");
            Assert.DoesNotContain("TestSecretKey", ex.ToString());
            Assert.Contains("Bearer ***", ex.Message);
            Assert.Contains("req_echo", ex.Message);
        }

        [Fact]
        public void AnyEngineFailureMasksAKeyShapedText()
        {
            // a workflow failure that wraps another's message (Screening, JobLauncher) is masked like a service's answer
            var ex = new FineTuneException("Moderate", ErrorKind.InvalidRequest, "InvalidArgument", "Incorrect API key provided: sk-proj-Qv73TopSecret0042 (Bearer abc.def)");
            Assert.DoesNotContain("TopSecret", ex.Message);
            Assert.DoesNotContain("abc.def", ex.Message);
            Assert.StartsWith("Incorrect API key provided: sk-", ex.Message);
        }

        [Fact]
        public void ShapesAndExactSecretsAreMasked()
        {
            var masker = new SecretMasker(new[] { "hunter2pass", null, "ab" });
            string text = masker.Mask("key sk-abcdef123456 token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln api-key: 0123456789abcdef proxy http://bob:hunter2pass@proxy:8080/ and ab")!;
            Assert.Equal("key sk-*** token *** api-key: *** proxy http://***@proxy:8080/ and ab", text);
        }

        [Fact]
        public void TheContextShowsTheProxyWithoutUserAndPassword()
        {
            var c = new FineTuneConnection(new Uri("http://127.0.0.1/v1"), Key, KeySource.Parameter, proxy: new Uri("http://alice:s3cr%40t@proxy.example:3128/"));
            Assert.Equal("http://***@proxy.example:3128/", c.Proxy!.ToString());
            Assert.Equal("password ***", c.Masker.Mask("password s3cr@t"));
        }
    }
}
