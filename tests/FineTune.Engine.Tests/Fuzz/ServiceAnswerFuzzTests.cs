using System;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Jobs;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using Xunit;

namespace FineTune.Engine.Tests.Fuzz
{
    /// <summary>
    /// Seeded mutations of real-shaped service answers (truncated, wrong types, huge numbers, missing fields, HTML,
    /// echoed secrets, odd statuses) served from a loopback server to every read path: every call either returns
    /// or fails with a <see cref="FineTuneServiceException"/> whose message says what happened, and the key never
    /// appears in a result or an error.
    /// </summary>
    public sealed class ServiceAnswerFuzzTests
    {
        private const string Key = "sk-fuzz-Qv73TopSecretKey0042";
        private const int Rounds = 16; // 26 paths x 16 answers: about 12 s on a loaded 2-core machine

        // The local file the upload paths send (95 bytes, like the answers' "bytes").
        private static readonly string UploadPath = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "ft-fuzz-upload-" + Guid.NewGuid().ToString("N") + ".jsonl");

        private static readonly (string Name, string Body, Func<IFineTuneProvider, Task<object>> Call)[] Paths =
        {
            ("ListModels", "{\"object\":\"list\",\"data\":[{\"id\":\"gpt-4o-mini-2024-07-18\",\"object\":\"model\",\"created\":1721172741,\"owned_by\":\"system\"}]}", async p => await p.ListModelsAsync(default)),
            ("GetModel", "{\"id\":\"ft:gpt-4o-mini-2024-07-18:acme::abc\",\"object\":\"model\",\"created\":1764000000,\"owned_by\":\"acme\"}", async p => await p.GetModelAsync("m", default)),
            ("ListFiles", "{\"object\":\"list\",\"data\":[{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":120,\"created_at\":1764000000,\"filename\":\"t.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}],\"has_more\":false}", async p => await p.ListFilesAsync(null, null, 10, default)),
            ("GetFile", "{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":120,\"created_at\":1764000000,\"filename\":\"t.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}", async p => await p.GetFileAsync("file-1", default)),
            ("GetJob", Job, async p => await p.GetJobAsync("ftjob-1", default)),
            ("ListJobs", "{\"object\":\"list\",\"data\":[" + Job + "],\"has_more\":false}", async p => await p.ListJobsAsync(null, 10, null, default)),
            ("ListEvents", "{\"object\":\"list\",\"data\":[{\"id\":\"ftevent-1\",\"object\":\"fine_tuning.job.event\",\"created_at\":1764000100,\"level\":\"info\",\"message\":\"Step 1/30: training loss=1.20\",\"type\":\"metrics\",\"data\":{\"step\":1,\"total_steps\":30,\"train_loss\":1.2}}],\"has_more\":false}", async p => await p.ListEventsAsync("ftjob-1", null, 10, default)),
            ("ListCheckpoints", "{\"object\":\"list\",\"data\":[{\"id\":\"ftckpt-1\",\"object\":\"fine_tuning.job.checkpoint\",\"created_at\":1764000200,\"fine_tuned_model_checkpoint\":\"ft:gpt-4o-mini:acme::abc:ckpt-step-10\",\"step_number\":10,\"metrics\":{\"train_loss\":0.5,\"valid_loss\":0.6},\"fine_tuning_job_id\":\"ftjob-1\"}],\"has_more\":false}", async p => await p.ListCheckpointsAsync("ftjob-1", null, 10, default)),
            ("Chat", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\",\"refusal\":null},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}", async p => await p.ChatAsync("gpt-4o-mini-2024-07-18", new[] { new ChatMessage("user", "Hi") }, null, null, default)),
            ("Complete", "{\"id\":\"cmpl-1\",\"object\":\"text_completion\",\"model\":\"babbage-002\",\"choices\":[{\"index\":0,\"text\":\" Hello.\",\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}}", async p => await p.CompleteAsync("babbage-002", "Hi ->", null, null, default)),
            ("Embed", "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,\"embedding\":[0.1,-0.2,0.3]},{\"object\":\"embedding\",\"index\":1,\"embedding\":[0.3,0.2,-0.1]}],\"model\":\"text-embedding-3-small\",\"usage\":{\"prompt_tokens\":4,\"total_tokens\":4}}", async p => await p.EmbedAsync("text-embedding-3-small", new[] { "hello", "world" }, null, default)),
            ("LookUpModel", "{\"id\":\"gpt-4o-mini-2024-07-18\",\"object\":\"model\",\"created\":1721172741,\"owned_by\":\"system\"}", async p => await p.LookUpModelAsync("gpt-4o-mini-2024-07-18", default)),
            ("CreateJob", Job, async p => await p.CreateJobAsync(new JobRequest { Model = "gpt-4o-mini-2024-07-18", TrainingFile = "file-1" }, NoFeedback.Instance, default)),
            ("CancelJob", Job, async p => await p.CancelJobAsync("ftjob-1", default)),
            ("CreateBatch", Batch, async p => await p.CreateBatchAsync("file-1", "/v1/chat/completions", default)),
            ("GetBatch", Batch, async p => await p.GetBatchAsync("batch_1", default)),
            ("UploadFile", FileAnswer, async p => await p.UploadFileAsync(UploadPath, "fine-tune", false, null, NoFeedback.Instance, default)),
            ("Uploads", "{\"id\":\"upload_1\",\"object\":\"upload\",\"bytes\":95,\"created_at\":1764000000,\"filename\":\"t.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"completed\",\"expires_at\":1764003600,\"file\":" + FileAnswer + "}", async p => await p.UploadFileAsync(UploadPath, "fine-tune", true, null, NoFeedback.Instance, default)),
            ("DownloadFile", Line, async p => await p.DownloadFileAsync("file-1", default)),
            ("SaveFile", Line, async p => await p.SaveFileAsync("file-1", UploadPath + ".saved", true, null, default)),
            ("Moderate", "{\"id\":\"modr-1\",\"model\":\"omni-moderation-latest\",\"results\":[{\"flagged\":false,\"categories\":{\"hate\":false},\"category_scores\":{\"hate\":0.001}}]}", async p => await p.ModerateAsync(new[] { "hello" }, null, default)),
        };

        // Azure's own read paths: chat through a deployment, and the deployments themselves through Azure Resource Manager
        // (the same key serves as the ARM token, so an echoed token is looked for too).
        private static readonly (string Name, string Body, Func<AzureProvider, IModelDeployments, Task<object>> Call)[] AzurePaths =
        {
            ("AzureChat", "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"model\":\"gpt-4o-mini-2024-07-18.ft-abc\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hello.\"},\"finish_reason\":\"stop\"}],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":2,\"total_tokens\":11}}", async (p, d) => await p.ChatAsync("support-ft", new[] { new ChatMessage("user", "Hi") }, null, null, default)),
            ("ArmCreate", Deployment, async (p, d) => await d.CreateAsync("sub", "rg", "acct", "support-ft", "gpt-4o-mini-2024-07-18.ft-abc", "Standard", 1, default)),
            ("ArmGet", Deployment, async (p, d) => (object?)await d.GetAsync("sub", "rg", "acct", "support-ft", default) ?? "none"),
            ("ArmList", "{\"value\":[" + Deployment + "],\"nextLink\":null}", async (p, d) => await d.ListAsync("sub", "rg", "acct", default)),
            ("ArmDelete", Deployment, async (p, d) => await d.DeleteAsync("sub", "rg", "acct", "support-ft", default)),
        };

        private const string Deployment = "{\"id\":\"/subscriptions/sub/resourceGroups/rg/providers/Microsoft.CognitiveServices/accounts/acct/deployments/support-ft\",\"name\":\"support-ft\",\"sku\":{\"name\":\"Standard\",\"capacity\":1},\"properties\":{\"model\":{\"format\":\"OpenAI\",\"name\":\"gpt-4o-mini-2024-07-18.ft-abc\",\"version\":\"1\"},\"provisioningState\":\"Succeeded\"}}";

        private const string FileAnswer = "{\"id\":\"file-1\",\"object\":\"file\",\"bytes\":95,\"created_at\":1764000000,\"filename\":\"t.1a2b3c4d.jsonl\",\"purpose\":\"fine-tune\",\"status\":\"processed\"}";

        private const string Batch = "{\"id\":\"batch_1\",\"object\":\"batch\",\"endpoint\":\"/v1/chat/completions\",\"input_file_id\":\"file-1\",\"completion_window\":\"24h\",\"status\":\"completed\",\"output_file_id\":\"file-2\",\"error_file_id\":null,\"created_at\":1764000000,\"request_counts\":{\"total\":2,\"completed\":2,\"failed\":0}}";

        // A training line as a download answers it (one line of JSON Lines is JSON, so it mutates like the others).
        private const string Line = "{\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"},{\"role\":\"assistant\",\"content\":\"Hello.\"}]}";

        private const string Job = "{\"id\":\"ftjob-1\",\"object\":\"fine_tuning.job\",\"model\":\"gpt-4o-mini-2024-07-18\",\"created_at\":1764000000,\"finished_at\":null,\"fine_tuned_model\":null,\"status\":\"running\",\"trained_tokens\":null,\"training_file\":\"file-1\",\"validation_file\":null,\"hyperparameters\":{\"n_epochs\":3,\"batch_size\":1,\"learning_rate_multiplier\":1.8},\"error\":{\"code\":null,\"message\":null,\"param\":null},\"seed\":42,\"estimated_finish\":null,\"method\":{\"type\":\"supervised\"}}";

        [Fact]
        public async Task MutatedAnswersOnEveryReadPathGiveAResultOrAClearErrorAndNeverTheKey()
        {
            var random = new Random(12);
            (int Status, string Body) answer = (200, "{}");
            using var server = new LoopbackServer(async ctx =>
            {
                (int status, string body) = answer;
                byte[] bytes = Encoding.UTF8.GetBytes(body);
                ctx.Response.StatusCode = status;
                ctx.Response.ContentType = body.StartsWith("<", StringComparison.Ordinal) ? "text/html" : "application/json";
                ctx.Response.Headers["x-request-id"] = "req_fuzz";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            });
            System.IO.File.WriteAllText(UploadPath, Line.PadRight(94) + "\n");
            var provider = new OpenAiProvider(new FineTuneConnection(server.Endpoint, Key, KeySource.Parameter, maxRetries: 0, timeoutSec: 10, maxRetryDelaySec: 1));
            var azure = new AzureProvider(new FineTuneConnection(server.Endpoint, Key, KeySource.Parameter, maxRetries: 0, timeoutSec: 10, maxRetryDelaySec: 1));
            IModelDeployments arm = ProviderFactory.Deployments(server.Endpoint, Key, new FineTuneConnection(server.Endpoint, Key, KeySource.Parameter, maxRetries: 0, timeoutSec: 10, maxRetryDelaySec: 1));
            var failures = new List<string>();
            int errors = 0, results = 0;
            var all = Paths.Select(p => (p.Name, p.Body, Call: (Func<Task<object>>)(() => p.Call(provider))))
                .Concat(AzurePaths.Select(p => (p.Name, p.Body, Call: (Func<Task<object>>)(() => p.Call(azure, arm)))));
            foreach (var path in all)
            {
                for (int round = 0; round < Rounds; round++)
                {
                    (string how, string body) = Mutate(path.Body, random);
                    int status = random.Next(6) switch { 0 => 400, 1 => 401, 2 => 404, _ => 200 };
                    answer = (status, body);
                    string what = $"{path.Name} HTTP {status} {how}: {Cut(body)}";
                    try
                    {
                        object result = await path.Call();
                        results++;
                        string shown = JsonSerializer.Serialize(result);
                        if (shown.Contains(Key, StringComparison.Ordinal) || shown.Contains("TopSecretKey", StringComparison.Ordinal)) failures.Add("key in the result of " + what);
                    }
                    catch (FineTuneServiceException ex)
                    {
                        errors++;
                        if (ex.ToString().Contains("TopSecretKey", StringComparison.Ordinal)) failures.Add("key in the error of " + what);
                        if (ex.Message.Trim().Length < 20) failures.Add($"an error that says nothing ({ex.Kind}: {ex.Message}) for " + what);
                    }
                    catch (Exception ex)
                    {
                        failures.Add($"{ex.GetType().Name} ({ex.Message}) for {what}");
                    }
                }
            }

            System.IO.File.Delete(UploadPath);
            System.IO.File.Delete(UploadPath + ".saved");
            Assert.True(failures.Count == 0, string.Join("\n", failures.Take(20)));
            Assert.True(errors > (Paths.Length + AzurePaths.Length) * 4 && results > (Paths.Length + AzurePaths.Length) * 2, $"{errors} errors, {results} results: the mutations should give both");
        }

        [Fact]
        public async Task ArmNextLinksOffTheHostOrInALoopAreRefusedAndTheTokenStaysHome()
        {
            string next = "{\"value\":[" + Deployment + "],\"nextLink\":\"NEXT\"}";
            string link = string.Empty;
            int requests = 0;
            using var server = new LoopbackServer(async ctx =>
            {
                Interlocked.Increment(ref requests);
                byte[] bytes = Encoding.UTF8.GetBytes(next.Replace("NEXT", link));
                ctx.Response.ContentType = "application/json";
                await ctx.Response.OutputStream.WriteAsync(bytes);
                ctx.Response.Close();
            });
            IModelDeployments arm = ProviderFactory.Deployments(server.Endpoint, Key, null);
            foreach ((string to, string says) in new[] { ("https://collector.example.net/steal?x=1", "collector.example.net"), (server.Endpoint.AbsoluteUri + "subscriptions/sub/loop", "loop") })
            {
                link = to;
                requests = 0;
                var ex = await Assert.ThrowsAsync<FineTuneServiceException>(() => arm.ListAsync("sub", "rg", "acct", default));
                Assert.Equal("FineTune.InvalidResponse", ex.ErrorId);
                Assert.Contains(says, ex.Message);
                Assert.DoesNotContain("TopSecretKey", ex.ToString());
                Assert.True(requests <= 2, $"{requests} requests: the list should stop at once");
            }
        }

        private static string Cut(string s) => s.Length <= 120 ? s : s.Substring(0, 120) + "...";

        private static (string How, string Body) Mutate(string json, Random random)
        {
            switch (random.Next(8))
            {
                case 0:
                    return ("truncated", json.Substring(0, random.Next(json.Length)));
                case 1:
                    return ("html", "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Please sign in</body></html>");
                case 2:
                    return ("odd root", new[] { "null", "[]", "\"text\"", "42", "[{}]", "{}" }[random.Next(6)]);
                case 3:
                    return ("huge numbers", System.Text.RegularExpressions.Regex.Replace(json, @"(?<=[:\[,])\d+(\.\d+)?", m => random.Next(3) switch { 0 => "1e999", 1 => "-99999999999999999999999", _ => "-1" }));
                case 4:
                    return ("echoed secret", ReplaceStrings(json, random, s => $"Incorrect API key provided: Bearer {Key} ({Key.Substring(0, 12)}...)"));
                default:
                    JsonNode root = JsonNode.Parse(json)!;
                    for (int n = random.Next(1, 4); n > 0; n--) MutateNode(root, random);
                    return (random.Next(2) == 0 ? "wrong types" : "missing fields", root.ToJsonString());
            }
        }

        private static string ReplaceStrings(string json, Random random, Func<string, string> with)
        {
            JsonNode root = JsonNode.Parse(json)!;
            foreach (JsonNode? node in Walk(root).ToList())
            {
                if (node is JsonValue v && v.GetValueKind() == JsonValueKind.String && random.Next(2) == 0) v.ReplaceWith(JsonValue.Create(with(v.GetValue<string>())));
            }

            return root.ToJsonString();
        }

        private static void MutateNode(JsonNode root, Random random)
        {
            List<JsonNode> nodes = Walk(root).Where(n => n != null && n.Parent != null).Select(n => n!).ToList();
            if (nodes.Count == 0) return;
            JsonNode target = nodes[random.Next(nodes.Count)];
            if (random.Next(2) == 0 && target.Parent is JsonObject parent)
            {
                parent.Remove(target.GetPropertyName());
                return;
            }

            JsonNode? replacement = random.Next(6) switch
            {
                0 => JsonValue.Create("text"),
                1 => JsonValue.Create(-7),
                2 => new JsonArray(),
                3 => new JsonObject(),
                4 => JsonValue.Create(true),
                _ => null,
            };
            if (target.Parent is JsonObject o) o[target.GetPropertyName()] = replacement;
            else if (target.Parent is JsonArray a) a[target.GetElementIndex()] = replacement;
        }

        private static IEnumerable<JsonNode?> Walk(JsonNode? node)
        {
            yield return node;
            if (node is JsonObject o)
            {
                foreach (var p in o.ToList()) foreach (JsonNode? n in Walk(p.Value)) yield return n;
            }
            else if (node is JsonArray a)
            {
                foreach (JsonNode? item in a.ToList()) foreach (JsonNode? n in Walk(item)) yield return n;
            }
        }
    }
}
