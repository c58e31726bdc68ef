using System;
using System.Linq;
using System.IO;
using System.Collections.Generic;
using System.Collections.Concurrent;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine;
using FineTune.Engine.Datasets;
using FineTune.Engine.Jobs;
using FineTune.Engine.Providers;
using FineTune.Engine.Service;
using FineTune.Engine.Workflow;

namespace FineTune
{
    /// <summary>
    /// The base of every FineTune cmdlet: owns the cancellation token (cancelled by Ctrl+C through
    /// <see cref="StopProcessing"/> and passed to every engine call), runs async engine work while
    /// writing only on the pipeline thread (<see cref="Run{T}"/>), gives the engine an
    /// <see cref="IFeedback"/> that lands in the verbose, warning, information and progress streams, and
    /// maps every service failure to one kind of ErrorRecord (<see cref="ToErrorRecord"/>).
    /// <see cref="PipelineStoppedException"/> is never caught.
    /// </summary>
    public abstract partial class FineTuneCmdlet : PSCmdlet, IDisposable
    {
        private readonly CancellationTokenSource stop = new CancellationTokenSource();
        private BlockingCollection<Action>? pending;
        private readonly int pipelineThread = Thread.CurrentThread.ManagedThreadId;
        private IFineTuneProvider? service;
        private IFeedback? feedback;

        /// <summary>Cancelled when the user presses Ctrl+C or the pipeline stops.</summary>
        protected CancellationToken CancellationToken => stop.Token;

        /// <summary>The provider (<see cref="ProviderFactory"/>) of the session's connection (Connect-FineTune, else the environment); the NoApiKey error ends the command when the connection has no key.</summary>
        protected IFineTuneProvider Service
        {
            get
            {
                if (service == null)
                {
                    try
                    {
                        FineTuneConnection connection = ResolveConnection();
                        if (!connection.HasKey) throw FineTuneServiceException.NoKey("Connect");
                        service = ProviderFactory.Create(connection);
                    }
                    catch (FineTuneServiceException ex)
                    {
                        ThrowTerminatingError(ToErrorRecord(ex, null));
                    }
                    catch (ArgumentException ex)
                    {
                        ThrowTerminatingError(new ErrorRecord(ex, "FineTune.Connect.InvalidConnection", ErrorCategory.InvalidArgument, null));
                    }
                }

                return service!;
            }
        }

        /// <summary>The connection the user chose for this command (a name or a connection object: <c>-Connection</c>), or null for the session's current one.</summary>
        private protected virtual object? ConnectionChoice => null;

        /// <summary>The connection this command uses (<see cref="ConnectionChoice"/>, else the session's current one, else the environment); an unknown name ends the command (FineTune.Connect.InvalidConnection).</summary>
        internal FineTuneConnection ResolveConnection()
        {
            try
            {
                return FineTuneSession.Resolve(SessionState.PSVariable, ConnectionChoice);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(new ErrorRecord(ex, "FineTune.Connect.InvalidConnection", ErrorCategory.InvalidArgument, ConnectionChoice));
                throw; // not reached
            }
        }

        /// <summary>"Azure" or "OpenAI": the provider name of the connection this command would use (never throws; see <see cref="FineTuneSession.ProviderName"/>).</summary>
        internal string ProviderName => FineTuneSession.ProviderName(SessionState.PSVariable, ConnectionChoice);

        /// <summary>Cancels the token so that every HTTP call and wait ends at once.</summary>
        protected override void StopProcessing() => stop.Cancel();

        /// <summary>
        /// Runs async engine work off the pipeline thread and pumps what it reports (through
        /// <see cref="Feedback"/>) onto the pipeline thread until it ends. Ctrl+C returns at once by
        /// throwing <see cref="PipelineStoppedException"/>; a service failure ends the command with a
        /// terminating error record (<see cref="ToErrorRecord"/>); other exceptions pass through.
        /// </summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return Pump(work);
            }
            catch (FineTuneServiceException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex, ex.Target));
                throw; // not reached: ThrowTerminatingError always throws
            }
        }

        /// <summary>Runs async engine work that returns nothing (see <see cref="Run{T}"/>).</summary>
        protected void Run(Func<CancellationToken, Task> work) =>
            Run<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Runs the work for one pipeline item; a service failure becomes a non-terminating error for
        /// that item (the pipeline goes on with the next). Returns false when it failed.
        /// </summary>
        protected bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result, Func<FineTuneServiceException, bool>? endsCommand = null)
        {
            try
            {
                result = Pump(work);
                return true;
            }
            catch (FineTuneServiceException ex)
            {
                ErrorRecord record = ToErrorRecord(ex, ex.Target ?? target);
                if (endsCommand?.Invoke(ex) == true) ThrowTerminatingError(record);
                WriteError(record);
                result = default!;
                return false;
            }
        }

        private T Pump<T>(Func<CancellationToken, Task<T>> work)
        {
            var queue = new BlockingCollection<Action>();
            pending = queue;
            IFeedback feedback = Feedback;
            Task<T> task = Task.Run(
                () =>
                {
                    WireLogPolicy.Feedback.Value = feedback; // -Debug: the requests this work sends
                    return work(stop.Token);
                },
                stop.Token);
            task.ContinueWith(_ => queue.CompleteAdding(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            try
            {
                foreach (Action write in queue.GetConsumingEnumerable(stop.Token))
                {
                    write();
                }

                return task.GetAwaiter().GetResult();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                // Ctrl+C: the work ends at once, except what it must finish on a stop (an upload that completed
                // deletes its file); give that a bounded moment and show its warnings (on the host: the
                // pipeline's streams are closed by now), then stop.
                var grace = System.Diagnostics.Stopwatch.StartNew();
                while (!task.IsCompleted && grace.Elapsed < StopGrace)
                {
                    if (queue.TryTake(out Action? write, 100)) TryWrite(write);
                }

                while (queue.TryTake(out Action? write)) TryWrite(write);
                throw new PipelineStoppedException();
            }
            finally
            {
                pending = null;
            }
        }

        /// <summary>How long Ctrl+C waits for engine work to finish what it does on a stop (35 s: one bounded service call and a delete).</summary>
        private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(35);

        private static void TryWrite(Action write)
        {
            try
            {
                write();
            }
            catch (Exception ex) when (ex is PipelineStoppedException || ex is InvalidOperationException)
            {
                // the pipeline is stopping: what cannot be written any more is dropped
            }
        }

        /// <summary>
        /// The one mapper from failures to ErrorRecords: ErrorId <c>FineTune.{Operation}.{Reason}</c>,
        /// the category of <see cref="ErrorKind"/>, the service's message with its request id.
        /// </summary>
        internal static ErrorRecord ToErrorRecord(FineTuneServiceException ex, object? target)
        {
            var record = new ErrorRecord(ex, ex.ErrorId, CategoryOf(ex.Kind), target);
            record.ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = ex.Advice ?? AdviceFor(ex) };
            return record;
        }

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

        private static string AdviceFor(FineTuneServiceException ex) => ex.Kind switch
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

        /// <summary>Writes an object to the pipeline from engine work running under <see cref="Run{T}"/> (any thread).</summary>
        protected void Emit(object item) => Post(() => WriteObject(item));

        /// <summary>A path as the user typed it (relative, ~, PSDrive) made a file-system path.</summary>
        protected string FileSystemPath(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

        /// <summary>
        /// True when <paramref name="path"/> is a regular file to read; else writes a non-terminating error
        /// <c>FineTune.{operation}.FileNotFound</c> or <c>.NotAFile</c> (a folder, a named pipe, a device) and returns false.
        /// </summary>
        protected bool IsInputFile(string path, string operation)
        {
            try
            {
                Engine.IO.FilePaths.RequireRegularFile(path);
                return true;
            }
            catch (FileNotFoundException ex)
            {
                WriteError(new ErrorRecord(new FileNotFoundException($"The file '{path}' does not exist. Give the path of a JSON Lines training file.", path, ex), $"FineTune.{operation}.FileNotFound", ErrorCategory.ObjectNotFound, path));
            }
            catch (Engine.IO.NotAFileException ex)
            {
                WriteError(new ErrorRecord(ex, $"FineTune.{operation}.NotAFile", ErrorCategory.InvalidArgument, path) { ErrorDetails = new ErrorDetails(ex.Message) { RecommendedAction = "Give the path of a regular file." } });
            }

            return false;
        }

        /// <summary>
        /// Waits for a job (<see cref="JobWatcher"/>): events go to the information stream (or, with
        /// <paramref name="eventsAsOutput"/>, to the pipeline). Returns the final job (see <see cref="ReportWait"/>); a
        /// service failure is a non-terminating error (null); Ctrl+C stops at once and leaves the job running.
        /// </summary>
        protected FineTuneJob? WaitForJob(string jobId, WaitOptions options, bool eventsAsOutput)
        {
            IFeedback feedback = Feedback;
            IFineTuneProvider provider = Service;
            Action<FineTuneEvent> onEvent = eventsAsOutput ? (Action<FineTuneEvent>)Emit : e => feedback.Information(e);
            if (!TryRun(ct => JobWatcher.WaitAsync(provider, jobId, options, onEvent, feedback, ct), jobId, out WaitResult result)) return null;
            return ReportWait(jobId, result, options.Timeout) ? result.Job : null;
        }

        /// <summary>
        /// How a wait ended, for the user: false after writing an OperationTimeout error when it timed out (the job keeps
        /// running); true otherwise, with a warning when the job failed or was cancelled.
        /// </summary>
        internal bool ReportWait(string jobId, WaitResult result, TimeSpan? timeout)
        {
            FineTuneJob job = result.Job;
            if (result.TimedOut)
            {
                string state = job.Status.Length == 0 ? "got no answer from the service" : "is still " + job.Status;
                WriteError(new ErrorRecord(new TimeoutException($"Job {jobId} {state} after {timeout?.TotalSeconds:0} s; it keeps running. Wait again with Wait-FineTuneJob {jobId}, or stop it with Stop-FineTuneJob."),
                    "FineTune.WaitJob.Timeout", ErrorCategory.OperationTimeout, job));
                return false;
            }

            if (job.Status == JobStatus.Failed)
            {
                WriteWarning($"Job {jobId} failed: {job.ErrorMessage ?? "no reason given"}{(job.ErrorCode != null ? " (" + job.ErrorCode + (job.ErrorParam != null ? ", " + job.ErrorParam : string.Empty) + ")" : string.Empty)}.");
            }
            else if (job.Status == JobStatus.Cancelled)
            {
                WriteWarning($"Job {jobId} was cancelled.");
            }

            return true;
        }

        /// <summary>The engine's view of this cmdlet's streams: callable from any thread, written on the pipeline thread.</summary>
        protected IFeedback Feedback => feedback ??= new StreamFeedback(this);

        // Not implemented by the cmdlet itself: PowerShell reflects over public cmdlet types before
        // ModuleInit has made the engine loadable, so public types here must not derive from engine types.
        private sealed class StreamFeedback : IFeedback
        {
            private readonly FineTuneCmdlet cmdlet;

            internal StreamFeedback(FineTuneCmdlet cmdlet) => this.cmdlet = cmdlet;

            public void Verbose(string message) => cmdlet.Post(() => cmdlet.WriteVerbose(message));

            public void Debug(string message) => cmdlet.Post(() => cmdlet.WriteDebug(message));

            public void Warning(string message) => cmdlet.Post(() =>
            {
                if (cmdlet.Stopping) cmdlet.Host?.UI?.WriteWarningLine(message); // after Ctrl+C the warning stream is closed
                else cmdlet.WriteWarning(message);
            });

            public void Information(object message) => cmdlet.Post(() => cmdlet.WriteInformation(message, new[] { "FineTune" }));

            public void Progress(int activityId, string activity, string status, int percent, bool completed) => cmdlet.Post(() =>
                cmdlet.WriteProgress(new ProgressRecord(activityId, activity, string.IsNullOrEmpty(status) ? " " : status)
                {
                    PercentComplete = completed ? 100 : Math.Max(-1, Math.Min(100, percent)),
                    RecordType = completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
                }));
        }

        private void Post(Action write)
        {
            if (Thread.CurrentThread.ManagedThreadId == pipelineThread)
            {
                write();
                return;
            }

            try
            {
                pending?.Add(write);
            }
            catch (InvalidOperationException)
            {
                // the work ended or the user stopped: nothing more is written
            }
        }

        /// <summary>Releases the cancellation source.</summary>
        public void Dispose()
        {
            stop.Dispose();
            GC.SuppressFinalize(this);
        }
    }
}
