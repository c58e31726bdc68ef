using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Xunit;

namespace FineTune.Emulator.Tests
{
    public class ServiceBehaviourTests
    {
        private static byte[] Jsonl(int examples) => Encoding.UTF8.GetBytes(string.Join("\n",
            Enumerable.Range(1, examples).Select(i => $"{{\"messages\":[{{\"role\":\"user\",\"content\":\"q{i}\"}},{{\"role\":\"assistant\",\"content\":\"a{i}\"}}]}}")));

        [Fact]
        public async Task Files_page_with_after_limit_and_order()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            var ids = new List<string>();
            for (int i = 0; i < 5; i++) ids.Add((string)(await emu.UploadAsync(Jsonl(10), $"f{i}.jsonl"))["id"]!);

            JsonObject first = await emu.GetAsync("files?limit=2&order=asc");
            Assert.Equal(ids.Take(2), first["data"]!.AsArray().Select(f => (string?)f!["id"]));
            Assert.True((bool)first["has_more"]!);
            Assert.Equal(ids[1], (string?)first["last_id"]);
            JsonObject second = await emu.GetAsync($"files?limit=2&order=asc&after={first["last_id"]}");
            Assert.Equal(ids.Skip(2).Take(2), second["data"]!.AsArray().Select(f => (string?)f!["id"]));
            JsonObject third = await emu.GetAsync($"files?limit=2&order=asc&after={second["last_id"]}");
            Assert.Equal(new[] { ids[4] }, third["data"]!.AsArray().Select(f => (string?)f!["id"]));
            Assert.False((bool)third["has_more"]!);

            JsonObject newest = await emu.GetAsync("files?limit=1");
            Assert.Equal(ids[4], (string?)newest["data"]![0]!["id"]);
            Assert.Empty((await emu.GetAsync("files?purpose=batch"))["data"]!.AsArray());

            using HttpResponseMessage deleted = await emu.Http.DeleteAsync("files/" + ids[0]);
            Assert.Equal(JsonNode.Parse("{\"id\":\"" + ids[0] + "\",\"object\":\"file\",\"deleted\":true}")!.ToJsonString(), await deleted.Content.ReadAsStringAsync());
            Assert.Equal(4, (await emu.GetAsync("files"))["data"]!.AsArray().Count);
        }

        [Fact]
        public async Task A_file_for_fine_tuning_must_be_named_jsonl()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            var e = await Assert.ThrowsAsync<InvalidOperationException>(() => emu.UploadAsync(Jsonl(10), "train.txt"));
            Assert.Contains("400", e.Message);
            Assert.Contains("invalid_file_format", e.Message);
        }

        [Fact]
        public async Task Jobs_list_pages_newest_first()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 60 });
            string file = (string)(await emu.UploadAsync(Jsonl(10), "t.jsonl"))["id"]!;
            var ids = new List<string>();
            for (int i = 0; i < 3; i++) ids.Add((string)(await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini", ["training_file"] = file })).Body["id"]!);
            JsonObject page = await emu.GetAsync("fine_tuning/jobs?limit=2");
            Assert.Equal(new[] { ids[2], ids[1] }, page["data"]!.AsArray().Select(j => (string?)j!["id"]));
            Assert.True((bool)page["has_more"]!);
            JsonObject rest = await emu.GetAsync($"fine_tuning/jobs?limit=2&after={ids[1]}");
            Assert.Equal(new[] { ids[0] }, rest["data"]!.AsArray().Select(j => (string?)j!["id"]));
            Assert.False((bool)rest["has_more"]!);
        }

        [Fact]
        public async Task No_key_or_a_wrong_key_is_401_in_the_service_shape()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { ApiKey = "sk-right" });
            using var anonymous = new HttpClient { BaseAddress = emu.Http.BaseAddress };
            using HttpResponseMessage none = await anonymous.GetAsync("models");
            Assert.Equal(401, (int)none.StatusCode);
            Assert.True(none.Headers.Contains("x-request-id"));
            JsonObject noneBody = JsonNode.Parse(await none.Content.ReadAsStringAsync())!.AsObject();
            Assert.Equal("invalid_request_error", (string?)noneBody["error"]!["type"]);
            Assert.Null(noneBody["error"]!["code"]);

            using HttpResponseMessage wrong = await emu.Http.GetAsync("models"); // sends test-key
            string wrongText = await wrong.Content.ReadAsStringAsync();
            Assert.Equal(401, (int)wrong.StatusCode);
            Assert.Equal("invalid_api_key", (string?)JsonNode.Parse(wrongText)!["error"]!["code"]);
            Assert.DoesNotContain("test-key", wrongText);

            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "sk-right");
            using HttpResponseMessage right = await anonymous.GetAsync("models");
            Assert.Equal(200, (int)right.StatusCode);
        }

        [Fact]
        public async Task Scripted_faults_are_served_exactly_in_order_then_counted()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            using var control = new HttpClient { BaseAddress = emu.Host.BaseUri };
            using HttpResponseMessage queued = await control.PostAsync("_emulator/faults", new StringContent(
                "{\"faults\":[\"429\",\"500\",\"503\",\"drop\",\"delay:50\"],\"route\":\"/models\"}", Encoding.UTF8, "application/json"));
            Assert.Equal(5, (int)JsonNode.Parse(await queued.Content.ReadAsStringAsync())!["count"]!);

            // A request on another route is not served a fault meant for /models.
            Assert.Equal(200, (int)(await emu.Http.GetAsync("files")).StatusCode);

            using HttpResponseMessage r429 = await emu.Http.GetAsync("models");
            Assert.Equal(429, (int)r429.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(1), r429.Headers.RetryAfter!.Delta);
            Assert.Equal("rate_limit_exceeded", (string?)JsonNode.Parse(await r429.Content.ReadAsStringAsync())!["error"]!["code"]);
            Assert.Equal(500, (int)(await emu.Http.GetAsync("models")).StatusCode);
            Assert.Equal(503, (int)(await emu.Http.GetAsync("models")).StatusCode);
            await Assert.ThrowsAsync<HttpRequestException>(() => emu.Http.GetAsync("models"));
            Assert.Equal(200, (int)(await emu.Http.GetAsync("models")).StatusCode); // delayed, then served
            Assert.Equal(200, (int)(await emu.Http.GetAsync("models")).StatusCode); // queue empty

            // A fault asked for by header, on one request only.
            using var request = new HttpRequestMessage(HttpMethod.Get, "models");
            request.Headers.Add("X-Emulator-Fault", "503");
            Assert.Equal(503, (int)(await emu.Http.SendAsync(request)).StatusCode);

            JsonObject counts = JsonNode.Parse(await control.GetStringAsync("_emulator/requests"))!.AsObject();
            Assert.Equal(7, (int)counts["counts"]!["GET /v1/models"]!);
            Assert.Equal(1, (int)counts["counts"]!["GET /v1/files"]!);
            Assert.Equal(8, (int)counts["total"]!);
            await control.PostAsync("_emulator/reset-counts", null);
            Assert.Equal(0, (int)JsonNode.Parse(await control.GetStringAsync("_emulator/requests"))!["total"]!);
        }

        [Fact]
        public async Task A_create_dropped_after_it_was_carried_out_leaves_one_job_found_by_metadata()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 60 });
            string file = (string)(await emu.UploadAsync(Jsonl(10), "t.jsonl"))["id"]!;
            using var request = new HttpRequestMessage(HttpMethod.Post, "fine_tuning/jobs")
            {
                Content = new StringContent($"{{\"model\":\"gpt-4o-mini\",\"training_file\":\"{file}\",\"metadata\":{{\"request\":\"r1\"}}}}", Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Emulator-Fault", "drop-after");
            await Assert.ThrowsAsync<HttpRequestException>(() => emu.Http.SendAsync(request));
            JsonArray found = (await emu.GetAsync("fine_tuning/jobs?metadata[request]=r1"))["data"]!.AsArray();
            Assert.Single(found);
            Assert.Equal(file, (string?)found[0]!["training_file"]);
        }

        [Fact]
        public async Task A_download_cut_after_some_bytes_sends_its_headers_and_those_bytes_then_breaks_off()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 60 });
            string file = (string)(await emu.UploadAsync(Jsonl(200), "t.jsonl", "batch"))["id"]!;
            byte[] whole = await emu.Http.GetByteArrayAsync($"files/{file}/content");
            using var request = new HttpRequestMessage(HttpMethod.Get, $"files/{file}/content");
            request.Headers.Add("X-Emulator-Fault", "cut-after:1000");
            using HttpResponseMessage response = await emu.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
            using Stream body = await response.Content.ReadAsStreamAsync();
            var got = new MemoryStream();
            var buffer = new byte[4096];
            await Assert.ThrowsAnyAsync<IOException>(async () =>
            {
                int n;
                while ((n = await body.ReadAsync(buffer)) > 0) got.Write(buffer, 0, n);
            });
            Assert.Equal(whole.Take(1000), got.ToArray());
        }

        [Fact]
        public async Task Random_faults_follow_the_seed()
        {
            async Task<string> Run()
            {
                await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { FaultRate = 0.5, Seed = 3 });
                var outcome = new StringBuilder();
                for (int i = 0; i < 20; i++)
                {
                    try
                    {
                        outcome.Append((int)(await emu.Http.GetAsync("models")).StatusCode).Append(' ');
                    }
                    catch (HttpRequestException)
                    {
                        outcome.Append("drop ");
                    }
                }

                return outcome.ToString();
            }

            string first = await Run();
            Assert.Equal(first, await Run());
            Assert.Contains("200", first);
            Assert.Matches("429|500|503|drop", first);
        }

        [Fact]
        public async Task Upload_parts_complete_in_the_given_order_with_md5_checked()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            byte[] content = Jsonl(12);
            byte[] a = content.Take(100).ToArray(), b = content.Skip(100).ToArray();
            (int s, JsonObject upload) = await emu.PostAsync("uploads", new JsonObject { ["filename"] = "big.jsonl", ["purpose"] = "fine-tune", ["bytes"] = content.Length, ["mime_type"] = "text/jsonl" });
            Assert.Equal(200, s);
            string id = (string)upload["id"]!;
            Assert.Equal((long)upload["created_at"]! + 3600, (long)upload["expires_at"]!);

            async Task<string> Part(byte[] data)
            {
                using var form = new MultipartFormDataContent { { new ByteArrayContent(data), "data", "part" } };
                using HttpResponseMessage r = await emu.Http.PostAsync($"uploads/{id}/parts", form);
                return (string)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["id"]!;
            }

            string second = await Part(b), first = await Part(a); // arrive out of order
            (int bad, JsonObject md5Error) = await emu.PostAsync($"uploads/{id}/complete", new JsonObject { ["part_ids"] = new JsonArray(first, second), ["md5"] = "00000000000000000000000000000000" });
            Assert.Equal(400, bad);
            Assert.Equal("md5", (string?)md5Error["error"]!["param"]);
            (int ok, JsonObject done) = await emu.PostAsync($"uploads/{id}/complete", new JsonObject
            {
                ["part_ids"] = new JsonArray(first, second), ["md5"] = Convert.ToHexStringLower(MD5.HashData(content)),
            });
            Assert.Equal(200, ok);
            Assert.Equal("completed", (string?)done["status"]);
            byte[] stored; // a fine-tune file is not handed out again: look at what the emulator holds
            lock (emu.Host.State.Sync) stored = emu.Host.State.Files[(string)done["file"]!["id"]!].Content;
            Assert.Equal(content, stored);
            Assert.Equal(400, (await emu.PostAsync($"uploads/{id}/cancel", new JsonObject())).Status);
        }

        [Fact]
        public async Task Upload_with_a_wrong_byte_total_is_refused()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            (_, JsonObject upload) = await emu.PostAsync("uploads", new JsonObject { ["filename"] = "x.jsonl", ["purpose"] = "fine-tune", ["bytes"] = 999, ["mime_type"] = "text/jsonl" });
            using var form = new MultipartFormDataContent { { new ByteArrayContent(Jsonl(10)), "data", "part" } };
            string part = (string)JsonNode.Parse(await (await emu.Http.PostAsync($"uploads/{upload["id"]}/parts", form)).Content.ReadAsStringAsync())!["id"]!;
            (int s, JsonObject error) = await emu.PostAsync($"uploads/{upload["id"]}/complete", new JsonObject { ["part_ids"] = new JsonArray(part) });
            Assert.Equal(400, s);
            Assert.Contains("999 bytes", (string?)error["error"]!["message"]);
        }

        [Fact]
        public async Task Models_carry_shutdown_dates_and_base_models_cannot_be_deleted()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            JsonObject mini = await emu.GetAsync("models/gpt-4o-mini-2024-07-18");
            Assert.Equal("2027-01-14", (string?)mini["shutdown_date"]);
            Assert.Equal("2026-10-23", (string?)(await emu.GetAsync("models/gpt-3.5-turbo-0125"))["shutdown_date"]);
            using HttpResponseMessage delete = await emu.Http.DeleteAsync("models/gpt-4o-mini-2024-07-18");
            Assert.Equal(403, (int)delete.StatusCode);
            using HttpResponseMessage unknown = await emu.Http.GetAsync("models/gpt-9");
            Assert.Equal("model_not_found", (string?)JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["error"]!["code"]);
        }

        [Fact]
        public async Task Moderation_flags_inputs_with_a_trigger_word()
        {
            var options = new EmulatorOptions { TimeScale = 0.05 };
            options.TriggerWords.Add("explode=violence");
            options.TriggerWords.Add("idiot=harassment");
            await using EmulatorClient emu = await EmulatorClient.StartAsync(options);
            (int s, JsonObject body) = await emu.PostAsync("moderations", new JsonObject { ["input"] = new JsonArray("How do I reset my password?", "You IDIOT, this will explode") });
            Assert.Equal(200, s);
            JsonArray results = body["results"]!.AsArray();
            Assert.False((bool)results[0]!["flagged"]!);
            Assert.True((bool)results[1]!["flagged"]!);
            Assert.True((bool)results[1]!["categories"]!["harassment"]!);
            Assert.True((bool)results[1]!["categories"]!["violence"]!);
            Assert.False((bool)results[1]!["categories"]!["sexual"]!);
            Assert.Equal(0.97, (double)results[1]!["category_scores"]!["violence"]!);
            Assert.Equal(13, results[1]!["categories"]!.AsObject().Count);
        }

        [Fact]
        public async Task Unknown_routes_are_404_in_the_service_shape()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            using HttpResponseMessage r = await emu.Http.GetAsync("nothing/here");
            Assert.Equal(404, (int)r.StatusCode);
            Assert.Equal("Invalid URL (GET /v1/nothing/here)", (string?)JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!["message"]);
        }

        [Theory]
        [InlineData("files", "multipart/form-data; boundary=XYZ", "--ABC\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--ABC--\r\n")] // wrong boundary
        [InlineData("files", "multipart/form-data", "--XYZ\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nfine-tune\r\n--XYZ--\r\n")] // no boundary
        [InlineData("files", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"t.jsonl\"\r\n\r\n{\"a\":1}")] // cut off
        [InlineData("uploads/upload_x/parts", "multipart/form-data; boundary=XYZ", "--XYZ\r\nContent-Disposition: form-data; name=\"data\"")] // cut in the headers
        public async Task Malformed_multipart_is_400_in_the_service_shape_with_a_request_id(string route, string contentType, string body)
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
            using HttpResponseMessage r = await emu.Http.PostAsync(route, content);
            Assert.True(route.StartsWith("uploads", StringComparison.Ordinal) ? (int)r.StatusCode is 400 or 404 : (int)r.StatusCode == 400, $"HTTP {(int)r.StatusCode}");
            Assert.True(r.Headers.Contains("x-request-id"));
            JsonNode error = JsonNode.Parse(await r.Content.ReadAsStringAsync())!["error"]!;
            Assert.Equal("invalid_request_error", (string?)error["type"]);
            Assert.False(string.IsNullOrEmpty((string?)error["message"]));
        }

        [Fact]
        public void Options_parse_the_command_line_and_name_a_bad_option()
        {
            EmulatorOptions o = EmulatorOptions.Parse(new[] { "--port", "0", "--time-scale", "0.5", "--seed", "9", "--api-key", "k", "--trigger-words", "a,b=hate", "--fault-rate", "0.25", "--org", "org-acme" });
            Assert.Equal((0.5, 9, "k", 0.25, "org-acme"), (o.TimeScale, o.Seed, o.ApiKey, o.FaultRate, o.Organization));
            Assert.Equal(new[] { "a", "b=hate" }, o.TriggerWords);
            Assert.Contains("--fault-rate", Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--fault-rate", "2" })).Message);
            Assert.Contains("--bogus", Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--bogus" })).Message);
        }

        [Fact]
        public async Task A_fine_tune_file_is_not_handed_out_again_but_result_and_batch_files_are()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync();
            string training = (string)(await emu.UploadAsync(Jsonl(10), "t.jsonl"))["id"]!;
            using (HttpResponseMessage refused = await emu.Http.GetAsync($"files/{training}/content"))
            {
                Assert.Equal(400, (int)refused.StatusCode);
                JsonNode error = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!;
                Assert.Equal("Not allowed to download files of purpose: fine-tune", (string?)error["message"]);
                Assert.Equal("invalid_request_error", (string?)error["type"]);
            }

            byte[] requests = Jsonl(3);
            string batch = (string)(await emu.UploadAsync(requests, "requests.jsonl", "batch"))["id"]!;
            Assert.Equal(requests, await emu.Http.GetByteArrayAsync($"files/{batch}/content"));

            (_, JsonObject job) = await emu.PostAsync("fine_tuning/jobs", new JsonObject { ["model"] = "gpt-4o-mini-2024-07-18", ["training_file"] = training });
            JsonObject done = await emu.WaitForJobAsync((string)job["id"]!);
            string csv = await emu.Http.GetStringAsync($"files/{done["result_files"]![0]}/content");
            Assert.StartsWith("step,train_loss", csv);
        }

        [Fact]
        public async Task The_Azure_flavour_hands_out_a_fine_tune_file()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.05, Flavor = Flavor.Azure });
            byte[] content = Jsonl(10);
            string training = (string)(await emu.UploadAsync(content, "t.jsonl"))["id"]!;
            Assert.Equal(content, await emu.Http.GetByteArrayAsync($"files/{training}/content"));
        }

        [Fact]
        public async Task From_the_closure_day_a_job_create_is_refused_with_403_and_the_control_route_moves_the_day()
        {
            await using EmulatorClient emu = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.05, NoNewJobsFrom = DateTime.UtcNow.Date });
            string training = (string)(await emu.UploadAsync(Jsonl(10), "t.jsonl"))["id"]!;
            var create = new JsonObject { ["model"] = "gpt-4o-mini-2024-07-18", ["training_file"] = training };
            (int status, JsonObject body) = await emu.PostAsync("fine_tuning/jobs", create.DeepClone());
            Assert.Equal(403, status);
            Assert.Equal("permission_denied", (string?)body["error"]!["code"]);
            Assert.Empty(emu.Host.State.Jobs);

            using var control = new HttpClient { BaseAddress = emu.Host.BaseUri };
            using (HttpResponseMessage later = await control.PostAsync("_emulator/closure", new StringContent("{\"noNewJobsFrom\":\"" + DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd") + "\"}", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(200, (int)later.StatusCode);
            }

            Assert.Equal(200, (await emu.PostAsync("fine_tuning/jobs", create.DeepClone())).Status);
            using (HttpResponseMessage bad = await control.PostAsync("_emulator/closure", new StringContent("{\"noNewJobsFrom\":\"06.01.2027\"}", Encoding.UTF8, "application/json")))
            {
                Assert.Equal(400, (int)bad.StatusCode);
            }

            Assert.Throws<ArgumentException>(() => EmulatorOptions.Parse(new[] { "--no-new-jobs-from", "soon" }));
            Assert.Equal(new DateTime(2027, 1, 6), EmulatorOptions.Parse(new[] { "--no-new-jobs-from", "2027-01-06" }).NoNewJobsFrom);
        }
    }
}
