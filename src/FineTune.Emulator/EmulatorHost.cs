using System;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.AspNetCore.Routing;

namespace FineTune.Emulator
{
    /// <summary>
    /// The emulator as a host: Kestrel on 127.0.0.1 (a given port or a free one), the /v1 routes of the chosen
    /// flavour (Azure: no /uploads, no DELETE /models, plus the ARM deployments routes on the root), the control
    /// routes, the job clock. Both flavours serve the data plane under /v1 (Azure's real base is /openai/v1). Program.cs runs it; tests host it in-process.
    /// </summary>
    public sealed class EmulatorHost : IAsyncDisposable
    {
        private readonly WebApplication app;

        private EmulatorHost(WebApplication app, EmulatorState state, Uri baseUri)
        {
            this.app = app;
            State = state;
            BaseUri = baseUri;
        }

        /// <summary>The in-memory state (tests may look inside).</summary>
        public EmulatorState State { get; }

        /// <summary>http://127.0.0.1:PORT/ (control routes live under /_emulator).</summary>
        public Uri BaseUri { get; }

        /// <summary>http://127.0.0.1:PORT/v1 — what a client takes as its endpoint.</summary>
        public Uri Endpoint => new Uri(BaseUri, "v1");

        /// <summary>Starts the emulator and returns once it listens.</summary>
        public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k =>
            {
                k.Listen(IPAddress.Loopback, options.Port);
                k.Limits.MaxRequestBodySize = FileRoutes.MaxBytes + 1024 * 1024;
            });
            builder.Services.Configure<FormOptions>(f => f.MultipartBodyLengthLimit = FileRoutes.MaxBytes + 1024 * 1024);
            var state = new EmulatorState(options);
            builder.Services.AddSingleton(state);
            builder.Services.AddHostedService<JobClock>();

            WebApplication app = builder.Build();
            app.Use(async (context, next) =>
            {
                context.Response.Headers["x-request-id"] = "req_" + Guid.NewGuid().ToString("N");
                try
                {
                    await next(context);
                }
                catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested &&
                    (ex is InvalidDataException || ex is IOException || ex is BadHttpRequestException))
                {
                    // a body that cannot be read (a multipart body with a wrong, missing or cut boundary): 400 as the service answers
                    await ApiError.Write(context, 400, $"The request body could not be read: {ex.Message} Send multipart/form-data whose parts are separated by the boundary named in the Content-Type header and closed by it.", "invalid_request_error", null, null);
                }
                catch (Exception ex) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
                {
                    await ApiError.Write(context, 500, "The server had an error while processing your request: " + ex.GetType().Name, "server_error", null, null);
                }
            });
            app.UseRouting();
            app.UseMiddleware<Gate>();

            RouteGroupBuilder v1 = app.MapGroup("/v1");
            FileRoutes.Map(v1, state);
            if (!options.IsAzure) UploadRoutes.Map(v1, state); // Azure has no /uploads (OPENAI-FACTS.md, "Azure OpenAI")
            JobRoutes.Map(v1, state);
            ModelRoutes.Map(v1, state);
            ModerationRoutes.Map(v1, state);
            ChatRoutes.Map(v1, state);
            EmbeddingRoutes.Map(v1, state);
            BatchRoutes.Map(v1, state);
            if (options.IsAzure) DeploymentRoutes.Map(app, state);
            ControlRoutes.Map(app, state);
            app.MapFallback((HttpContext context) => options.IsAzure
                ? Results.Json(new System.Text.Json.Nodes.JsonObject { ["error"] = new System.Text.Json.Nodes.JsonObject { ["code"] = "404", ["message"] = "Resource not found" } }, statusCode: 404)
                : ApiError.Result(404, $"Invalid URL ({context.Request.Method} {context.Request.Path})", "invalid_request_error"));

            await app.StartAsync(cancellationToken);
            string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var port = new Uri(address).Port;
            return new EmulatorHost(app, state, new Uri($"http://127.0.0.1:{port}/"));
        }

        /// <summary>Every /v1 route as "METHOD /v1/template", the keys request counting uses.</summary>
        public IReadOnlyList<string> Routes => app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/v1/", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? Array.Empty<string>()).Select(m => m + " " + e.RoutePattern.RawText))
            .OrderBy(r => r, StringComparer.Ordinal).ToList();

        /// <summary>Waits until the host is stopped (Ctrl+C or SIGTERM).</summary>
        public Task WaitForShutdownAsync() => app.WaitForShutdownAsync();

        /// <summary>Stops Kestrel and the clock.</summary>
        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
