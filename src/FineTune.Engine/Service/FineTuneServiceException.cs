using System;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// A failed service call, in our terms: what was being done (<see cref="FineTuneException.Operation"/>, e.g. StartJob),
    /// why (<see cref="FineTuneException.Reason"/>, e.g. InsufficientQuota), the HTTP status, the service's
    /// <c>error.code</c>, <c>error.param</c> and message, and the <c>x-request-id</c> to quote to support.
    /// Cmdlets turn it into an ErrorRecord with ErrorId <c>FineTune.{Reason}</c> (see <see cref="FineTuneException"/>).
    /// </summary>
    public sealed class FineTuneServiceException : FineTuneException
    {
        /// <summary>Creates the exception; the providers build it from wire failures.</summary>
        public FineTuneServiceException(
            string operation, ErrorKind kind, string reason, string message,
            int? status = null, string? code = null, string? param = null, string? requestId = null, Exception? inner = null)
            : base(operation, kind, reason, message, inner: inner)
        {
            Status = status;
            Code = code;
            Param = param;
            RequestId = requestId;
        }

        /// <summary>The HTTP status, or null when no answer came.</summary>
        public int? Status { get; }

        /// <summary>The service's <c>error.code</c>, or null.</summary>
        public string? Code { get; }

        /// <summary>The service's <c>error.param</c>, or null.</summary>
        public string? Param { get; }

        /// <summary>The <c>x-request-id</c> response header, or null.</summary>
        public string? RequestId { get; }

        /// <summary>The error raised when no key is found anywhere: it names the three ways to give one.</summary>
        public static FineTuneServiceException NoKey(string operation) => new FineTuneServiceException(
            operation, ErrorKind.Authentication, "NoApiKey",
            "No API key was found. Give one in one of three ways: Connect-FineTune -ApiKey (a SecureString), " +
            "Connect-FineTune -Credential (the key as the password), or the OPENAI_API_KEY environment variable.");

        /// <summary>This exception with <paramref name="masker"/>'s secrets masked in the message (the same one when nothing changes).</summary>
        public FineTuneServiceException MaskedWith(SecretMasker masker)
        {
            string masked = masker.Mask(Message)!;
            return masked == Message ? this : new FineTuneServiceException(Operation, Kind, Reason, masked, Status, Code, Param, RequestId, InnerException);
        }

        internal static Exception Innermost(Exception ex)
        {
            while (ex.InnerException != null) ex = ex.InnerException;
            return ex;
        }
    }
}
