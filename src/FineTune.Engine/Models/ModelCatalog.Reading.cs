using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace FineTune.Engine.Models
{
    // Reading a catalog file: every field checked, a bad one named (models[3].trainingPerMillion).
    public sealed partial class ModelCatalog
    {
        private static readonly string[] Encodings = { "o200k_base", "cl100k_base" };
        private static readonly string[] FormatNames = { ChatFormat, PreferenceFormat, CompletionFormat };

        /// <summary>Reads a catalog from JSON text; <paramref name="path"/> names it in errors (<see cref="ModelCatalogException"/>).</summary>
        public static ModelCatalog Parse(string json, string path)
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException ex)
            {
                throw new ModelCatalogException(path, null,
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

                var list = new List<ModelEntry>();
                int i = 0;
                foreach (JsonElement row in models.EnumerateArray())
                {
                    list.Add(r.Row(row, $"models[{i}]", date, source, currency));
                    i++;
                }

                return new ModelCatalog(path, date, source, currency, list);
            }
        }

        // Reads fields and names them in errors.
        private sealed class Reader
        {
            private readonly string path;

            internal Reader(string path) => this.path = path;

            internal ModelCatalogException Error(string? field, string problem) =>
                new ModelCatalogException(path, field, field == null
                    ? $"Price catalog '{path}': the file {problem}. Get-Help about_FineTune shows the shape of a catalog."
                    : $"Price catalog '{path}': field '{field}' {problem}. Get-Help about_FineTune shows the shape of a catalog.");

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

            private decimal? Money(JsonElement v, string field)
            {
                if (v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.Number || !v.TryGetDecimal(out decimal d) || d < 0)
                {
                    throw Error(field, $"must be a number of USD not below 0, or null, not {v.GetRawText()}");
                }

                return d;
            }

            private decimal? Money(JsonElement owner, string name, string prefix) =>
                owner.TryGetProperty(name, out JsonElement v) ? Money(v, prefix + "." + name) : null;

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

            // An array of strings, each one of allowed (when given); null when absent.
            private string[]? Names(JsonElement owner, string name, string prefix, string what, string[]? allowed = null)
            {
                if (!owner.TryGetProperty(name, out JsonElement v) || v.ValueKind == JsonValueKind.Null) return null;
                if (v.ValueKind != JsonValueKind.Array || v.EnumerateArray().Any(a => a.ValueKind != JsonValueKind.String)) throw Error(prefix + "." + name, $"must be an array of {what}");
                string[] names = v.EnumerateArray().Select(a => a.GetString()!).ToArray();
                string? bad = allowed == null ? null : names.FirstOrDefault(n => !allowed.Contains(n));
                if (bad != null) throw Error(prefix + "." + name, $"must hold only {string.Join(", ", allowed!)}, not '{bad}'");
                return names;
            }

            internal ModelEntry Row(JsonElement row, string prefix, string date, string source, string currency)
            {
                if (row.ValueKind != JsonValueKind.Object) throw Error(prefix, "must be an object");
                string rowSource = String(row, "source", required: false, prefix) ?? source;
                bool verified = Bool(row, "verified", prefix);
                var entry = new ModelEntry
                {
                    Model = String(row, "model", required: true, prefix)!,
                    Aliases = Names(row, "aliases", prefix, "model names") ?? Array.Empty<string>(),
                    Provider = String(row, "provider", required: false, prefix) ?? OpenAI,
                    Encoding = String(row, "encoding", required: false, prefix),
                    Formats = Names(row, "formats", prefix, "training file formats", FormatNames) ?? Array.Empty<string>(),
                    TrainingPerMillion = Money(row, "trainingPerMillion", prefix),
                    TrainingPerHour = Money(row, "trainingPerHour", prefix),
                    InputPerMillion = Money(row, "inputPerMillion", prefix),
                    CachedInputPerMillion = Money(row, "cachedInputPerMillion", prefix),
                    OutputPerMillion = Money(row, "outputPerMillion", prefix),
                    BaseInputPerMillion = Money(row, "baseInputPerMillion", prefix),
                    BaseCachedInputPerMillion = Money(row, "baseCachedInputPerMillion", prefix),
                    BaseOutputPerMillion = Money(row, "baseOutputPerMillion", prefix),
                    BaseSource = String(row, "baseSource", required: false, prefix) ?? rowSource,
                    BaseVerified = row.TryGetProperty("baseVerified", out _) ? Bool(row, "baseVerified", prefix) : verified,
                    HostingPerHour = Money(row, "hostingPerHour", prefix),
                    ShutdownDate = Date(row, "shutdownDate", prefix),
                    NoNewTrainingFrom = Date(row, "noNewTrainingFrom", prefix),
                    Retired = Bool(row, "retired", prefix),
                    Verified = verified,
                    Source = rowSource,
                    Notes = String(row, "notes", required: false, prefix),
                    CatalogDate = date,
                    Currency = currency,
                };

                if (entry.Encoding != null && !Encodings.Contains(entry.Encoding))
                {
                    throw Error(prefix + ".encoding", $"must be {string.Join(" or ", Encodings)}, not '{entry.Encoding}'");
                }

                if (row.TryGetProperty("maxTokensPerExample", out JsonElement max) && max.ValueKind != JsonValueKind.Null)
                {
                    if (max.ValueKind != JsonValueKind.Number || !max.TryGetInt32(out int m) || m <= 0) throw Error(prefix + ".maxTokensPerExample", $"must be a whole number of tokens above 0, not {max.GetRawText()}");
                    entry.MaxTokensPerExample = m;
                }

                if (row.TryGetProperty("trainingPerMillionByType", out JsonElement byType) && byType.ValueKind != JsonValueKind.Null)
                {
                    if (byType.ValueKind != JsonValueKind.Object) throw Error(prefix + ".trainingPerMillionByType", "must be an object of training type (GlobalStandard, Developer) to USD per 1M tokens");
                    var prices = new Dictionary<string, decimal>(StringComparer.OrdinalIgnoreCase);
                    foreach (JsonProperty p in byType.EnumerateObject())
                    {
                        string field = $"{prefix}.trainingPerMillionByType.{p.Name}";
                        string? type = TrainingTypeKey(p.Name);
                        if (type != GlobalStandard && type != Developer) throw Error(field, "names no training type: use GlobalStandard or Developer (trainingPerMillion is Standard's)");
                        if (Money(p.Value, field) is decimal usd) prices[type] = usd;
                    }

                    entry.TrainingPerMillionByType = prices;
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

                    entry.Discounts = map;
                }

                return entry;
            }
        }
    }
}
