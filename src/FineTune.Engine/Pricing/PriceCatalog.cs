using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Pricing
{
    /// <summary>
    /// Fine-tuning prices as data: the embedded <c>prices.json</c> (dated, with a source per row; see
    /// docs/PRICING.md for the schema), or a file of the same shape. Immutable once loaded; thread-safe.
    /// </summary>
    public sealed class PriceCatalog
    {
        /// <summary>The environment variable that names a catalog file to use instead of the embedded one.</summary>
        public const string EnvironmentVariable = "FINETUNE_PRICE_CATALOG";

        /// <summary>The name <see cref="Path"/> has for the catalog built into the module.</summary>
        public const string EmbeddedName = "embedded";

        private static readonly Lazy<PriceCatalog> Embedded = new Lazy<PriceCatalog>(LoadEmbedded);
        private static readonly Regex DateSuffix = new Regex(@"-(\d{4}-\d{2}-\d{2}|\d{4})$", RegexOptions.CultureInvariant);

        private PriceCatalog(string path, string date, string source, string currency, IReadOnlyList<ModelPrice> models)
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
        public IReadOnlyList<ModelPrice> Models { get; }

        /// <summary>
        /// Loads <paramref name="path"/>; without one, the file named by <c>FINETUNE_PRICE_CATALOG</c>; without
        /// that, the embedded catalog. Throws <see cref="PriceCatalogException"/> naming the file (and the
        /// field, or the line of a JSON syntax error) when it cannot be read.
        /// </summary>
        public static PriceCatalog Load(string? path = null)
        {
            if (string.IsNullOrWhiteSpace(path)) path = Environment.GetEnvironmentVariable(EnvironmentVariable);
            if (string.IsNullOrWhiteSpace(path)) return Embedded.Value;
            string full = System.IO.Path.GetFullPath(path);
            string text;
            DateTime written;
            try
            {
                // a job's estimate, token limit and hints each ask for the catalog: read and parse a file once until it changes
                written = File.GetLastWriteTimeUtc(full);
                if (Files.TryGetValue(full, out (DateTime Written, PriceCatalog Catalog) known) && known.Written == written && File.Exists(full)) return known.Catalog;
                text = File.ReadAllText(full);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException)
            {
                throw new PriceCatalogException(full, null, $"Price catalog '{full}' cannot be read: {ex.Message}", ex);
            }

            PriceCatalog catalog = Parse(text, full);
            Files[full] = (written, catalog);
            return catalog;
        }

        private static readonly ConcurrentDictionary<string, (DateTime Written, PriceCatalog Catalog)> Files =
            new ConcurrentDictionary<string, (DateTime, PriceCatalog)>(StringComparer.Ordinal);

        /// <summary>Reads a catalog from JSON text; <paramref name="path"/> names it in errors.</summary>
        public static PriceCatalog Parse(string json, string path)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw new PriceCatalogException(path, null,
                    $"Price catalog '{path}' is not valid JSON at line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}: {ex.Message} Fix the file or remove -PriceCatalog / {EnvironmentVariable} to use the built-in prices.", ex);
            }

            using (doc)
            {
                var r = new Reader(path);
                JsonElement root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw r.Error(null, "must be a JSON object with 'date', 'source' and 'models'");
                string date = r.String(root, "date", required: true)!;
                string source = r.String(root, "source", required: true)!;
                string currency = r.String(root, "currency", required: false) ?? "USD";
                if (!root.TryGetProperty("models", out JsonElement models) || models.ValueKind != JsonValueKind.Array)
                {
                    throw r.Error("models", "must be an array of model rows");
                }

                var list = new List<ModelPrice>();
                int i = 0;
                foreach (JsonElement row in models.EnumerateArray())
                {
                    list.Add(r.Row(row, $"models[{i}]", date, source, currency));
                    i++;
                }

                return new PriceCatalog(path, date, source, currency, list);
            }
        }

        /// <summary>
        /// The row of a model name for <paramref name="provider"/> (default OpenAI), or null. Case does not
        /// matter; <c>ft:BASE:…</c> and Azure's <c>BASE.ft-HEX</c> map to BASE; a name matches a row's model or
        /// alias (<c>gpt-4o-mini</c> is <c>gpt-4o-mini-2024-07-18</c>) or, undated, the first row of that
        /// name with a date; a dated snapshot not in the catalog falls back to its undated name
        /// (<c>gpt-4o-2024-05-13</c> finds <c>gpt-4o</c>).
        /// </summary>
        public ModelPrice? Find(string model, string provider = "OpenAI")
        {
            if (string.IsNullOrWhiteSpace(model)) return null;
            string name = model.Trim();
            name = (Service.FineTuneModel.BaseModelOf(name) ?? name).Trim();
            var rows = Models.Where(m => string.Equals(m.Provider, provider, StringComparison.OrdinalIgnoreCase)).ToList();
            ModelPrice? Match(string n) =>
                rows.FirstOrDefault(m => string.Equals(m.Model, n, StringComparison.OrdinalIgnoreCase)) ??
                rows.FirstOrDefault(m => m.Aliases.Any(a => string.Equals(a, n, StringComparison.OrdinalIgnoreCase))) ??
                rows.FirstOrDefault(m => string.Equals(DateSuffix.Replace(m.Model, string.Empty), n, StringComparison.OrdinalIgnoreCase));
            ModelPrice? found = Match(name);
            if (found == null && DateSuffix.IsMatch(name)) found = Match(DateSuffix.Replace(name, string.Empty));
            return found;
        }

        /// <summary>
        /// The catalog's name (a model or an alias, for <paramref name="provider"/>) closest to another name,
        /// for "did you mean" hints where a name was not found (here, or by the service: a snapshot date that
        /// does not exist finds its undated row here but not on the service); null when the name is one of
        /// them or none is within a few edits (at most 1 for names of up to 6 characters, 2 up to 12, else 3).
        /// </summary>
        public string? Suggest(string model, string provider = "OpenAI")
        {
            if (string.IsNullOrWhiteSpace(model)) return null;
            string name = model.Trim().ToLowerInvariant();
            int allowed = name.Length <= 6 ? 1 : name.Length <= 12 ? 2 : 3;
            string? best = null;
            int bestDistance = allowed + 1;
            foreach (ModelPrice row in Models.Where(m => string.Equals(m.Provider, provider, StringComparison.OrdinalIgnoreCase)))
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

        /// <summary>
        /// " Did you mean 'X'?" when the current catalog (<see cref="Load"/> with no path) has a close name for
        /// a model it does not know (<see cref="Suggest"/>); else empty, also when no catalog can be read.
        /// </summary>
        public static string DidYouMean(string model, string provider = "OpenAI")
        {
            try
            {
                return Load().HintFor(model, provider);
            }
            catch (PriceCatalogException)
            {
                return string.Empty;
            }
        }

        /// <summary>" Did you mean 'X'?" with this catalog's <see cref="Suggest"/>, or empty.</summary>
        public string HintFor(string model, string provider = "OpenAI") =>
            Suggest(model, provider) is string close ? $" Did you mean '{close}'?" : string.Empty;

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

        private static PriceCatalog LoadEmbedded()
        {
            using Stream stream = typeof(PriceCatalog).Assembly.GetManifestResourceStream("FineTune.Engine.Pricing.prices.json")
                ?? throw new PriceCatalogException(EmbeddedName, null, "The built-in price catalog is missing from FineTune.Engine.dll; reinstall the module.");
            using var reader = new StreamReader(stream);
            return Parse(reader.ReadToEnd(), EmbeddedName);
        }

        // Reads fields and names them in errors.
        private sealed class Reader
        {
            private readonly string path;

            internal Reader(string path) => this.path = path;

            internal PriceCatalogException Error(string? field, string problem) =>
                new PriceCatalogException(path, field, field == null
                    ? $"Price catalog '{path}': the file {problem}. See docs/PRICING.md for the schema."
                    : $"Price catalog '{path}': field '{field}' {problem}. See docs/PRICING.md for the schema.");

            internal string? String(JsonElement owner, string name, bool required, string? prefix = null)
            {
                string field = prefix == null ? name : prefix + "." + name;
                if (!owner.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null)
                {
                    if (required) throw Error(field, "is missing");
                    return null;
                }

                if (v.ValueKind != JsonValueKind.String) throw Error(field, $"must be a string, not {v.GetRawText()}");
                string s = v.GetString()!;
                if (required && s.Trim().Length == 0) throw Error(field, "must not be empty");
                return s;
            }

            private decimal? Money(JsonElement owner, string name, string prefix)
            {
                if (!owner.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out decimal d) || d < 0)
                {
                    throw Error(prefix + "." + name, $"must be a number of USD not below 0, or null, not {v.GetRawText()}");
                }

                return d;
            }

            private DateTime? Date(JsonElement owner, string name, string prefix)
            {
                string? s = String(owner, name, required: false, prefix);
                if (s == null) return null;
                if (!DateTime.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime d))
                {
                    throw Error(prefix + "." + name, $"must be a date as YYYY-MM-DD, not '{s}'");
                }

                return DateTime.SpecifyKind(d.Date, DateTimeKind.Utc);
            }

            private bool Bool(JsonElement owner, string name, string prefix)
            {
                if (!owner.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return false;
                if (v.ValueKind != JsonValueKind.True && v.ValueKind != JsonValueKind.False) throw Error(prefix + "." + name, $"must be true or false, not {v.GetRawText()}");
                return v.GetBoolean();
            }

            internal ModelPrice Row(JsonElement row, string prefix, string date, string source, string currency)
            {
                if (row.ValueKind != JsonValueKind.Object) throw Error(prefix, "must be an object");
                var price = new ModelPrice
                {
                    Model = String(row, "model", required: true, prefix)!,
                    Provider = String(row, "provider", required: false, prefix) ?? "OpenAI",
                    Encoding = String(row, "encoding", required: false, prefix),
                    TrainingPerMillion = Money(row, "trainingPerMillion", prefix),
                    TrainingPerHour = Money(row, "trainingPerHour", prefix),
                    InputPerMillion = Money(row, "inputPerMillion", prefix),
                    OutputPerMillion = Money(row, "outputPerMillion", prefix),
                    HostingPerHour = Money(row, "hostingPerHour", prefix),
                    ShutdownDate = Date(row, "shutdownDate", prefix),
                    NoNewTrainingFrom = Date(row, "noNewTrainingFrom", prefix),
                    Retired = Bool(row, "retired", prefix),
                    Verified = Bool(row, "verified", prefix),
                    Source = String(row, "source", required: false, prefix) ?? source,
                    Notes = String(row, "notes", required: false, prefix),
                    CatalogDate = date,
                    Currency = currency,
                };

                if (price.Encoding != null && price.Encoding != Tokens.TokenEncoder.O200kBase && price.Encoding != Tokens.TokenEncoder.Cl100kBase)
                {
                    throw Error(prefix + ".encoding", $"must be o200k_base or cl100k_base, not '{price.Encoding}'");
                }

                if (row.TryGetProperty("maxTokensPerExample", out JsonElement max) && max.ValueKind != JsonValueKind.Null)
                {
                    if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out int m) || m <= 0) throw Error(prefix + ".maxTokensPerExample", $"must be a whole number of tokens above 0, not {max.GetRawText()}");
                    price.MaxTokensPerExample = m;
                }

                if (row.TryGetProperty("aliases", out JsonElement aliases) && aliases.ValueKind != JsonValueKind.Null)
                {
                    if (aliases.ValueKind != JsonValueKind.Array || aliases.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String))
                    {
                        throw Error(prefix + ".aliases", "must be an array of model names");
                    }

                    price.Aliases = aliases.EnumerateArray().Select(a => a.GetString()!).ToArray();
                }

                if (row.TryGetProperty("discounts", out JsonElement discounts) && discounts.ValueKind != JsonValueKind.Null)
                {
                    if (discounts.ValueKind != JsonValueKind.Object) throw Error(prefix + ".discounts", "must be an object of deployment type to fraction off");
                    var map = new Dictionary<string, decimal?>(StringComparer.OrdinalIgnoreCase);
                    foreach (JsonProperty p in discounts.EnumerateObject())
                    {
                        if (p.Value.ValueKind == JsonValueKind.Null)
                        {
                            map[p.Name] = null;
                        }
                        else if (p.Value.ValueKind == JsonValueKind.Number && p.Value.TryGetDecimal(out decimal f) && f >= 0 && f <= 1)
                        {
                            map[p.Name] = f;
                        }
                        else
                        {
                            throw Error($"{prefix}.discounts.{p.Name}", $"must be a fraction from 0 to 1 or null, not {p.Value.GetRawText()}");
                        }
                    }

                    price.Discounts = map;
                }

                return price;
            }
        }
    }
}
