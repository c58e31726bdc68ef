using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Service;

namespace FineTune.Engine.Evaluation
{
    /// <summary>A model's reply to one request.</summary>
    public sealed class ModelReply
    {
        /// <summary>The reply text (the first choice's message content, or its text on the completions route).</summary>
        public string Text { get; set; } = string.Empty;

        /// <summary>Input tokens billed.</summary>
        public long PromptTokens { get; set; }

        /// <summary>Output tokens billed.</summary>
        public long CompletionTokens { get; set; }
    }

    /// <summary>One request of a comparison: chat (messages) or completions (a prompt), by a key unique to its content.</summary>
    public sealed class EvalRequest
    {
        /// <summary>The journal key (also the batch <c>custom_id</c>).</summary>
        public string Key { get; set; } = string.Empty;

        /// <summary>The model.</summary>
        public string Model { get; set; } = string.Empty;

        /// <summary>The chat messages, or null for a completions request.</summary>
        public IReadOnlyList<ChatMessage>? Messages { get; set; }

        /// <summary>The completions prompt, or null for a chat request.</summary>
        public string? Prompt { get; set; }

        /// <summary>max_completion_tokens (chat) / max_tokens (completions), or null.</summary>
        public int? MaxTokens { get; set; }

        /// <summary>The sampling temperature, or null.</summary>
        public double? Temperature { get; set; }

        /// <summary>The endpoint of a contender with a connection of its own (part of the key), or null for the comparison's.</summary>
        public string? ServiceEndpoint { get; set; }
    }

    /// <summary>One result line of a batch: the reply, or the error that request got.</summary>
    public sealed class BatchResult
    {
        /// <summary>The request's key (<c>custom_id</c>).</summary>
        public string Key { get; set; } = string.Empty;

        /// <summary>The reply, or null.</summary>
        public ModelReply? Reply { get; set; }

        /// <summary>The error, or null.</summary>
        public string? Error { get; set; }
    }

    /// <summary>
    /// The wire a comparison needs: chat and completions calls, and the Batch API. Implementations throw
    /// <see cref="Service.FineTuneServiceException"/> on failure (after the transport's retries).
    /// </summary>
    public interface IEvalClient
    {
        /// <summary>Whether the service's Batch API serves fine-tuned models (<see cref="Providers.IFineTuneProvider.BatchServesFineTunedModels"/>: not on Azure OpenAI).</summary>
        bool BatchServesFineTunedModels { get; }

        /// <summary>Sends one request (chat or completions as it says) and returns the reply.</summary>
        Task<ModelReply> SendAsync(EvalRequest request, CancellationToken cancellationToken);

        /// <summary>Uploads the requests (all chat or all completions) as a batch input file and creates a batch with a 24 h window; returns the batch id.</summary>
        Task<string> CreateBatchAsync(IReadOnlyList<EvalRequest> requests, CancellationToken cancellationToken);

        /// <summary>Where a batch stands.</summary>
        Task<FineTuneBatch> GetBatchAsync(string batchId, CancellationToken cancellationToken);

        /// <summary>The results of a finished batch (its output and error files).</summary>
        Task<IReadOnlyList<BatchResult>> GetBatchResultsAsync(FineTuneBatch batch, CancellationToken cancellationToken);
    }
}
