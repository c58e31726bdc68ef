using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.IO;
using FineTune.Engine.Moderation;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;

namespace FineTune.Engine.Tests
{
    /// <summary>
    /// The one in-memory implementation of the provider port: files, jobs, models, chat, moderation and embeddings
    /// kept in dictionaries, no HTTP. A job follows a status script, one entry per <see cref="GetJobAsync"/>, and each
    /// poll adds two events (a message and a metrics event with step, total_steps 10 and train_loss 1/poll).
    /// <see cref="Calls"/> records every call by operation name, in order.
    /// </summary>
    public sealed class FakeProvider : IFineTuneProvider
    {
        private readonly ConcurrentDictionary<string, FineTuneFile> files = new ConcurrentDictionary<string, FineTuneFile>();
        private readonly ConcurrentDictionary<string, ScriptedJob> jobs = new ConcurrentDictionary<string, ScriptedJob>();
        private int nextId;

        public FakeProvider(string name = "OpenAI") => Name = name;

        public FineTuneConnection Connection { get; } = new FineTuneConnection(new Uri("http://fake.invalid/v1"), "sk-fake", KeySource.Parameter);

        public string Name { get; }

        public bool SignsInWithEntraId => Name == "Azure";

        public DatasetTarget Target => Name == "Azure" ? DatasetTarget.Azure : DatasetTarget.OpenAI;

        public bool HandsOutTrainingFiles => Name == "Azure";

        public bool BatchServesEmbeddings => Name != "Azure";

        public bool BatchServesFineTunedModels => Name != "Azure";

        /// <summary>Every call, by operation name (AddFile, StartJob, GetJob, GetEvent, Moderate, Chat...).</summary>
        public ConcurrentQueue<string> Calls { get; } = new ConcurrentQueue<string>();

        /// <summary>The models the fake serves (LookUpModel says false for others).</summary>
        public HashSet<string> Models { get; } = new HashSet<string>(StringComparer.Ordinal) { "gpt-4o-mini-2024-07-18", "gpt-4.1-mini-2025-04-14", "babbage-002" };

        /// <summary>The statuses a new job goes through, one a poll (the last one stays).</summary>
        public string[] JobScript { get; set; } = { "queued", "running", "succeeded" };

        /// <summary>Moderation flags an input that contains this word (case-insensitive).</summary>
        public string FlagWord { get; set; } = "forbidden";

        /// <summary>The largest page the fake answers, to exercise the cursor loops.</summary>
        public int PageSize { get; set; } = 100;

        /// <summary>The answer of chat and completions for a question; default "echo: " + question.</summary>
        public Func<string, string> Answer { get; set; } = q => "echo: " + q;

        public IReadOnlyCollection<FineTuneFile> Files => files.Values.ToList();

        /// <summary>Adds a job that follows <paramref name="statuses"/> (see the class summary).</summary>
        public void ScriptJob(string jobId, params string[] statuses) => jobs[jobId] = new ScriptedJob(new FineTuneJob { Id = jobId, Status = statuses[0] }, statuses);

        /// <summary>How often a job was read.</summary>
        public int Polls(string jobId) => jobs[jobId].Polls;

        public void CheckJob(JobRequest request)
        {
            request.Validate();
            if (request.TrainingType != null && Name != "Azure") throw new ArgumentException("-TrainingType applies to Azure OpenAI only.");
        }

        public Task<IReadOnlyList<FineTuneModel>> ListModelsAsync(CancellationToken cancellationToken) =>
            Done<IReadOnlyList<FineTuneModel>>("GetModel", Models.Select(m => new FineTuneModel { Id = m }).ToList());

        public Task<FineTuneModel> GetModelAsync(string id, CancellationToken cancellationToken) =>
            Models.Contains(id) ? Done("GetModel", new FineTuneModel { Id = id }) : throw NotFound("GetModel", id);

        public Task<ModelLookup> LookUpModelAsync(string id, CancellationToken cancellationToken) =>
            Done("GetModel", new ModelLookup(Models.Contains(id), null));

        public Task DeleteModelAsync(string id, CancellationToken cancellationToken) =>
            Models.Remove(id) ? Done("RemoveModel", true) : throw NotFound("RemoveModel", id);

        public async Task<FineTuneFile> UploadFileAsync(string path, string purpose, bool useUploadApi, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var info = new FileInfo(path);
            if (!info.Exists) throw new FileNotFoundException($"The file '{path}' does not exist.", path);
            progress?.Invoke(info.Length);
            if (checkPassed != null) await checkPassed; // a file is made only of a file that passed its check
            var file = new FineTuneFile { Id = "file-" + Interlocked.Increment(ref nextId), Filename = info.Name, Bytes = info.Length, Purpose = purpose, Status = "processed", LocalPath = info.FullName, CreatedAt = DateTimeOffset.UtcNow };
            files[file.Id] = file;
            return await Done("AddFile", file);
        }

        public Task<Page<FineTuneFile>> ListFilesAsync(string? purpose, string? after, int limit, CancellationToken cancellationToken) =>
            Done("GetFile", PageOf(files.Values.Where(f => purpose == null || f.Purpose == purpose).OrderByDescending(f => f.Id).ToList(), f => f.Id, after, limit));

        public Task<FineTuneFile> GetFileAsync(string fileId, CancellationToken cancellationToken) =>
            files.TryGetValue(fileId, out FineTuneFile? f) ? Done("GetFile", f) : throw NotFound("GetFile", fileId);

        public Task DeleteFileAsync(string fileId, CancellationToken cancellationToken) =>
            files.TryRemove(fileId, out _) ? Done("RemoveFile", true) : throw NotFound("RemoveFile", fileId);

        public Task<byte[]> DownloadFileAsync(string fileId, CancellationToken cancellationToken) =>
            files.TryGetValue(fileId, out FineTuneFile? f) && f.LocalPath != null ? Done("SaveFile", File.ReadAllBytes(f.LocalPath)) : throw NotFound("SaveFile", fileId);

        public async Task<long> SaveFileAsync(string fileId, string path, bool force, Action<long, long?>? progress, CancellationToken cancellationToken)
        {
            byte[] content = await DownloadFileAsync(fileId, cancellationToken).ConfigureAwait(false);
            if (!force && File.Exists(path)) throw new Engine.IO.DatasetFileExistsException(path);
            File.WriteAllBytes(path, content);
            progress?.Invoke(content.Length, content.Length);
            return content.Length;
        }

        public Task<FineTuneJob> CreateJobAsync(JobRequest request, IFeedback feedback, CancellationToken cancellationToken)
        {
            CheckJob(request);
            if (!files.ContainsKey(request.TrainingFile)) throw new FineTuneServiceException("StartJob", ErrorKind.InvalidRequest, "BadRequest", $"No file {request.TrainingFile}.");
            string id = "ftjob-" + Interlocked.Increment(ref nextId);
            var metadata = new Dictionary<string, string>(request.Metadata) { [JobRequest.RequestIdKey] = request.RequestId };
            var job = new FineTuneJob { Id = id, Status = JobScript[0], BaseModel = request.Model, TrainingFile = request.TrainingFile, ValidationFile = request.ValidationFile, Epochs = request.Epochs, Suffix = request.Suffix, Metadata = metadata, CreatedAt = DateTimeOffset.UtcNow };
            jobs[id] = new ScriptedJob(job, JobScript);
            return Done("StartJob", job);
        }

        public Task<Page<FineTuneJob>> ListJobsAsync(string? after, int limit, IDictionary<string, string>? metadata, CancellationToken cancellationToken) =>
            Done("GetJob", PageOf(jobs.Values.Select(j => j.Job)
                .Where(j => metadata == null || metadata.All(p => j.Metadata.TryGetValue(p.Key, out string? v) && v == p.Value))
                .OrderByDescending(j => j.Id).ToList(), j => j.Id, after, limit));

        public Task<FineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken)
        {
            if (!jobs.TryGetValue(jobId, out ScriptedJob? j)) throw NotFound("GetJob", jobId);
            return Done("GetJob", j.Poll());
        }

        public Task<FineTuneJob> CancelJobAsync(string jobId, CancellationToken cancellationToken) => SetStatus("StopJob", jobId, "cancelled");

        public Task<FineTuneJob> PauseJobAsync(string jobId, CancellationToken cancellationToken) => SetStatus("SuspendJob", jobId, "paused");

        public Task<FineTuneJob> ResumeJobAsync(string jobId, CancellationToken cancellationToken) => SetStatus("ResumeJob", jobId, "running");

        public Task<Page<FineTuneEvent>> ListEventsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken)
        {
            if (!jobs.TryGetValue(jobId, out ScriptedJob? j)) throw NotFound("GetEvent", jobId);
            lock (j) return Done("GetEvent", PageOf(Enumerable.Reverse(j.Events).ToList(), e => e.Id, after, limit));
        }

        public Task<Page<FineTuneCheckpoint>> ListCheckpointsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken) =>
            jobs.ContainsKey(jobId) ? Done("GetCheckpoint", new Page<FineTuneCheckpoint>(Array.Empty<FineTuneCheckpoint>(), false, null)) : throw NotFound("GetCheckpoint", jobId);

        public Task<ChatAnswer> ChatAsync(string model, IReadOnlyList<ChatMessage> messages, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            string question = messages.Last(m => m.Role == "user").Content;
            return Done("Chat", new ChatAnswer { Model = model, Question = question, Answer = Answer(question), FinishReason = "stop", PromptTokens = question.Length, CompletionTokens = 1 });
        }

        public Task<ChatAnswer> CompleteAsync(string model, string prompt, int? maxTokens, double? temperature, CancellationToken cancellationToken) =>
            Done("Complete", new ChatAnswer { Model = model, Question = prompt, Answer = Answer(prompt), FinishReason = "stop", PromptTokens = prompt.Length, CompletionTokens = 1 });

        public Task<IReadOnlyList<ModerationResult>> ModerateAsync(IReadOnlyList<string> inputs, string? model, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var results = inputs.Select(t => t.IndexOf(FlagWord, StringComparison.OrdinalIgnoreCase) >= 0
                ? new ModerationResult(true, new[] { "violence" }, new Dictionary<string, double> { ["violence"] = 0.9 })
                : new ModerationResult(false, Array.Empty<string>(), new Dictionary<string, double> { ["violence"] = 0.01 })).ToList();
            return Done<IReadOnlyList<ModerationResult>>("Moderate", results);
        }

        /// <summary>A 3-number vector a text: its length, its count of vowels, its count of spaces.</summary>
        public Task<FineTuneBatch> CreateBatchAsync(string inputFileId, string endpoint, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The fake has no Batch API; the comparison tests use their own IEvalClient.");

        public Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The fake has no Batch API; the comparison tests use their own IEvalClient.");

        /// <summary>The inputs of each embeddings request, in the order they came.</summary>
        public ConcurrentQueue<IReadOnlyList<string>> Embedded { get; } = new ConcurrentQueue<IReadOnlyList<string>>();

        /// <summary>The embeddings request (1-based) that fails with a server error after its retries, or null.</summary>
        public int? EmbedFailsAt { get; set; }

        public Task<EmbeddingAnswer> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, CancellationToken cancellationToken)
        {
            Embedded.Enqueue(inputs);
            if (EmbedFailsAt == Embedded.Count) throw new FineTuneServiceException("Embed", ErrorKind.ServerError, "ServerError", "The server had an error (HTTP 500).", 500);
            return Done("Embed", new EmbeddingAnswer { Model = model, PromptTokens = inputs.Sum(t => (t.Length + 3) / 4), Vectors = inputs.Select(t => new float[] { t.Length, t.Count(c => "aeiou".IndexOf(c) >= 0), t.Count(c => c == ' ') }).ToList() });
        }

        private Task<T> Done<T>(string operation, T value)
        {
            Calls.Enqueue(operation);
            return Task.FromResult(value);
        }

        private Task<FineTuneJob> SetStatus(string operation, string jobId, string status)
        {
            if (!jobs.TryGetValue(jobId, out ScriptedJob? j)) throw NotFound(operation, jobId);
            j.Job.Status = status;
            j.Script = new[] { status };
            return Done(operation, j.Job);
        }

        private Page<T> PageOf<T>(IReadOnlyList<T> all, Func<T, string> id, string? after, int limit)
        {
            int start = 0;
            if (after != null)
            {
                int i = all.Select(id).ToList().IndexOf(after);
                start = i < 0 ? all.Count : i + 1;
            }

            var items = all.Skip(start).Take(Math.Min(limit, PageSize)).ToList();
            return new Page<T>(items, start + items.Count < all.Count, items.Count > 0 ? id(items[items.Count - 1]) : null);
        }

        private static FineTuneServiceException NotFound(string operation, string id) =>
            new FineTuneServiceException(operation, ErrorKind.NotFound, "NotFound", $"No such object: {id} (HTTP 404)", 404);

        private sealed class ScriptedJob
        {
            public ScriptedJob(FineTuneJob job, string[] script)
            {
                Job = job;
                Script = script;
            }

            public FineTuneJob Job { get; }

            public string[] Script { get; set; }

            public int Polls { get; private set; }

            /// <summary>Oldest first.</summary>
            public List<FineTuneEvent> Events { get; } = new List<FineTuneEvent>();

            public FineTuneJob Poll()
            {
                lock (this)
                {
                    Job.Status = Script[Math.Min(Polls, Script.Length - 1)];
                    Polls++;
                    int n = Events.Count;
                    Events.Add(new FineTuneEvent { Id = "ev" + n, Message = Job.Status });
                    Events.Add(new FineTuneEvent { Id = "ev" + (n + 1), Type = "metrics", Data = new Dictionary<string, double> { ["step"] = Polls, ["total_steps"] = 10, ["train_loss"] = 1.0 / Polls } });
                    return new FineTuneJob { Id = Job.Id, Status = Job.Status, BaseModel = Job.BaseModel, TrainingFile = Job.TrainingFile, Metadata = Job.Metadata };
                }
            }
        }
    }
}
