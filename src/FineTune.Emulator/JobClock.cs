using System;
using System.Diagnostics;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Hosting;

namespace FineTune.Emulator
{
    /// <summary>
    /// The emulator's clock: every 20 ms it hands the real time that passed to every job, which moves on by
    /// its phases (<see cref="Job.Advance"/>). Time is real, its pace set by --time-scale seconds a phase.
    /// </summary>
    public sealed class JobClock : BackgroundService
    {
        private readonly EmulatorState state;

        /// <summary>Hosted by the emulator.</summary>
        public JobClock(EmulatorState state) => this.state = state;

        /// <summary>Ticks until the host stops.</summary>
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20));
            var watch = Stopwatch.StartNew();
            TimeSpan last = TimeSpan.Zero;
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                TimeSpan now = watch.Elapsed;
                double seconds = (now - last).TotalSeconds;
                last = now;
                lock (state.Sync)
                {
                    foreach (Job job in state.Jobs.Values) job.Advance(state, seconds);
                }
            }
        }
    }
}
