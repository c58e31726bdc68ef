using System;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>Lenient readers for the service's JSON: a missing or null field is null, never an exception.</summary>
    internal static class Json
    {
        public static string? Str(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null
                ? (v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())
                : null;

        public static long? Long(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt64(out long n)
                ? n
                : (long?)null;

        public static double? Double(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number
                ? Finite(v.GetDouble())
                : (double?)null;

        public static bool? Bool(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False)
                ? v.GetBoolean()
                : (bool?)null;

        /// <summary>Unix seconds to a UTC time, or null.</summary>
        public static DateTimeOffset? Time(this JsonElement obj, string name) =>
            obj.Long(name) is long s && s > 0 ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;

        /// <summary>The strings of an array field (empty when missing or null); non-string items are skipped.</summary>
        public static string[] StrArray(this JsonElement obj, string name)
        {
            JsonElement a = obj.Child(name);
            if (a.ValueKind != JsonValueKind.Array) return new string[0];
            var list = new System.Collections.Generic.List<string>();
            foreach (JsonElement v in a.EnumerateArray())
            {
                if (v.ValueKind == JsonValueKind.String) list.Add(v.GetString()!);
            }

            return list.ToArray();
        }

        /// <summary>The numbers of an object (metrics, scores) as a dictionary; other values are left out; empty when missing or not an object.</summary>
        public static System.Collections.Generic.Dictionary<string, double> NumMap(this JsonElement obj, string name)
        {
            var map = new System.Collections.Generic.Dictionary<string, double>(StringComparer.Ordinal);
            JsonElement o = obj.Child(name);
            if (o.ValueKind != JsonValueKind.Object) return map;
            foreach (JsonProperty p in o.EnumerateObject())
            {
                if (p.Value.ValueKind == JsonValueKind.Number && Finite(p.Value.GetDouble()) is double d) map[p.Name] = d;
            }

            return map;
        }

        /// <summary>An object of string values (metadata) as a dictionary; empty when missing or null.</summary>
        public static System.Collections.Generic.Dictionary<string, string> StrMap(this JsonElement obj, string name)
        {
            var map = new System.Collections.Generic.Dictionary<string, string>(StringComparer.Ordinal);
            JsonElement o = obj.Child(name);
            if (o.ValueKind != JsonValueKind.Object) return map;
            foreach (JsonProperty p in o.EnumerateObject())
            {
                if (p.Value.ValueKind != JsonValueKind.Null) map[p.Name] = p.Value.ValueKind == JsonValueKind.String ? p.Value.GetString()! : p.Value.GetRawText();
            }

            return map;
        }

        /// <summary>A number, or a number written as a string; null for "auto", -1 (Azure's auto), missing or null.</summary>
        public static double? Hyper(this JsonElement obj, string name)
        {
            if (obj.ValueKind != JsonValueKind.Object || !obj.TryGetProperty(name, out JsonElement v)) return null;
            double d;
            if (v.ValueKind == JsonValueKind.Number) d = Finite(v.GetDouble()) ?? -1;
            else if (v.ValueKind == JsonValueKind.String && double.TryParse(v.GetString(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double parsed)) d = Finite(parsed) ?? -1;
            else return null;
            return d < 0 ? (double?)null : d;
        }

        /// <summary>The number, or null when it is not finite (a service's 1e999 reads as infinity: not a figure to show or add).</summary>
        private static double? Finite(double d) => double.IsNaN(d) || double.IsInfinity(d) ? (double?)null : d;

        /// <summary>A child object or array, or default when missing or null.</summary>
        public static JsonElement Child(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null
                ? v
                : default;
    }
}
