using System;
using System.Management.Automation;
using FineTune.Engine;
using FineTune.Engine.Service;

namespace FineTune
{
    /// <summary>
    /// The base of every cmdlet that calls a service: <c>-Connection</c> picks one of the session's named connections
    /// (a name, or the object Connect-FineTune -PassThru and Get-FineTuneContext give) for this command; without it the
    /// command uses the session's current connection (the last Connect-FineTune), else the environment.
    /// </summary>
    public abstract class ServiceCmdlet : FineTuneCmdlet
    {
        /// <summary>The connection to use: a name given to Connect-FineTune -Name, or a connection object (Connect-FineTune -PassThru, Get-FineTuneContext -ListAvailable); default: the session's current connection.</summary>
        [Parameter]
        [ArgumentCompleter(typeof(ConnectionNameCompleter))]
        public PSObject? Connection { get; set; }

        /// <inheritdoc/>
        private protected override object? ConnectionChoice => Connection?.BaseObject;

        /// <summary>The job has no result file yet (FineTune.NoResultFile).</summary>
        private protected Exception NoResultFile(FineTuneJob job) =>
            Failure("NoResultFile", ErrorKind.InvalidOperation, $"Job {job.Id} has no result file yet (status {job.Status}); the service writes it when the job ends. Wait-FineTuneJob {job.Id} first.", job, $"Wait-FineTuneJob {job.Id}, then run the command again.");

        /// <summary>A result file that cannot be read (FineTune.InvalidResultFile).</summary>
        private protected Exception InvalidResultFile(string fileId, Exception ex) =>
            Failure("InvalidResultFile", ErrorKind.InvalidResponse, $"Result file {fileId}: {ex.Message}", fileId, "Save the file with Save-FineTuneFile and look at it; quote the file id to the service's support.", ex);
    }
}
