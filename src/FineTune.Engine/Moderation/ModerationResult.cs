using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using FineTune.Engine.Service;

namespace FineTune.Engine.Moderation
{
    /// <summary>
    /// The moderation verdict on one input (one element of the service's <c>results</c>): whether it was
    /// flagged, the categories that were true (the service's names: violence, self-harm/intent, ...) and
    /// every category's score (0–1, the model's confidence).
    /// </summary>
    public sealed class ModerationResult
    {
        /// <summary>Creates a result.</summary>
        public ModerationResult(bool flagged, IReadOnlyList<string> categories, IReadOnlyDictionary<string, double> scores)
        {
            Flagged = flagged;
            Categories = categories;
            Scores = scores;
        }

        /// <summary>True when the service flagged the input.</summary>
        public bool Flagged { get; }

        /// <summary>The categories that were true, in the service's order.</summary>
        public IReadOnlyList<string> Categories { get; }

        /// <summary>Every category's score (0–1).</summary>
        public IReadOnlyDictionary<string, double> Scores { get; }

        /// <summary>Reads one element of <c>results</c> leniently (missing fields are false / absent).</summary>
        internal static ModerationResult FromJson(JsonElement e)
        {
            var categories = new List<string>();
            JsonElement cats = e.Child("categories");
            if (cats.ValueKind == JsonValueKind.Object)
            {
                categories.AddRange(cats.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.True).Select(p => p.Name));
            }

            Dictionary<string, double> scores = e.NumMap("category_scores");

            return new ModerationResult(e.Bool("flagged") ?? categories.Count > 0, categories, scores);
        }
    }
}
