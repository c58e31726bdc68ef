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
                ? v.GetDouble()
                : (double?)null;

        public static bool? Bool(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && (v.ValueKind == JsonValueKind.True || v.ValueKind == JsonValueKind.False)
                ? v.GetBoolean()
                : (bool?)null;

        /// <summary>Unix seconds to a UTC time, or null.</summary>
        public static DateTimeOffset? Time(this JsonElement obj, string name) =>
            obj.Long(name) is long s && s > 0 ? DateTimeOffset.FromUnixTimeSeconds(s) : (DateTimeOffset?)null;

        /// <summary>A child object or array, or default when missing or null.</summary>
        public static JsonElement Child(this JsonElement obj, string name) =>
            obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null
                ? v
                : default;
    }
}
