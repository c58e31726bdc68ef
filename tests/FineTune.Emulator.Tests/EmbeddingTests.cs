using System;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace FineTune.Emulator.Tests
{
    /// <summary><c>POST /v1/embeddings</c>: deterministic n-gram vectors, dimensions, base64, usage and the service's limits.</summary>
    public class EmbeddingTests
    {
        private static JsonObject Request(JsonNode input, string model = "text-embedding-3-small") => new JsonObject { ["model"] = model, ["input"] = input };

        private static float[] Floats(JsonNode item) => item["embedding"]!.AsArray().Select(v => (float)v!).ToArray();

        private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

        [Fact]
        public async Task Texts_sharing_words_are_closer_than_unrelated_texts()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            (int status, JsonObject body) = await emu.PostAsync("embeddings", Request(new JsonArray(
                "How do I reset my account password?",
                "Steps to reset the password of your account",
                "The recipe needs two cups of flour and an egg.")));
            Assert.Equal(200, status);
            var v = body["data"]!.AsArray().Select(d => Floats(d!)).ToArray();
            Assert.All(v, x => Assert.Equal(1536, x.Length));
            Assert.All(v, x => Assert.InRange(Math.Sqrt(Cosine(x, x)), 0.9999, 1.0001));
            double related = Cosine(v[0], v[1]), unrelated = Cosine(v[0], v[2]);
            Assert.True(related > 0.2, $"related texts: cosine {related}");
            Assert.True(Math.Abs(unrelated) < 0.1, $"unrelated texts: cosine {unrelated}");
            Assert.True(related > unrelated + 0.15, $"related {related}, unrelated {unrelated}");

            // deterministic: the same text gives the same vector in another request
            (_, JsonObject again) = await emu.PostAsync("embeddings", Request("How do I reset my account password?"));
            Assert.Equal(v[0], Floats(again["data"]![0]!));
            Assert.Equal(EmbeddingRoutes.Vector("How do I reset my account password?", 1536), v[0]);
        }

        [Fact]
        public async Task Answers_in_the_services_shape_with_usage_dimensions_and_base64()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            string text = "twelve chars"; // 12 characters: 3 tokens as the emulator estimates them
            (int status, JsonObject body) = await emu.PostAsync("embeddings", Request(new JsonArray(text, text + text)));
            Assert.Equal(200, status);
            Assert.Equal("list", (string?)body["object"]);
            Assert.Equal("text-embedding-3-small", (string?)body["model"]);
            Assert.Equal(new[] { 0, 1 }, body["data"]!.AsArray().Select(d => (int)d!["index"]!));
            Assert.Equal(3 + 6, (int)body["usage"]!["prompt_tokens"]!);
            Assert.Equal(3 + 6, (int)body["usage"]!["total_tokens"]!);

            (_, JsonObject large) = await emu.PostAsync("embeddings", Request(text, "text-embedding-3-large"));
            Assert.Equal(3072, Floats(large["data"]![0]!).Length);

            JsonObject shortened = Request(text);
            shortened["dimensions"] = 256;
            shortened["encoding_format"] = "base64";
            (int s2, JsonObject b64) = await emu.PostAsync("embeddings", shortened);
            Assert.Equal(200, s2);
            byte[] bytes = Convert.FromBase64String((string)b64["data"]![0]!["embedding"]!);
            Assert.Equal(256 * 4, bytes.Length);
            float[] decoded = Enumerable.Range(0, 256).Select(i => BitConverter.ToSingle(bytes, i * 4)).ToArray();
            Assert.Equal(EmbeddingRoutes.Vector(text, 256), decoded);

            JsonObject ada = Request(text, "text-embedding-ada-002");
            ada["dimensions"] = 256;
            (int s3, JsonObject refused) = await emu.PostAsync("embeddings", ada);
            Assert.Equal(400, s3);
            Assert.Equal("dimensions", (string?)refused["error"]!["param"]);
        }

        [Fact]
        public async Task Refuses_what_the_service_refuses()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            async Task<JsonObject> Refused(JsonObject request, string type)
            {
                (int status, JsonObject body) = await emu.PostAsync("embeddings", request);
                Assert.Equal(400, status);
                Assert.Equal(type, (string?)body["error"]!["type"]);
                return body;
            }

            await Refused(Request(new JsonArray(Enumerable.Range(0, 2049).Select(i => (JsonNode)JsonValue.Create("x" + i)!).ToArray())), "invalid_request_error");
            JsonObject tooLong = await Refused(Request(new string('a', 8193 * 4)), "invalid_request_error");
            Assert.Equal("context_length_exceeded", (string?)tooLong["error"]!["code"]);
            Assert.Contains("8192", (string?)tooLong["error"]!["message"]);
            string big = new string('b', 8000 * 4); // 8,000 tokens each: 38 of them are 304,000
            JsonObject request = await Refused(Request(new JsonArray(Enumerable.Range(0, 38).Select(_ => (JsonNode)JsonValue.Create(big)!).ToArray())), "max_tokens_per_request");
            Assert.Equal("Requested 304000 tokens, max 300000 tokens per request", (string?)request["error"]!["message"]);
            await Refused(Request(new JsonArray("ok", "")), "invalid_request_error");
            (int unknown, _) = await emu.PostAsync("embeddings", Request("hi", "gpt-4o-mini"));
            Assert.Equal(404, unknown);

            // 37 such inputs (296,000 tokens) pass
            (int fits, JsonObject ok) = await emu.PostAsync("embeddings", Request(new JsonArray(Enumerable.Range(0, 37).Select(_ => (JsonNode)JsonValue.Create(big)!).ToArray())));
            Assert.Equal(200, fits);
            Assert.Equal(296000, (int)ok["usage"]!["prompt_tokens"]!);
        }

        [Fact]
        public async Task Azure_embeds_through_a_deployment_once_it_has_succeeded()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { Flavor = Flavor.Azure, TimeScale = 0.05 });
            (int before, JsonObject notFound) = await emu.PostAsync("embeddings", Request("hello", "embed-small"));
            Assert.Equal(404, before);
            Assert.Equal("DeploymentNotFound", (string?)notFound["error"]!["code"]);

            using var arm = new HttpClient { BaseAddress = emu.Host.BaseUri };
            arm.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "arm-token");
            string url = "subscriptions/s/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/a/deployments/embed-small?api-version=2024-10-01";
            var put = new JsonObject
            {
                ["sku"] = new JsonObject { ["name"] = "Standard", ["capacity"] = 1 },
                ["properties"] = new JsonObject { ["model"] = new JsonObject { ["format"] = "OpenAI", ["name"] = "text-embedding-3-small", ["version"] = "1" } },
            };
            using (HttpResponseMessage created = await arm.PutAsync(url, new StringContent(put.ToJsonString(), Encoding.UTF8, "application/json"))) Assert.Equal(201, (int)created.StatusCode);
            DateTime deadline = DateTime.UtcNow.AddSeconds(30);
            while ((string?)JsonNode.Parse(await arm.GetStringAsync(url))!["properties"]!["provisioningState"] != "Succeeded" && DateTime.UtcNow < deadline) await Task.Delay(10);

            (int status, JsonObject body) = await emu.PostAsync("embeddings", Request("hello", "embed-small"));
            Assert.Equal(200, status);
            Assert.Equal("text-embedding-3-small", (string?)body["model"]);
            Assert.Equal(EmbeddingRoutes.Vector("hello", 1536), Floats(body["data"]![0]!));
        }
        [Fact]
        public async Task A_batch_of_embeddings_answers_with_the_vectors_of_the_direct_route()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.05 });
            string[] texts = { "How do I reset my account password?", "Billing questions go to finance.", "twelve chars" };
            var lines = texts.Select((t, i) => new JsonObject
            {
                ["custom_id"] = "t" + i, ["method"] = "POST", ["url"] = "/v1/embeddings",
                ["body"] = new JsonObject { ["model"] = "text-embedding-3-small", ["input"] = t, ["dimensions"] = 256 },
            }.ToJsonString()).Append(new JsonObject
            {
                ["custom_id"] = "empty", ["method"] = "POST", ["url"] = "/v1/embeddings",
                ["body"] = new JsonObject { ["model"] = "text-embedding-3-small", ["input"] = "" },
            }.ToJsonString());
            using var form = new MultipartFormDataContent { { new StringContent("batch"), "purpose" }, { new ByteArrayContent(Encoding.UTF8.GetBytes(string.Join("\n", lines) + "\n")), "file", "batch.jsonl" } };
            using HttpResponseMessage uploaded = await emu.Http.PostAsync("files", form);
            string fileId = (string)JsonNode.Parse(await uploaded.Content.ReadAsStringAsync())!["id"]!;

            (int status, JsonObject batch) = await emu.PostAsync("batches", new JsonObject { ["input_file_id"] = fileId, ["endpoint"] = "/v1/embeddings", ["completion_window"] = "24h" });
            Assert.Equal(200, status);
            JsonObject done;
            do
            {
                await Task.Delay(20);
                done = await emu.GetAsync("batches/" + batch["id"]);
            }
            while ((string?)done["status"] != "completed");
            Assert.Equal(3, (int)done["request_counts"]!["completed"]!);
            Assert.Equal(1, (int)done["request_counts"]!["failed"]!);

            string output = await emu.Http.GetStringAsync($"files/{done["output_file_id"]}/content");
            var byId = output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonNode.Parse(l)!).ToDictionary(l => (string)l["custom_id"]!, l => l["response"]!["body"]!);
            for (int i = 0; i < texts.Length; i++)
            {
                JsonObject direct = new JsonObject { ["model"] = "text-embedding-3-small", ["input"] = texts[i], ["dimensions"] = 256 };
                (_, JsonObject answer) = await emu.PostAsync("embeddings", direct);
                Assert.Equal(Floats(answer["data"]![0]!), Floats(byId["t" + i]["data"]![0]!));
                Assert.Equal((int)answer["usage"]!["prompt_tokens"]!, (int)byId["t" + i]["usage"]!["prompt_tokens"]!);
            }

            Assert.Equal(256, Floats(byId["t0"]["data"]![0]!).Length);
            string errors = await emu.Http.GetStringAsync($"files/{done["error_file_id"]}/content");
            JsonNode failed = JsonNode.Parse(errors.Trim())!;
            Assert.Equal("empty", (string?)failed["custom_id"]);
            Assert.Equal(400, (int)failed["response"]!["status_code"]!);
        }
    }
}
