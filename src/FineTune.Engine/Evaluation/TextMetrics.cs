using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// The text_similarity grader's metrics, each a score from 0 to 1 of an answer (hypothesis) against a
    /// reference. Word metrics compare lower-cased words (runs of letters and digits). Two empty texts score 1.
    /// </summary>
    public static class TextMetrics
    {
        private static readonly Regex Word = new Regex(@"[\p{L}\p{N}]+", RegexOptions.CultureInvariant);

        /// <summary>The metric names this class computes (<c>cosine</c> needs an embeddings model and is not one of them).</summary>
        public static readonly IReadOnlyList<string> Names = new[] { "fuzzy_match", "bleu", "gleu", "meteor", "rouge_1", "rouge_2", "rouge_3", "rouge_4", "rouge_5", "rouge_l" };

        /// <summary>Computes <paramref name="metric"/> (one of <see cref="Names"/>); throws <see cref="ArgumentException"/> for another name.</summary>
        public static double Score(string metric, string hypothesis, string reference)
        {
            switch (metric)
            {
                case "fuzzy_match": return FuzzyMatch(hypothesis, reference);
                case "bleu": return Bleu(hypothesis, reference);
                case "gleu": return Gleu(hypothesis, reference);
                case "meteor": return Meteor(hypothesis, reference);
                case "rouge_l": return RougeL(hypothesis, reference);
                default:
                    if (metric.StartsWith("rouge_", StringComparison.Ordinal) && int.TryParse(metric.Substring(6), out int n) && n >= 1 && n <= 5) return RougeN(hypothesis, reference, n);
                    throw new ArgumentException($"Unknown evaluation_metric '{metric}'. Use one of: {string.Join(", ", Names)}.", nameof(metric));
            }
        }

        /// <summary>The lower-cased words of a text.</summary>
        public static IReadOnlyList<string> Words(string text) =>
            Word.Matches(text ?? string.Empty).Cast<Match>().Select(m => m.Value.ToLowerInvariant()).ToList();

        /// <summary>
        /// Character similarity as rapidfuzz's <c>ratio</c> defines it: 1 − Indel distance / (|a| + |b|), which is
        /// 2·LCS / (|a| + |b|) with LCS the longest common character subsequence. Case-sensitive.
        /// </summary>
        public static double FuzzyMatch(string a, string b)
        {
            a ??= string.Empty;
            b ??= string.Empty;
            if (a.Length + b.Length == 0) return 1;
            return 2.0 * Lcs(a.ToCharArray(), b.ToCharArray()) / (a.Length + b.Length);
        }

        /// <summary>
        /// Sentence BLEU (Papineni et al.): the geometric mean of the clipped n-gram precisions for n = 1…N times the
        /// brevity penalty exp(1 − r/c) when the answer (c words) is shorter than the reference (r words); N is 4, or
        /// the shorter text's length when that is less (a one-word answer gets unigram BLEU). No smoothing: a
        /// precision of 0 gives 0.
        /// </summary>
        public static double Bleu(string hypothesis, string reference)
        {
            var h = Words(hypothesis);
            var r = Words(reference);
            if (h.Count == 0 && r.Count == 0) return 1;
            if (h.Count == 0 || r.Count == 0) return 0;
            int order = Math.Min(4, Math.Min(h.Count, r.Count));
            double logSum = 0;
            for (int n = 1; n <= order; n++)
            {
                (int matches, int total, _) = Overlap(h, r, n);
                if (matches == 0) return 0;
                logSum += Math.Log((double)matches / total);
            }

            double bp = h.Count < r.Count ? Math.Exp(1 - (double)r.Count / h.Count) : 1;
            return bp * Math.Exp(logSum / order);
        }

        /// <summary>
        /// Sentence GLEU (Wu et al. 2016, as NLTK computes it): over all 1- to 4-grams, min(matches / answer
        /// n-grams, matches / reference n-grams).
        /// </summary>
        public static double Gleu(string hypothesis, string reference)
        {
            var h = Words(hypothesis);
            var r = Words(reference);
            if (h.Count == 0 && r.Count == 0) return 1;
            int matches = 0, hypTotal = 0, refTotal = 0;
            for (int n = 1; n <= 4; n++)
            {
                (int m, int th, int tr) = Overlap(h, r, n);
                matches += m;
                hypTotal += th;
                refTotal += tr;
            }

            if (hypTotal == 0 || refTotal == 0) return 0;
            return Math.Min((double)matches / hypTotal, (double)matches / refTotal);
        }

        /// <summary>
        /// METEOR (Banerjee and Lavie) with exact word matches only (no stems or synonyms), NLTK's parameters:
        /// Fmean = P·R / (0.9·P + 0.1·R), times 1 − 0.5·(chunks / matches)³, where the alignment pairs each
        /// answer word, in order, with the first unused equal reference word and a chunk is a run of matches
        /// adjacent in both texts.
        /// </summary>
        public static double Meteor(string hypothesis, string reference)
        {
            var h = Words(hypothesis);
            var r = Words(reference);
            if (h.Count == 0 && r.Count == 0) return 1;
            var used = new bool[r.Count];
            var pairs = new List<(int H, int R)>();
            for (int i = 0; i < h.Count; i++)
            {
                for (int j = 0; j < r.Count; j++)
                {
                    if (!used[j] && h[i] == r[j])
                    {
                        used[j] = true;
                        pairs.Add((i, j));
                        break;
                    }
                }
            }

            int m = pairs.Count;
            if (m == 0) return 0;
            double p = (double)m / h.Count, rc = (double)m / r.Count;
            double fmean = p * rc / (0.9 * p + 0.1 * rc);
            int chunks = 1;
            for (int k = 1; k < pairs.Count; k++)
            {
                if (pairs[k].H != pairs[k - 1].H + 1 || pairs[k].R != pairs[k - 1].R + 1) chunks++;
            }

            double penalty = 0.5 * Math.Pow((double)chunks / m, 3);
            return fmean * (1 - penalty);
        }

        /// <summary>ROUGE-N: the F1 of clipped n-gram overlap (precision over the answer's n-grams, recall over the reference's).</summary>
        public static double RougeN(string hypothesis, string reference, int n)
        {
            var h = Words(hypothesis);
            var r = Words(reference);
            if (h.Count == 0 && r.Count == 0) return 1;
            (int m, int th, int tr) = Overlap(h, r, n);
            return F1(m, th, tr);
        }

        /// <summary>ROUGE-L: the F1 of the longest common word subsequence (precision over the answer's words, recall over the reference's).</summary>
        public static double RougeL(string hypothesis, string reference)
        {
            var h = Words(hypothesis);
            var r = Words(reference);
            if (h.Count == 0 && r.Count == 0) return 1;
            return F1(Lcs(h.ToArray(), r.ToArray()), h.Count, r.Count);
        }

        private static double F1(int matches, int hypTotal, int refTotal)
        {
            if (matches == 0 || hypTotal == 0 || refTotal == 0) return 0;
            double p = (double)matches / hypTotal, r = (double)matches / refTotal;
            return 2 * p * r / (p + r);
        }

        /// <summary>Clipped n-gram matches, and the n-gram counts of each side.</summary>
        private static (int Matches, int HypTotal, int RefTotal) Overlap(IReadOnlyList<string> h, IReadOnlyList<string> r, int n)
        {
            Dictionary<string, int> hc = NGrams(h, n), rc = NGrams(r, n);
            int matches = hc.Sum(kv => rc.TryGetValue(kv.Key, out int c) ? Math.Min(c, kv.Value) : 0);
            return (matches, Math.Max(0, h.Count - n + 1), Math.Max(0, r.Count - n + 1));
        }

        private static Dictionary<string, int> NGrams(IReadOnlyList<string> words, int n)
        {
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i + n <= words.Count; i++)
            {
                string key = string.Join("\u0001", words.Skip(i).Take(n));
                counts[key] = counts.TryGetValue(key, out int c) ? c + 1 : 1;
            }

            return counts;
        }

        private static int Lcs<T>(T[] a, T[] b)
        {
            var comparer = EqualityComparer<T>.Default;
            var prev = new int[b.Length + 1];
            var cur = new int[b.Length + 1];
            for (int i = 1; i <= a.Length; i++)
            {
                for (int j = 1; j <= b.Length; j++)
                {
                    cur[j] = comparer.Equals(a[i - 1], b[j - 1]) ? prev[j - 1] + 1 : Math.Max(prev[j], cur[j - 1]);
                }

                (prev, cur) = (cur, prev);
            }

            return prev[b.Length];
        }
    }
}
