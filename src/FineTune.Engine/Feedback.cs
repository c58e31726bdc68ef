namespace FineTune.Engine
{
    /// <summary>
    /// How engine work reports to whoever runs it, without knowing PowerShell (the engine never
    /// touches the host; STYLE.md, PSScriptAnalyzer's output writer). The cmdlets' implementation
    /// queues each call and writes it on the pipeline thread. Every member may be called from any thread.
    /// </summary>
    public interface IFeedback
    {
        /// <summary>A detail for <c>-Verbose</c>.</summary>
        void Verbose(string message);

        /// <summary>A detail for <c>-Debug</c>: what went over the wire, secrets masked (<see cref="Providers.WireLogPolicy"/>).</summary>
        void Debug(string message);

        /// <summary>Something the user should see and may act on.</summary>
        void Warning(string message);

        /// <summary>A message for the information stream (e.g. a job event as it arrives).</summary>
        void Information(object message);

        /// <summary>Progress of a long step; <paramref name="percent"/> is 0–100 or -1 when unknown; <paramref name="completed"/> ends the bar.</summary>
        void Progress(int activityId, string activity, string status, int percent, bool completed = false);
    }

    /// <summary>Feedback that goes nowhere (engine tests, callers that need none).</summary>
    public sealed class NoFeedback : IFeedback
    {
        /// <summary>The shared instance.</summary>
        public static readonly NoFeedback Instance = new NoFeedback();

        /// <inheritdoc/>
        public void Verbose(string message) { }

        /// <inheritdoc/>
        public void Debug(string message) { }

        /// <inheritdoc/>
        public void Warning(string message) { }

        /// <inheritdoc/>
        public void Information(object message) { }

        /// <inheritdoc/>
        public void Progress(int activityId, string activity, string status, int percent, bool completed = false) { }
    }
}
