using System;
using System.Globalization;
using System.Threading;
using FineTune.Engine.IO;
using FineTune.Engine.Service;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// Two refusals of a provider that is winding fine-tuning down, made into errors that say what to do
    /// (OPENAI-FACTS.md, "Platform status"): OpenAI hands out no training file's content (400 "Not allowed to download
    /// files of purpose: fine-tune"), and from <see cref="OpenAINoNewJobsFrom"/> on it creates no fine-tuning job
    /// (a permission error, 403, on <c>POST /fine_tuning/jobs</c>; organizations without recent fine-tuned inference
    /// have had it since 2026-07-02).
    /// </summary>
    public static class ProviderRefusals
    {
        /// <summary>The first day on which OpenAI takes no new fine-tuning jobs from anyone (2027-01-06).</summary>
        public static readonly DateTime OpenAINoNewJobsFrom = new DateTime(2027, 1, 6, 0, 0, 0, DateTimeKind.Utc);

        /// <summary>Where fine-tuning goes on (Azure's model retirement schedule, July 2026), for the advice in the errors.</summary>
        public const string WhereTrainingGoesOn = "Azure OpenAI trains the gpt-4.1 family until at least 2027-04-14 and gpt-4o/gpt-4o-mini until 2027-04-01";

        /// <summary>The service's words when it refuses a file's content.</summary>
        public const string NotAllowedToDownload = "Not allowed to download files of purpose";

        /// <summary>
        /// SaveFile.DownloadNotAllowed for a refused download of <paramref name="fileId"/>, naming the local copy the upload
        /// ledger knows (when it still matches) or saying that none is known; null for any other failure.
        /// </summary>
        public static FineTuneServiceException? DownloadRefused(FineTuneServiceException ex, string fileId, CancellationToken cancellationToken)
        {
            if (ex.Status != 400 || ex.Message.IndexOf(NotAllowedToDownload, StringComparison.OrdinalIgnoreCase) < 0) return null;
            LedgerEntry? copy = UploadLedger.FindLocalCopy(fileId, UploadLedger.ReadAll(), cancellationToken);
            string where = copy != null
                ? $"The local file it was uploaded from still matches (same size and SHA-256): {copy.Path}"
                : $"The upload ledger ({UploadLedger.LedgerPath}) knows no local copy that still matches; use the file you uploaded it from";
            return new FineTuneServiceException(ex.Operation, ErrorKind.InvalidRequest, "DownloadNotAllowed",
                $"The service does not hand out the content of file {fileId}: {ex.Message}. OpenAI keeps training files for its jobs only. {where}.",
                ex.Status, ex.Code, ex.Param, ex.RequestId, ex);
        }

        /// <summary>
        /// FineTune.TrainingClosed for a job create refused with a permission error (403) by OpenAI (the Azure provider
        /// never asks: there a 403 is a missing role): names the closure date and Copy-FineTuneJob; null for any other failure.
        /// </summary>
        public static FineTuneServiceException? TrainingClosed(FineTuneServiceException ex)
        {
            if (ex.Status != 403) return null;
            string when = DateTime.UtcNow >= OpenAINoNewJobsFrom
                ? $"OpenAI takes no new fine-tuning jobs since {OpenAINoNewJobsFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}"
                : $"OpenAI takes no new fine-tuning jobs from {OpenAINoNewJobsFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}, and since 2026-07-02 only from organizations with recent fine-tuned inference";
            return new FineTuneServiceException(ex.Operation, ErrorKind.PermissionDenied, "TrainingClosed",
                $"The service refused to create the job: this organization can no longer fine-tune there ({ex.Message}). {when}. " +
                $"Re-run the job on a provider that still trains with Copy-FineTuneJob <job id> -Destination <connection> ({WhereTrainingGoesOn}); " +
                "Export-FineTuneArchive keeps what this account holds.",
                ex.Status, ex.Code, ex.Param, ex.RequestId, ex);
        }
    }
}
