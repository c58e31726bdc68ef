using System;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;
using FineTune.Engine.Evaluation;
using Xunit;

namespace FineTune.Engine.Tests.Evaluation
{
    public class GraderTests
    {
        private static EvalExample Example(string json) => EvalSet.Parse("test.jsonl", 1, json);

        private static GradeResult Grade(Grader g, EvalExample e, string answer, GraderChat? chat = null) =>
            g.GradeAsync(new GradingContext(e, answer, chat), CancellationToken.None).GetAwaiter().GetResult();

        private const string Chat = "{\"messages\":[{\"role\":\"system\",\"content\":\"S\"},{\"role\":\"user\",\"content\":\"Q?\"},{\"role\":\"assistant\",\"content\":\"Billing\"}],\"label\":\"Billing\",\"meta\":{\"tags\":[\"x\",\"y\"],\"n\":3}}";

        [Fact]
        public void ALineSplitsIntoPromptReferenceAndItem()
        {
            EvalExample e = Example(Chat);
            Assert.Equal(new[] { "system", "user" }, e.Prompt.Select(m => m.Role));
            Assert.Equal("Billing", e.Reference);
            Assert.Equal("Q?", e.Question);
            Assert.Equal("Billing", (string?)e.Item["label"]);
            Assert.Equal("Billing", (string?)e.Item["reference"]);
            Assert.False(e.Item.ContainsKey("messages"));

            EvalExample legacy = Example("{\"prompt\":\"P ->\",\"completion\":\" yes\"}");
            Assert.Equal("P ->", legacy.LegacyPrompt);
            Assert.Equal(" yes", legacy.Reference);

            var ex = Assert.Throws<EvalSetException>(() => Example("{\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}"));
            Assert.Equal("messages", ex.Field);
            Assert.Contains("test.jsonl:1", ex.Message);
            Assert.Equal("messages[0].role", Assert.Throws<EvalSetException>(() => Example("{\"messages\":[{\"content\":\"hi\"}]}")).Field);
        }

        [Fact]
        public void TemplatesReadTheItemAndTheAnswer()
        {
            var c = new GradingContext(Example(Chat), "{\"label\":\"Billing\",\"why\":[1,2]}");
            Assert.Equal("Billing/y/3", Template.Render("{{item.label}}/{{ item.meta.tags[1] }}/{{item.meta.n}}", c));
            Assert.Equal("Billing|2|[1,2]", Template.Render("{{sample.output_json.label}}|{{sample.output_json.why.1}}|{{sample.output_json.why}}", c));
            Assert.Equal("[]", Template.Render("[{{item.missing}}{{sample.output_json.nope}}]", c));
            Assert.Equal("{\"label\":\"Billing\",\"why\":[1,2]}", Template.Render("{{sample.output_text}}", c));
            Assert.Null(new GradingContext(Example(Chat), "not json").OutputJson);
        }

        [Theory]
        [InlineData("eq", "Billing", true)]
        [InlineData("eq", "billing", false)]
        [InlineData("ne", "billing", true)]
        [InlineData("like", "It is Billing.", true)]
        [InlineData("like", "It is billing.", false)]
        [InlineData("ilike", "It is billing.", true)]
        public void StringCheckOperations(string op, string answer, bool passes)
        {
            var g = new StringCheckGrader("s", "{{sample.output_text}}", "{{item.label}}", op);
            GradeResult r = Grade(g, Example(Chat), answer);
            Assert.Equal(passes, r.Passed);
            Assert.Equal(passes ? 1 : 0, r.Score);
        }

        [Fact]
        public void RegexComparesTheCapturedFinalNumber()
        {
            var e = Example("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\" 3 * 7 = 21\\n#### 1,200!!!\"}]}");
            var g = new RegexGrader(@"####\s*(-?[\d,.]+)");
            Assert.True(Grade(g, e, "so 1200 in all\n#### 1200").Passed);
            GradeResult wrong = Grade(g, e, "#### 12");
            Assert.False(wrong.Passed);
            Assert.True(wrong.FormatValid);
            GradeResult unformatted = Grade(g, e, "The answer is 1200.");
            Assert.False(unformatted.Passed);
            Assert.False(unformatted.FormatValid);
            Assert.True(Grade(new RegexGrader("^#### "), e, "#### 5").Passed);
        }

        [Fact]
        public void LabelSetReadsTheAnswerAsALabel()
        {
            var g = new LabelSetGrader(new[] { "Technical", "Billing", "Account" });
            Assert.Equal("Billing", g.LabelOf(" billing. ", out bool exact));
            Assert.True(exact);
            Assert.Equal("Account", g.LabelOf("This is an Account issue", out exact));
            Assert.False(exact);
            Assert.Equal(LabelSetGrader.NoLabel, g.LabelOf("Accounting", out _));
            GradeResult r = Grade(g, Example(Chat), "Billing");
            Assert.True(r.Passed);
            Assert.Equal("Billing", r.Label);
            Assert.False(Grade(g, Example(Chat), "Technical").Passed);
        }

        [Fact]
        public void JsonAndSchemaGraders()
        {
            const string schema = "{\"type\":\"object\",\"required\":[\"label\"],\"properties\":{\"label\":{\"enum\":[\"Billing\",\"Technical\"]}},\"additionalProperties\":false}";
            var json = new JsonGrader(null);
            var valid = new JsonGrader(schema);
            EvalExample e = Example(Chat);
            Assert.True(Grade(json, e, " {\"a\":1} ").Passed);
            Assert.False(Grade(json, e, "label: Billing").FormatValid);
            Assert.True(Grade(valid, e, "{\"label\":\"Billing\"}").Passed);
            GradeResult bad = Grade(valid, e, "{\"label\":\"Refund\"}");
            Assert.False(bad.Passed);
            Assert.Contains("/label", bad.Detail);
            Assert.False(Grade(valid, e, "{\"label\":\"Billing\",\"x\":1}").Passed);
            Assert.False(Grade(valid, e, "{}").Passed);
            Assert.Throws<ArgumentException>(() => new JsonGrader("{not json"));
        }

        [SkippableFact]
        public void TheSharedMedMcqGraderWorksUnchanged()
        {
            string path = SharedData.Require("data/grader_string_check_medmcq.json");
            Grader g = Assert.Single(GraderFile.Load(path));
            Assert.Equal("medmcqa_ans_grader", g.Name);
            Assert.Equal("string_check", g.Type);
            EvalExample e = Example("{\"messages\":[{\"role\":\"user\",\"content\":\"Which?\"},{\"role\":\"assistant\",\"content\":\"B\"}],\"reference_answer\":\"B\"}");
            Assert.True(Grade(g, e, "B").Passed);
            Assert.False(Grade(g, e, "C").Passed);
        }

        [Fact]
        public void MultiGraderCombinesByKey()
        {
            const string text = @"{ ""type"": ""multi"", ""name"": ""combined"", ""pass_threshold"": 0.75,
              ""graders"": {
                ""label"": { ""type"": ""string_check"", ""name"": ""label"", ""input"": ""{{sample.output_json.label}}"", ""reference"": ""{{item.label}}"", ""operation"": ""eq"" },
                ""why"": { ""type"": ""text_similarity"", ""name"": ""why"", ""input"": ""{{sample.output_json.why}}"", ""reference"": ""{{item.why}}"", ""evaluation_metric"": ""rouge_1"" } },
              ""calculate_output"": ""0.5 * label + 0.5 * why"" }";
            Grader g = Assert.Single(GraderFile.Parse(text));
            var e = Example("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"x\"}],\"label\":\"Billing\",\"why\":\"charged twice for the plan\"}");
            // label 1; rouge_1 of "charged twice" against 5 words: P 1, R 0.4, F1 4/7
            GradeResult r = Grade(g, e, "{\"label\":\"Billing\",\"why\":\"charged twice\"}");
            Assert.Equal(0.5 + 0.5 * 4 / 7.0, r.Score, 10);
            Assert.True(r.Passed);
            Assert.False(Grade(g, e, "{\"label\":\"Technical\",\"why\":\"charged twice for the plan\"}").Passed); // 0.5
        }

        [Fact]
        public void ModelGradersAskThroughTheChatAndReadTheReply()
        {
            const string text = @"[
              { ""type"": ""score_model"", ""name"": ""judge"", ""model"": ""gpt-4o-mini"", ""range"": [0, 10], ""pass_threshold"": 7,
                ""input"": [ { ""role"": ""user"", ""content"": [ { ""type"": ""input_text"", ""text"": ""Reference: {{item.reference}}\nAnswer: {{sample.output_text}}"" } ] } ] },
              { ""type"": ""label_model"", ""name"": ""tone"", ""model"": ""gpt-4o-mini"", ""labels"": [""polite"", ""rude""], ""passing_labels"": [""polite""],
                ""input"": [ { ""role"": ""user"", ""content"": ""Tone of: {{sample.output_text}}"" } ] } ]";
            var graders = GraderFile.Parse(text);
            string? asked = null;
            Task<string> Ask(string model, System.Collections.Generic.IReadOnlyList<ChatMessage> messages, CancellationToken ct)
            {
                asked = messages[0].Content;
                return Task.FromResult(messages.Last().Content.Contains("labels") ? "Polite." : "Score: 8.5 out of 10");
            }

            GradeResult score = Grade(graders[0], Example(Chat), "Billing", Ask);
            Assert.Equal("Reference: Billing\nAnswer: Billing", asked);
            Assert.Equal(8.5, score.Score, 10);
            Assert.True(score.Passed);
            GradeResult tone = Grade(graders[1], Example(Chat), "Thanks!", Ask);
            Assert.Equal("polite", tone.Label);
            Assert.True(tone.Passed);
        }

        [Theory]
        [InlineData("{\"type\":\"python\",\"name\":\"p\",\"source\":\"def grade(s, i): return 1\"}", "$.type", "does not run Python")]
        [InlineData("{\"type\":\"text_similarity\",\"name\":\"t\",\"input\":\"a\",\"reference\":\"b\",\"evaluation_metric\":\"cosine\"}", "$", "embeddings")]
        [InlineData("{\"type\":\"string_check\",\"name\":\"s\",\"input\":\"a\",\"reference\":\"b\"}", "$.operation", "is required")]
        [InlineData("{\"type\":\"string_check\",\"name\":\"s\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"gt\"}", "$", "eq, ne, like, ilike")]
        [InlineData("{\"type\":\"multi\",\"name\":\"m\",\"graders\":{\"a\":{\"type\":\"string_check\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"eq\"}},\"calculate_output\":\"a + b\"}", "$.calculate_output", "unknown name 'b'")]
        [InlineData("{\"type\":\"score_model\",\"name\":\"s\",\"model\":\"m\",\"input\":[]}", "$.input", "array of messages")]
        [InlineData("[{\"type\":\"string_check\",\"name\":\"x\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"eq\"},{\"type\":\"string_check\",\"name\":\"x\",\"input\":\"a\",\"reference\":\"b\",\"operation\":\"eq\"}]", "name", "two graders")]
        public void BadGraderFilesNameTheField(string json, string field, string message)
        {
            GraderException ex = Assert.Throws<GraderException>(() => GraderFile.Parse(json, "g.json"));
            Assert.Equal(field, ex.Field);
            Assert.Contains(message, ex.Message);
            Assert.StartsWith("Grader g.json", ex.Message);
        }
    }
}
