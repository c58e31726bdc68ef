using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Management.Automation;
using System.Management.Automation.Language;
using FineTune.Engine.Pricing;

namespace FineTune
{
    /// <summary>
    /// Tab completion for -Model: the models of the price catalog (FINETUNE_PRICE_CATALOG or the embedded
    /// one), snapshots first, then their short aliases; models that can still be trained are listed before
    /// retired ones. Offline and instant: no service call.
    /// </summary>
    public sealed class ModelCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            IEnumerable<string> names;
            try
            {
                names = CatalogNames();
            }
            catch (Exception ex) when (ex is PriceCatalogException || ex is System.IO.IOException)
            {
                return Array.Empty<CompletionResult>();
            }

            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            return names
                .Where(n => n.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n))
                .ToList();
        }

        // Kept apart so that the engine is touched only when completion runs.
        private static IEnumerable<string> CatalogNames()
        {
            PriceCatalog catalog = PriceCatalog.Load();
            return catalog.Models
                .OrderBy(m => m.Retired)
                .SelectMany(m => new[] { m.Model }.Concat(m.Aliases))
                .Distinct(StringComparer.OrdinalIgnoreCase)
                .ToList();
        }
    }
}
