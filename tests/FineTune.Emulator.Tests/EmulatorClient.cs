using System;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading.Tasks;

namespace FineTune.Emulator.Tests
{
    /// <summary>An in-process emulator and an HttpClient with a bearer key, for one test.</summary>
    public sealed class EmulatorClient : IAsyncDisposable
    {
        private EmulatorClient(EmulatorHost host, HttpClient http)
        {
            Host = host;
            Http = http;
        }

        public EmulatorHost Host { get; }

        /// <summary>Base address http://127.0.0.1:PORT/v1/ with "Authorization: Bearer test-key".</summary>
        public HttpClient Http { get; }

        public static async Task<EmulatorClient> StartAsync(EmulatorOptions? options = null)
        {
            EmulatorHost host = await EmulatorHost.StartAsync(options ?? new EmulatorOptions { TimeScale = 0.05 });
            var http = new HttpClient { BaseAddress = new Uri(host.Endpoint + "/"), Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key");
            return new EmulatorClient(host, http);
        }

        /// <summary>GET, expecting 200, the body as JSON.</summary>
        public async Task<JsonObject> GetAsync(string path)
        {
            using HttpResponseMessage r = await Http.GetAsync(path);
            string text = await r.Content.ReadAsStringAsync();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"GET {path}: {(int)r.StatusCode} {text}");
            return JsonNode.Parse(text)!.AsObject();
        }

        /// <summary>Every item of a list route, page by page (limit 100, after = the last id of the page before).</summary>
        public async Task<JsonArray> GetAllAsync(string path)
        {
            var all = new JsonArray();
            string? after = null;
            while (true)
            {
                JsonObject page = await GetAsync(path + "?limit=100" + (after == null ? "" : "&after=" + after));
                foreach (JsonNode? item in page["data"]!.AsArray()) all.Add(item!.DeepClone());
                if (!(bool)page["has_more"]!) return all;
                after = (string)all[all.Count - 1]!["id"]!;
            }
        }

        /// <summary>POST JSON; returns status and body.</summary>
        public async Task<(int Status, JsonObject Body)> PostAsync(string path, JsonNode body)
        {
            using HttpResponseMessage r = await Http.PostAsync(path, new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json"));
            return ((int)r.StatusCode, JsonNode.Parse(await r.Content.ReadAsStringAsync())!.AsObject());
        }

        /// <summary>Uploads bytes as a multipart file with <paramref name="purpose"/> (default fine-tune); returns the file object (throws on error).</summary>
        public async Task<JsonObject> UploadAsync(byte[] content, string filename, string purpose = "fine-tune")
        {
            using var form = new MultipartFormDataContent
            {
                { new StringContent(purpose), "purpose" },
                { new ByteArrayContent(content), "file", filename },
            };
            using HttpResponseMessage r = await Http.PostAsync("files", form);
            string text = await r.Content.ReadAsStringAsync();
            if (!r.IsSuccessStatusCode) throw new InvalidOperationException($"POST files: {(int)r.StatusCode} {text}");
            return JsonNode.Parse(text)!.AsObject();
        }

        /// <summary>Polls the job until it reaches a terminal status (at most 60 s of wall time, then throws).</summary>
        public async Task<JsonObject> WaitForJobAsync(string jobId)
        {
            DateTime deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                JsonObject job = await GetAsync("fine_tuning/jobs/" + jobId);
                if ((string?)job["status"] is "succeeded" or "failed" or "cancelled") return job;
                if (DateTime.UtcNow > deadline) throw new TimeoutException($"Job {jobId} still {(string?)job["status"]} after 60 s.");
                await Task.Delay(50);
            }
        }

        public async ValueTask DisposeAsync()
        {
            Http.Dispose();
            await Host.DisposeAsync();
        }
    }
}
