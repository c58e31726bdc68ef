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
    /// maps every failure to an ErrorRecord in one place (<see cref="ErrorMapper"/>).
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
                    catch (FineTuneException ex)
                    {
                        ThrowTerminatingError(ToErrorRecord(ex, null));
                    }
                    catch (ArgumentException ex)
                    {
                        Fail(Failure("InvalidConnection", ErrorKind.InvalidRequest, ex.Message, inner: ex));
                    }
                }

                return service!;
            }
        }

        /// <summary>The connection the user chose for this command (a name or a connection object: <c>-Connection</c>), or null for the session's current one.</summary>
        private protected virtual object? ConnectionChoice => null;

        /// <summary>The connection this command uses (<see cref="ConnectionChoice"/>, else the session's current one, else the environment); an unknown name ends the command (FineTune.InvalidConnection).</summary>
        internal FineTuneConnection ResolveConnection()
        {
            try
            {
                return FineTuneSession.Resolve(SessionState.PSVariable, ConnectionChoice);
            }
            catch (ArgumentException ex)
            {
                Fail(Failure("InvalidConnection", ErrorKind.InvalidRequest, ex.Message, ConnectionChoice, inner: ex));
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
        /// throwing <see cref="PipelineStoppedException"/>; an engine failure (<see cref="FineTuneException"/>) or a refused
        /// argument ends the command with a terminating error record (<see cref="ToErrorRecord"/>); other exceptions pass through.
        /// </summary>
        protected T Run<T>(Func<CancellationToken, Task<T>> work)
        {
            try
            {
                return Pump(work);
            }
            catch (FineTuneException ex)
            {
                ThrowTerminatingError(ToErrorRecord(ex, ex.Target));
                throw; // not reached: ThrowTerminatingError always throws
            }
            catch (ArgumentException ex)
            {
                Fail(ex); // a request the engine refuses before sending it (FineTune.InvalidArgument, FineTune.UnknownModel)
                throw; // not reached
            }
        }

        /// <summary>Runs async engine work that returns nothing (see <see cref="Run{T}"/>).</summary>
        protected void Run(Func<CancellationToken, Task> work) =>
            Run<bool>(async ct => { await work(ct).ConfigureAwait(false); return true; });

        /// <summary>
        /// Runs the work for one pipeline item; an engine failure (<see cref="FineTuneException"/>) becomes a non-terminating error for
        /// that item (the pipeline goes on with the next). Returns false when it failed.
        /// </summary>
        protected bool TryRun<T>(Func<CancellationToken, Task<T>> work, object? target, out T result, Func<FineTuneException, bool>? endsCommand = null)
        {
            try
            {
                result = Pump(work);
                return true;
            }
            catch (FineTuneException ex)
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

        /// <summary>The ErrorRecord of a failure (<see cref="ErrorMapper"/>, the one mapper).</summary>
        internal static ErrorRecord ToErrorRecord(Exception ex, object? target) => ErrorMapper.ToErrorRecord(ex, target);

        /// <summary>Ends the command with the ErrorRecord of <paramref name="ex"/> (<see cref="ErrorMapper"/>); never returns.</summary>
        internal void Fail(Exception ex, object? target = null) => ThrowTerminatingError(ErrorMapper.ToErrorRecord(ex, target));

        /// <summary>
        /// Ends the command for a knowledge index that cannot be used: one that is not an index (the engine's
        /// InvalidDataException) is FineTune.InvalidIndex; a missing or locked file keeps its own ErrorId.
        /// </summary>
        internal void FailIndex(Exception ex, string path) =>
            Fail(ex is InvalidDataException ? Failure("InvalidIndex", ErrorKind.InvalidData, ex.Message, path, "Build the index again with New-FineTuneKnowledgeIndex.", ex) : ex, path);

        /// <summary>Writes the ErrorRecord of <paramref name="ex"/> as a non-terminating error (<see cref="ErrorMapper"/>).</summary>
        internal void Report(Exception ex, object? target = null) => WriteError(ErrorMapper.ToErrorRecord(ex, target));

        /// <summary>A failure of this command itself (a bad argument, a missing precondition): ErrorId <c>FineTune.{reason}</c>, the operation named after the command.</summary>
        internal Exception Failure(string reason, ErrorKind kind, string message, object? target = null, string? advice = null, Exception? inner = null) =>
            new FineTuneException(OperationName, kind, reason, message, target, advice, inner);

        /// <summary>The output file exists and -Force was not given (FineTune.FileExists, the same failure as the engine's <see cref="Engine.IO.DatasetFileExistsException"/>).</summary>
        internal Exception FileExists(string path) =>
            Failure("FileExists", ErrorKind.Conflict, $"The file '{path}' already exists. Use -Force to replace it, or give another path.", path, "Use -Force to replace the file, or give another path.");

        /// <summary>The command's name without "-FineTune" (Start-FineTuneJob: StartJob), the operation of its own failures.</summary>
        private protected string OperationName => MyInvocation.MyCommand.Name.Replace("-FineTune", string.Empty);

        /// <summary>Writes an object to the pipeline from engine work running under <see cref="Run{T}"/> (any thread).</summary>
        protected void Emit(object item) => Post(() => WriteObject(item));

        /// <summary>
        /// True when <paramref name="path"/> is a regular file to read; else writes a non-terminating error
        /// <c>FineTune.FileNotFound</c> or <c>FineTune.NotAFile</c> (a folder, a named pipe, a device) and returns false.
        /// </summary>
        protected bool IsInputFile(string path)
        {
            try
            {
                Engine.IO.FilePaths.RequireRegularFile(path);
                return true;
            }
            catch (FileNotFoundException ex)
            {
                Report(new FileNotFoundException($"The file '{path}' does not exist. Give the path of a JSON Lines training file.", path, ex), path);
            }
            catch (Engine.IO.NotAFileException ex)
            {
                Report(ex, path);
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
                Report(new FineTuneException("WaitJob", ErrorKind.Timeout, "Timeout", $"Job {jobId} {state} after {timeout?.TotalSeconds:0} s; it keeps running. Wait again with Wait-FineTuneJob {jobId}, or stop it with Stop-FineTuneJob.", job,
                    $"Wait again with Wait-FineTuneJob {jobId} (a larger -TimeoutSec), or stop it with Stop-FineTuneJob."));
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
