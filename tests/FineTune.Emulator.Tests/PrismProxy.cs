using System;
using System.Diagnostics;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using FineTune.Engine.Tests;
using Xunit;

namespace FineTune.Emulator.Tests
{
    /// <summary>
    /// Prism (npm @stoplight/prism-cli 5.16.0) in proxy mode with the official OpenAPI description
    /// (../shared/openapi/openai-openapi.yaml) in front of an in-process emulator, started once for the
    /// conformance suite. Prism is installed into out/prism on first use (npm install --no-audit --no-fund)
    /// and kept there. Clients talk to Prism's root (spec paths have no /v1); Prism forwards to the emulator's
    /// /v1 and, with --errors, turns a violation marked Error into a 500 problem answer; warnings come in the
    /// sl-violations header. When the spec, node/npm or the install is missing, <see cref="SkipReason"/> says so.
    /// </summary>
    public sealed class PrismProxy : IAsyncLifetime
    {
        private const string PrismVersion = "5.16.0";
        private readonly StringBuilder log = new StringBuilder();
        private Process? prism;

        /// <summary>Why the suite cannot run, or null.</summary>
        public string? SkipReason { get; private set; }

        public EmulatorClient? Emulator { get; private set; }

        /// <summary>http://127.0.0.1:PORT/ — Prism's root.</summary>
        public Uri? BaseUri { get; private set; }

        /// <summary>Everything Prism wrote so far.</summary>
        public string Log
        {
            get { lock (log) return log.ToString(); }
        }

        public async Task InitializeAsync()
        {
            string spec = SharedData.PathOf("openapi/openai-openapi.yaml");
            if (!File.Exists(spec))
            {
                SkipReason = $"The OpenAPI description is missing: {spec}; conformance suite skipped.";
                return;
            }

            string prismDir = Path.Combine(SharedData.RepoRoot, "out", "prism");
            string cli = Path.Combine(prismDir, "node_modules", "@stoplight", "prism-cli", "dist", "index.js");
            if (!File.Exists(cli))
            {
                Directory.CreateDirectory(prismDir);
                string manifest = Path.Combine(prismDir, "package.json");
                if (!File.Exists(manifest)) File.WriteAllText(manifest, "{\"name\":\"finetune-prism\",\"private\":true}\n");
                (int code, string output) = await RunAsync(OperatingSystem.IsWindows() ? "npm.cmd" : "npm", prismDir, TimeSpan.FromMinutes(5),
                    "install", "--no-audit", "--no-fund", "@stoplight/prism-cli@" + PrismVersion);
                if (code != 0 || !File.Exists(cli))
                {
                    SkipReason = $"Prism could not be installed (npm exit code {code}); conformance suite skipped. {Tail(output)}";
                    return;
                }
            }

            Emulator = await EmulatorClient.StartAsync(new EmulatorOptions { TimeScale = 0.2 });
            int port = FreePort();
            BaseUri = new Uri($"http://127.0.0.1:{port}/");
            var info = new ProcessStartInfo("node") { WorkingDirectory = prismDir, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in new[] { cli, "proxy", spec, Emulator.Host.Endpoint.ToString(), "--errors", "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
            {
                info.ArgumentList.Add(a);
            }

            var ready = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            try
            {
                prism = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                SkipReason = "node is not installed (" + e.Message + "); conformance suite skipped.";
                return;
            }

            void OnLine(object? sender, DataReceivedEventArgs e)
            {
                if (e.Data == null) return;
                lock (log) log.AppendLine(e.Data);
                if (e.Data.Contains("Prism is listening", StringComparison.Ordinal)) ready.TrySetResult(true);
            }

            prism.OutputDataReceived += OnLine;
            prism.ErrorDataReceived += OnLine;
            prism.BeginOutputReadLine();
            prism.BeginErrorReadLine();
            Task exited = prism.WaitForExitAsync();
            Task first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(150)));
            if (first != ready.Task)
            {
                throw new InvalidOperationException($"Prism did not start listening within 150 s (exited: {prism.HasExited}). Log: {Tail(Log)}");
            }
        }

        public async Task DisposeAsync()
        {
            if (prism != null)
            {
                if (!prism.HasExited) prism.Kill(entireProcessTree: true);
                await prism.WaitForExitAsync();
                prism.Dispose();
            }

            if (Emulator != null) await Emulator.DisposeAsync();
        }

        private static int FreePort()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            return port;
        }

        private static string Tail(string text) => text.Length > 2000 ? text.Substring(text.Length - 2000) : text;

        private static async Task<(int, string)> RunAsync(string file, string directory, TimeSpan timeout, params string[] args)
        {
            var info = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            foreach (string a in args) info.ArgumentList.Add(a);
            Process process;
            try
            {
                process = Process.Start(info)!;
            }
            catch (System.ComponentModel.Win32Exception e)
            {
                return (-1, file + " is not installed: " + e.Message);
            }

            using (process)
            {
                Task<string> stdout = process.StandardOutput.ReadToEndAsync();
                Task<string> stderr = process.StandardError.ReadToEndAsync();
                using var cts = new CancellationTokenSource(timeout);
                try
                {
                    await process.WaitForExitAsync(cts.Token);
                }
                catch (OperationCanceledException)
                {
                    process.Kill(entireProcessTree: true);
                    return (-1, $"{file} timed out after {timeout.TotalSeconds} s.");
                }

                return (process.ExitCode, await stdout + await stderr);
            }
        }
    }
}
