using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;

namespace FineTune.Engine.Service
{
    public sealed partial class FineTuneService
    {
        /// <summary>
        /// The service's own JSON of one object (<c>GET {path}</c>), kept as sent (an archive stores what the service said,
        /// not our reading of it). Throws <see cref="FineTuneServiceException"/> (Operation <paramref name="operation"/>).
        /// </summary>
        public async Task<JsonElement> GetJsonAsync(string operation, string path, CancellationToken cancellationToken)
        {
            using JsonDocument doc = await SendAsync(operation, "GET", path, null, cancellationToken).ConfigureAwait(false);
            return doc.RootElement.Clone();
        }

        /// <summary>
        /// Every item of a list route, all pages (<c>limit=100</c>, then <c>after</c> = the last id), in the service's order,
        /// as the service's own JSON. <paramref name="path"/> has no query, or one that this adds to.
        /// </summary>
        public async Task<IReadOnlyList<JsonElement>> ListJsonAsync(string operation, string path, CancellationToken cancellationToken)
        {
            var all = new List<JsonElement>();
            string? after = null;
            string join = path.IndexOf('?') >= 0 ? "&" : "?";
            do
            {
                string page = path + join + "limit=100" + (after != null ? "&after=" + Uri.EscapeDataString(after) : string.Empty);
                using JsonDocument doc = await SendAsync(operation, "GET", page, null, cancellationToken).ConfigureAwait(false);
                int before = all.Count;
                foreach (JsonElement e in Items(doc.RootElement)) all.Add(e.Clone());
                after = (doc.RootElement.Bool("has_more") ?? false) && all.Count > before
                    ? doc.RootElement.Str("last_id") ?? all[all.Count - 1].Str("id")
                    : null;
            }
            while (after != null);
            return all;
        }
    }
}
