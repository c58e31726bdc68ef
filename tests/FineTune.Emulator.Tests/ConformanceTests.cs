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
using FineTune.Engine.Tests;
using Xunit;

namespace FineTune.Emulator.Tests
{
    /// <summary>
    /// Drives every route the module uses through Prism (proxy mode, official OpenAPI description) and fails
    /// on any request or response violation Prism reports, except those in <see cref="AllowList"/>.
    /// </summary>
    public class ConformanceTests : IClassFixture<PrismProxy>
    {
        /// <summary>
        /// The ONLY accepted violations: (route, text in Prism's message, why the emulator differs from the description).
        /// </summary>
        public static readonly (string Route, string Message, string Reason)[] AllowList =
        {
            ("GET /files/{file_id}/content", "media type \"application/octet-stream\"",
                "The description declares an application/json string; the service sends the file's raw bytes (a JSONL or CSV file), and the SDKs read them as binary."),
            ("POST /fine_tuning/jobs/{fine_tuning_job_id}/pause", "status",
                "The live service reports a paused job as status 'paused', which the description's enum lacks (OPENAI-FACTS.md: the live service adds pausing and paused)."),
        };

        private readonly PrismProxy prism;
        private readonly List<string> problems = new List<string>();
        private readonly HashSet<string> allowancesUsed = new HashSet<string>();

        public ConformanceTests(PrismProxy prism) => this.prism = prism;

        [SkippableFact]
        public async Task Every_route_the_module_uses_conforms_to_the_OpenAPI_description()
        {
            Skip.If(prism.SkipReason != null, prism.SkipReason);
            string trainingPath = SharedData.Require("data/chat_ticket_classification_train.jsonl");
            string validationPath = SharedData.Require("data/chat_travel_assistant_mslearn_small.jsonl");
            EmulatorClient emu = prism.Emulator!;
            using var http = new HttpClient { BaseAddress = prism.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "conformance-key");
            emu.Host.State.RequestCounts.Clear();

            // Files
            JsonNode training = await Send(http, "POST /files", HttpMethod.Post, "files", Multipart("file", File.ReadAllBytes(trainingPath), "tickets.jsonl", ("purpose", "fine-tune")));
            JsonNode validation = await Send(http, "POST /files", HttpMethod.Post, "files", Multipart("file", File.ReadAllBytes(validationPath), "travel.jsonl", ("purpose", "fine-tune")));
            string trainingId = (string)training["id"]!, validationId = (string)validation["id"]!;
            JsonNode page = await Send(http, "GET /files", HttpMethod.Get, "files?purpose=fine-tune&limit=1&order=asc");
            Assert.Equal(trainingId, (string?)page["data"]![0]!["id"]);
            await Send(http, "GET /files", HttpMethod.Get, $"files?limit=1&order=asc&after={trainingId}");
            await Send(http, "GET /files/{file_id}", HttpMethod.Get, $"files/{trainingId}");
            // OpenAI refuses to hand out a fine-tune file's content: a batch file is downloaded instead
            JsonNode batch = await Send(http, "POST /files", HttpMethod.Post, "files", Multipart("file", File.ReadAllBytes(validationPath), "requests.jsonl", ("purpose", "batch")));
            await Send(http, "GET /files/{file_id}/content", HttpMethod.Get, $"files/{batch["id"]}/content");

            // Uploads
            byte[] bytes = File.ReadAllBytes(validationPath);
            JsonNode upload = await Send(http, "POST /uploads", HttpMethod.Post, "uploads", Json(new JsonObject { ["filename"] = "travel.jsonl", ["purpose"] = "fine-tune", ["bytes"] = bytes.Length, ["mime_type"] = "text/jsonl" }));
            string uploadId = (string)upload["id"]!;
            JsonNode part1 = await Send(http, "POST /uploads/{upload_id}/parts", HttpMethod.Post, $"uploads/{uploadId}/parts", Multipart("data", bytes[..1000], "part1", ("unused", null)));
            JsonNode part2 = await Send(http, "POST /uploads/{upload_id}/parts", HttpMethod.Post, $"uploads/{uploadId}/parts", Multipart("data", bytes[1000..], "part2", ("unused", null)));
            JsonNode completed = await Send(http, "POST /uploads/{upload_id}/complete", HttpMethod.Post, $"uploads/{uploadId}/complete",
                Json(new JsonObject { ["part_ids"] = new JsonArray((string)part1["id"]!, (string)part2["id"]!), ["md5"] = Convert.ToHexStringLower(MD5.HashData(bytes)) }));
            Assert.Equal("completed", (string?)completed["status"]);
            JsonNode another = await Send(http, "POST /uploads", HttpMethod.Post, "uploads", Json(new JsonObject { ["filename"] = "x.jsonl", ["purpose"] = "fine-tune", ["bytes"] = 10, ["mime_type"] = "text/jsonl" }));
            await Send(http, "POST /uploads/{upload_id}/cancel", HttpMethod.Post, $"uploads/{another["id"]}/cancel");

            // Jobs: one to succeed, one to pause, resume and cancel.
            JsonNode job = await Send(http, "POST /fine_tuning/jobs", HttpMethod.Post, "fine_tuning/jobs", Json(new JsonObject
            {
                ["model"] = "gpt-4o-mini", ["training_file"] = trainingId, ["validation_file"] = validationId, ["suffix"] = "tickets", ["seed"] = 11,
                ["metadata"] = new JsonObject { ["client_request_id"] = "conformance-1" },
                ["method"] = new JsonObject { ["type"] = "supervised", ["supervised"] = new JsonObject { ["hyperparameters"] = new JsonObject { ["n_epochs"] = 3, ["batch_size"] = "auto", ["learning_rate_multiplier"] = 1.5 } } },
            }));
            string jobId = (string)job["id"]!;
            JsonNode slow = await Send(http, "POST /fine_tuning/jobs", HttpMethod.Post, "fine_tuning/jobs", Json(new JsonObject
            {
                ["model"] = "gpt-4.1-mini-2025-04-14", ["training_file"] = trainingId,
                ["method"] = new JsonObject { ["type"] = "dpo", ["dpo"] = new JsonObject { ["hyperparameters"] = new JsonObject { ["beta"] = 0.2 } } },
            }));
            JsonNode found = await Send(http, "GET /fine_tuning/jobs", HttpMethod.Get, "fine_tuning/jobs?limit=5&metadata[client_request_id]=conformance-1");
            Assert.Equal(jobId, (string?)found["data"]!.AsArray().Single()!["id"]);

            JsonObject done = await emu.WaitForJobAsync(jobId);
            Assert.Equal("succeeded", (string?)done["status"]);
            await Send(http, "GET /fine_tuning/jobs/{fine_tuning_job_id}", HttpMethod.Get, $"fine_tuning/jobs/{jobId}");
            JsonNode events = await Send(http, "GET /fine_tuning/jobs/{fine_tuning_job_id}/events", HttpMethod.Get, $"fine_tuning/jobs/{jobId}/events?limit=5");
            await Send(http, "GET /fine_tuning/jobs/{fine_tuning_job_id}/events", HttpMethod.Get, $"fine_tuning/jobs/{jobId}/events?limit=100&after={events["data"]![4]!["id"]}");
            await Send(http, "GET /fine_tuning/jobs/{fine_tuning_job_id}/checkpoints", HttpMethod.Get, $"fine_tuning/jobs/{jobId}/checkpoints?limit=2");

            // The DPO job fails validation (the ticket file is not in preference format): a failed job conforms too.
            JsonObject failed = await emu.WaitForJobAsync((string)slow["id"]!);
            Assert.Equal("failed", (string?)failed["status"]);
            await Send(http, "GET /fine_tuning/jobs/{fine_tuning_job_id}", HttpMethod.Get, $"fine_tuning/jobs/{slow["id"]}");

            JsonNode paused = await Send(http, "POST /fine_tuning/jobs", HttpMethod.Post, "fine_tuning/jobs", Json(new JsonObject
            {
                ["model"] = "gpt-4o-mini", ["training_file"] = trainingId,
                ["hyperparameters"] = new JsonObject { ["n_epochs"] = 50 },
            }));
            string pausedId = (string)paused["id"]!;
            while ((string?)(await emu.GetAsync("fine_tuning/jobs/" + pausedId))["status"] != "running") await Task.Delay(20);
            await Send(http, "POST /fine_tuning/jobs/{fine_tuning_job_id}/pause", HttpMethod.Post, $"fine_tuning/jobs/{pausedId}/pause", null);
            await Send(http, "POST /fine_tuning/jobs/{fine_tuning_job_id}/resume", HttpMethod.Post, $"fine_tuning/jobs/{pausedId}/resume", null);
            await Send(http, "POST /fine_tuning/jobs/{fine_tuning_job_id}/cancel", HttpMethod.Post, $"fine_tuning/jobs/{pausedId}/cancel", null);

            // Models, chat, moderation
            string model = (string)done["fine_tuned_model"]!;
            await Send(http, "GET /models", HttpMethod.Get, "models");
            await Send(http, "GET /models/{model}", HttpMethod.Get, "models/" + Uri.EscapeDataString(model));
            JsonNode chat = await Send(http, "POST /chat/completions", HttpMethod.Post, "chat/completions", Json(new JsonObject
            {
                ["model"] = model,
                ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "I was charged twice on my invoice" }),
            }));
            Assert.NotNull(chat["usage"]);
            JsonNode legacy = await Send(http, "POST /completions", HttpMethod.Post, "completions", Json(new JsonObject { ["model"] = "babbage-002", ["prompt"] = "Say hello", ["max_tokens"] = 16, ["temperature"] = 0 }));
            Assert.Equal("text_completion", (string?)legacy["object"]);

            // Batches: one to run to completion, one to cancel.
            string batchLine = new JsonObject { ["custom_id"] = "r1", ["method"] = "POST", ["url"] = "/v1/chat/completions", ["body"] = new JsonObject { ["model"] = "gpt-4o-mini", ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = "Hi" }) } }.ToJsonString() + "\n";
            JsonNode input = await Send(http, "POST /files", HttpMethod.Post, "files", Multipart("file", Encoding.UTF8.GetBytes(batchLine), "batch.jsonl", ("purpose", "batch")));
            JsonObject batchRequest = new JsonObject { ["input_file_id"] = (string)input["id"]!, ["endpoint"] = "/v1/chat/completions", ["completion_window"] = "24h", ["metadata"] = new JsonObject { ["run"] = "conformance" } };
            JsonNode created = await Send(http, "POST /batches", HttpMethod.Post, "batches", Json(batchRequest));
            JsonNode toCancel = await Send(http, "POST /batches", HttpMethod.Post, "batches", Json(batchRequest.DeepClone()));
            await Send(http, "POST /batches/{batch_id}/cancel", HttpMethod.Post, $"batches/{toCancel["id"]}/cancel");
            while ((string?)(await emu.GetAsync("batches/" + created["id"]))["status"] != "completed") await Task.Delay(20);
            JsonNode ran = await Send(http, "GET /batches/{batch_id}", HttpMethod.Get, $"batches/{created["id"]}");
            Assert.Equal(1, (int?)ran["request_counts"]!["completed"]);
            await Send(http, "GET /batches", HttpMethod.Get, "batches?limit=1");
            await Send(http, "GET /files/{file_id}/content", HttpMethod.Get, $"files/{ran["output_file_id"]}/content");
            JsonNode embedded = await Send(http, "POST /embeddings", HttpMethod.Post, "embeddings", Json(new JsonObject { ["model"] = "text-embedding-3-small", ["input"] = new JsonArray("How do I reset my password?", "Billing questions"), ["dimensions"] = 256 }));
            Assert.Equal(256, embedded["data"]![1]!["embedding"]!.AsArray().Count);
            await Send(http, "POST /embeddings", HttpMethod.Post, "embeddings", Json(new JsonObject { ["model"] = "text-embedding-3-large", ["input"] = "one text", ["encoding_format"] = "float" }));
            await Send(http, "POST /moderations", HttpMethod.Post, "moderations", Json(new JsonObject { ["input"] = "How do I reset my password?" }));
            await Send(http, "POST /moderations", HttpMethod.Post, "moderations", Json(new JsonObject { ["input"] = new JsonArray("one", "two"), ["model"] = "omni-moderation-latest" }));
            await Send(http, "DELETE /models/{model}", HttpMethod.Delete, "models/" + Uri.EscapeDataString(model));
            await Send(http, "DELETE /files/{file_id}", HttpMethod.Delete, $"files/{validationId}");

            // Every /v1 route of the emulator went through Prism at least once.
            var counted = emu.Host.State.RequestCounts.Keys.ToHashSet();
            var missed = emu.Host.Routes.Where(r => !counted.Contains(r)).ToList();
            Assert.True(problems.Count == 0, "Conformance violations:\n" + string.Join("\n", problems));
            Assert.True(missed.Count == 0, "Routes the suite did not drive: " + string.Join(", ", missed));
            var stale = AllowList.Select(a => a.Route + " " + a.Message).Where(a => !allowancesUsed.Contains(a)).ToList();
            Assert.True(stale.Count == 0, "Allow-list entries no violation needed (remove them): " + string.Join("; ", stale));
        }

        private async Task<JsonNode> Send(HttpClient http, string route, HttpMethod method, string path, HttpContent? content = null)
        {
            using var request = new HttpRequestMessage(method, path) { Content = content };
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (HttpRequestException e)
            {
                string log = prism.Log;
                throw new InvalidOperationException($"{route} ({path}): no answer from Prism ({e.Message}). Prism log (end): {log[Math.Max(0, log.Length - 3000)..]}", e);
            }

            using var disposeResponse = response;
            string text = await response.Content.ReadAsStringAsync();
            var violations = new List<JsonNode>();
            if (response.Headers.TryGetValues("sl-violations", out IEnumerable<string>? header))
            {
                violations.AddRange(header.SelectMany(h => JsonNode.Parse(h)!.AsArray()).Select(v => v!.DeepClone()));
            }

            JsonNode? body = null;
            try
            {
                body = JsonNode.Parse(text);
            }
            catch (System.Text.Json.JsonException)
            {
                // Not JSON (file content): nothing more to read.
            }

            bool replaced = body is JsonObject o && ((string?)o["type"])?.Contains("stoplight.io/prism/errors#", StringComparison.Ordinal) == true;
            if (replaced) violations.AddRange(body!["validation"] is JsonArray listed ? listed.Select(v => v!.DeepClone()) : new[] { body.DeepClone() });

            var unexplained = new List<JsonNode>();
            foreach (JsonNode v in violations)
            {
                var allowed = AllowList.Where(a => a.Route == route && ((string?)v["message"] ?? "").Contains(a.Message, StringComparison.Ordinal)).ToList();
                if (allowed.Count == 0) unexplained.Add(v);
                allowed.ForEach(a => allowancesUsed.Add(a.Route + " " + a.Message));
            }

            foreach (JsonNode v in unexplained) problems.Add($"{route} ({path}): {v.ToJsonString()}");
            if (!replaced && !response.IsSuccessStatusCode) problems.Add($"{route} ({path}): HTTP {(int)response.StatusCode} {text}");
            return replaced || body == null ? new JsonObject() : body;
        }

        private static HttpContent Json(JsonNode body) => new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");

        /// <summary>
        /// A multipart body with quoted parameters (name="file"; filename="x.jsonl"), as curl and the Python SDK send
        /// them. Prism 5.16's multipart parser (parse-multipart-data) JSON-parses each parameter value, so the
        /// unquoted form .NET's MultipartFormDataContent writes by default crashes the Prism process.
        /// </summary>
        private static HttpContent Multipart(string field, byte[] data, string filename, (string Name, string? Value) extra)
        {
            var form = new MultipartFormDataContent();
            var file = new ByteArrayContent(data);
            file.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(field), FileName = Quote(filename) };
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(file);
            if (extra.Value != null)
            {
                var text = new StringContent(extra.Value);
                text.Headers.ContentDisposition = new ContentDispositionHeaderValue("form-data") { Name = Quote(extra.Name) };
                form.Add(text);
            }

            return form;
        }

        private static string Quote(string s) => "\"" + s + "\"";
    }
}
