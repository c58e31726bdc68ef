using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;

namespace FineTune.Emulator
{
    /// <summary>Reading request bodies and query values with the service's error answers (never ASP.NET's problem details).</summary>
    public static class Requests
    {
        /// <summary>The body as a JSON object, or a 400 in the service's shape.</summary>
        public static async Task<(JsonObject? Body, IResult? Error)> ReadJsonAsync(HttpRequest request)
        {
            try
            {
                JsonNode? node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
                return node is JsonObject obj
                    ? (obj, null)
                    : (null, ApiError.BadRequest("The body of your request is not a JSON object. Send a JSON object (Content-Type: application/json)."));
            }
            catch (JsonException e)
            {
                return (null, ApiError.BadRequest("We could not parse the JSON body of your request. (" + e.Message + ")"));
            }
        }

        /// <summary>A string member, or null when absent or not a string.</summary>
        public static string? String(JsonObject body, string name) =>
            body[name] is JsonValue v && v.TryGetValue(out string? s) ? s : null;

        /// <summary>The <c>limit</c> query value in [1, max], <paramref name="fallback"/> when absent; null when invalid.</summary>
        public static int? Limit(HttpRequest request, int fallback, int max)
        {
            string? raw = request.Query["limit"];
            if (string.IsNullOrEmpty(raw)) return fallback;
            return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= 1 && v <= max ? v : null;
        }

        /// <summary>400 for a bad limit.</summary>
        public static IResult BadLimit(int max) =>
            ApiError.BadRequest($"Invalid 'limit': must be an integer from 1 to {max}.", "limit", "invalid_value");
    }
}
