using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Providers;
using FineTune.Engine.Moderation;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Moderation
{
    public sealed class ModerationTests : IDisposable
    {
        private readonly string dir = Path.Combine(Path.GetTempPath(), "ft-moderation-" + Guid.NewGuid().ToString("N"));

        public ModerationTests() => Directory.CreateDirectory(dir);

        public void Dispose() => Directory.Delete(dir, true);

        private static List<(string, string, string)> Extract(string json)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return ModerationText.Extract(doc.RootElement).Select(i => (i.Role, i.Source, i.Text)).ToList();
        }

        [Fact]
        public void ChatTextsIncludeTextPartsToolCallArgumentsAndToolResults()
        {
            var texts = Extract(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"}," +
                "{\"role\":\"user\",\"content\":[{\"type\":\"text\",\"text\":\"Look at\"},{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://x/y.png\"}},{\"type\":\"text\",\"text\":\"this\"}]}," +
                "{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"c1\",\"type\":\"function\",\"function\":{\"name\":\"f\",\"arguments\":\"{\\\"q\\\":\\\"kill\\\"}\"}}]}," +
                "{\"role\":\"tool\",\"tool_call_id\":\"c1\",\"content\":\"result text\"},{\"role\":\"assistant\",\"content\":\"  \"}]}");
            Assert.Equal(new[]
            {
                ("system", "messages[0].content", "Be brief."),
                ("user", "messages[1].content", "Look at\nthis"),
                ("assistant", "messages[2].tool_calls[0].function.arguments", "{\"q\":\"kill\"}"),
                ("tool", "messages[3].content", "result text"),
            }, texts);
        }

        [Fact]
        public void PreferenceTextsIncludeInputAndBothOutputs()
        {
            var texts = Extract(
                "{\"input\":{\"messages\":[{\"role\":\"user\",\"content\":\"Q\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"good\"}]," +
                "\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"bad\"}]}");
            Assert.Equal(new[]
            {
                ("user", "input.messages[0].content", "Q"),
                ("assistant", "preferred_output[0].content", "good"),
                ("assistant", "non_preferred_output[0].content", "bad"),
            }, texts);
        }

        [Fact]
        public void LegacyTextsArePromptAndCompletion()
        {
            Assert.Equal(new[] { ("prompt", "prompt", "P ->"), ("completion", "completion", " C END") }, Extract("{\"prompt\":\"P ->\",\"completion\":\" C END\"}"));
            Assert.Empty(Extract("[1,2]"));
            Assert.Empty(Extract("{\"messages\":\"not a list\"}"));
        }

        [SkippableFact]
        public void ToolCallingDatasetSendsEveryToolCallAndToolResult()
        {
            string path = SharedData.Require("data/chat_tools_stock_toolcall_training.jsonl");
            int calls = 0, tools = 0, argTexts = 0, toolTexts = 0;
            foreach (string line in File.ReadAllLines(path).Where(l => l.Trim().Length > 0))
            {
                using JsonDocument doc = JsonDocument.Parse(line);
                foreach (JsonElement m in doc.RootElement.GetProperty("messages").EnumerateArray())
                {
                    if (m.TryGetProperty("tool_calls", out JsonElement tc)) calls += tc.GetArrayLength();
                    if (m.GetProperty("role").GetString() == "tool") tools++;
                }

                var texts = ModerationText.Extract(doc.RootElement);
                argTexts += texts.Count(t => t.Source.EndsWith(".function.arguments", StringComparison.Ordinal));
                toolTexts += texts.Count(t => t.Role == "tool");
            }

            Assert.True(calls > 0, "the sample has tool calls");
            Assert.Equal(calls, argTexts);
            Assert.Equal(tools, toolTexts);
        }

        [Fact]
        public void LongTextsAreCutWithoutSplittingSurrogatePairs()
        {
            Assert.Equal(new[] { 8000, 8000, 4000 }, ModerationText.Chunks(new string('a', 20000), 8000).Select(c => c.Length));
            string text = new string('a', 7999) + "\U0001F600" + "b";
            var pieces = ModerationText.Chunks(text, 8000).ToList();
            Assert.Equal(new[] { 7999, 3 }, pieces.Select(p => p.Length));
            Assert.Equal(text, string.Concat(pieces));
        }

        private string CopyGsm8k()
        {
            string source = SharedData.Require("data/chat_gsm8k_train.jsonl");
            string path = Path.Combine(dir, "train.jsonl");
            File.Copy(source, path);
            return path;
        }

        private static IReadOnlyList<ModerationResult> Clean(IReadOnlyList<string> inputs) =>
            inputs.Select(i => new ModerationResult(i.Contains("Natalia"), i.Contains("Natalia") ? new[] { "violence" } : new string[0], new Dictionary<string, double> { ["violence"] = i.Contains("Natalia") ? 0.9 : 0.01 })).ToList();

        [SkippableFact]
        public async Task BatchesKeepTheCountAndSizeLimitsAndTheThrottle()
        {
            string path = CopyGsm8k();
            var sizes = new List<(int Count, int Chars)>();
            int inFlight = 0, maxInFlight = 0;
            ModerationReport report = await ModerationScreener.ScreenAsync(async (inputs, ct) =>
            {
                int now = Interlocked.Increment(ref inFlight);
                lock (sizes)
                {
                    maxInFlight = Math.Max(maxInFlight, now);
                    sizes.Add((inputs.Count, inputs.Sum(i => i.Length)));
                }

                await Task.Yield();
                Interlocked.Decrement(ref inFlight);
                return Clean(inputs);
            }, new ModerationOptions { Path = path, ThrottleLimit = 2 }, NoFeedback.Instance, CancellationToken.None);

            Assert.Equal(1347, sizes.Sum(s => s.Count)); // 449 examples x (system, user, assistant)
            Assert.All(sizes, s => Assert.True(s.Count <= ModerationScreener.MaxInputsPerRequest && s.Chars <= ModerationScreener.MaxCharsPerRequest, $"{s.Count} inputs, {s.Chars} chars"));
            Assert.True(maxInFlight <= 2, $"{maxInFlight} requests in flight");
            Assert.Equal(449, report.Summary.Examples);
            Assert.Equal(sizes.Count, report.Summary.Requests);
            Assert.Equal(new long[] { 1 }, report.Findings.Select(f => f.Line)); // line 1 is about Natalia
            Assert.Equal("user", report.Findings[0].Role);
            Assert.Equal(1, report.Summary.ByCategory["violence"]);
        }

        [SkippableFact]
        public async Task AnInterruptedRunResumesWithoutSendingFinishedExamplesAgain()
        {
            string path = CopyGsm8k();
            string journal = Path.Combine(dir, "journal.jsonl");
            var first = new List<int>();
            var options = new ModerationOptions { Path = path, ThrottleLimit = 1, ResumeFile = journal };
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => ModerationScreener.ScreenAsync((inputs, ct) =>
            {
                if (first.Count == 2) throw new FineTuneServiceException("Moderate", ErrorKind.QuotaExceeded, "InsufficientQuota", "no credit");
                first.Add(inputs.Count);
                return Task.FromResult(Clean(inputs));
            }, options, NoFeedback.Instance, CancellationToken.None));
            Assert.Equal("InsufficientQuota", ex.Reason);

            int finished = first.Sum() / 3; // whole examples in the two answered requests
            Assert.Equal(finished, File.ReadAllLines(journal).Length);

            int sent = 0;
            ModerationReport report = await ModerationScreener.ScreenAsync((inputs, ct) =>
            {
                Interlocked.Add(ref sent, inputs.Count);
                return Task.FromResult(Clean(inputs));
            }, options, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal((449 - finished) * 3, sent);
            Assert.Equal(finished, report.Summary.Resumed);
            Assert.Equal(449 - finished, report.Summary.Screened);
            Assert.Equal(new long[] { 1 }, report.Findings.Select(f => f.Line));
            Assert.True(report.Findings[0].FromJournal);
        }

        [SkippableFact]
        public async Task TheCleanCopyDropsFlaggedLinesByteForByteAndKeepsCrlfAndBlankLines()
        {
            string source = SharedData.Require("data/chat_ticket_classification_train.jsonl");
            string[] lines = File.ReadAllLines(source).Where(l => l.Trim().Length > 0).ToArray();
            string path = Path.Combine(dir, "crlf.jsonl");
            string flagged = "{\"messages\":[{\"role\":\"user\",\"content\":\"Natalia\"},{\"role\":\"assistant\",\"content\":\"x\"}]}";
            File.WriteAllText(path, "\uFEFF" + lines[0] + "\r\n" + flagged + "\r\n\r\n" + string.Join("\r\n", lines.Skip(1)));
            string outFile = Path.Combine(dir, "clean.jsonl");
            ModerationReport report = await ModerationScreener.ScreenAsync((i, ct) => Task.FromResult(Clean(i)),
                new ModerationOptions { Path = path, OutFile = outFile }, NoFeedback.Instance, CancellationToken.None);
            Assert.Equal(new long[] { 2 }, report.Findings.Select(f => f.Line));
            byte[] expected = new UTF8Encoding(true).GetPreamble().Concat(Encoding.UTF8.GetBytes(lines[0] + "\r\n\r\n" + string.Join("\r\n", lines.Skip(1)))).ToArray();
            Assert.Equal(expected, File.ReadAllBytes(outFile));
            Assert.Equal(lines.Length, report.Summary.CleanExamples);
        }

        [Fact]
        public async Task TheServiceCallSurvivesA429RunAndStopsAtOnceOnInsufficientQuota()
        {
            var answers = new Queue<(int Status, string Body)>();
            using var server = new LoopbackServer(async ctx =>
            {
                using (var reader = new StreamReader(ctx.Request.InputStream)) await reader.ReadToEndAsync();
                (int status, string body) = answers.Dequeue();
                ctx.Response.StatusCode = status;
                if (status == 429) ctx.Response.Headers.Add("Retry-After", "0");
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                ctx.Response.ContentType = "application/json";
                ctx.Response.OutputStream.Write(bytes, 0, bytes.Length);
                ctx.Response.Close();
            });

            const string rate = "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}";
            const string quota = "{\"error\":{\"message\":\"You exceeded your current quota\",\"type\":\"insufficient_quota\",\"code\":\"insufficient_quota\"}}";
            const string ok = "{\"id\":\"modr-1\",\"model\":\"omni-moderation-latest\",\"results\":[{\"flagged\":true,\"categories\":{\"hate\":false,\"violence\":true},\"category_scores\":{\"hate\":0.01,\"violence\":0.93}},{\"flagged\":false,\"categories\":{\"violence\":false},\"category_scores\":{\"violence\":0.02}}]}";
            IFineTuneProvider service = new OpenAiProvider(new FineTuneConnection(server.Endpoint, "sk-test", KeySource.Parameter, maxRetries: 0, maxRetryDelaySec: 1));

            for (int i = 0; i < 5; i++) answers.Enqueue((429, rate));
            answers.Enqueue((200, ok));
            IReadOnlyList<ModerationResult> results = await service.ModerateAsync(new[] { "a", "b" }, null, CancellationToken.None);
            Assert.Equal(6, server.Requests); // 5 rate limits waited out although the connection allows 0 retries
            Assert.True(results[0].Flagged);
            Assert.Equal(new[] { "violence" }, results[0].Categories);
            Assert.Equal(0.93, results[0].Scores["violence"]);
            Assert.False(results[1].Flagged);

            server.ResetRequests();
            answers.Enqueue((429, quota));
            answers.Enqueue((200, ok));
            var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => service.ModerateAsync(new[] { "a", "b" }, null, CancellationToken.None));
            Assert.Equal(1, server.Requests);
            Assert.Equal("FineTune.InsufficientQuota", ex.ErrorId);
        }
    }
}
