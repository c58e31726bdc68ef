using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Models
{
    /// <summary>
    /// Everything FineTune knows about a model name, on OpenAI and on Azure: its row (<see cref="Find"/>: aliases,
    /// undated names and fine-tuned ids find their base snapshot), the base model of a fine-tuned id
    /// (<see cref="BaseModelOf"/>), its encoding, per-example token limit and training file formats, training
    /// prices per training type, hosting and inference prices, its dates, and "did you mean" hints. The data is
    /// the embedded <c>models.json</c> (dated, with a source per row; schema in docs/PRICING.md) or a file of the
    /// same shape (-PriceCatalog, <c>FINETUNE_PRICE_CATALOG</c>). Immutable once loaded; thread-safe.
    /// </summary>
    public sealed partial class ModelCatalog
    {
        /// <summary>The environment variable that names a catalog file to use instead of the embedded one.</summary>
        public const string EnvironmentVariable = "FINETUNE_PRICE_CATALOG";

        /// <summary>The name <see cref="Path"/> has for the catalog built into the module.</summary>
        public const string EmbeddedName = "embedded";

        /// <summary>The provider name of OpenAI's rows (the default).</summary>
        public const string OpenAI = "OpenAI";

        /// <summary>The provider name of Azure OpenAI's rows.</summary>
        public const string Azure = "Azure";

        /// <summary>Azure's Global Standard training type (and deployment SKU).</summary>
        public const string GlobalStandard = "GlobalStandard";

        /// <summary>Azure's Developer training type (the SKU is <c>DeveloperTier</c>).</summary>
        public const string Developer = "Developer";

        /// <summary>Training file formats (<see cref="ModelEntry.Formats"/>): chat examples.</summary>
        public const string ChatFormat = "chat";

        /// <summary>Training file formats: preference (DPO) examples.</summary>
        public const string PreferenceFormat = "preference";

        /// <summary>Training file formats: legacy prompt/completion lines.</summary>
        public const string CompletionFormat = "completion";

        private static readonly Lazy<ModelCatalog> BuiltIn = new Lazy<ModelCatalog>(LoadEmbedded);
        private static readonly Regex DateSuffix = new Regex(@"-(\d{4}-\d{2}-\d{2}|\d{4})$", RegexOptions.CultureInvariant);
        private static readonly ConcurrentDictionary<string, (DateTime Written, ModelCatalog Catalog)> Files =
            new ConcurrentDictionary<string, (DateTime, ModelCatalog)>(StringComparer.Ordinal);

        private ModelCatalog(string path, string date, string source, string currency, IReadOnlyList<ModelEntry> models)
        {
            Path = path;
            Date = date;
            Source = source;
            Currency = currency;
            Models = models;
        }

        /// <summary>The file it was read from, or <c>embedded</c>.</summary>
        public string Path { get; }

        /// <summary>When the prices were gathered (<c>2026-11</c>).</summary>
        public string Date { get; }

        /// <summary>Where they come from.</summary>
        public string Source { get; }

        /// <summary>The currency of every price (<c>USD</c>).</summary>
        public string Currency { get; }

        /// <summary>Every row.</summary>
        public IReadOnlyList<ModelEntry> Models { get; }

        /// <summary>The catalog built into the module.</summary>
        public static ModelCatalog Embedded => BuiltIn.Value;

        /// <summary>
        /// Loads <paramref name="path"/>; without one, the file named by <c>FINETUNE_PRICE_CATALOG</c>; without
        /// that, the embedded catalog. A file is read and parsed once until it changes. Throws
        /// <see cref="ModelCatalogException"/> naming the file (and the field, or the line of a JSON syntax
        /// error) when it cannot be read.
        /// </summary>
        public static ModelCatalog Load(string? path = null)
        {
            if (string.IsNullOrWhiteSpace(path)) path = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(path)) return Embedded;
            string full = System.IO.Path.GetFullPath(path);
            string text;
            DateTime written;
            try
            {
                written = File.GetLastWriteTimeUtc(full);
                if (Files.TryGetValue(full, out (DateTime Written, ModelCatalog Catalog) known) && known.Written == written && File.Exists(full)) return known.Catalog;
                text = File.ReadAllText(full);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                throw new ModelCatalogException(full, null, $"Price catalog '{full}' cannot be read: {ex.Message}", ex);
            }

            ModelCatalog catalog = Parse(text, full);
            Files[full] = (written, catalog);
            return catalog;
        }

        /// <summary>
        /// The catalog in use (<see cref="Load"/>: <paramref name="path"/>, else <c>FINETUNE_PRICE_CATALOG</c>'s file,
        /// else the embedded one), or the embedded one when that file cannot be read: for questions asked on the side
        /// (token counts, limits, formats, hints), which the commands that price something answer with the file's error instead.
        /// </summary>
        public static ModelCatalog CurrentOrEmbedded(string? path = null)
        {
            try
            {
                return Load(path);
            }
            catch (ModelCatalogException)
            {
                return Embedded;
            }
        }

        /// <summary>
        /// The base model of a fine-tuned model id: <c>ft:BASE:org:suffix:id</c> (OpenAI; a checkpoint adds
        /// <c>:ckpt-step-N</c>) or <c>BASE.ft-HEX</c> (Azure). Null when the id is not a fine-tuned one.
        /// </summary>
        public static string? BaseModelOf(string? id)
        {
            if (string.IsNullOrEmpty(id)) return null;
            string name = id!.Trim();
            if (name.StartsWith("ft:", StringComparison.Ordinal))
            {
                int end = name.IndexOf(':', 3);
                return end < 0 ? name.Substring(3) : name.Substring(3, end - 3);
            }

            int ft = name.IndexOf(".ft-", StringComparison.Ordinal);
            return ft > 0 ? name.Substring(0, ft) : null;
        }

        /// <summary>
        /// The row of a model name for <paramref name="provider"/> (default OpenAI), or null. Case does not
        /// matter; <c>ft:BASE:…</c> and Azure's <c>BASE.ft-HEX</c> map to BASE; a name matches a row's model or
        /// alias (<c>gpt-4o-mini</c> is <c>gpt-4o-mini-2024-07-18</c>) or, undated, the first row of that
        /// name with a date; a dated snapshot not in the catalog falls back to its undated name
        /// (<c>gpt-4o-2024-05-13</c> finds <c>gpt-4o</c>).
        /// </summary>
        public ModelEntry? Find(string? model, string provider = OpenAI)
        {
            if (string.IsNullOrWhiteSpace(model)) return null;
            string name = (BaseModelOf(model) ?? model!).Trim();
            var rows = Models.Where(m => string.Equals(m.Provider, provider, StringComparison.OrdinalIgnoreCase)).ToList();
            ModelEntry? Match(string n) =>
                rows.FirstOrDefault(m => string.Equals(m.Model, n, StringComparison.OrdinalIgnoreCase)) ??
                rows.FirstOrDefault(m => m.Aliases.Any(a => string.Equals(a, n, StringComparison.OrdinalIgnoreCase))) ??
                rows.FirstOrDefault(m => string.Equals(DateSuffix.Replace(m.Model, string.Empty), n, StringComparison.OrdinalIgnoreCase));
            ModelEntry? found = Match(name);
            if (found == null && DateSuffix.IsMatch(name)) found = Match(DateSuffix.Replace(name, string.Empty));
            return found;
        }

        /// <summary>
        /// The tokenizer encoding of a model name (<c>o200k_base</c> or <c>cl100k_base</c>): the row's
        /// (<paramref name="provider"/>'s, else OpenAI's; fine-tuned ids by their base), else by family
        /// (OPENAI-FACTS.md, Counting tokens): o200k_base for gpt-4o*, gpt-4.1*, gpt-4.5*, gpt-5*, gpt-oss*
        /// and the o1/o3/o4 series; cl100k_base for gpt-3.5*, gpt-35*, gpt-4, babbage-002, davinci-002 and
        /// text-embedding-*. Null for a name it does not know.
        /// </summary>
        public string? EncodingOf(string model, string provider = OpenAI)
        {
            string? fromRow = Rows(model, provider).Select(r => r.Encoding).FirstOrDefault(e => e != null);
            if (fromRow != null || string.IsNullOrWhiteSpace(model)) return fromRow;
            string name = (BaseModelOf(model) ?? model).Trim().ToLowerInvariant();
            bool Starts(params string[] prefixes) => prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal));
            if (Starts("gpt-4o", "gpt-4.1", "gpt-4.5", "gpt-5", "o1", "o3", "o4", "gpt-oss")) return "o200k_base";
            if (Starts("gpt-3.5", "gpt-35", "gpt-4", "text-embedding-") || name == "babbage-002" || name == "davinci-002") return "cl100k_base";
            return null;
        }

        /// <summary>
        /// Tokens one example may hold on <paramref name="provider"/> (longer ones are cut, and billed only up
        /// to this; OPENAI-FACTS.md, Training files): the provider's row, else OpenAI's; null when unknown.
        /// </summary>
        public int? MaxTokensPerExample(string model, string provider = OpenAI) =>
            Rows(model, provider).Select(r => r.MaxTokensPerExample).FirstOrDefault(m => m != null);

        /// <summary>
        /// The training file formats <paramref name="model"/> takes on <paramref name="provider"/>
        /// (<see cref="ChatFormat"/>, <see cref="PreferenceFormat"/>, <see cref="CompletionFormat"/>): the
        /// provider's row, else OpenAI's; for a name without a row that says, babbage-002 and davinci-002 take
        /// prompt/completion lines only and any other model chat and preference examples.
        /// </summary>
        public IReadOnlyList<string> TrainingFormatsOf(string model, string provider = OpenAI)
        {
            IReadOnlyList<string>? fromRow = Rows(model, provider).Select(r => r.Formats).FirstOrDefault(f => f.Count > 0);
            if (fromRow != null) return fromRow;
            string name = (BaseModelOf(model) ?? model ?? string.Empty).Trim().ToLowerInvariant();
            return name.StartsWith("babbage-002", StringComparison.Ordinal) || name.StartsWith("davinci-002", StringComparison.Ordinal)
                ? new[] { CompletionFormat }
                : new[] { ChatFormat, PreferenceFormat };
        }

        /// <summary>
        /// What a chat call on <paramref name="model"/> costs on <paramref name="provider"/>: a fine-tuned id
        /// (<c>ft:…</c>, <c>….ft-HEX</c>) at its base row's fine-tuned rates (<c>inputPerMillion</c>…), any other
        /// name at the row's base-model rates (<c>baseInputPerMillion</c>…); cached input at the input rate when
        /// the row gives none. Null when the catalog has no row, or no input or output price, for it.
        /// </summary>
        public InferencePrice? InferencePriceOf(string model, string provider = OpenAI)
        {
            ModelEntry? row = Find(model, provider);
            if (row == null) return null;
            bool fineTuned = BaseModelOf(model) != null;
            decimal? input = fineTuned ? row.InputPerMillion : row.BaseInputPerMillion;
            decimal? output = fineTuned ? row.OutputPerMillion : row.BaseOutputPerMillion;
            if (input is not decimal i || output is not decimal o) return null;
            return new InferencePrice
            {
                Model = model.Trim(),
                CatalogModel = row.Model,
                Provider = row.Provider,
                FineTuned = fineTuned,
                InputPerMillion = i,
                CachedInputPerMillion = (fineTuned ? row.CachedInputPerMillion : row.BaseCachedInputPerMillion) ?? i,
                OutputPerMillion = o,
                Verified = fineTuned ? row.Verified : row.BaseVerified,
                Source = fineTuned ? row.Source : row.BaseSource,
                CatalogDate = row.CatalogDate,
            };
        }

        /// <summary>
        /// The catalog's name (a model or an alias, for <paramref name="provider"/>) closest to another name,
        /// for "did you mean" hints where a name was not found (here, or by the service: a snapshot date that
        /// does not exist finds its undated row here but not on the service); null when the name is one of
        /// them or none is within a few edits (at most 1 for names of up to 6 characters, 2 up to 12, else 3).
        /// </summary>
        public string? Suggest(string model, string provider = OpenAI)
        {
            if (string.IsNullOrWhiteSpace(model)) return null;
            string name = model.Trim().ToLowerInvariant();
            int allowed = name.Length <= 6 ? 1 : name.Length <= 12 ? 2 : 3;
            string? best = null;
            int bestDistance = allowed + 1;
            foreach (ModelEntry row in Models.Where(m => string.Equals(m.Provider, provider, StringComparison.OrdinalIgnoreCase)))
            {
                foreach (string candidate in new[] { row.Model }.Concat(row.Aliases))
                {
                    int d = EditDistance(name, candidate.ToLowerInvariant());
                    if (d == 0) return null;
                    if (d < bestDistance)
                    {
                        best = candidate;
                        bestDistance = d;
                    }
                }
            }

            return best;
        }

        /// <summary>" Did you mean 'X'?" with this catalog's <see cref="Suggest"/>, or empty.</summary>
        public string HintFor(string model, string provider = OpenAI) =>
            Suggest(model, provider) is string close ? $" Did you mean '{close}'?" : string.Empty;

        /// <summary>" Did you mean 'X'?" from the catalog in use (<see cref="CurrentOrEmbedded"/>), or empty.</summary>
        public static string DidYouMean(string model, string provider = OpenAI) => CurrentOrEmbedded().HintFor(model, provider);

        /// <summary>
        /// An Azure training type or deployment SKU as the catalog keys it: null for none or <c>Standard</c>,
        /// <see cref="GlobalStandard"/> (also <c>Global</c>), <see cref="Developer"/> (also <c>DeveloperTier</c>);
        /// any other name as given.
        /// </summary>
        public static string? TrainingTypeKey(string? trainingType)
        {
            string t = (trainingType ?? string.Empty).Trim();
            if (t.Length == 0 || t.Equals("Standard", StringComparison.OrdinalIgnoreCase)) return null;
            if (t.Equals(GlobalStandard, StringComparison.OrdinalIgnoreCase) || t.Equals("Global", StringComparison.OrdinalIgnoreCase)) return GlobalStandard;
            if (t.StartsWith(Developer, StringComparison.OrdinalIgnoreCase)) return Developer;
            return t;
        }

        // The provider's row, then OpenAI's: what a model is (encoding, limit, formats) rarely differs by provider.
        private IEnumerable<ModelEntry> Rows(string model, string provider)
        {
            if (Find(model, provider) is ModelEntry own) yield return own;
            if (!string.Equals(provider, OpenAI, StringComparison.OrdinalIgnoreCase) && Find(model, OpenAI) is ModelEntry openAi) yield return openAi;
        }

        // Levenshtein distance: insertions, deletions and substitutions of one character each cost 1.
        private static int EditDistance(string a, string b)
        {
            var previous = new int[b.Length + 1];
            var current = new int[b.Length + 1];
            for (int j = 0; j <= b.Length; j++) previous[j] = j;
            for (int i = 1; i <= a.Length; i++)
            {
                current[0] = i;
                for (int j = 1; j <= b.Length; j++)
                {
                    int substitute = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                    current[j] = Math.Min(substitute, Math.Min(previous[j] + 1, current[j - 1] + 1));
                }

                (previous, current) = (current, previous);
            }

            return previous[b.Length];
        }

        private static ModelCatalog LoadEmbedded()
        {
            using Stream stream = typeof(ModelCatalog).Assembly.GetManifestResourceStream("FineTune.Engine.Models.models.json")
                ?? throw new ModelCatalogException(EmbeddedName, null, "The built-in model catalog is missing from FineTune.Engine.dll; reinstall the module.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), EmbeddedName);
        }
    }
}
