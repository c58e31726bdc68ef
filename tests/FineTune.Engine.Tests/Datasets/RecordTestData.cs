using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using FineTune.Engine.Datasets;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>Helpers for the mapping, writing and splitting tests: records from JSON, deep JSON equality, a scratch folder.</summary>
    internal static class RecordTestData
    {
        public static IDictionary<string, object?> Record(string json)
        {
            using var doc = JsonDocument.Parse(json);
            return (IDictionary<string, object?>)ExampleMapper.FromJson(doc.RootElement)!;
        }

        public static Dictionary<string, object?> Rec(params (string Key, object? Value)[] pairs)
        {
            var d = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
            foreach ((string k, object? v) in pairs) d[k] = v;
            return d;
        }

        /// <summary>Equal JSON values; a property that is null counts as absent (the writer leaves null content out).</summary>
        public static bool JsonEqual(JsonElement a, JsonElement b)
        {
            if (a.ValueKind != b.ValueKind) return false;
            switch (a.ValueKind)
            {
                case JsonValueKind.Object:
                    var pa = a.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value);
                    var pb = b.EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => p.Value);
                    return pa.Count == pb.Count && pa.All(kv => pb.TryGetValue(kv.Key, out JsonElement v) && JsonEqual(kv.Value, v));
                case JsonValueKind.Array:
                    var ea = a.EnumerateArray().ToList();
                    var eb = b.EnumerateArray().ToList();
                    return ea.Count == eb.Count && ea.Zip(eb, JsonEqual).All(x => x);
                case JsonValueKind.String:
                    return a.GetString() == b.GetString();
                case JsonValueKind.Number:
                    return a.GetDecimal() == b.GetDecimal();
                default:
                    return true;
            }
        }

        public static string NewFolder()
        {
            string dir = Path.Combine(Path.GetTempPath(), "ft-builder-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(dir);
            return dir;
        }

        public static FineTuneExample Chat(string user, string assistant) => new FineTuneExample
        {
            Messages = { new ExampleMessage { Role = "user", Content = user }, new ExampleMessage { Role = "assistant", Content = assistant } },
        };
    }
}
