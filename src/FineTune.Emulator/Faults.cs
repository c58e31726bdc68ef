using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// The gate every /v1 request passes after routing: counts it under "METHOD /v1/route-template", serves a
    /// fault when one is due, then checks the key. Fault sources, first match wins: the request header
    /// <c>X-Emulator-Fault</c>; the scripted queue (<c>POST /_emulator/faults</c>); the random draw
    /// (<c>--fault-rate</c> with <c>--seed</c>). Faults: <c>429</c> (with Retry-After: 1), <c>500</c>,
    /// <c>503</c>, <c>drop</c> (connection closed, no response), <c>drop-after</c> (the request is carried out,
    /// then the connection is closed before the response: the client cannot know it succeeded),
    /// <c>delay:MS</c> (served normally after MS milliseconds), <c>cut-after:BYTES</c> (served normally, but the
    /// connection is closed once BYTES bytes of the response body have gone out: a download that breaks off midway,
    /// after its status and headers).
    /// </summary>
    public sealed class Gate
    {
        /// <summary>The header that asks for a fault on one request.</summary>
        public const string FaultHeader = "X-Emulator-Fault";

        private static readonly string[] RandomFaults = { "429", "500", "503", "drop" };
        private readonly RequestDelegate next;
        private readonly EmulatorState state;

        /// <summary>Middleware constructor.</summary>
        public Gate(RequestDelegate next, EmulatorState state)
        {
            this.next = next;
            this.state = state;
        }

        /// <summary>True for a fault name the emulator knows (429, 500, 503, drop, drop-after, delay:MS, cut-after:BYTES).</summary>
        public static bool IsKnown(string fault) =>
            fault is "429" or "500" or "503" or "drop" or "drop-after" ||
            (fault.StartsWith("delay:", StringComparison.Ordinal) && int.TryParse(fault.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out _)) ||
            (fault.StartsWith(CutAfter, StringComparison.Ordinal) && long.TryParse(fault.AsSpan(CutAfter.Length), NumberStyles.None, CultureInfo.InvariantCulture, out _));

        private const string CutAfter = "cut-after:";

        /// <summary>Middleware entry.</summary>
        public async Task InvokeAsync(HttpContext context)
        {
            string path = context.Request.Path.Value ?? "/";
            if (state.Options.IsAzure && path.StartsWith("/subscriptions/", StringComparison.OrdinalIgnoreCase))
            {
                if (Bearer(context) == null)
                {
                    await DeploymentRoutes.Unauthorized(context);
                    return;
                }

                Count(context, path);
                await next(context);
                return;
            }

            if (!path.StartsWith("/v1", StringComparison.Ordinal))
            {
                await next(context);
                return;
            }

            Count(context, path);
            string? fault = NextFault(context, path);
            if (fault != null)
            {
                if (fault.StartsWith("delay:", StringComparison.Ordinal))
                {
                    await Task.Delay(int.Parse(fault.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture), context.RequestAborted);
                }
                else if (fault.StartsWith(CutAfter, StringComparison.Ordinal) && long.TryParse(fault.AsSpan(CutAfter.Length), NumberStyles.None, CultureInfo.InvariantCulture, out long keep))
                {
                    context.Response.Body = new CutStream(context.Response.Body, keep, context);
                }
                else if (fault == "drop")
                {
                    context.Abort();
                    return;
                }
                else if (fault == "drop-after")
                {
                    context.Response.Body = new MemoryStream();
                    if (Authorized(context)) await next(context);
                    context.Abort();
                    return;
                }
                else
                {
                    await WriteFault(context, fault);
                    return;
                }
            }

            if (!Authorized(context))
            {
                await Unauthorized(context);
                return;
            }

            await next(context);
        }

        private void Count(HttpContext context, string path)
        {
            string template = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? path;
            if (!template.StartsWith('/')) template = "/" + template;
            lock (state.Sync)
            {
                string key = context.Request.Method + " " + template;
                state.RequestCounts[key] = state.RequestCounts.TryGetValue(key, out int n) ? n + 1 : 1;
            }
        }

        private string? NextFault(HttpContext context, string path)
        {
            string? header = context.Request.Headers[FaultHeader].FirstOrDefault();
            if (!string.IsNullOrWhiteSpace(header)) return header.Trim().ToLowerInvariant();

            lock (state.Sync)
            {
                int at = state.FaultQueue.FindIndex(f => f.Route == null || path.StartsWith(NormalizeRoute(f.Route), StringComparison.Ordinal));
                if (at >= 0)
                {
                    string fault = state.FaultQueue[at].Fault;
                    state.FaultQueue.RemoveAt(at);
                    return fault;
                }

                if (state.Options.FaultRate > 0 && state.Random.NextDouble() < state.Options.FaultRate)
                {
                    return RandomFaults[state.Random.Next(RandomFaults.Length)];
                }
            }

            return null;
        }

        /// <summary>"/files" and "files" mean "/v1/files"; "/v1/files" stays.</summary>
        public static string NormalizeRoute(string route)
        {
            string r = route.StartsWith('/') ? route : "/" + route;
            return r.StartsWith("/v1/", StringComparison.Ordinal) || r == "/v1" ? r : "/v1" + r;
        }

        private static Task WriteFault(HttpContext context, string fault)
        {
            switch (fault)
            {
                case "429":
                    context.Response.Headers.RetryAfter = "1";
                    context.Response.Headers["retry-after-ms"] = "1000";
                    return ApiError.Write(context, 429, "Rate limit reached for requests (emulated). Please try again in 1s.", "requests", null, "rate_limit_exceeded");
                case "503":
                    return ApiError.Write(context, 503, "The server is overloaded or not ready yet (emulated).", "server_error", null, null);
                case "500":
                    return ApiError.Write(context, 500, "The server had an error while processing your request (emulated).", "server_error", null, null);
                default:
                    return ApiError.Write(context, 400, $"Unknown emulator fault '{fault}'. Use 429, 500, 503, drop, drop-after, delay:MS or cut-after:BYTES.", "invalid_request_error", FaultHeader, "unknown_fault");
            }
        }

        /// <summary>
        /// <c>Authorization: Bearer KEY</c>, any non-empty key or exactly --api-key. The Azure flavour also takes
        /// the key in the <c>api-key</c> header (either header may carry it; OPENAI-FACTS.md, "Azure OpenAI").
        /// </summary>
        private bool Authorized(HttpContext context)
        {
            bool Accepts(string? key) => !string.IsNullOrEmpty(key) && (state.Options.ApiKey == null || string.Equals(key, state.Options.ApiKey, StringComparison.Ordinal));
            return Accepts(Bearer(context)) || (state.Options.IsAzure && Accepts(context.Request.Headers["api-key"].FirstOrDefault()?.Trim()));
        }

        /// <summary>The token of an <c>Authorization: Bearer</c> header, or null when there is none or it is empty.</summary>
        public static string? Bearer(HttpContext context)
        {
            string? header = context.Request.Headers.Authorization.FirstOrDefault();
            if (header == null || !header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)) return null;
            string token = header.Substring(7).Trim();
            return token.Length > 0 ? token : null;
        }

        private Task Unauthorized(HttpContext context)
        {
            if (state.Options.IsAzure)
            {
                // Azure's answer to a missing or wrong key (its own shape: code "401", no type).
                context.Response.StatusCode = 401;
                context.Response.ContentType = "application/json";
                return context.Response.WriteAsync("{\"error\":{\"code\":\"401\",\"message\":\"Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.\"}}");
            }

            bool none = string.IsNullOrWhiteSpace(context.Request.Headers.Authorization.FirstOrDefault());
            // The key is never echoed, not even masked.
            return none
                ? ApiError.Write(context, 401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).", "invalid_request_error", null, null)
                : ApiError.Write(context, 401, "Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.", "invalid_request_error", null, "invalid_api_key");
        }
    }

    /// <summary>
    /// The body of a response under the <c>cut-after:BYTES</c> fault: the first BYTES bytes go out (flushed, after the
    /// status and headers), then the connection is aborted and the rest is swallowed.
    /// </summary>
    internal sealed class CutStream : Stream
    {
        private readonly Stream inner;
        private readonly HttpContext context;
        private long left;

        public CutStream(Stream inner, long keep, HttpContext context)
        {
            this.inner = inner;
            this.context = context;
            left = keep;
        }

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override Task FlushAsync(CancellationToken cancellationToken) => left > 0 ? inner.FlushAsync(cancellationToken) : Task.CompletedTask;

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) =>
            WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (left <= 0) return;
            int n = (int)Math.Min(left, buffer.Length);
            await inner.WriteAsync(buffer.Slice(0, n), cancellationToken);
            left -= n;
            if (left > 0) return;
            await inner.FlushAsync(cancellationToken);
            await Task.Delay(100, CancellationToken.None); // Kestrel's flush hands the bytes to its transport, not yet to the socket: an abort at once would drop them
            context.Abort();
        }
    }
}
