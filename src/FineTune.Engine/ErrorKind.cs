namespace FineTune.Engine
{
    /// <summary>
    /// What kind of failure an engine call met (a service call, a file, a catalog, data). The cmdlets map each to a PowerShell ErrorCategory
    /// (one mapper, in FineTuneCmdlet); the engine never references PowerShell.
    /// </summary>
    public enum ErrorKind
    {
        /// <summary>400/422: the request was not valid (ErrorCategory InvalidArgument).</summary>
        InvalidRequest,
        /// <summary>401, or no key at all (AuthenticationError).</summary>
        Authentication,
        /// <summary>403 (PermissionDenied).</summary>
        PermissionDenied,
        /// <summary>404 (ObjectNotFound).</summary>
        NotFound,
        /// <summary>409 (ResourceExists).</summary>
        Conflict,
        /// <summary>429 rate limit, retried by the SDK until the retries ran out (LimitsExceeded).</summary>
        RateLimited,
        /// <summary>429 <c>insufficient_quota</c>: never retried (QuotaExceeded).</summary>
        QuotaExceeded,
        /// <summary>5xx (ResourceUnavailable).</summary>
        ServerError,
        /// <summary>No HTTP answer: refused, dropped, DNS, TLS (ConnectionError).</summary>
        Network,
        /// <summary>The network timeout passed (OperationTimeout).</summary>
        Timeout,
        /// <summary>The answer could not be read (InvalidResult).</summary>
        InvalidResponse,
        /// <summary>A route or option this provider does not offer (NotImplemented).</summary>
        NotSupported,
        /// <summary>A local file's content is wrong: dataset errors, flagged examples (InvalidData).</summary>
        InvalidData,
        /// <summary>The command cannot go on as asked: a cost that cannot be estimated under -MaxCost (InvalidOperation).</summary>
        InvalidOperation,
        /// <summary>A limit the user set was passed: -MaxCost (LimitsExceeded).</summary>
        LimitsExceeded,
        /// <summary>A local file could not be read or written (WriteError).</summary>
        FileSystem,
    }
}
