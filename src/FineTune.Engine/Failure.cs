using System;

namespace FineTune.Engine
{
    /// <summary>
    /// What every engine failure carries (service answers, files, the model catalog, data): what was being done
    /// (<see cref="Operation"/>, e.g. StartJob), why (<see cref="Reason"/>, a stable PascalCase word such as
    /// FileExists or InsufficientQuota) and its <see cref="Kind"/>. The cmdlets turn every one into an
    /// ErrorRecord in one place: ErrorId <c>FineTune.{Reason}</c>, so the same failure has the same ErrorId
    /// whichever command met it.
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

    /// <summary>An engine or command failure that is not a service's answer (a bad argument, a file, data): see <see cref="IFineTuneFailure"/>.</summary>
    public sealed class FineTuneException : Exception, IFineTuneFailure
    {
        /// <summary>Creates the failure.</summary>
        public FineTuneException(string operation, ErrorKind kind, string reason, string message, object? target = null, string? advice = null, Exception? inner = null)
            : base(message, inner)
        {
            Operation = operation;
            Kind = kind;
            Reason = reason;
            Target = target;
            Advice = advice;
        }

        /// <inheritdoc/>
        public string Operation { get; }

        /// <inheritdoc/>
        public string Reason { get; }

        /// <inheritdoc/>
        public ErrorKind Kind { get; }

        /// <inheritdoc/>
        public object? Target { get; }

        /// <inheritdoc/>
        public string? Advice { get; }
    }
}
