using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// Azure OpenAI's v1 API (<c>https://RESOURCE.openai.azure.com/openai/v1/</c>): OpenAI's wire format with every
    /// Azure difference held here (OPENAI-FACTS.md, "Azure OpenAI"): a key goes in the <c>api-key</c> header too; a
    /// training file is usable only once processed (the upload waits for it); jobs take <c>trainingType</c>; there is
    /// no Uploads API and no model delete; a fine-tuned model answers chat only through a deployment, made through
    /// Azure Resource Manager (<c>ProviderFactory.Deployments</c>): chat on a deployment name still
    /// provisioning (404 DeploymentNotFound) is retried for a while, chat on a model id with no deployment of that
    /// name fails at once saying to deploy it.
    /// </summary>
    public sealed class AzureProvider : OpenAiProvider
    {
        /// <summary>How often a chat call on a deployment name is retried while it answers 404 DeploymentNotFound (about 27 s in all; see <see cref="CappedRetryPolicy"/>).</summary>
        public const int DeploymentNotReadyRetries = 8;

        /// <summary>A provider for an Azure OpenAI connection; nothing is sent until the first call.</summary>
        public AzureProvider(FineTuneConnection connection)
            : base(connection, apiKeyHeader: true)
        {
        }

        /// <inheritdoc/>
        public override string Name => "Azure";

        /// <inheritdoc/>
        public override bool SignsInWithEntraId => true;

        /// <inheritdoc/>
        public override DatasetTarget Target => DatasetTarget.Azure;

        /// <inheritdoc/>
        public override bool HandsOutTrainingFiles => true;

        /// <inheritdoc/>
        public override bool BatchServesEmbeddings => false;

        /// <inheritdoc/>
        public override bool BatchServesFineTunedModels => false;

        /// <summary>None: on Azure a permission error (403) is a missing role on the resource, not a provider that stopped training.</summary>
        private protected override FineTuneServiceException? TrainingClosed(FineTuneServiceException ex) => null;

        /// <summary>The service's limits; <c>trainingType</c> is Azure's own and allowed here.</summary>
        public override void CheckJob(JobRequest request) => request.Validate();

        /// <summary>
        /// Chat as OpenAI does, where <paramref name="model"/> is a deployment name. A fine-tuned model id
        /// (<c>BASE.ft-HEX</c>) with no deployment of that name fails at once
        /// (Chat.NoDeployment, saying to run New-FineTuneDeployment); a deployment name that is not ready is retried
        /// about 27 s first (a deployment made with -NoWait may still be provisioning).
        /// </summary>
        public override async Task<ChatAnswer> ChatAsync(string model, IReadOnlyList<ChatMessage> messages, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            try
            {
                return await base.ChatAsync(model, messages, maxTokens, temperature, cancellationToken).ConfigureAwait(false);
            }
            catch (FineTuneServiceException ex) when (ex.Code == "DeploymentNotFound")
            {
                throw NoDeployment("Chat", model, ex);
            }
        }

        /// <summary>A legacy completion on a deployment name; see <see cref="ChatAsync"/> for a model without one.</summary>
        public override async Task<ChatAnswer> CompleteAsync(string model, string prompt, int? maxTokens, double? temperature, CancellationToken cancellationToken)
        {
            try
            {
                return await base.CompleteAsync(model, prompt, maxTokens, temperature, cancellationToken).ConfigureAwait(false);
            }
            catch (FineTuneServiceException ex) when (ex.Code == "DeploymentNotFound")
            {
                throw NoDeployment("Complete", model, ex);
            }
        }

        /// <summary>A model id is not a deployment name: its 404 is not retried.</summary>
        private protected override SendOptions InferenceOptions(string model) =>
            new SendOptions { DeploymentNotReadyRetries = IsModelId(model) ? 0 : DeploymentNotReadyRetries };

        private static bool IsModelId(string model) => Models.ModelCatalog.BaseModelOf(model) != null;

        private static FineTuneServiceException NoDeployment(string operation, string model, FineTuneServiceException ex) => IsModelId(model)
            ? new FineTuneServiceException(operation, ErrorKind.NotFound, "NoDeployment",
                $"Azure OpenAI answers a fine-tuned model only through a deployment, and this account has no deployment named '{model}'. Deploy it with New-FineTuneDeployment -Model {model} -Name NAME (or pipe the job to New-FineTuneDeployment), then chat with the deployment.",
                ex.Status, ex.Code, ex.Param, ex.RequestId, ex) { Advice = $"Run New-FineTuneDeployment -Model {model} -Name NAME, then Invoke-FineTuneChat -Model NAME." }
            : new FineTuneServiceException(operation, ErrorKind.NotFound, "NoDeployment",
                $"This Azure OpenAI account has no ready deployment named '{model}' (still not found after about 27 s). If it was just made with -NoWait, wait until Get-FineTuneDeployment shows it Succeeded; otherwise create it with New-FineTuneDeployment.",
                ex.Status, ex.Code, ex.Param, ex.RequestId, ex) { Advice = "Check the deployment with Get-FineTuneDeployment, or create it with New-FineTuneDeployment." };

        /// <summary>Uploads as OpenAI does, then, for a training file (purpose fine-tune), waits until Azure has processed it (<see cref="WaitForProcessedAsync"/>).</summary>
        public override async Task<FineTuneFile> UploadFileAsync(string path, string purpose, bool useUploadApi, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null)
        {
            FineTuneFile file = await base.UploadFileAsync(path, purpose, useUploadApi, progress, feedback, cancellationToken, checkPassed).ConfigureAwait(false);
            if (purpose != "fine-tune") return file;
            (string? local, string? sha256) = (file.LocalPath, file.Sha256);
            file = await WaitForProcessedAsync(file, feedback, cancellationToken).ConfigureAwait(false);
            (file.LocalPath, file.Sha256) = (local, sha256);
            return file;
        }

        /// <summary>Azure OpenAI has no Uploads API: always the UploadsNotSupported error (AddFile, NotSupported).</summary>
        public override Task<FineTuneFile> UploadInPartsAsync(string path, string purpose, int partBytes, Action<long>? progress, IFeedback feedback, CancellationToken cancellationToken, Task? checkPassed = null) =>
            throw new FineTuneServiceException("AddFile", ErrorKind.NotSupported, "UploadsNotSupported",
                "Azure OpenAI has no Uploads API, so files above 512 MB cannot be uploaded there. Split the training file (Split-FineTuneDataset) or leave out -UseUploadApi.");

        /// <summary>Azure OpenAI has no DELETE /models: always the NotSupportedOnAzure error (RemoveModel, NotSupported).</summary>
        public override Task DeleteModelAsync(string model, CancellationToken cancellationToken) =>
            throw new FineTuneServiceException("RemoveModel", ErrorKind.NotSupported, "NotSupportedOnAzure",
                $"Azure OpenAI has no DELETE /models, so {model} cannot be deleted through the API. To stop paying for it, remove its deployment (Remove-FineTuneDeployment); the model itself can be deleted in the Azure AI Foundry portal.");

        /// <summary>The longest wait for Azure to process an uploaded file (30 minutes).</summary>
        public static readonly TimeSpan MaxProcessingWait = TimeSpan.FromMinutes(30);

        /// <summary>
        /// Azure: polls the file (every 0.25 s at first, doubling up to 5 s) until its status is <c>processed</c>
        /// (uploaded, pending and running come first; a job on a file not yet processed is refused), reporting the
        /// status as progress. Throws <see cref="FineTuneServiceException"/> (AddFile.FileProcessingFailed on
        /// <c>error</c>, AddFile.Timeout after <see cref="MaxProcessingWait"/>).
        /// </summary>
        public async Task<FineTuneFile> WaitForProcessedAsync(FineTuneFile file, IFeedback feedback, CancellationToken cancellationToken)
        {
            string activity = $"Waiting for {file.Filename ?? file.Id} to be processed";
            DateTime deadline = DateTime.UtcNow + MaxProcessingWait;
            TimeSpan delay = TimeSpan.FromMilliseconds(250);
            while (!string.Equals(file.Status, "processed", StringComparison.OrdinalIgnoreCase))
            {
                if (string.Equals(file.Status, "error", StringComparison.OrdinalIgnoreCase) || string.Equals(file.Status, "deleted", StringComparison.OrdinalIgnoreCase))
                {
                    feedback.Progress(ProgressIds.FileProcessing, activity, file.Status!, 100, completed: true);
                    throw new FineTuneServiceException("AddFile", ErrorKind.InvalidRequest, "FileProcessingFailed",
                        $"Azure could not process file {file.Id} (status {file.Status}{(file.StatusDetails != null ? ": " + file.StatusDetails : string.Empty)}). Check it with Test-FineTuneDataset -Target Azure, fix it and upload it again.");
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new FineTuneServiceException("AddFile", ErrorKind.Timeout, "Timeout",
                        $"File {file.Id} is still {file.Status} after {MaxProcessingWait.TotalMinutes:0} minutes. Check it later with Get-FineTuneFile {file.Id}, then start the job.");
                }

                feedback.Progress(ProgressIds.FileProcessing, activity, "Status: " + file.Status, -1);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(TimeSpan.FromSeconds(5).Ticks, delay.Ticks * 2));
                file = await GetFileAsync(file.Id, cancellationToken).ConfigureAwait(false);
            }

            feedback.Progress(ProgressIds.FileProcessing, activity, "processed", 100, completed: true);
            return file;
        }
    }
}
