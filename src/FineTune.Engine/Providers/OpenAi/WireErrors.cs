using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>Turns failures of the SDK's pipeline (exceptions, HTTP error answers) into <see cref="FineTuneServiceException"/>.</summary>
    internal static class WireErrors
    {
        /// <summary>Maps any failure of a service call to our terms. <paramref name="cancelledByCaller"/> tells a user's stop from a timeout.</summary>
        public static Exception FromException(string operation, Exception ex, bool cancelledByCaller)
        {
            switch (ex)
            {
                case FineTuneServiceException _:
                    return ex;
                case AggregateException agg when agg.InnerExceptions.Count > 0:
                    // the SDK's retry policy gives up with every try's failure inside: report the last
                    return FromException(operation, agg.Flatten().InnerExceptions[agg.Flatten().InnerExceptions.Count - 1], cancelledByCaller);
                case OperationCanceledException _ when cancelledByCaller:
                    return ex; // the user stopped: not an error to report
                case ClientResultException cre when cre.Status == 0 && cre.InnerException != null:
                    // no HTTP answer: the SDK wraps the transport's failure
                    return FromException(operation, cre.InnerException, cancelledByCaller);
                case ClientResultException cre:
                    return FromResponse(operation, cre.Status, cre.GetRawResponse(), "The service answered HTTP " + cre.Status + ".");
                case OperationCanceledException _:
                    return new FineTuneServiceException(operation, ErrorKind.Timeout, "Timeout",
                        "The service did not answer within the network timeout. Raise it with Connect-FineTune -TimeoutSec, or try again later.", inner: ex);
                case HttpRequestException _:
                case IOException _:
                case SocketException _:
                    return new FineTuneServiceException(operation, ErrorKind.Network, "ConnectionFailed",
                        $"Could not reach the service: {FineTuneServiceException.Innermost(ex).Message} Check -Endpoint, the network and -Proxy.", inner: ex);
                case JsonException _:
                    return new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "InvalidResponse",
                        $"The service's answer could not be read: {ex.Message}", inner: ex);
                default:
                    return ex;
            }
        }

        /// <summary>
        /// A success answer whose body is not JSON: an HTML or XML page (a login page, a proxy's or a web site's) says
        /// that <paramref name="endpoint"/> is not an OpenAI-compatible API (Reason NotAnApi); other text is InvalidResponse.
        /// </summary>
        internal static FineTuneServiceException NotJson(string operation, BinaryData body, string? requestId, Uri endpoint, JsonException ex)
        {
            string text = body.ToString().TrimStart();
            string id = requestId != null ? ", request id " + requestId : string.Empty;
            if (text.StartsWith("<", StringComparison.Ordinal))
            {
                return new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "NotAnApi",
                    $"{endpoint} answered with a web page (HTML), not the JSON of an API{id}: it is not an OpenAI-compatible API endpoint (a sign-in page, a proxy or a web site answered). Check -Endpoint: the base URL ends with /v1 (Azure: /openai/v1).",
                    requestId: requestId, inner: ex);
            }

            return new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "InvalidResponse",
                $"The service's answer is not JSON ({ex.Message.Split('.')[0]}{id}); {endpoint} may not be an OpenAI-compatible API. Check -Endpoint, or try again if the answer was cut off.",
                requestId: requestId, inner: ex);
        }

        /// <summary>Builds the exception from an HTTP answer that was not a success.</summary>
        internal static FineTuneServiceException FromResponse(string operation, int status, PipelineResponse? response, string fallback, Exception? inner = null)
        {
            string? requestId = null;
            string? code = null, param = null, type = null, message = null;
            if (response != null)
            {
                response.Headers.TryGetValue("x-request-id", out requestId);
                try
                {
                    using JsonDocument doc = JsonDocument.Parse(response.Content.ToMemory());
                    if (doc.RootElement.ValueKind == JsonValueKind.Object &&
                        doc.RootElement.TryGetProperty("error", out JsonElement err) && err.ValueKind == JsonValueKind.Object)
                    {
                        message = Str(err, "message");
                        code = Str(err, "code");
                        param = Str(err, "param");
                        type = Str(err, "type");
                    }
                }
                catch (Exception e) when (e is JsonException || e is InvalidOperationException)
                {
                    // not the service's error shape; keep the fallback message
                }
            }

            (ErrorKind kind, string reason) = Classify(status, code ?? type);
            string text = message ?? FirstLine(fallback);
            string full = $"{text} (HTTP {status}{(code != null ? ", code " + code : string.Empty)}{(requestId != null ? ", request id " + requestId : string.Empty)})";
            return new FineTuneServiceException(operation, kind, reason, full, status, code, param, requestId, inner);
        }

        /// <summary>HTTP status and error code to kind and reason.</summary>
        internal static (ErrorKind, string) Classify(int status, string? code)
        {
            if (status == 429 && code == "insufficient_quota") return (ErrorKind.QuotaExceeded, "InsufficientQuota");
            return status switch
            {
                400 => (ErrorKind.InvalidRequest, "BadRequest"),
                401 => (ErrorKind.Authentication, "Unauthorized"),
                403 => (ErrorKind.PermissionDenied, "Forbidden"),
                404 => (ErrorKind.NotFound, "NotFound"),
                408 => (ErrorKind.Timeout, "Timeout"),
                409 => (ErrorKind.Conflict, "Conflict"),
                422 => (ErrorKind.InvalidRequest, "Unprocessable"),
                429 => (ErrorKind.RateLimited, "RateLimited"),
                _ when status >= 500 => (ErrorKind.ServerError, "ServerError"),
                _ => (ErrorKind.InvalidRequest, "HttpError"),
            };
        }

        private static string? Str(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

        private static string FirstLine(string s)
        {
            int nl = s.IndexOf('\n');
            return (nl < 0 ? s : s.Substring(0, nl)).Trim();
        }

    }
}
