using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using FineTune.Engine.Tests;
using Xunit;

namespace FineTune.Emulator.Tests
{
    public class JobLifeTests
    {
        [SkippableFact]
        public async Task GSM8K_job_runs_to_a_model_that_answers_with_its_training()
        {
            string path = SharedData.Require("data/chat_gsm8k_train.jsonl");
            string[] lines = File.ReadAllLines(path);
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            JsonObject file = await emu.UploadAsync(File.ReadAllBytes(path), "chat_gsm8k_train.jsonl");
            Assert.Equal(new FileInfo(path).Length, (long)file["bytes"]!);

            (int status, JsonObject created) = await emu.PostAsync("fine_tuning/jobs", new JsonObject
            {
                ["model"] = "gpt-4o-mini", ["training_file"] = (string)file["id"]!, ["suffix"] = "gsm8k", ["seed"] = 7,
                ["metadata"] = new JsonObject { ["client_request_id"] = "abc-123" },
                ["method"] = new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject { ["hyperparameters"] = new JsonObject { ["n_epochs"] = 3 } } },
            });
            Assert.Equal(200, status);
            Assert.Equal("validating_files", (string?)created["status"]);
            Assert.Equal("gpt-4o-mini-2024-07-18", (string?)created["model"]);

            JsonObject job = await emu.WaitForJobAsync((string)created["id"]!);
            Assert.Equal("succeeded", (string?)job["status"]);
            string model = (string)job["fine_tuned_model"]!;
            Assert.Matches(@"^ft:gpt-4o-mini-2024-07-18:emulator:gsm8k:[A-Za-z0-9]{8}$", model);
            Assert.True((long)job["trained_tokens"]! > 449 * 3 * 20, "trained tokens cover 3 epochs of 449 examples");
            Assert.Equal(1, (int)job["hyperparameters"]!["batch_size"]!);

            // Found again by its metadata, as a client that lost the create response would.
            JsonObject byMetadata = await emu.GetAsync("fine_tuning/jobs?metadata[client_request_id]=abc-123");
            Assert.Equal((string?)job["id"], (string?)byMetadata["data"]!.AsArray().Single()!["id"]);
            Assert.Empty((await emu.GetAsync("fine_tuning/jobs?metadata[client_request_id]=other"))["data"]!.AsArray());

            // Events: newest first; metrics with a falling loss.
            JsonArray events = await emu.GetAllAsync($"fine_tuning/jobs/{job["id"]}/events");
            Assert.Equal(events.Count, events.Select(e => (string?)e!["id"]).Distinct().Count());
            Assert.Equal("The job has successfully completed", (string?)events[0]!["message"]);
            var metrics = events.Where(e => (string?)e!["type"] == "metrics").Select(e => e!["data"]!).Reverse().ToList();
            Assert.True(metrics.Count > 50);
            Assert.Equal(1347, (int)metrics[^1]["step"]!);
            Assert.True((double)metrics[0]["train_loss"]! > 1.5 && (double)metrics[^1]["train_loss"]! < 0.2);

            // Checkpoints of the last 3 epochs, newest first.
            JsonArray checkpoints = (await emu.GetAsync($"fine_tuning/jobs/{job["id"]}/checkpoints"))["data"]!.AsArray();
            Assert.Equal(new[] { 1347, 898, 449 }, checkpoints.Select(c => (int)c!["step_number"]!));
            Assert.Equal(model + ":ckpt-step-898", (string?)checkpoints[1]!["fine_tuned_model_checkpoint"]);

            // Result file: a CSV of every step.
            string resultId = (string)job["result_files"]![0]!;
            string csv = await emu.Http.GetStringAsync($"files/{resultId}/content");
            string[] rows = csv.TrimEnd('\n').Split('\n');
            Assert.Equal("step,train_loss,train_accuracy,valid_loss,valid_mean_token_accuracy", rows[0]);
            Assert.Equal(1 + 1347, rows.Length);
            Assert.StartsWith("1347,", rows[^1]);

            // The model answers a training question with its trained answer.
            JsonObject example = JsonNode.Parse(lines[4])!.AsObject();
            string question = (string)example["messages"]![1]!["content"]!;
            string answer = (string)example["messages"]![2]!["content"]!;
            (int chatStatus, JsonObject chat) = await emu.PostAsync("chat/completions", new JsonObject
            {
                ["model"] = model, ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = question }),
            });
            Assert.Equal(200, chatStatus);
            Assert.Equal(answer, (string?)chat["choices"]![0]!["message"]!["content"]);
            Assert.True((int)chat["usage"]!["completion_tokens"]! > 10);
            Assert.Equal((int)chat["usage"]!["prompt_tokens"]! + (int)chat["usage"]!["completion_tokens"]!, (int)chat["usage"]!["total_tokens"]!);

            // The model is listed, then deleted.
            JsonArray models = (await emu.GetAsync("models"))["data"]!.AsArray();
            Assert.Contains(models, m => (string?)m!["id"] == model && (string?)m["shutdown_date"] == "2027-01-14");
            using HttpResponseMessage deleted = await emu.Http.DeleteAsync("models/" + model);
            Assert.Equal(200, (int)deleted.StatusCode);
            using HttpResponseMessage gone = await emu.Http.GetAsync("models/" + model);
            Assert.Equal(404, (int)gone.StatusCode);
        }

        [SkippableFact]
        public async Task A_file_without_assistant_messages_fails_the_job_with_a_service_error()
        {
            string path = SharedData.Require("data/bad_missing_assistant_ja_lessonplans.jsonl");
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            JsonObject file = await emu.UploadAsync(File.ReadAllBytes(path), "lessons.jsonl");
            (_, JsonObject created) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini-2024-07-18", ["training_file"] = (string)file["id"]! });
            JsonObject job = await emu.WaitForJobAsync((string)created["id"]!);
            Assert.Equal("failed", (string?)job["status"]);
            Assert.Equal("invalid_training_file", (string?)job["error"]!["code"]);
            Assert.Equal("training_file", (string?)job["error"]!["param"]);
            Assert.Contains("Line 1, example 1: missing an assistant message", (string?)job["error"]!["message"]);
            Assert.Null(job["fine_tuned_model"]);
        }

        [SkippableFact]
        public async Task Ten_examples_pass_and_nine_fail_with_invalid_n_examples()
        {
            string path = SharedData.Require("data/chat_travel_assistant_mslearn_small.jsonl");
            byte[] ten = File.ReadAllBytes(path);
            byte[] nine = Encoding.UTF8.GetBytes(string.Join("\n", File.ReadAllLines(path).Take(9)));
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            string tenId = (string)(await emu.UploadAsync(ten, "ten.jsonl"))["id"]!;
            string nineId = (string)(await emu.UploadAsync(nine, "nine.jsonl"))["id"]!;
            (_, JsonObject a) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4.1-mini", ["training_file"] = tenId });
            (_, JsonObject b) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4.1-mini", ["training_file"] = nineId });
            JsonObject passed = await emu.WaitForJobAsync((string)a["id"]!);
            JsonObject failed = await emu.WaitForJobAsync((string)b["id"]!);
            Assert.Equal("succeeded", (string?)passed["status"]);
            Assert.Equal(10, (int)passed["hyperparameters"]!["n_epochs"]!); // auto: 10 x 3 < 100, so 100 / 10
            Assert.Equal("invalid_n_examples", (string?)failed["error"]!["code"]);
            Assert.Equal("Training file has 9 example(s), but must have at least 10 examples.", (string?)failed["error"]!["message"]);
        }

        [SkippableFact]
        public async Task A_byte_order_mark_fails_the_job_on_line_1()
        {
            string path = SharedData.Require("data/chat_travel_assistant_mslearn_small.jsonl");
            byte[] withBom = new byte[] { 0xEF, 0xBB, 0xBF }.Concat(File.ReadAllBytes(path)).ToArray();
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            string id = (string)(await emu.UploadAsync(withBom, "bom.jsonl"))["id"]!;
            (_, JsonObject created) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = id });
            JsonObject job = await emu.WaitForJobAsync((string)created["id"]!);
            Assert.Contains("Line 1: the file starts with a UTF-8 byte-order mark", (string?)job["error"]!["message"]);
        }

        [Fact]
        public async Task Requests_the_service_refuses_are_400_in_its_error_shape()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            (int s1, JsonObject retired) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-3.5-turbo", ["training_file"] = "file-x" });
            Assert.Equal(400, s1);
            Assert.Equal("model_not_available", (string?)retired["error"]!["code"]);
            Assert.Contains("2026-10-23", (string?)retired["error"]!["message"]);
            (int s2, JsonObject missing) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = "file-nope" });
            Assert.Equal(400, s2);
            Assert.Equal("training_file", (string?)missing["error"]!["param"]);
            Assert.Equal("invalid training_file: file-nope", (string?)missing["error"]!["message"]);
            (int s3, JsonObject epochs) = await emu.PostAsync("fine_tuning/jobs", new JsonObject
            {
                ["model"] = "gpt-4o-mini", ["training_file"] = "file-x", ["hyperparameters"] = new JsonObject { ["n_epochs"] = 51 },
            });
            Assert.Equal(400, s3);
            Assert.Equal("invalid_request_error", (string?)epochs["error"]!["type"]);
        }

        [Fact]
        public async Task Pause_resume_and_cancel_follow_the_states_the_service_allows()
        {
            // two seconds a phase: the early pause lands while the job is still validating or queued even on a loaded machine
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 2 });
            var lines = Enumerable.Range(1, 12).Select(i => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"q{i}\"}},{{\"role\":\"assistant\",\"content\":\"a{i}\"}}]}}");
            string id = (string)(await emu.UploadAsync(Encoding.UTF8.GetBytes(string.Join("\n", lines)), "t.jsonl"))["id"]!;
            (_, JsonObject job) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = id });
            string jobId = (string)job["id"]!;
            (int early, JsonObject notRunning) = await emu.PostAsync($"fine_tuning/jobs/{jobId}/pause", new JsonObject());
            Assert.Equal(400, early);
            Assert.Equal("invalid_job_state", (string?)notRunning["error"]!["code"]);
            while ((string?)(await emu.GetAsync("fine_tuning/jobs/" + jobId))["status"] != "running") await Task.Delay(20);
            Assert.Equal("paused", (string?)(await emu.PostAsync($"fine_tuning/jobs/{jobId}/pause", new JsonObject())).Body["status"]);
            Assert.Equal("running", (string?)(await emu.PostAsync($"fine_tuning/jobs/{jobId}/resume", new JsonObject())).Body["status"]);
            Assert.Equal("cancelled", (string?)(await emu.PostAsync($"fine_tuning/jobs/{jobId}/cancel", new JsonObject())).Body["status"]);
            Assert.Equal(400, (await emu.PostAsync($"fine_tuning/jobs/{jobId}/cancel", new JsonObject())).Status);
        }
    }
}
