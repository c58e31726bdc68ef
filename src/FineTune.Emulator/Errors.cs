using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FineTune.Emulator
{
    /// <summary>
    /// Error responses in the service's shape: <c>{"error": {"message", "type", "param", "code"}}</c>
    /// (OpenAPI schema ErrorResponse; param and code may be null).
    /// </summary>
    public static class ApiError
    {
        /// <summary>The error body as JSON.</summary>
        public static JsonObject Body(string message, string type, string? param, string? code) => new JsonObject
        {
            ["error"] = new JsonObject { ["message"] = message, ["type"] = type, ["param"] = param, ["code"] = code },
        };

        /// <summary>A response with <paramref name="status"/> and the error body.</summary>
        public static IResult Result(int status, string message, string type, string? param = null, string? code = null) =>
            Results.Json(Body(message, type, param, code), statusCode: status);

        /// <summary>400 invalid_request_error.</summary>
        public static IResult BadRequest(string message, string? param = null, string? code = null) =>
            Result(400, message, "invalid_request_error", param, code);

        /// <summary>404 invalid_request_error, as the service words a missing object.</summary>
        public static IResult NotFound(string what, string id, string param) =>
            Result(404, string.Format(CultureInfo.InvariantCulture, "No such {0}: '{1}'", what, id), "invalid_request_error", param);

        /// <summary>Writes an error directly (middleware, before routing).</summary>
        public static System.Threading.Tasks.Task Write(HttpContext context, int status, string message, string type, string? param, string? code)
        {
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            return context.Response.WriteAsync(Body(message, type, param, code).ToJsonString());
        }
    }
}
