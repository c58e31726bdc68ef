using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FineTune.Engine.Embeddings;
using FineTune.Engine.Models;
using FineTune.Engine;

namespace FineTune
{
    /// <summary>
    /// The base of the cmdlets that embed texts (New-FineTuneKnowledgeIndex, Find-FineTuneDuplicate): the embedding
    /// model, dimensions, throttle and -MaxCost parameters, and the one check before money is spent: the cost of the
    /// plan (tokens counted here × the catalog's price of the model) against -MaxCost, then the confirmation (it asks,
    /// ConfirmImpact High, with the cost; -WhatIf prints it and sends nothing). A plan that sends nothing asks nothing.
    /// </summary>
    public abstract class EmbeddingCmdlet : ServiceCmdlet
    {
        /// <summary>The embedding model (on Azure, the name of a deployment of one). Default text-embedding-3-small ($0.02 per 1M tokens, 1,536 dimensions).</summary>
        [Parameter]
        [ValidateNotNullOrEmpty]
        [ArgumentCompleter(typeof(EmbeddingModelCompleter))]
        public string EmbeddingModel { get; set; } = Embedder.DefaultModel;

        /// <summary>Shorter vectors (text-embedding-3 models: 1 up to 1,536 for -small, 3,072 for -large); default the model's own.</summary>
        [Parameter]
        [ValidateRange(1, 3072)]
        public int? Dimensions { get; set; }

        /// <summary>Embedding requests in flight at once, 1–16 (default 4). Each request holds up to 2,048 texts and 300,000 tokens.</summary>
        [Parameter]
        [ValidateRange(1, 16)]
        public int ThrottleLimit { get; set; } = 4;

        /// <summary>The most this command may spend, in USD: a plan that costs more (or whose cost is unknown) sends nothing.</summary>
        [Parameter]
        [ValidateRange(0, double.MaxValue)]
        public decimal? MaxCost { get; set; }

        /// <summary>
        /// Sends the texts through the Batch API (OpenAI only): one batch of up to 50,000 texts at half the price, results
        /// within 24 hours. The batch's id goes to the journal: a run that ends before the batch does (-BatchWaitSec, Ctrl+C)
        /// is picked up by the same command later, which sends nothing again. Azure OpenAI's Batch API does not serve
        /// embeddings: -UseBatch there is the error FineTune.BatchNotOnAzure.
        /// </summary>
        [Parameter]
        public SwitchParameter UseBatch { get; set; }

        /// <summary>Seconds to wait for a batch in this run (default: until it ends). A batch still running then is the error FineTune.BatchPending; run the command again later.</summary>
        [Parameter]
        [ValidateRange(0, int.MaxValue)]
        public int? BatchWaitSec { get; set; }

        /// <summary>The embedding options these parameters give (the journal is the caller's). -UseBatch on Azure ends the command (FineTune.BatchNotOnAzure).</summary>
        private protected EmbeddingOptions EmbeddingOptions(string? journalPath)
        {
            var options = new EmbeddingOptions
            {
                Model = EmbeddingModel,
                Dimensions = Dimensions,
                ThrottleLimit = ThrottleLimit,
                JournalPath = journalPath,
                Provider = Service.Name,
                UseBatch = UseBatch,
                BatchWait = BatchWaitSec is int wait ? TimeSpan.FromSeconds(wait) : (TimeSpan?)null,
            };
            try
            {
                Embedder.CheckBatch(options, Service);
            }
            catch (FineTuneException ex)
            {
                Fail(ex);
            }

            return options;
        }

        /// <summary>
        /// True when the plan may be carried out: nothing to send (and no -WhatIf), or within -MaxCost and confirmed.
        /// Writes FineTune.CostUnknown or FineTune.OverBudget and returns false otherwise.
        /// </summary>
        private protected bool Approve(EmbeddingPlan plan, string operation, string target, string action)
        {
            string cost = plan.CostSentence;
            try
            {
                plan.CheckBudget(operation, MaxCost, target);
            }
            catch (FineTuneException ex)
            {
                Report(ex);
                return false;
            }

            string pending = plan.InPendingBatches > 0 ? $", {plan.InPendingBatches:N0} in batch {string.Join(", ", plan.PendingBatches)} sent before (picked up, not sent again)" : string.Empty;
            WriteVerbose($"{plan.Texts:N0} texts, {plan.Texts - plan.ToSend - plan.InPendingBatches:N0} already embedded{pending}; to send: {cost}.");
            if (plan.Requests == 0 && !MyInvocation.BoundParameters.ContainsKey("WhatIf")) return true;
            return ShouldProcessOrExplain(target, $"{action} ({cost})", $"spends money on embeddings ({cost})", "-Confirm:$false (with -MaxCost to cap the spend)");
        }
    }

    /// <summary>Tab completion for -EmbeddingModel: the embedding models of the model catalog (rows that train on no format). Offline and instant.</summary>
    public sealed class EmbeddingModelCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Names().Where(n => n.StartsWith((wordToComplete ?? string.Empty).Trim('\'', '"'), StringComparison.OrdinalIgnoreCase))
                    .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n)).ToList();
            }
            catch (Exception ex) when (ex is ModelCatalogException || ex is System.IO.IOException)
            {
                return Array.Empty<CompletionResult>();
            }
        }

        // Kept apart so that the engine is touched only when completion runs.
        private static IEnumerable<string> Names() =>
            ModelCatalog.Load().Models.Where(m => m.Formats.Count == 0 && m.BaseInputPerMillion != null).Select(m => m.Model).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }
}
