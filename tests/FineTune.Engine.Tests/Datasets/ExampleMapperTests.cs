using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FineTune.Engine.Datasets;
using Xunit;
using static FineTune.Engine.Tests.Datasets.RecordTestData;

namespace FineTune.Engine.Tests.Datasets
{
    public class ExampleMapperTests
    {
        private static readonly ExampleMapper Default = new ExampleMapper(new ExampleMappingOptions());

        [SkippableFact]
        public void AlpacaSeedTasksGive175ChatExamplesWithInstructionBlankLineInput()
        {
            string path = SharedData.Require("data/instruct_alpaca_seed_tasks.jsonl");
            var examples = new List<FineTuneExample>();
            long n = 0;
            foreach (string line in File.ReadLines(path))
            {
                ExampleMapResult r = Default.Map(Record(line), ++n);
                Assert.Empty(r.Errors);
                examples.AddRange(r.Examples);
            }

            Assert.Equal(175, examples.Count);
            Assert.Equal(
                "{\"messages\":[{\"role\":\"user\",\"content\":\"What is the relation between the given pairs?\\n\\nNight : Day :: Right : Left\"},{\"role\":\"assistant\",\"content\":\"The relation between the given pairs is that they are opposites.\"}]}",
                examples[1].ToJson());

            // seed_task_0 has an empty input: the user text is the instruction alone
            Assert.Equal("Is there anything I can eat for a breakfast that doesn't include eggs, yet includes protein, and has roughly 700-1000 calories?", examples[0].Messages[0].Content);
        }

        [Fact]
        public void DefaultNamesFollowTheDocumentedPrecedenceAndIgnoreCaseSpacesAndBom()
        {
            ExampleMapResult r = Default.Map(Rec(("\uFEFFquestion", "Q?"), ("Expected Response", "A."), ("Output", "not me")), 1);
            Assert.Equal("Q?", r.Examples.Single().Messages[0].Content);
            Assert.Equal("A.", r.Examples.Single().Messages[1].Content);
            Assert.Equal("user ← \uFEFFquestion, assistant ← Expected Response", r.Mapping);

            // Prompt beats Question; Completion beats Answer
            r = Default.Map(Rec(("question", "q"), ("PROMPT", "p"), ("answer", "a"), ("completion", "c")), 2);
            Assert.Equal("{\"messages\":[{\"role\":\"user\",\"content\":\"p\"},{\"role\":\"assistant\",\"content\":\"c\"}]}", r.Examples.Single().ToJson());
        }

        [Fact]
        public void MissingAssistantIsAnErrorNamingRecordAndProperties()
        {
            ExampleMapResult r = Default.Map(Rec(("policy", "Delete Payment Method"), ("content", "How do I ...")), 7);
            Assert.Empty(r.Examples);
            string error = Assert.Single(r.Errors);
            Assert.StartsWith("Record 7: no property for the user text", error);
            Assert.Contains("It has: policy, content.", error);

            r = Default.Map(Rec(("Question", "q"), ("Answer", "   ")), 8);
            Assert.Equal("Record 8: property 'Answer' is empty.", Assert.Single(r.Errors));

            var explicitMapper = new ExampleMapper(new ExampleMappingOptions { UserProperty = "policy", AssistantProperty = "body" });
            r = explicitMapper.Map(Rec(("policy", "x"), ("content", "y")), 9);
            Assert.Equal("Record 9: no property 'body' (-AssistantProperty) for the assistant text (completion). It has: policy, content.", Assert.Single(r.Errors));
        }

        [Fact]
        public void ExplicitPropertiesSystemMessageWeightAndTools()
        {
            var tool = Record("{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}");
            var mapper = new ExampleMapper(new ExampleMappingOptions { UserProperty = "policy", AssistantProperty = "content", SystemMessage = "Be brief.", Weight = 1, Tools = new List<object?> { tool } });
            FineTuneExample e = mapper.Map(Rec(("policy", "T"), ("content", "B")), 1).Examples.Single();
            Assert.Equal(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"T\"},{\"role\":\"assistant\",\"content\":\"B\",\"weight\":1}],\"tools\":[{\"type\":\"function\",\"function\":{\"name\":\"f\",\"parameters\":{\"type\":\"object\"}}}]}",
                e.ToJson());
        }

        [Fact]
        public void PreferenceAndCompletionFormats()
        {
            var dpo = new ExampleMapper(new ExampleMappingOptions { Format = DatasetFormat.Preference, SystemMessage = "S" });
            FineTuneExample p = dpo.Map(Rec(("prompt", "Hi"), ("chosen", "Hello!"), ("rejected", "What.")), 1).Examples.Single();
            Assert.Equal(
                "{\"input\":{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Hi\"}]},\"preferred_output\":[{\"role\":\"assistant\",\"content\":\"Hello!\"}],\"non_preferred_output\":[{\"role\":\"assistant\",\"content\":\"What.\"}]}",
                p.ToJson());

            // an existing preference line passes through unchanged
            FineTuneExample again = dpo.Map(Record(p.ToJson()), 2).Examples.Single();
            Assert.Equal(p.ToJson(), again.ToJson());

            ExampleMapResult missing = dpo.Map(Rec(("prompt", "Hi"), ("chosen", "Hello!")), 3);
            Assert.Contains("the non-preferred reply", Assert.Single(missing.Errors));

            var legacy = new ExampleMapper(new ExampleMappingOptions { Format = DatasetFormat.Completion });
            Assert.Equal("{\"prompt\":\"Q ->\",\"completion\":\" A\\n\"}", legacy.Map(Rec(("question", "Q ->"), ("answer", " A\n")), 1).Examples.Single().ToJson());
            Assert.Throws<ArgumentException>(() => new ExampleMapper(new ExampleMappingOptions { Format = DatasetFormat.Completion, SystemMessage = "x" }));
            Assert.Throws<ArgumentException>(() => new ExampleMapper(new ExampleMappingOptions { Weight = 2 }));
        }

        [SkippableTheory]
        [InlineData("data/chat_tools_stock_toolcall_training.jsonl")]
        [InlineData("data/chat_toy_openai_cookbook.jsonl")]
        [InlineData("data/chat_travel_assistant_mslearn_small.jsonl")]
        [InlineData("data/chat_ticket_classification_train.jsonl")]
        public void ExistingChatExamplesPassThroughWithTheSameJson(string file)
        {
            string path = SharedData.Require(file);
            long n = 0;
            foreach (string line in File.ReadLines(path).Where(l => l.Trim().Length > 0))
            {
                ExampleMapResult r = Default.Map(Record(line), ++n);
                Assert.Empty(r.Errors);
                Assert.Equal("messages (already an example)", r.Mapping);
                using var source = JsonDocument.Parse(line);
                using var written = JsonDocument.Parse(r.Examples.Single().ToJson());
                Assert.True(JsonEqual(source.RootElement, written.RootElement), $"{file} line {n} changed:\n{line}\n{r.Examples[0].ToJson()}");
            }

            Assert.True(n >= 5);
        }

        [Fact]
        public void MessagesWithToolCallsArgumentsObjectBecomesJsonString()
        {
            var messages = new List<object?>
            {
                Rec(("role", "user"), ("content", "Price of MSFT?")),
                Rec(("role", "assistant"), ("tool_calls", new List<object?> { Rec(("id", "call_1"), ("function", Rec(("name", "get_price"), ("arguments", Rec(("symbol", "MSFT")))))) })),
                Rec(("role", "tool"), ("tool_call_id", "call_1"), ("content", "412.30")),
                Rec(("role", "assistant"), ("content", "412.30 USD"), ("weight", 1L)),
            };
            FineTuneExample e = new ExampleMapper(new ExampleMappingOptions { SystemMessage = "S", Weight = 0 }).FromMessages(messages);
            Assert.Equal(
                "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Price of MSFT?\"},{\"role\":\"assistant\",\"tool_calls\":[{\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_price\",\"arguments\":\"{\\\"symbol\\\":\\\"MSFT\\\"}\"}}],\"weight\":0},{\"role\":\"tool\",\"content\":\"412.30\",\"tool_call_id\":\"call_1\"},{\"role\":\"assistant\",\"content\":\"412.30 USD\",\"weight\":1}]}",
                e.ToJson());

            FormatException ex = Assert.Throws<FormatException>(() => Default.FromMessages(new List<object?> { Rec(("content", "no role")) }));
            Assert.Equal("message 1 has no role (system, user, assistant or tool).", ex.Message);
        }
    }
}
