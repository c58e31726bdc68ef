using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Service
{
    /// <summary>Answers that a service sends malformed become clear errors naming the request id, never an empty answer or a crash.</summary>
    public sealed class MalformedAnswerTests
    {
        private static readonly ChatMessage[] Hello = { new ChatMessage("user", "Hello?") };

        private static async Task<T> Answering<T>(string body, Func<IFineTuneProvider, Task<T>> call, string contentType = "application/json")
        {
            using var server = new LoopbackServer(async ctx =>
            {
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                ctx.Response.StatusCode = 200;
                ctx.Response.ContentType = contentType;
                ctx.Response.Headers["x-request-id"] = "req_odd_1";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            });
            return await call(new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0)));
        }

        [Theory]
        [InlineData("{\"model\":\"m\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":\"hi\"}}],\"usage\":{\"prompt_tokens\":-5,\"completion_tokens\":2}}", "token usage")]
        [InlineData("{\"model\":\"m\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":0}}", "empty \"choices\"")]
        [InlineData("{\"model\":\"m\",\"choices\":null}", "no \"choices\"")]
        [InlineData("[{\"choices\":[]}]", "array")]
        [InlineData("{\"choices\":[\"text\"]}", "not an object")]
        public async Task AMalformedChatAnswerIsAnErrorNamingTheRequestId(string body, string what)
        {
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Answering(body, p => p.ChatAsync("gpt-4o-mini", Hello, null, null, CancellationToken.None)));
            Assert.Equal(ErrorKind.InvalidResponse, ex.Kind);
            Assert.Contains(what, ex.Message);
            Assert.Contains("req_odd_1", ex.Message);
        }

        [Fact]
        public async Task AnEmbeddingIndexBeyondIntDoesNotWrapIntoAnotherSlot()
        {
            // 4294967296 (2^32) read as an int would be 0: the one vector would land in slot 0 and the answer look whole
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Answering(
                "{\"data\":[{\"index\":4294967296,\"embedding\":[0.1,0.2]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":1}}",
                p => p.EmbedAsync("text-embedding-3-small", new[] { "hello" }, null, default)));
            Assert.Contains("no vector for input 1 of 1", ex.Message);
            Assert.Contains("req_odd_1", ex.Message);
        }

        [Fact]
        public async Task ARefusalIsReported()
        {
            ChatAnswer a = await Answering(
                "{\"model\":\"m\",\"choices\":[{\"message\":{\"role\":\"assistant\",\"content\":null,\"refusal\":\"I can't help with that.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":7}}",
                p => p.ChatAsync("gpt-4o-mini", Hello, null, null, CancellationToken.None));
            Assert.Equal("I can't help with that.", a.Refusal);
            Assert.Null(a.Answer);
        }

        [Fact]
        public async Task AnHtmlPageWithStatus200SaysTheEndpointIsNotAnApi()
        {
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => Answering(
                "<!DOCTYPE html><html><body>Sign in</body></html>", p => p.ListModelsAsync(CancellationToken.None), "text/html"));
            Assert.Equal("NotAnApi", ex.Reason);
            Assert.Contains("not an OpenAI-compatible API", ex.Message);
            Assert.Contains("req_odd_1", ex.Message);
        }
    }
}
