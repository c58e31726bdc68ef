using System;
using System.Threading.Tasks;

namespace FineTune.Emulator
{
    /// <summary>
    /// <c>dotnet FineTune.Emulator.dll [--port N] [--time-scale S] [--seed N] [--api-key K] [--trigger-words a,b]
    /// [--fault-rate R] [--org ID] [--flavor openai|azure] [--no-new-jobs-from yyyy-MM-dd] [--base-skill P] [--tuned-skill P]</c>. Prints one line
    /// <c>FineTune emulator listening on http://127.0.0.1:PORT/v1</c> once it answers; stops on Ctrl+C/SIGTERM.
    /// Exit code 2 on a bad option, 1 when the port cannot be bound.
    /// </summary>
    public static class Program
    {
        /// <summary>Entry point.</summary>
        public static async Task<int> Main(string[] args)
        {
            EmulatorOptions options;
            try
            {
                options = EmulatorOptions.Parse(args);
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine(e.Message);
                return 2;
            }

            EmulatorHost host;
            try
            {
                host = await EmulatorHost.StartAsync(options);
            }
            catch (System.IO.IOException e)
            {
                Console.Error.WriteLine($"The emulator cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
                return 1;
            }

            await using var running = host;
            Console.WriteLine($"FineTune emulator listening on {host.Endpoint}");
            Console.Out.Flush();
            await host.WaitForShutdownAsync();
            return 0;
        }
    }
}
