using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// A comparison's journal: a JSONL file with one line per answered request,
    /// <c>{"key","text","prompt_tokens","completion_tokens","seconds","batch"}</c>, and one line per batch sent,
    /// <c>{"batch_id","keys"}</c>. The key is a hash of the request (<see cref="KeyOf"/>), so a re-run sends only
    /// requests whose answer is missing, whatever order or file they come from, and a changed request (another
    /// model, system message, temperature) is sent again. Lines are appended and flushed at once: an interrupted
    /// run (Ctrl+C, a crash) loses at most the requests in flight. A torn last line is ignored on reading.
    /// Thread-safe.
    /// </summary>
    internal sealed class EvalJournal : IDisposable
    {
        private readonly object sync = new object();
        private readonly Dictionary<string, (ModelReply Reply, double Seconds, bool Batch)> answers = new Dictionary<string, (ModelReply, double, bool)>(StringComparer.Ordinal);
        private readonly List<(string Id, HashSet<string> Keys)> batches = new List<(string, HashSet<string>)>();
        private readonly StreamWriter? writer;

        private EvalJournal(string? path, StreamWriter? writer)
        {
            Path = path;
            this.writer = writer;
        }

        /// <summary>The file, or null for a journal that keeps nothing.</summary>
        public string? Path { get; }

        /// <summary>Opens (or creates) the journal; null keeps nothing. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>.</summary>
        public static EvalJournal Open(string? path)
        {
            if (path == null) return new EvalJournal(null, null);
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path) ?? ".");
            string text = File.Exists(path) ? File.ReadAllText(path, Encoding.UTF8) : string.Empty;
            var stream = new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read);
            var journal = new EvalJournal(path, new StreamWriter(stream, new UTF8Encoding(false)) { NewLine = "\n" });
            if (text.Length > 0 && text[text.Length - 1] != '\n') journal.writer!.Write('\n');
            foreach (string line in text.Split('\n'))
            {
                if (line.Trim().Length == 0) continue;
                try
                {
                    if (!(JsonNode.Parse(line) is JsonObject o)) continue;
                    if (o["batch_id"] is JsonValue b && b.TryGetValue(out string? id))
                    {
                        journal.batches.Add((id!, new HashSet<string>((o["keys"] as JsonArray ?? new JsonArray()).Select(k => (string?)k ?? string.Empty), StringComparer.Ordinal)));
                    }
                    else if (o["key"] is JsonValue k && k.TryGetValue(out string? key))
                    {
                        journal.answers[key!] = (new ModelReply
                        {
                            Text = (string?)o["text"] ?? string.Empty,
                            PromptTokens = (long?)o["prompt_tokens"] ?? 0,
                            CompletionTokens = (long?)o["completion_tokens"] ?? 0,
                        }, (double?)o["seconds"] ?? 0, (bool?)o["batch"] ?? false);
                    }
                }
                catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException || ex is FormatException)
                {
                    // a torn line from an interrupted run: that request is sent again
                }
            }

            return journal;
        }

        /// <summary>The key of a request: hex SHA-256 of its model, messages or prompt, max tokens and temperature.</summary>
        public static string KeyOf(EvalRequest r)
        {
            var o = new JsonObject
            {
                ["model"] = r.Model,
                ["messages"] = r.Messages == null ? null : new JsonArray(r.Messages.Select(m => (JsonNode)new JsonObject { ["role"] = m.Role, ["content"] = m.Content }).ToArray()),
                ["prompt"] = r.Prompt,
                ["max_tokens"] = r.MaxTokens,
                ["temperature"] = r.Temperature,
            };
            if (r.ServiceEndpoint != null) o["service"] = r.ServiceEndpoint; // absent otherwise: the keys of earlier journals stay valid
            using var sha = SHA256.Create();
            byte[] hash = sha.ComputeHash(Encoding.UTF8.GetBytes(o.ToJsonString()));
            return string.Concat(hash.Select(b => b.ToString("x2")));
        }

        /// <summary>The earlier answer to <paramref name="key"/>, if any.</summary>
        public bool TryGet(string key, out ModelReply reply, out double seconds, out bool batch)
        {
            lock (sync)
            {
                bool found = answers.TryGetValue(key, out var a);
                (reply, seconds, batch) = found ? a : (null!, 0, false);
                return found;
            }
        }

        /// <summary>The last batch sent that holds <paramref name="key"/>, or null.</summary>
        public string? BatchOf(string key)
        {
            lock (sync) return batches.LastOrDefault(b => b.Keys.Contains(key)).Id;
        }

        /// <summary>Records an answer and flushes it.</summary>
        public void Add(string key, ModelReply reply, double seconds, bool batch)
        {
            lock (sync)
            {
                answers[key] = (reply, seconds, batch);
                Write(new JsonObject { ["key"] = key, ["text"] = reply.Text, ["prompt_tokens"] = reply.PromptTokens, ["completion_tokens"] = reply.CompletionTokens, ["seconds"] = seconds, ["batch"] = batch });
            }
        }

        /// <summary>Records a batch sent and flushes it.</summary>
        public void AddBatch(string id, IEnumerable<string> keys)
        {
            lock (sync)
            {
                var set = new HashSet<string>(keys, StringComparer.Ordinal);
                batches.Add((id, set));
                Write(new JsonObject { ["batch_id"] = id, ["keys"] = new JsonArray(set.Select(k => (JsonNode)JsonValue.Create(k)!).ToArray()) });
            }
        }

        private void Write(JsonObject line)
        {
            if (writer == null) return;
            writer.WriteLine(line.ToJsonString());
            writer.Flush();
        }

        /// <inheritdoc/>
        public void Dispose()
        {
            lock (sync) writer?.Dispose();
        }
    }
}
