using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using FineTune.Engine.Providers;
using FineTune.Engine.Models;
using FineTune.Engine.Service;

namespace FineTune
{
    /// <summary>
    /// Tab completion for -Model: the models of the model catalog (FINETUNE_PRICE_CATALOG or the embedded
    /// one), snapshots first, then their short aliases; models that can still be trained are listed before
    /// retired ones. Offline and instant: no service call.
    /// </summary>
    public sealed class ModelCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<(string Name, string Tip)> names;
            try
            {
                names = CatalogNames();
            }
            catch (Exception ex) when (ex is ModelCatalogException || ex is System.IO.IOException)
            {
                return Array.Empty<CompletionResult>();
            }

            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return names
                .Where(n => n.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n.Name, n.Name, CompletionResultType.ParameterValue, n.Tip))
                .ToList();
        }

        // Kept apart so that the engine is touched only when completion runs.
        private static IEnumerable<(string Name, string Tip)> CatalogNames()
        {
            ModelCatalog catalog = ModelCatalog.Load();
            return catalog.Models
                .OrderBy(m => m.Retired)
                .SelectMany(m => new[] { m.Model }.Concat(m.Aliases).Select(n => (n, m.Retired ? $"{n}: retired for fine-tuning" : $"{n} ({m.Provider})")))
                .GroupBy(t => t.Item1, StringComparer.OrdinalIgnoreCase)
                .Select(g => g.First())
                .ToList();
        }
    }

    /// <summary>
    /// Tab completion for -JobId: the 20 newest jobs of the session's connection (one GET
    /// /fine_tuning/jobs, given 3 seconds at most), with status, base model and suffix as the tooltip.
    /// Without a key, offline or on any failure it offers nothing: completion never fails a command line.
    /// </summary>
    public sealed class JobIdCompleter : IArgumentCompleter
    {
        /// <summary>How long completion may wait for the service, in seconds.</summary>
        public const int TimeoutSec = 3;

        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            try
            {
                return Jobs(fakeBoundParameters)
                    .Where(j => j.Id.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(j => new CompletionResult(j.Id, j.Id, CompletionResultType.ParameterValue, $"{j.Status} {j.BaseModel} {j.Suffix}".Trim()))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>(); // no key, no network, a service error: nothing to offer
            }
        }

        private static IEnumerable<FineTuneJob> Jobs(IDictionary fakeBoundParameters)
        {
            FineTuneConnection connection = FineTuneSession.Resolve(FineTuneSession.ForCompletion(), fakeBoundParameters["Connection"]);
            if (!connection.HasKey) return Array.Empty<FineTuneJob>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(TimeoutSec));
            return ProviderFactory.Create(connection).ListJobsAsync(null, Pages.JobPageSize, null, timeout.Token).GetAwaiter().GetResult().Items;
        }
    }

    /// <summary>Tab completion for -Connection: the names of this session's connections (Connect-FineTune -Name), current first.</summary>
    public sealed class ConnectionNameCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            try
            {
                return Names(wordToComplete);
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>(); // no runspace or no engine yet: nothing to offer
            }
        }

        private static IEnumerable<CompletionResult> Names(string wordToComplete)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return FineTuneSession.ForCompletion().All
                .Where(c => c.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(c => new CompletionResult(c.Name, c.Name, CompletionResultType.ParameterValue, c.ToString()))
                .ToList();
        }
    }
}
