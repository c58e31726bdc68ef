using System;
using System.Collections;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using System.Globalization;
using System.Management.Automation;
using System.Management.Automation.Language;
using System.Threading;
using FineTune.Engine.Providers;
using FineTune.Engine.Jobs;
using FineTune.Engine.Models;
using JobState = FineTune.Engine.Service.JobState;
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
                .Where(m => m.Formats.Count > 0) // embedding models train on nothing
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
    /// Stop-FineTuneJob offers only jobs still at work (validating_files, queued, running, paused),
    /// Suspend-FineTuneJob only running ones, Resume-FineTuneJob only paused ones; other commands every job.
    /// Without a key, offline or on any failure it offers nothing: completion never fails a command line.
    /// </summary>
    public sealed class JobIdCompleter : IArgumentCompleter
    {
        /// <summary>How long completion may wait for the service, in seconds.</summary>
        public const int TimeoutSec = ServiceCompletion.TimeoutSec;

        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServiceCompletion.Complete<FineTuneJob>(fakeBoundParameters, wordToComplete, async (p, ct) => (await p.ListJobsAsync(null, Pages.JobPageSize, null, ct).ConfigureAwait(false)).Items
                    .Where(j => AppliesTo(commandName, j)),
                j => j.Id, j => $"{j.Status} {j.BaseModel} {j.Suffix}".Trim());

        private static bool AppliesTo(string? commandName, FineTuneJob job)
        {
            JobState state = JobStatus.Classify(job.Status, job.FinishedAt);
            return commandName switch
            {
                "Stop-FineTuneJob" => state == JobState.Active || state == JobState.Paused,
                "Suspend-FineTuneJob" => string.Equals(job.Status, "running", StringComparison.OrdinalIgnoreCase),
                "Resume-FineTuneJob" => state == JobState.Paused,
                _ => true,
            };
        }
    }

    /// <summary>
    /// Tab completion for -Model of Invoke-FineTuneChat and Remove-FineTuneModel: the fine-tuned models the
    /// session's connection serves (one GET /models, 3 seconds at most), newest first, with base model and
    /// creation date as the tooltip. Offers nothing without a key, offline or on any failure.
    /// </summary>
    public sealed class FineTunedModelCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters) =>
            ServiceCompletion.Complete<FineTuneModel>(fakeBoundParameters, wordToComplete, async (p, ct) => (await p.ListModelsAsync(ct).ConfigureAwait(false))
                    .Where(m => m.IsFineTuned).OrderByDescending(m => m.Created),
                m => m.Id, m => $"fine-tuned from {m.BaseModel}{(m.Created is DateTimeOffset c ? ", " + c.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}");
    }

    /// <summary>
    /// Tab completion for file ids: -TrainingFile and -ValidationFile offer training files (purpose fine-tune);
    /// -Id/-FileId of Get-, Save- and Remove-FineTuneFile offer every file (training files, result files...).
    /// The newest 100 (one GET /files, 3 seconds at most), with name, purpose, size and status as
    /// the tooltip. Offers nothing without a key, offline or on any failure.
    /// </summary>
    public sealed class FileIdCompleter : IArgumentCompleter
    {
        /// <inheritdoc/>
        public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete, CommandAst commandAst, IDictionary fakeBoundParameters)
        {
            string? purpose = parameterName is "TrainingFile" or "ValidationFile" ? "fine-tune" : null;
            return ServiceCompletion.Complete<FineTuneFile>(fakeBoundParameters, wordToComplete, async (p, ct) => (await p.ListFilesAsync(purpose, null, 100, ct).ConfigureAwait(false)).Items,
                f => f.Id, f => $"{f.Filename} ({f.Purpose}, {f.Bytes:N0} bytes, {f.Status})");
        }
    }

    /// <summary>Completion from the service: one call on the session's connection, bounded in time; any failure offers nothing.</summary>
    internal static class ServiceCompletion
    {
        /// <summary>How long completion may wait for the service, in seconds.</summary>
        internal const int TimeoutSec = 3;

        internal static IEnumerable<CompletionResult> Complete<T>(IDictionary? fakeBoundParameters, string? wordToComplete, Func<IFineTuneProvider, CancellationToken, Task<IEnumerable<T>>> list, Func<T, string> id, Func<T, string> tip)
        {
            string prefix = (wordToComplete ?? string.Empty).Trim('\'', '"');
            try
            {
                FineTuneConnection connection = FineTuneSession.Resolve(FineTuneSession.ForCompletion(), fakeBoundParameters?["Connection"]);
                if (!connection.HasKey) return Array.Empty<CompletionResult>();
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(TimeoutSec));
                IEnumerable<T> items = list(ProviderFactory.Create(connection), timeout.Token).GetAwaiter().GetResult();
                return items
                    .Where(i => id(i).StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                    .Select(i => new CompletionResult(id(i), id(i), CompletionResultType.ParameterValue, tip(i)))
                    .ToList();
            }
            catch (Exception)
            {
                return Array.Empty<CompletionResult>(); // no key, no network, a service error: nothing to offer
            }
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
