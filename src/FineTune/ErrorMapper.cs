using System;
using System.IO;
using System.Management.Automation;
using FineTune.Engine;

namespace FineTune
{
    /// <summary>
    /// The one mapper from failures to ErrorRecords. An engine failure (<see cref="IFineTuneFailure"/>: a service
    /// answer, a file, the model catalog, data) gives its Reason, Kind, Operation, target and advice; a plain .NET
    /// failure is classified here (a missing file is FileNotFound, a denied one AccessDenied, any other I/O failure
    /// IOFailed, an unknown model or encoding UnknownModel, another bad argument InvalidArgument). The record has ErrorId
    /// <c>FineTune.{Reason}</c> (the same whichever command met it; docs/ERRORS.md lists them), the category of the
    /// kind, the operation as its activity, and a RecommendedAction.
    /// </summary>
    internal static class ErrorMapper
    {
        /// <summary>The ErrorRecord for <paramref name="ex"/>; <paramref name="target"/> names what it is about when the failure does not.</summary>
        internal static ErrorRecord ToErrorRecord(Exception ex, object? target)
        {
            (string operation, ErrorKind kind, string reason, object? about, string? advice) = Describe(ex);
            var record = new ErrorRecord(ex, "FineTune." + reason, CategoryOf(kind), about ?? target);
            if (operation.Length > 0) record.CategoryInfo.Activity = operation;
            string message = ex is ArgumentException a ? WithoutParameterName(a) : ex.Message;
            record.ErrorDetails = new ErrorDetails(message) { RecommendedAction = advice ?? AdviceFor(kind) };
            return record;
        }

        /// <summary>The operation, kind, reason, target and advice of any failure.</summary>
        private static (string, ErrorKind, string, object?, string?) Describe(Exception ex) => ex switch
        {
            IFineTuneFailure f => (f.Operation, f.Kind, f.Reason, f.Target, f.Advice),
            FileNotFoundException nf => (string.Empty, ErrorKind.NotFound, "FileNotFound", nf.FileName, "Check the path; Test-Path shows whether the file exists."),
            DirectoryNotFoundException _ => (string.Empty, ErrorKind.NotFound, "FileNotFound", null, "Check the path; Test-Path shows whether the folder exists."),
            UnauthorizedAccessException _ => (string.Empty, ErrorKind.PermissionDenied, "AccessDenied", null, "Give your account access to the file or folder, or choose another path."),
            IOException _ => (string.Empty, ErrorKind.FileSystem, "IOFailed", null, "Close programs that lock the file, check the free space, and try again."),
            InvalidDataException _ => (string.Empty, ErrorKind.InvalidData, "InvalidData", null, "Run Test-FineTuneDataset on the file for the finding and its fix."),
            ArgumentException a when a.ParamName == "model" || a.ParamName == "encoding" =>
                (string.Empty, ErrorKind.InvalidRequest, "UnknownModel", null, "Give a model such as gpt-4o-mini or gpt-3.5-turbo (Measure-FineTuneToken also takes -Encoding o200k_base or cl100k_base)."),
            ArgumentException _ => (string.Empty, ErrorKind.InvalidRequest, "InvalidArgument", null, null),
            TimeoutException _ => (string.Empty, ErrorKind.Timeout, "Timeout", null, null),
            _ => (string.Empty, ErrorKind.InvalidOperation, "Failed", null, null),
        };

        /// <summary>ErrorKind to ErrorCategory.</summary>
        internal static ErrorCategory CategoryOf(ErrorKind kind) => kind switch
        {
            ErrorKind.InvalidRequest => ErrorCategory.InvalidArgument,
            ErrorKind.Authentication => ErrorCategory.AuthenticationError,
            ErrorKind.PermissionDenied => ErrorCategory.PermissionDenied,
            ErrorKind.NotFound => ErrorCategory.ObjectNotFound,
            ErrorKind.Conflict => ErrorCategory.ResourceExists,
            ErrorKind.RateLimited => ErrorCategory.LimitsExceeded,
            ErrorKind.QuotaExceeded => ErrorCategory.QuotaExceeded,
            ErrorKind.ServerError => ErrorCategory.ResourceUnavailable,
            ErrorKind.Network => ErrorCategory.ConnectionError,
            ErrorKind.Timeout => ErrorCategory.OperationTimeout,
            ErrorKind.InvalidResponse => ErrorCategory.InvalidResult,
            ErrorKind.NotSupported => ErrorCategory.NotImplemented,
            ErrorKind.InvalidData => ErrorCategory.InvalidData,
            ErrorKind.InvalidOperation => ErrorCategory.InvalidOperation,
            ErrorKind.LimitsExceeded => ErrorCategory.LimitsExceeded,
            ErrorKind.FileSystem => ErrorCategory.WriteError,
            _ => ErrorCategory.NotSpecified,
        };

        private static string AdviceFor(ErrorKind kind) => kind switch
        {
            ErrorKind.Authentication => "Check the key: Connect-FineTune -ApiKey, -Credential, or OPENAI_API_KEY.",
            ErrorKind.QuotaExceeded => "Add credit or raise the spending limit of the organization; retrying does not help.",
            ErrorKind.RateLimited => "Wait and try again, or raise Connect-FineTune -MaxRetries.",
            ErrorKind.ServerError => "Try again later; quote the request id to the service's support if it persists.",
            ErrorKind.Network => "Check -Endpoint, the network and -Proxy (Connect-FineTune).",
            ErrorKind.Timeout => "Raise Connect-FineTune -TimeoutSec or try again later.",
            ErrorKind.InvalidResponse => "The answer is not what an OpenAI-compatible API returns: check -Endpoint (Get-FineTuneContext shows it); quote the request id to the service's support if it persists.",
            ErrorKind.NotFound => "Check the id (Get-FineTuneJob, Get-FineTuneFile, Get-FineTuneModel list what exists).",
            _ => "Correct the request as the message says and run the command again.",
        };

        /// <summary>An <see cref="ArgumentException"/>'s message without the " (Parameter 'model')" that .NET appends: the user typed -Model, not a parameter of ours.</summary>
        internal static string WithoutParameterName(ArgumentException ex) =>
            ex.ParamName == null ? ex.Message : ex.Message.Replace($" (Parameter '{ex.ParamName}')", string.Empty);
    }
}
