using System;

namespace FineTune.Engine
{
    /// <summary>
    /// What every engine failure carries, whatever its .NET base: <see cref="FineTuneException"/> and its derived
    /// types, and the file failures that stay an <see cref="System.IO.IOException"/> for code that catches those
    /// (IO.DatasetFileExistsException, IO.NotAFileException). The cmdlets' one mapper reads it.
    /// </summary>
    public interface IFineTuneFailure
    {
        /// <summary>The operation, in PascalCase without the noun prefix (StartJob, AddFile, ReadCatalog).</summary>
        string Operation { get; }

        /// <summary>The stable reason that scripts can match (the ErrorId is <c>FineTune.{Reason}</c>).</summary>
        string Reason { get; }

        /// <summary>The failure's kind, mapped to an ErrorCategory by the cmdlets.</summary>
        ErrorKind Kind { get; }

        /// <summary>What the failure is about (a path, a model, a job id), or null to let the caller name it.</summary>
        object? Target { get; }

        /// <summary>What the user should do, when the failure knows better than its kind; null for the kind's advice.</summary>
        string? Advice { get; }
    }

    /// <summary>
    /// The base of every engine failure (service answers, files, the model catalog, data, graders): what was being
    /// done (<see cref="Operation"/>, e.g. StartJob), why (<see cref="Reason"/>, a stable PascalCase word such as
    /// FileExists or InsufficientQuota) and its <see cref="Kind"/>. The cmdlets turn every one into an ErrorRecord in
    /// one place: ErrorId <c>FineTune.{Reason}</c>, so the same failure has the same ErrorId whichever command met it.
    /// Used as is for a failure that is not a service's answer (a bad argument, a file, data); derived types add what
    /// their kind knows (<see cref="Service.FineTuneServiceException"/>: status, code, request id).
    /// </summary>
    public class FineTuneException : Exception, IFineTuneFailure
    {
        /// <summary>Creates the failure.</summary>
        public FineTuneException(string operation, ErrorKind kind, string reason, string message, object? target = null, string? advice = null, Exception? inner = null)
            : base(Service.SecretMasker.Shapes.Mask(message) ?? string.Empty, inner) // a key-shaped text in any failure is masked
        {
            Operation = operation;
            Kind = kind;
            Reason = reason;
            Target = target;
            Advice = advice;
        }

        /// <summary>The operation, in PascalCase without the noun prefix (StartJob, AddFile, ReadCatalog).</summary>
        public string Operation { get; }

        /// <summary>The stable reason that scripts can match (the ErrorId is <c>FineTune.{Reason}</c>).</summary>
        public string Reason { get; }

        /// <summary>The failure's kind, mapped to an ErrorCategory by the cmdlets.</summary>
        public ErrorKind Kind { get; }

        /// <summary>What the failure is about (a path, a model, a job id), or null to let the caller name it.</summary>
        public object? Target { get; set; }

        /// <summary>What the user should do, when the failure knows better than its kind; null for the kind's advice.</summary>
        public string? Advice { get; set; }

        /// <summary>The stable error id: <c>FineTune.{Reason}</c>, the same whichever command met the failure.</summary>
        public string ErrorId => "FineTune." + Reason;
    }
}
