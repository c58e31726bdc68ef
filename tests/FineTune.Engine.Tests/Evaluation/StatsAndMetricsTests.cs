using System;
using System.Collections.Generic;
using FineTune.Engine.Evaluation;
using Xunit;

namespace FineTune.Engine.Tests.Evaluation
{
    public class StatsAndMetricsTests
    {
        [Fact]
        public void WilsonIntervalOfEightInTen()
        {
            // p = 0.8, z² = 3.841459: centre 0.992073 / 1.384146 = 0.716740, half-width 0.313616 / 1.384146 = 0.226577
            (double lo, double hi) = Stats.Wilson(8, 10);
            Assert.Equal(0.490163, lo, 5);
            Assert.Equal(0.943317, hi, 5);
            Assert.Equal((0.0, 0.0), Stats.Wilson(0, 0));
            (double lo0, double hi0) = Stats.Wilson(0, 20);
            Assert.Equal(0, lo0, 9);
            Assert.Equal(0.161125, hi0, 6); // z² / (n + z²) = 3.841459 / 23.841459
        }

        [Fact]
        public void McNemarExactForFewFlipsChiSquareForMany()
        {
            // b = 1, c = 6: 2 · (C(7,0) + C(7,1)) / 2^7 = 16 / 128
            McNemarResult exact = Stats.McNemar(1, 6);
            Assert.Equal("exact", exact.Method);
            Assert.Equal(0.125, exact.P, 10);

            // b = 10, c = 25: (|10 − 25| − 1)² / 35 = 5.6; P(χ²₁ > 5.6) = 0.017961
            McNemarResult chi = Stats.McNemar(10, 25);
            Assert.Equal("chi-square", chi.Method);
            Assert.Equal(5.6, chi.ChiSquare!.Value, 10);
            Assert.Equal(0.017961, chi.P, 5);

            Assert.Equal(1, Stats.McNemar(0, 0).P);
            Assert.Equal(1, Stats.McNemar(3, 3).P, 10); // 2 · (1+6+15+20)/64 > 1, capped
        }

        [Fact]
        public void PercentileInterpolatesBetweenRanks()
        {
            double[] x = { 4, 1, 3, 2 };
            Assert.Equal(2.5, Stats.Percentile(x, 0.5), 10);
            Assert.Equal(3.85, Stats.Percentile(x, 0.95), 10);
            Assert.Equal(7, Stats.Percentile(new double[] { 7 }, 0.95), 10);
            Assert.True(double.IsNaN(Stats.Percentile(Array.Empty<double>(), 0.5)));
        }

        [Fact]
        public void BreakEvenIsTrainingCostOverSavingOrNever()
        {
            Assert.Equal(2000, Stats.BreakEvenCalls(3.00m, 0.002m, 0.0005m));
            Assert.Equal(2001, Stats.BreakEvenCalls(3.0015m, 0.002m, 0.0005m));
            Assert.Null(Stats.BreakEvenCalls(3.00m, 0.001m, 0.001m));
            Assert.Null(Stats.BreakEvenCalls(3.00m, 0.001m, 0.002m));
        }

        [Fact]
        public void TextMetricsMatchHandComputedValues()
        {
            Assert.Equal(8.0 / 13, TextMetrics.FuzzyMatch("kitten", "sitting"), 10); // LCS "ittn": 2·4 / 13
            Assert.Equal(2.0 / 3, TextMetrics.RougeN("the cat sat", "the cat sat on the mat", 1), 10); // P 1, R 0.5
            Assert.Equal(0.8, TextMetrics.RougeL("the cat on mat", "the cat sat on the mat"), 10); // LCS 4: P 1, R 2/3
            Assert.Equal(4.0 / 7, TextMetrics.RougeN("the cat sat", "the cat sat on the mat", 2), 10); // 2 matches: P 1, R 0.4
            // 1- to 4-gram precisions 5/6, 3/5, 2/4, 1/3, equal lengths
            Assert.Equal(Math.Pow(5.0 / 6 * 3 / 5 * 2 / 4 * 1 / 3, 0.25), TextMetrics.Bleu("the cat sat on the mat", "the cat sat on a mat"), 10);
            Assert.Equal(11.0 / 18, TextMetrics.Gleu("the cat sat on the mat", "the cat sat on a mat"), 10);
            // 3 matches, P 1, R 0.75, Fmean 0.75 / 0.975, 2 chunks: penalty 0.5 · (2/3)³
            Assert.Equal(0.75 / 0.975 * (1 - 0.5 * Math.Pow(2.0 / 3, 3)), TextMetrics.Meteor("a b c", "a b d c"), 10);
            Assert.Equal(1, TextMetrics.Bleu("Billing", "billing"), 10);
            Assert.Equal(0, TextMetrics.Bleu("Technical", "Billing"), 10);
            // shorter answer: brevity penalty exp(1 − 6/3) on unigram…trigram precisions of 1
            Assert.Equal(Math.Exp(1 - 2.0), TextMetrics.Bleu("the cat sat", "the cat sat on the mat"), 10);
            Assert.Throws<ArgumentException>(() => TextMetrics.Score("cosine", "a", "b"));
        }

        [Fact]
        public void FormulaEvaluatesArithmeticOverGraderNames()
        {
            Formula f = Formula.Parse("0.5 * a + 0.5 * max(b, 0.2) - abs(-0.1) / 2", new[] { "a", "b" });
            Assert.Equal(0.5 + 0.1 - 0.05, f.Evaluate(new Dictionary<string, double> { ["a"] = 1, ["b"] = 0 }), 10);
            Assert.Equal(8, Formula.Parse("2 ^ 3", Array.Empty<string>()).Evaluate(new Dictionary<string, double>()), 10);
            Assert.Equal(-4, Formula.Parse("-(1 + 3)", Array.Empty<string>()).Evaluate(new Dictionary<string, double>()), 10);
            Assert.Equal(0, Formula.Parse("a / b", new[] { "a", "b" }).Evaluate(new Dictionary<string, double> { ["a"] = 1, ["b"] = 0 }), 10);
            Assert.Contains("unknown name 'c'", Assert.Throws<FormatException>(() => Formula.Parse("a + c", new[] { "a" })).Message);
            Assert.Contains("ends too early", Assert.Throws<FormatException>(() => Formula.Parse("a +", new[] { "a" })).Message);
            Assert.Contains("unknown function 'eval'", Assert.Throws<FormatException>(() => Formula.Parse("eval(a)", new[] { "a" })).Message);
            Assert.Contains("unexpected", Assert.Throws<FormatException>(() => Formula.Parse("a; b", new[] { "a", "b" })).Message);
        }
    }
}
