using System;
using System.Collections.Generic;
using System.Linq;
using System.IO;
using System.Text.Json;
using FineTune.Engine.Tokens;
using Xunit;

namespace FineTune.Engine.Tests.Tokens
{
    public class ChatTokenCounterTests
    {
        private static ExampleTokens Count(string json, string encoding)
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            return ChatTokenCounter.Count(doc.RootElement, TokenEncoder.ForEncoding(encoding));
        }

        // OpenAI cookbook "How to count tokens with tiktoken", section 6: the API counted 129 prompt tokens
        // for these messages on gpt-4-0613 / gpt-3.5-turbo-0613 and 124 on gpt-4o / gpt-4o-mini.
        private const string CookbookMessages = @"{""messages"": [
 {""role"": ""system"", ""content"": ""You are a helpful, pattern-following assistant that translates corporate jargon into plain English.""},
 {""role"": ""system"", ""name"": ""example_user"", ""content"": ""New synergies will help drive top-line growth.""},
 {""role"": ""system"", ""name"": ""example_assistant"", ""content"": ""Things working well together will increase revenue.""},
 {""role"": ""system"", ""name"": ""example_user"", ""content"": ""Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage.""},
 {""role"": ""system"", ""name"": ""example_assistant"", ""content"": ""Let's talk later when we're less busy about how to do better.""},
 {""role"": ""user"", ""content"": ""This late pivot means we don't have time to boil the ocean for the client deliverable.""}]}";

        [Theory]
        [InlineData("cl100k_base", 129)]
        [InlineData("o200k_base", 124)]
        public void MessagesCountAsTheApiCountedThem(string encoding, int expected)
        {
            ExampleTokens tokens = Count(CookbookMessages, encoding);
            Assert.Equal(expected, tokens.Total);
            Assert.Equal(0, tokens.Assistant);
            Assert.False(tokens.Approximate);
        }

        // Same cookbook, section 7: with this tool the API counted 105 prompt tokens on gpt-3.5-turbo and
        // gpt-4, 101 on gpt-4o and gpt-4o-mini.
        private const string CookbookTools = @"{""messages"": [
 {""role"": ""system"", ""content"": ""You are a helpful assistant that can answer to questions about the weather.""},
 {""role"": ""user"", ""content"": ""What's the weather like in San Francisco?""}],
 ""tools"": [{""type"": ""function"", ""function"": {""name"": ""get_current_weather"", ""description"": ""Get the current weather in a given location"",
   ""parameters"": {""type"": ""object"", ""properties"": {
     ""location"": {""type"": ""string"", ""description"": ""The city and state, e.g. San Francisco, CA""},
     ""unit"": {""type"": ""string"", ""description"": ""The unit of temperature to return"", ""enum"": [""celsius"", ""fahrenheit""]}},
   ""required"": [""location""]}}}]}";

        [Theory]
        [InlineData("cl100k_base", 105)]
        [InlineData("o200k_base", 101)]
        public void ToolDefinitionsCountAsTheApiCountedThem(string encoding, int expected) =>
            Assert.Equal(expected, Count(CookbookTools, encoding).Total);

        [Fact]
        public void DeprecatedFunctionsCountLikeTools()
        {
            string functions = CookbookTools.Replace(@"""tools"": [{""type"": ""function"", ""function"": {", @"""functions"": [{").Replace("}}}]}", "}}]}");
            Assert.Equal(101, Count(functions, "o200k_base").Total);
        }

        [Fact]
        public void AssistantTokensAreTheTrainedReplies()
        {
            var enc = TokenEncoder.ForEncoding("o200k_base");
            string json = @"{""messages"": [{""role"": ""user"", ""content"": ""hello world""},
              {""role"": ""assistant"", ""content"": ""Hi there, friend."", ""weight"": 0},
              {""role"": ""user"", ""content"": ""again""},
              {""role"": ""assistant"", ""content"": ""Hello again!"", ""weight"": 1}]}";
            ExampleTokens t = Count(json, "o200k_base");
            int values = enc.Count("user") + enc.Count("hello world") + enc.Count("assistant") + enc.Count("Hi there, friend.") +
                         enc.Count("user") + enc.Count("again") + enc.Count("assistant") + enc.Count("Hello again!");
            Assert.Equal(4 * 3 + values + 3, t.Total);
            Assert.Equal(enc.Count("Hello again!"), t.Assistant);
        }

        [Fact]
        public void ToolCallsCountNameAndArguments()
        {
            var enc = TokenEncoder.ForEncoding("o200k_base");
            string json = @"{""messages"": [{""role"": ""user"", ""content"": ""price of MSFT?""},
              {""role"": ""assistant"", ""tool_calls"": [{""id"": ""call_1"", ""type"": ""function"", ""function"": {""name"": ""get_price"", ""arguments"": ""{\""ticker\"": \""MSFT\""}""}}]},
              {""role"": ""tool"", ""tool_call_id"": ""call_1"", ""content"": ""420.5""}]}";
            ExampleTokens t = Count(json, "o200k_base");
            int call = enc.Count("get_price") + enc.Count("{\"ticker\": \"MSFT\"}");
            Assert.Equal(call, t.Assistant);
            int expected = 3 * 3 + 3 + enc.Count("user") + enc.Count("price of MSFT?") + enc.Count("assistant") + call +
                           enc.Count("tool") + enc.Count("call_1") + enc.Count("420.5");
            Assert.Equal(expected, t.Total);
        }

        [Fact]
        public void PreferenceAndLegacyExamples()
        {
            var enc = TokenEncoder.ForEncoding("cl100k_base");
            ExampleTokens dpo = Count(@"{""input"": {""messages"": [{""role"": ""user"", ""content"": ""Say hi""}]},
              ""preferred_output"": [{""role"": ""assistant"", ""content"": ""Hi!""}],
              ""non_preferred_output"": [{""role"": ""assistant"", ""content"": ""No.""}]}", "cl100k_base");
            int input = 3 + enc.Count("user") + enc.Count("Say hi") + 3;
            int outputs = 3 + enc.Count("assistant") + enc.Count("Hi!") + 3 + enc.Count("assistant") + enc.Count("No.");
            Assert.Equal(input + outputs, dpo.Total);
            Assert.Equal(enc.Count("Hi!") + enc.Count("No."), dpo.Assistant);

            ExampleTokens legacy = Count(@"{""prompt"": ""What is 2+2? ->"", ""completion"": "" 4\n""}", "cl100k_base");
            Assert.Equal(enc.Count("What is 2+2? ->") + enc.Count(" 4\n"), legacy.Total);
            Assert.Equal(enc.Count(" 4\n"), legacy.Assistant);
        }

        [Fact]
        public void LoneSurrogateEscapeCountsAsReplacementCharacter()
        {
            var enc = TokenEncoder.ForEncoding("o200k_base");
            ExampleTokens t = Count(@"{""prompt"": ""a\ud800b \\ud800"", ""completion"": ""x""}", "o200k_base");
            Assert.Equal(enc.Count("a\uFFFDb \\ud800") + enc.Count("x"), t.Total);
        }

        [Theory]
        [InlineData("[1,2]")]
        [InlineData(@"{""messages"": ""not a list""}")]
        [InlineData(@"{""messages"": [1, null, {""role"": 5, ""content"": {""x"": ""y""}}], ""tools"": [3, {""function"": 7}]}")]
        [InlineData(@"{""input"": 3, ""preferred_output"": {}}")]
        public void OddShapesDoNotThrow(string json) => Count(json, "o200k_base");

        [SkippableTheory]
        [InlineData("data/chat_tools_stock_toolcall_training.jsonl")]
        [InlineData("data/chat_travel_assistant_mslearn_small.jsonl")]
        [InlineData("data/chat_ticket_classification_train.jsonl")]
        public void FileCountsFromThePerFileCacheEqualCountsWithoutIt(string data)
        {
            // The file three times over: from the second copy on, system messages, tool definitions and answers
            // come from the file's cache; every example must count as the same line counted alone, without it.
            string[] lines = File.ReadAllLines(SharedData.Require(data)).Where(l => l.Trim().Length > 0).ToArray();
            var enc = TokenEncoder.ForModel("gpt-4o-mini-2024-07-18");
            int[] alone = lines.Select(l =>
            {
                using JsonDocument doc = JsonDocument.Parse(l);
                return ChatTokenCounter.Count(doc.RootElement, enc).Total;
            }).ToArray();
            string path = Path.Combine(Path.GetTempPath(), "ft-cache-" + Guid.NewGuid().ToString("N") + ".jsonl");
            try
            {
                File.WriteAllLines(path, lines.Concat(lines).Concat(lines));
                var counts = new List<Engine.Datasets.ExampleTokenCount>();
                Engine.Datasets.DatasetChecker.Measure(path, "gpt-4o-mini-2024-07-18", Engine.Datasets.DatasetFormat.Auto, counts.Add, null, default);
                Assert.Equal(3 * lines.Length, counts.Count);
                for (int k = 0; k < counts.Count; k++) Assert.True(alone[k % lines.Length] == counts[k].Tokens, $"example {k + 1}: {counts[k].Tokens}, alone {alone[k % lines.Length]}");
            }
            finally
            {
                File.Delete(path);
            }
        }

        [SkippableFact]
        public void RealToolCallingFileCountsEveryLine()
        {
            string path = SharedData.Require("data/chat_tools_stock_toolcall_training.jsonl");
            var enc = TokenEncoder.ForModel("gpt-4o-mini-2024-07-18");
            int lines = 0;
            foreach (string line in File.ReadLines(path))
            {
                if (line.Length == 0) continue;
                using JsonDocument doc = JsonDocument.Parse(line);
                ExampleTokens t = ChatTokenCounter.Count(doc.RootElement, enc);
                Assert.True(t.Total > t.Assistant && t.Assistant > 0, $"line {lines + 1}: total {t.Total}, assistant {t.Assistant}");
                lines++;
            }

            Assert.True(lines >= 10);
        }

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void AStringWithAnEscapeOrAWideCharacterAnywhereCountsItsText(string encoding)
        {
            // Strings without escapes are read in place, eight bytes a step: an escape or a byte above 0x7F in any
            // of the positions of a step, or in the tail, sends the string through GetString. Counted raw, "\n"
            // would be a backslash and a letter, and "\u00e9" six characters.
            TokenEncoder encoder = TokenEncoder.ForEncoding(encoding);
            int empty = Count(@"{""messages"": [{""role"": ""user"", ""content"": """"}]}", encoding).Total;
            const string text = "The quick brown fox jumps over";
            foreach ((string escaped, string decoded) in new[] { ("\\n", "\n"), ("\\\"", "\""), ("\\u00e9", "\u00e9"), ("\u00e9", "\u00e9"), ("\u4e2d", "\u4e2d") })
            {
                for (int at = 0; at <= text.Length; at++)
                {
                    string raw = text.Substring(0, at) + escaped + text.Substring(at);
                    string plain = text.Substring(0, at) + decoded + text.Substring(at);
                    int got = Count(@"{""messages"": [{""role"": ""user"", ""content"": """ + raw + @"""}]}", encoding).Total - empty;
                    Assert.True(encoder.Count(plain) == got, $"{escaped} at {at}: {got}, want {encoder.Count(plain)}");
                }
            }
        }

        [Theory]
        [InlineData("o200k_base")]
        [InlineData("cl100k_base")]
        public void EscapedPropertyNamesCountAsPlainOnes(string encoding)
        {
            // Names are compared where they lie in the line; one with an escape is read through the JSON reader.
            string escaped = @"{""messages"": [{""r\u006fle"": ""user"", ""c\u006fntent"": ""What is 2+2?""}, {""role"": ""assistant"", ""n\u0061me"": ""bot"", ""content"": ""4"", ""w\u0065ight"": 1}]}";
            string plain = @"{""messages"": [{""role"": ""user"", ""content"": ""What is 2+2?""}, {""role"": ""assistant"", ""name"": ""bot"", ""content"": ""4"", ""weight"": 1}]}";
            ExampleTokens want = Count(plain, encoding);
            ExampleTokens got = Count(escaped, encoding);
            Assert.True(want.Assistant > 0);
            Assert.Equal(want.Total, got.Total);
            Assert.Equal(want.Assistant, got.Assistant);
        }
    }
}
