using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Xunit;

namespace FineTune.Emulator.Tests
{
    /// <summary>The Azure flavour (--flavor azure): shapes and states from OPENAI-FACTS.md, "Azure OpenAI".</summary>
    public class AzureFlavorTests
    {
        private const string Arm = "subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.CognitiveServices/accounts/acct/deployments";

        private static byte[] Jsonl(int examples) => Encoding.UTF8.GetBytes(string.Join("\n",
            Enumerable.Range(1, examples).Select(i => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"question {i} about parcel {i * 7}\"}},{{\"role\":\"assistant\",\"content\":\"answer {i}\"}}]}}")));

        private static Task<EmulatorClient> Azure(double timeScale = 0.05, string? key = null) =>
            EmulatorClient.StartAsync(new EmulatorOptions { Flavor = Flavor.Azure, TimeScale = timeScale, ApiKey = key });

        private static async Task<JsonObject> WaitForFileAsync(EmulatorClient emu, string id, List<string> seen)
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (true)
            {
                JsonObject f = await emu.GetAsync("files/" + id);
                string status = (string)f["status"]!;
                if (seen.Count == 0 || seen[^1] != status) seen.Add(status);
                if (status == "processed") return f;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"File {id} still {status}.");
                await Task.Delay(10);
            }
        }

        [Fact]
        public void Flavor_option_parses_azure_and_refuses_others()
        {
            Assert.Equal(Flavor.Azure, EmulatorOptions.Parse(new[] { "--flavor", "Azure" }).Flavor);
            Assert.Equal(Flavor.OpenAI, EmulatorOptions.Parse(new[] { "--flavor", "openai" }).Flavor);
            var e = Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--flavor", "bedrock" }));
            Assert.Contains("openai or azure", e.Message);
        }

        [Fact]
        public async Task The_key_is_taken_from_the_api_key_header_or_as_bearer()
        {
            await using EmulatorClient emu = await Azure(key: "az-key");
            using var plain = new HttpClient { BaseAddress = emu.Http.BaseAddress };

            plain.DefaultRequestHeaders.Add("api-key", "az-key");
            using (HttpResponseMessage ok = await plain.GetAsync("models")) Assert.Equal(200, (int)ok.StatusCode);

            plain.DefaultRequestHeaders.Remove("api-key");
            plain.DefaultRequestHeaders.Add("api-key", "bad-key-xyz");
            using HttpResponseMessage wrong = await plain.GetAsync("models");
            Assert.Equal(401, (int)wrong.StatusCode);
            string body = await wrong.Content.ReadAsStringAsync();
            Assert.Equal("401", (string?)JsonNode.Parse(body)!["error"]!["code"]);
            Assert.DoesNotContain("bad-key-xyz", body);

            plain.DefaultRequestHeaders.Remove("api-key");
            plain.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "az-key");
            using (HttpResponseMessage bearer = await plain.GetAsync("models")) Assert.Equal(200, (int)bearer.StatusCode);
        }

        [Fact]
        public async Task The_OpenAI_flavour_does_not_take_the_api_key_header()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            using var plain = new HttpClient { BaseAddress = emu.Http.BaseAddress };
            plain.DefaultRequestHeaders.Add("api-key", "any");
            using HttpResponseMessage r = await plain.GetAsync("models");
            Assert.Equal(401, (int)r.StatusCode);
        }

        [Fact]
        public async Task A_file_goes_uploaded_pending_running_processed_and_a_job_waits_for_it()
        {
            await using EmulatorClient emu = await Azure(timeScale: 1.5); // each state lasts 1.5 s: a poll on a loaded machine still sees it
            JsonObject file = await emu.UploadAsync(Jsonl(12), "train.jsonl");
            Assert.Equal("uploaded", (string?)file["status"]);

            (int status, JsonObject early) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = file["id"]!.DeepClone() });
            Assert.Equal(400, status);
            Assert.Equal("invalid_file_status", (string?)early["error"]!["code"]);
            Assert.Contains("processed", (string?)early["error"]!["message"]);

            var seen = new List<string> { "uploaded" };
            await WaitForFileAsync(emu, (string)file["id"]!, seen);
            Assert.Equal(new[] { "uploaded", "pending", "running", "processed" }, seen);
        }

        [Fact]
        public async Task A_job_has_Azure_shapes_from_pending_to_a_model_without_ft_prefix()
        {
            await using EmulatorClient emu = await Azure(timeScale: 0.2);
            string file = (string)(await emu.UploadAsync(Jsonl(12), "train.jsonl"))["id"]!;
            await WaitForFileAsync(emu, file, new List<string>());

            (int bad, JsonObject badBody) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = file, ["trainingType"] = "Premium" });
            Assert.Equal(400, bad);
            Assert.Equal("trainingType", (string?)badBody["error"]!["param"]);

            (int status, JsonObject job) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = file, ["trainingType"] = "globalstandard" });
            Assert.Equal(200, status);
            Assert.Equal("pending", (string?)job["status"]);
            Assert.Equal("GlobalStandard", (string?)job["trainingType"]);
            Assert.Equal(-1, (int)job["hyperparameters"]!["n_epochs"]!);
            Assert.Equal(-1, (int)job["method"]!["supervised"]!["hyperparameters"]!["batch_size"]!);
            Assert.Null(job["organization_id"]);
            Assert.Null(job["result_files"]);

            var statuses = new List<string> { "pending" }; // the create answer's status, asserted above
            JsonObject done;
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                done = await emu.GetAsync("fine_tuning/jobs/" + job["id"]);
                string s = (string)done["status"]!;
                if (statuses.Count == 0 || statuses[^1] != s) statuses.Add(s);
                if (s is "succeeded" or "failed" or "cancelled" || DateTime.UtcNow > deadline) break;
                await Task.Delay(10);
            }

            Assert.Equal(new[] { "pending", "running", "succeeded" }, statuses);
            Assert.Matches(new Regex(@"^gpt-4o-mini-2024-07-18\.ft-[0-9a-f]{32}$"), (string)done["fine_tuned_model"]!);
            Assert.Equal(8, (int)done["hyperparameters"]!["n_epochs"]!); // 12 examples: min(25, 100 / 12)
            Assert.Single(done["result_files"]!.AsArray());
        }

        [Fact]
        public async Task Routes_Azure_lacks_answer_404()
        {
            await using EmulatorClient emu = await Azure();
            using HttpResponseMessage delete = await emu.Http.DeleteAsync("models/gpt-4o-mini-2024-07-18.ft-0123");
            Assert.Equal(404, (int)delete.StatusCode);
            (int upload, JsonObject body) = await emu.PostAsync("uploads", new JsonObject { ["filename"] = "a.jsonl", ["purpose"] = "fine-tune", ["bytes"] = 10, ["mime_type"] = "text/jsonl" });
            Assert.Equal(404, upload);
            Assert.Equal("Resource not found", (string?)body["error"]!["message"]);
            Assert.DoesNotContain(emu.Host.Routes, r => r.Contains("/uploads", StringComparison.Ordinal));
        }

        [Fact]
        public async Task A_deployment_provisions_and_then_serves_chat_on_its_name()
        {
            await using EmulatorClient emu = await Azure(timeScale: 1.5); // each state lasts 1.5 s: a poll on a loaded machine still sees it
            using var arm = new HttpClient { BaseAddress = emu.Host.BaseUri };
            string url = Arm + "/support-bot?api-version=2024-10-01";
            var put = new JsonObject
            {
                ["sku"] = new JsonObject { ["name"] = "Standard", ["capacity"] = 1 },
                ["properties"] = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = "gpt-4o-mini-2024-07-18", ["version"] = "1" } },
            };

            using (HttpResponseMessage anonymous = await arm.PutAsync(url, Content(put))) Assert.Equal(401, (int)anonymous.StatusCode);
            arm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "arm-token");
            using (HttpResponseMessage version = await arm.GetAsync(Arm + "/support-bot?api-version=2023-01-01"))
            {
                Assert.Equal(400, (int)version.StatusCode);
                Assert.Equal("InvalidApiVersionParameter", (string?)JsonNode.Parse(await version.Content.ReadAsStringAsync())!["error"]!["code"]);
            }

            using (HttpResponseMessage missing = await arm.PutAsync(url, Content(new JsonObject { ["sku"] = new JsonObject { ["name"] = "Standard" }, ["properties"] = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = "gpt-4o-mini.ft-nothere" } } })))
            {
                Assert.Equal(400, (int)missing.StatusCode);
            }

            using HttpResponseMessage created = await arm.PutAsync(url, Content(put));
            Assert.Equal(201, (int)created.StatusCode);
            JsonNode first = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
            Assert.Equal("Accepted", (string?)first["properties"]!["provisioningState"]);
            Assert.Equal("support-bot", (string?)first["name"]);

            (int notReady, JsonObject notReadyBody) = await emu.PostAsync("chat/completions", Chat("support-bot"));
            Assert.Equal(404, notReady);
            Assert.Equal("DeploymentNotFound", (string?)notReadyBody["error"]!["code"]);

            var states = new List<string> { "Accepted" };
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while (states[^1] != "Succeeded" && DateTime.UtcNow < deadline)
            {
                string s = (string)JsonNode.Parse(await arm.GetStringAsync(url))!["properties"]!["provisioningState"]!;
                if (states[^1] != s) states.Add(s);
                await Task.Delay(10);
            }

            Assert.Equal(new[] { "Accepted", "Creating", "Succeeded" }, states);
            (int ok, JsonObject answer) = await emu.PostAsync("chat/completions", Chat("support-bot"));
            Assert.Equal(200, ok);
            Assert.Equal("gpt-4o-mini-2024-07-18", (string?)answer["model"]);

            JsonNode list = JsonNode.Parse(await arm.GetStringAsync(Arm + "?api-version=2024-10-01"))!;
            Assert.Equal(new[] { "support-bot" }, list["value"]!.AsArray().Select(d => (string?)d!["name"]));

            using (HttpResponseMessage deleted = await arm.DeleteAsync(url)) Assert.Equal(200, (int)deleted.StatusCode);
            using (HttpResponseMessage again = await arm.DeleteAsync(url)) Assert.Equal(204, (int)again.StatusCode);
            using (HttpResponseMessage gone = await arm.GetAsync(url)) Assert.Equal(404, (int)gone.StatusCode);
            Assert.Equal(404, (await emu.PostAsync("chat/completions", Chat("support-bot"))).Status);
        }

        private static StringContent Content(JsonNode body) => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        private static JsonObject Chat(string model) => new JsonObject
        {
            ["model"] = model,
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Where is parcel 14?" }),
        };
    }
}
