using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Service
{
    /// <summary>
    /// Masks secrets in text that came from a service (error messages, bodies, debug output) before it reaches
    /// a user's stream, log or transcript. Two layers: the exact secrets of the connection (the API key, the ARM
    /// token, the proxy's user name and password) wherever they appear, and shapes that are secrets whoever's
    /// they are (<c>Bearer …</c>, <c>sk-…</c> keys, JSON Web Tokens, <c>api-key:</c> headers, the user and
    /// password of a URL). Each becomes <c>***</c> (a key keeps its <c>sk-</c> prefix so the message still says
    /// what kind of thing was there).
    /// </summary>
    public sealed class SecretMasker
    {
        /// <summary>A masker that knows no exact secret (shapes only): used for every service exception.</summary>
        public static readonly SecretMasker Shapes = new SecretMasker(Array.Empty<string?>());

        private static readonly Regex Shape = new Regex(
            @"(?<keep>Bearer\s+)\S+" +
            @"|(?<keep>\bsk-)[A-Za-z0-9_\-\*\.]{6,}" +
            @"|\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*" +
            @"|(?<keep>\b(?:api-key|Ocp-Apim-Subscription-Key|Proxy-Authorization)\s*[:=]\s*""?)[^\s"",;]+" +
            @"|(?<keep>://)[^/\s:@]+:[^/\s@]*@",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

        private readonly string[] secrets;

        /// <summary>A masker for these exact secrets (null, empty and very short values are ignored) and the shapes.</summary>
        public SecretMasker(IEnumerable<string?> secrets) =>
            this.secrets = secrets.Where(s => s != null && s.Length >= 4).Select(s => s!).Distinct().OrderByDescending(s => s.Length).ToArray();

        /// <summary>The text with every secret replaced by <c>***</c>; null stays null.</summary>
        public string? Mask(string? text)
        {
            if (string.IsNullOrEmpty(text)) return text;
            string masked = text!;
            foreach (string secret in secrets)
            {
                if (masked.IndexOf(secret, StringComparison.Ordinal) >= 0) masked = masked.Replace(secret, "***");
            }

            return Shape.Replace(masked, m => m.Groups["keep"].Value + (m.Groups["keep"].Value.EndsWith("://", StringComparison.Ordinal) ? "***@" : "***"));
        }

        /// <summary>
        /// A JSON answer with every exact secret replaced by <c>***</c> before it is read, so that no field of any
        /// object made from it (a job's error, an event, a chat answer) can carry the key back; the same data when
        /// no secret is in it. Shapes are left alone here: a body's text is the service's data.
        /// </summary>
        public BinaryData MaskBody(BinaryData body)
        {
            ReadOnlySpan<byte> bytes = body.ToMemory().Span;
            foreach (string secret in secrets)
            {
                if (bytes.IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) >= 0)
                {
                    string text = body.ToString();
                    foreach (string s in secrets) text = text.Replace(s, "***");
                    return BinaryData.FromString(text);
                }
            }

            return body;
        }

        /// <summary>A URL without its user name and password (<c>http://***@proxy:8080/</c>); null stays null.</summary>
        public static string? MaskUri(Uri? uri)
        {
            if (uri == null) return null;
            if (string.IsNullOrEmpty(uri.UserInfo)) return uri.ToString();
            var b = new UriBuilder(uri) { UserName = "***", Password = string.Empty };
            return b.Uri.ToString();
        }
    }
}
