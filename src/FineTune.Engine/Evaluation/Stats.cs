using System;
using System.Collections.Generic;
using System.Linq;

namespace FineTune.Engine.Evaluation
{
    /// <summary>The statistics a comparison reports, each as its textbook defines it (named on each member).</summary>
    public static class Stats
    {
        /// <summary>z for a two-sided 95% interval.</summary>
        public const double Z95 = 1.959963984540054;

        /// <summary>
        /// The Wilson score interval (Wilson 1927) of <paramref name="passed"/> successes in <paramref name="total"/>
        /// trials at 95%: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n). (0, 0) when there are no trials.
        /// </summary>
        public static (double Low, double High) Wilson(int passed, int total, double z = Z95)
        {
            if (total <= 0) return (0, 0);
            double n = total, p = passed / n, z2 = z * z;
            double center = (p + z2 / (2 * n)) / (1 + z2 / n);
            double half = z * Math.Sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n);
            return (Math.Max(0, center - half), Math.Min(1, center + half));
        }

        /// <summary>
        /// The <paramref name="q"/> quantile (0–1) by linear interpolation between closest ranks (Hyndman–Fan type 7,
        /// Excel's PERCENTILE.INC): h = (n − 1)·q, x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]). NaN for no values.
        /// </summary>
        public static double Percentile(IEnumerable<double> values, double q)
        {
            double[] x = values.OrderBy(v => v).ToArray();
            if (x.Length == 0) return double.NaN;
            double h = (x.Length - 1) * q;
            int lo = (int)Math.Floor(h);
            return lo + 1 < x.Length ? x[lo] + (h - lo) * (x[lo + 1] - x[lo]) : x[lo];
        }

        /// <summary>Below this many discordant pairs (b + c) McNemar's test is the exact binomial one.</summary>
        public const int ExactBelow = 25;

        /// <summary>
        /// McNemar's test of paired pass/fail outcomes: <paramref name="b"/> examples only the first passes,
        /// <paramref name="c"/> only the second. With b + c &lt; 25 the exact two-sided binomial test,
        /// p = min(1, 2·Σ_{i≤min(b,c)} C(b+c, i)/2^(b+c)); otherwise the chi-square statistic with continuity
        /// correction, (|b − c| − 1)² / (b + c), with 1 degree of freedom (p = erfc(√(χ²/2))). p = 1 when b + c = 0.
        /// </summary>
        public static McNemarResult McNemar(int b, int c)
        {
            int n = b + c;
            if (n == 0) return new McNemarResult(1, "none", null);
            if (n < ExactBelow)
            {
                double tail = 0;
                for (int i = 0; i <= Math.Min(b, c); i++) tail += Binomial(n, i);
                return new McNemarResult(Math.Min(1, 2 * tail / Math.Pow(2, n)), "exact", null);
            }

            double chi = Math.Pow(Math.Max(0, Math.Abs(b - c) - 1), 2) / n;
            return new McNemarResult(Erfc(Math.Sqrt(chi / 2)), "chi-square", chi);
        }

        private static double Binomial(int n, int k)
        {
            double r = 1;
            for (int i = 1; i <= k; i++) r = r * (n - k + i) / i;
            return r;
        }

        /// <summary>
        /// The complementary error function (Numerical Recipes' Chebyshev fit, fractional error below 1.2e-7):
        /// the upper tail of the chi-square distribution with one degree of freedom is erfc(√(x/2)).
        /// </summary>
        public static double Erfc(double x)
        {
            double z = Math.Abs(x);
            double t = 1 / (1 + 0.5 * z);
            double r = t * Math.Exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806
                + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? r : 2 - r;
        }

        /// <summary>
        /// Calls after which <paramref name="trainingCostUsd"/> is paid back by the cheaper call:
        /// ⌈training cost / (baseline cost per call − contender cost per call)⌉; null ("never") when the
        /// contender does not cost less per call.
        /// </summary>
        public static long? BreakEvenCalls(decimal trainingCostUsd, decimal baselinePerCall, decimal contenderPerCall)
        {
            decimal saving = baselinePerCall - contenderPerCall;
            if (saving <= 0) return null;
            decimal calls = Math.Ceiling(trainingCostUsd / saving);
            return calls > long.MaxValue ? (long?)null : (long)calls;
        }
    }

    /// <summary>The outcome of McNemar's test.</summary>
    public sealed class McNemarResult
    {
        internal McNemarResult(double p, string method, double? chiSquare)
        {
            P = p;
            Method = method;
            ChiSquare = chiSquare;
        }

        /// <summary>The two-sided p-value: below 0.05, the difference is unlikely to be chance.</summary>
        public double P { get; }

        /// <summary><c>exact</c> (binomial), <c>chi-square</c> (with continuity correction) or <c>none</c> (no discordant pairs).</summary>
        public string Method { get; }

        /// <summary>The chi-square statistic, when that method was used.</summary>
        public double? ChiSquare { get; }
    }
}
