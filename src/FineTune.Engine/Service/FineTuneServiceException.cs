using System;
using System.ClientModel;
using System.ClientModel.Primitives;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using System.Text.Json;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A failed service call, in our terms: what was being done (<see cref="Operation"/>, e.g. StartJob),
    /// why (<see cref="Reason"/>, e.g. InsufficientQuota), the HTTP status, the service's
    /// <c>error.code</c>, <c>error.param</c> and message, and the <c>x-request-id</c> to quote to support.
    /// Cmdlets turn it into an ErrorRecord with ErrorId <c>FineTune.{Operation}.{Reason}</c>.
    /// </summary>
    public sealed class FineTuneServiceException : Exception
    {
        /// <summary>Creates the exception; <see cref="FromException"/> builds it from SDK failures.</summary>
        public FineTuneServiceException(
            string operation, ErrorKind kind, string reason, string message,
            int? status = null, string? code = null, string? param = null, string? requestId = null, Exception? inner = null)
            : base(message, inner)
        {
            Operation = operation;
            Kind = kind;
            Reason = reason;
            Status = status;
            Code = code;
            Param = param;
            RequestId = requestId;
        }

        /// <summary>The operation, in PascalCase without the noun prefix (StartJob, AddFile, ListModels).</summary>
        public string Operation { get; }

        /// <summary>The failure's kind, mapped to an ErrorCategory by the cmdlets.</summary>
        public ErrorKind Kind { get; }

        /// <summary>A stable PascalCase reason that scripts can match (Unauthorized, InsufficientQuota, NotFound...).</summary>
        public string Reason { get; }

        /// <summary>The HTTP status, or null when no answer came.</summary>
        public int? Status { get; }

        /// <summary>The service's <c>error.code</c>, or null.</summary>
        public string? Code { get; }

        /// <summary>The service's <c>error.param</c>, or null.</summary>
        public string? Param { get; }

        /// <summary>The <c>x-request-id</c> response header, or null.</summary>
        public string? RequestId { get; }

        /// <summary>The stable error id: <c>FineTune.{Operation}.{Reason}</c>.</summary>
        public string ErrorId => $"FineTune.{Operation}.{Reason}";

        /// <summary>The error raised when no key is found anywhere: it names the three ways to give one.</summary>
        public static FineTuneServiceException NoKey(string operation) => new FineTuneServiceException(
            operation, ErrorKind.Authentication, "NoApiKey",
            "No API key was found. Give one in one of three ways: Connect-FineTune -ApiKey (a SecureString), " +
            "Connect-FineTune -Credential (the key as the password), or the OPENAI_API_KEY environment variable.");

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
                    return FromResponse(operation, cre.Status, cre.GetRawResponse(), cre.Message, cre);
                case OperationCanceledException _:
                    return new FineTuneServiceException(operation, ErrorKind.Timeout, "Timeout",
                        "The service did not answer within the network timeout. Raise it with Connect-FineTune -TimeoutSec, or try again later.", inner: ex);
                case HttpRequestException _:
                case IOException _:
                case SocketException _:
                    return new FineTuneServiceException(operation, ErrorKind.Network, "ConnectionFailed",
                        $"Could not reach the service: {Innermost(ex).Message} Check -Endpoint, the network and -Proxy.", inner: ex);
                case JsonException _:
                    return new FineTuneServiceException(operation, ErrorKind.InvalidResponse, "InvalidResponse",
                        $"The service's answer could not be read: {ex.Message}", inner: ex);
                default:
                    return ex;
            }
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
                _ => (ErrorKind.InvalidRequest, "Http" + status),
            };
        }

        private static string? Str(JsonElement obj, string name) =>
            obj.TryGetProperty(name, out JsonElement v) && v.ValueKind != JsonValueKind.Null ? v.ToString() : null;

        private static string FirstLine(string s)
        {
            int nl = s.IndexOf('\n');
            return (nl < 0 ? s : s.Substring(0, nl)).Trim();
        }

        internal static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
