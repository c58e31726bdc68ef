using System;
using System.ClientModel.Primitives;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Providers
{
    /// <summary>
    /// What <c>-Debug</c> shows of the wire, as Az and Microsoft Graph cmdlets show it: one debug message per try
    /// of every HTTP request (method, URL, status, request id, duration in ms, retry number, request headers),
    /// with every secret masked: the Authorization value (API key, Entra ID or ARM bearer token), the api-key
    /// and proxy headers, and user information or key/token/signature parameters in a URL. A per-try policy
    /// of every wire pipeline (<see cref="Pipelines.Configure"/>); it reports to <see cref="Feedback"/>, the
    /// <see cref="IFeedback"/> of the command that runs the call, and does nothing when there is none.
    /// </summary>
    public sealed class WireLogPolicy : PipelinePolicy
    {
        /// <summary>Where the messages go: set by the command around its engine work (flows with the async calls it makes).</summary>
        public static readonly AsyncLocal<IFeedback?> Feedback = new AsyncLocal<IFeedback?>();

        internal static readonly WireLogPolicy Instance = new WireLogPolicy();

        private static readonly HashSet<string> SecretHeaders = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
        {
            "Authorization", "api-key", "Proxy-Authorization", "Ocp-Apim-Subscription-Key", "x-api-key", "Cookie",
        };

        private static readonly Regex SecretQuery = new Regex(@"(?<=[?&](?:api[-_]?key|key|token|access_token|sig|signature|code|password|secret)=)[^&#]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private WireLogPolicy()
        {
        }

        /// <inheritdoc/>
        public override void Process(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            IFeedback? feedback = Feedback.Value;
            if (feedback == null)
            {
                ProcessNext(message, pipeline, currentIndex);
                return;
            }

            int retry = NextRetry(message);
            var watch = Stopwatch.StartNew();
            try
            {
                ProcessNext(message, pipeline, currentIndex);
            }
            catch (Exception ex)
            {
                feedback.Debug(Describe(message, retry, watch.ElapsedMilliseconds, ex));
                throw;
            }

            feedback.Debug(Describe(message, retry, watch.ElapsedMilliseconds, null));
        }

        /// <inheritdoc/>
        public override async ValueTask ProcessAsync(PipelineMessage message, IReadOnlyList<PipelinePolicy> pipeline, int currentIndex)
        {
            IFeedback? feedback = Feedback.Value;
            if (feedback == null)
            {
                await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
                return;
            }

            int retry = NextRetry(message);
            var watch = Stopwatch.StartNew();
            try
            {
                await ProcessNextAsync(message, pipeline, currentIndex).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                feedback.Debug(Describe(message, retry, watch.ElapsedMilliseconds, ex));
                throw;
            }

            feedback.Debug(Describe(message, retry, watch.ElapsedMilliseconds, null));
        }

        /// <summary>A URL with its user information and secret query values replaced by ***.</summary>
        public static string MaskUrl(Uri? uri)
        {
            if (uri == null) return "";
            string text = uri.IsAbsoluteUri && uri.UserInfo.Length > 0 ? uri.AbsoluteUri.Replace(uri.UserInfo + "@", "***@") : uri.ToString();
            return SecretQuery.Replace(text, "***");
        }

        // 0 on the first try, then 1, 2, ... (kept on the message, which the retry policy sends again)
        private static int NextRetry(PipelineMessage message)
        {
            int retry = message.TryGetProperty(typeof(WireLogPolicy), out object? tries) && tries is int n ? n : 0;
            message.SetProperty(typeof(WireLogPolicy), retry + 1);
            return retry;
        }

        private static string Describe(PipelineMessage message, int retry, long ms, Exception? failure)
        {
            var text = new StringBuilder("HTTP ").Append(message.Request.Method).Append(' ').Append(MaskUrl(message.Request.Uri));
            PipelineResponse? response = failure == null ? message.Response : null;
            if (response != null)
            {
                text.Append(" -> ").Append(response.Status).Append(' ').Append(response.ReasonPhrase);
            }
            else
            {
                text.Append(" -> no answer (").Append(failure?.GetType().Name ?? "none").Append(')');
            }

            text.Append(", ").Append(ms).Append(" ms, retry ").Append(retry);
            string? requestId = null;
            if (response != null)
            {
                foreach (string name in new[] { "x-request-id", "apim-request-id", "x-ms-request-id" })
                {
                    if (response.Headers.TryGetValue(name, out requestId) && !string.IsNullOrEmpty(requestId)) break;
                }
            }

            text.Append(", request id ").Append(string.IsNullOrEmpty(requestId) ? "none" : requestId);
            IEnumerable<string> headers = message.Request.Headers.Select(h => h.Key + ": " + (SecretHeaders.Contains(h.Key) ? Mask(h.Value) : h.Value));
            text.Append("\n  request headers: ").Append(string.Join("; ", headers));
            return text.ToString();
        }

        // keeps the scheme word of an Authorization value ("Bearer ***"), nothing of the secret
        private static string Mask(string value)
        {
            int space = value.IndexOf(' ');
            return space > 0 && space < 16 ? value.Substring(0, space) + " ***" : "***";
        }
    }
}
