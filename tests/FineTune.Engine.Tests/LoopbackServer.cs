using System;
using System.Net;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Tests
{
    /// <summary>
    /// An HTTP server on a free 127.0.0.1 port for engine tests that script the service's answers: every request is
    /// counted, then handled by the given function on a task of its own (a throw aborts that response).
    /// </summary>
    internal sealed class LoopbackServer : IDisposable
    {
        private readonly HttpListener http = new HttpListener();
        private int requests;

        public LoopbackServer(Func<HttpListenerContext, Task> handle)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            Port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            http.Prefixes.Add($"http://127.0.0.1:{Port}/");
            http.Start();
            _ = Task.Run(async () =>
            {
                while (http.IsListening)
                {
                    HttpListenerContext ctx;
                    try { ctx = await http.GetContextAsync(); } catch { return; }
                    Interlocked.Increment(ref requests);
                    _ = Task.Run(async () =>
                    {
                        try { await handle(ctx); } catch { ctx.Response.Abort(); }
                    });
                }
            });
        }

        public int Port { get; }

        /// <summary>The OpenAI-style base URL of the server (<c>http://127.0.0.1:PORT/v1</c>).</summary>
        public Uri Endpoint => new Uri($"http://127.0.0.1:{Port}/v1");

        /// <summary>Requests received since the start or the last <see cref="ResetRequests"/>.</summary>
        public int Requests => Volatile.Read(ref requests);

        public void ResetRequests() => Interlocked.Exchange(ref requests, 0);

        public void Dispose()
        {
            http.Stop();
            http.Close();
        }
    }
}
