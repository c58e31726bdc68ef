using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace FineTune.Emulator.Tests
{
    /// <summary>The emulator as an evaluation target: skill, fine-tuned answers, the grader model, completions, batches.</summary>
    public class EvaluationTests
    {
        // 12 questions with numeric answers: training file of 10, held-out 2 in the validation file (the job needs 10 there too, so 10 more)
        private static string Line(string q, string a) => new JsonObject { ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = q }, new JsonObject { ["role"] = "assistant", ["content"] = a }) }.ToJsonString();

        private static byte[] File(int from, int count) => Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(from, count).Select(i => Line($"What is {i} plus {i}?", $"{i} + {i} = {2 * i}\n#### {2 * i}"))));

        private static async Task<string> Ask(EmulatorClient emu, string model, string question)
        {
            (int status, JsonObject body) = await emu.PostAsync("chat/completions", new JsonObject { ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }) });
            Assert.Equal(200, status);
            return (string)body["choices"]![0]!["message"]!["content"]!;
        }

        [Fact]
        public async Task Base_models_answer_known_questions_right_only_sometimes_and_fine_tuned_ones_mostly()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.05, BaseSkill = 0.3, TunedSkill = 0.9 });
            string training = (string)(await emu.UploadAsync(File(1, 10), "train.jsonl"))["id"]!;
            string validation = (string)(await emu.UploadAsync(File(101, 60), "valid.jsonl"))["id"]!;
            (_, JsonObject job) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = training, ["validation_file"] = validation });
            string tuned = (string)(await emu.WaitForJobAsync((string)job["id"]!))["fine_tuned_model"]!;

            int baseRight = 0, tunedRight = 0;
            for (int i = 101; i <= 160; i++)
            {
                string right = $"{i} + {i} = {2 * i}\n#### {2 * i}";
                string b = await Ask(emu, "gpt-4o-mini", $"What is {i} plus {i}?");
                Assert.Equal(b, await Ask(emu, "gpt-4o-mini", $"What is {i} plus {i}?")); // seeded: the same answer every time
                if (b == right) baseRight++;
                else Assert.Matches(@"^\d+ \+ \d+ = \d+\n#### \d+$", b); // wrong: the last number changed
                if (await Ask(emu, tuned, $"What is {i} plus {i}?") == right) tunedRight++;
            }

            // 60 draws: 0.3 and 0.9 lie far apart (binomial sd ≈ 3.5 and 2.3 answers)
            Assert.InRange(baseRight, 8, 28);
            Assert.InRange(tunedRight, 46, 60);
            Assert.Equal("5 + 5 = 10\n#### 10", await Ask(emu, tuned, "What is 5 plus 5?")); // trained on: always right
            Assert.StartsWith("This is the emulated base model", await Ask(emu, "gpt-4o-mini", "What is the capital of France?"));
        }

        [Fact]
        public async Task Labels_are_swapped_for_another_label_when_wrong()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { BaseSkill = 0 });
            string[] labels = { "Billing", "Technical", "Account" };
            await emu.UploadAsync(Encoding.UTF8.GetBytes(string.Join("\n", Enumerable.Range(0, 12).Select(i => Line($"ticket {i}", labels[i % 3])))), "t.jsonl");
            for (int i = 0; i < 12; i++)
            {
                string a = await Ask(emu, "gpt-4o-mini", $"ticket {i}");
                Assert.Contains(a, labels);
                Assert.NotEqual(labels[i % 3], a);
            }
        }

        [Theory]
        [InlineData("Reference: the cat sat\nAnswer: the cat sat", "1.00")]
        [InlineData("Reference answer: the cat sat on the mat\nModel answer: the cat", "0.50")] // 2 common of 6 + 2 words
        [InlineData("Reference: a b c d\nAnswer: a b\nReply with only a number from 0 to 10.", "6.67")]
        [InlineData("Reference: a b\nAnswer: a b\nAnswer with exactly one of these labels and nothing else: correct, incorrect.", "correct")]
        [InlineData("Reference: a b\nAnswer: x y\nAnswer with exactly one of these labels and nothing else: correct, incorrect.", "incorrect")]
        public async Task A_grader_request_is_scored_from_answer_and_reference(string prompt, string expected)
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            Assert.Equal(expected, await Ask(emu, "gpt-4o-mini", prompt));
        }

        [Fact]
        public async Task Completions_serve_legacy_models_only()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            (int ok, JsonObject answer) = await emu.PostAsync("completions", new JsonObject { ["model"] = "davinci-002", ["prompt"] = "Hello ->" });
            Assert.Equal(200, ok);
            Assert.Equal("text_completion", (string?)answer["object"]);
            Assert.Contains("davinci-002", (string?)answer["choices"]![0]!["text"]);
            Assert.True((long)answer["usage"]!["prompt_tokens"]! > 0);
            (int chatModel, JsonObject error) = await emu.PostAsync("completions", new JsonObject { ["model"] = "gpt-4o-mini", ["prompt"] = "Hello" });
            Assert.Equal(404, chatModel);
            Assert.Contains("chat model", (string?)error["error"]!["message"]);
            (int legacyOnChat, _) = await emu.PostAsync("chat/completions", new JsonObject { ["model"] = "babbage-002", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "x" }) });
            Assert.Equal(404, legacyOnChat);
        }

        [Fact]
        public async Task A_batch_answers_as_direct_calls_do()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.05 });
            await emu.UploadAsync(File(1, 10), "known.jsonl");
            var lines = Enumerable.Range(1, 10).Select(i => new JsonObject
            {
                ["custom_id"] = "q" + i, ["method"] = "POST", ["url"] = "/v1/chat/completions",
                ["body"] = new JsonObject { ["model"] = "gpt-4o-mini", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = $"What is {i} plus {i}?" }) },
            }.ToJsonString());
            using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" }, { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), "file", "batch.jsonl" } };
            using HttpResponseMessage uploaded = await emu.Http.PostAsync("files", form);
            string fileId = (string)JsonNode.Parse(await uploaded.Content.ReadAsStringAsync())!["id"]!;

            (int status, JsonObject bad) = await emu.PostAsync("batches", new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = "/v1/completions", ["completion_window"] = "24h" });
            Assert.Equal(400, status);
            Assert.Contains("not the batch's endpoint", (string?)bad["error"]!["message"]);

            (status, JsonObject batch) = await emu.PostAsync("batches", new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = "/v1/chat/completions", ["completion_window"] = "24h" });
            Assert.Equal(200, status);
            Assert.Equal("validating", (string?)batch["status"]);
            JsonObject done;
            do
            {
                await Task.Delay(20);
                done = await emu.GetAsync("batches/" + batch["id"]);
            }
            while ((string?)done["status"] != "completed");
            Assert.Equal(10, (int)done["request_counts"]!["completed"]!);
            string output = await emu.Http.GetStringAsync($"files/{done["output_file_id"]}/content");
            var byId = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToDictionary(l => (string)l["custom_id"]!, l => (string)l["response"]!["body"]!["choices"]![0]!["message"]!["content"]!);
            for (int i = 1; i <= 10; i++) Assert.Equal(await Ask(emu, "gpt-4o-mini", $"What is {i} plus {i}?"), byId["q" + i]);
            (int cancelStatus, _) = await emu.PostAsync($"batches/{batch["id"]}/cancel", new JsonObject());
            Assert.Equal(409, cancelStatus);
        }
    }
}
