using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Moderation;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// The port: what a fine-tuning service does, in our terms. <see cref="ProviderFactory.Create"/> picks one
    /// implementation per connection (OpenAI's wire format, or Azure OpenAI's differences on top of it); engine
    /// workflow code and cmdlets use only this interface. Every method takes the caller's cancellation token and
    /// throws <see cref="FineTuneServiceException"/> (ErrorId <c>FineTune.{Reason}</c>) when the service
    /// refuses or cannot be reached; no SDK or HTTP type crosses it.
    /// </summary>
    public interface IFineTuneProvider
    {
        /// <summary>The connection this provider calls (never shows the key).</summary>
        FineTuneConnection Connection { get; }

        /// <summary>"OpenAI" or "Azure": the provider name of the price catalog's rows and of Test-FineTuneDataset -Target.</summary>
        string Name { get; }

        /// <summary>The training-file rules this service applies (Test-FineTuneDataset -Target): checked before an upload.</summary>
        DatasetTarget Target { get; }

        /// <summary>Whether the service hands out the content of training and validation files (purpose fine-tune): OpenAI refuses, Azure hands it out.</summary>
        bool HandsOutTrainingFiles { get; }

        /// <summary>Whether the service's Batch API serves <c>/v1/embeddings</c>: OpenAI does; Azure OpenAI does not (its global batch needs a Global Batch deployment, and those serve chat models only).</summary>
        bool BatchServesEmbeddings { get; }

        /// <summary>Whether the service's Batch API serves fine-tuned models: OpenAI does; Azure OpenAI does not.</summary>
        bool BatchServesFineTunedModels { get; }

        /// <summary>True when, without a key or token, a Microsoft Entra ID token (Az.Accounts) signs in (Azure).</summary>
        bool SignsInWithEntraId { get; }

        /// <summary>Checks a job request against the service's limits and this provider's options (e.g. <c>trainingType</c> on Azure only); throws <see cref="ArgumentException"/> naming the parameter. Sends nothing.</summary>
        void CheckJob(JobRequest request);

        // ---- models ----

        /// <summary>Every model the endpoint serves (<c>GET /models</c>); a fine-tuned model without a shutdown date gets its base model's.</summary>
        Task<IReadOnlyList<FineTuneModel>> ListModelsAsync(CancellationToken cancellationToken);

        /// <summary>One model (<c>GET /models/{id}</c>), with its base model's shutdown date when it has none.</summary>
        Task<FineTuneModel> GetModelAsync(string id, CancellationToken cancellationToken);

        /// <summary>Whether the endpoint serves <paramref name="id"/>, asked before an upload (see <see cref="ModelLookup"/>): a wrong key or no quota throws; other failures answer "cannot tell".</summary>
        Task<ModelLookup> LookUpModelAsync(string id, CancellationToken cancellationToken);

        /// <summary>Deletes a fine-tuned model (<c>DELETE /models/{id}</c>); NotSupported where the service has no such route.</summary>
        Task DeleteModelAsync(string id, CancellationToken cancellationToken);

        // ---- files ----

        /// <summary>
        /// Uploads a local file, streaming it from disk (<paramref name="progress"/> gets the bytes sent so far), made at
        /// most once; large files (or any with <paramref name="useUploadApi"/>) go in parts where the service offers that.
        /// Returns the file once the service can train on it, with the SHA-256 of the bytes sent (<see cref="FineTuneFile.Sha256"/>,
        /// computed in the same read). With <paramref name="checkPassed"/> (a check of the file running meanwhile) the upload
        /// becomes a file only when that task succeeds: when it fails or is cancelled, the upload is stopped, whatever it
        /// made on the service is cancelled or deleted, and the task's exception is thrown.
        /// Throws <see cref="System.IO.FileNotFoundException"/> too.
        /// </summary>
        Task<FineTuneFile> UploadFileAsync(string path, string purpose, bool useUploadApi, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null);

        /// <summary>One page of files, optionally of one purpose (<c>GET /files?limit&amp;after&amp;purpose</c>).</summary>
        Task<Page<FineTuneFile>> ListFilesAsync(string? purpose, string? after, int limit, CancellationToken cancellationToken);

        /// <summary>One file's metadata (<c>GET /files/{id}</c>).</summary>
        Task<FineTuneFile> GetFileAsync(string fileId, CancellationToken cancellationToken);

        /// <summary>Deletes a file (<c>DELETE /files/{id}</c>).</summary>
        Task DeleteFileAsync(string fileId, CancellationToken cancellationToken);

        /// <summary>A file's content in memory (result CSVs; a base64-encoded one decoded).</summary>
        Task<byte[]> DownloadFileAsync(string fileId, CancellationToken cancellationToken);

        /// <summary>
        /// Streams a file's content to <paramref name="path"/> (replaced only when the whole body arrived; an existing
        /// file only with <paramref name="force"/>); <paramref name="progress"/> gets bytes received and the size when
        /// known. Returns the bytes written.
        /// </summary>
        Task<long> SaveFileAsync(string fileId, string path, bool force, Action<long, long?>? progress, CancellationToken cancellationToken);

        // ---- jobs ----

        /// <summary>Creates a job at most once (a client request id in its metadata; looked for before a retry).</summary>
        Task<FineTuneJob> CreateJobAsync(JobRequest request, IFeedback feedback, CancellationToken cancellationToken);

        /// <summary>One page of jobs, newest first, optionally filtered by metadata.</summary>
        Task<Page<FineTuneJob>> ListJobsAsync(string? after, int limit, IDictionary<string, string>? metadata, CancellationToken cancellationToken);

        /// <summary>One job (<c>GET /fine_tuning/jobs/{id}</c>).</summary>
        Task<FineTuneJob> GetJobAsync(string jobId, CancellationToken cancellationToken);

        /// <summary>Cancels a job; returns it as the service reports it.</summary>
        Task<FineTuneJob> CancelJobAsync(string jobId, CancellationToken cancellationToken);

        /// <summary>Pauses a running job.</summary>
        Task<FineTuneJob> PauseJobAsync(string jobId, CancellationToken cancellationToken);

        /// <summary>Resumes a paused job.</summary>
        Task<FineTuneJob> ResumeJobAsync(string jobId, CancellationToken cancellationToken);

        /// <summary>One page of a job's events, newest first.</summary>
        Task<Page<FineTuneEvent>> ListEventsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken);

        /// <summary>One page of a job's checkpoints, newest first.</summary>
        Task<Page<FineTuneCheckpoint>> ListCheckpointsAsync(string jobId, string? after, int limit, CancellationToken cancellationToken);

        // ---- inference ----

        /// <summary>One chat completion from a list of messages; the first choice's answer, its usage and cost (null when the model has no price).</summary>
        Task<ChatAnswer> ChatAsync(string model, IReadOnlyList<ChatMessage> messages, int? maxTokens, double? temperature, CancellationToken cancellationToken);

        /// <summary>One legacy completion (<c>POST /completions</c>: babbage-002, davinci-002 and their fine-tunes) of <paramref name="prompt"/>.</summary>
        Task<ChatAnswer> CompleteAsync(string model, string prompt, int? maxTokens, double? temperature, CancellationToken cancellationToken);

        // ---- batches ----

        /// <summary>Creates a batch (24 h window) of the requests in an uploaded input file (purpose <c>batch</c>) for one endpoint; sent once.</summary>
        Task<FineTuneBatch> CreateBatchAsync(string inputFileId, string endpoint, CancellationToken cancellationToken);

        /// <summary>One batch (<c>GET /batches/{id}</c>): status, request counts, output and error file ids.</summary>
        Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken);

        /// <summary>Screens texts (one request); one result per input, in order.</summary>
        Task<IReadOnlyList<ModerationResult>> ModerateAsync(IReadOnlyList<string> inputs, string? model, CancellationToken cancellationToken);

        /// <summary>One embedding vector per input, in order, and the tokens billed (<c>POST /embeddings</c>, one request; <paramref name="dimensions"/> null for the model's own). The caller keeps within the service's limits (see <see cref="Embeddings.Embedder"/>).</summary>
        Task<EmbeddingAnswer> EmbedAsync(string model, IReadOnlyList<string> inputs, int? dimensions, CancellationToken cancellationToken);
    }
}
