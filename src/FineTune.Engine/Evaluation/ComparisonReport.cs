using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace FineTune.Engine.Evaluation
{
    /// <summary>
    /// A comparison as one self-contained HTML page (inline CSS and SVG; no script, font or image from the network):
    /// the summary table, a chart of pass rate (with its 95% interval) against USD per 1,000 calls, each contender's
    /// confusion matrix (label sets), and the flips against the baseline with both answers side by side.
    /// </summary>
    public static class ComparisonReport
    {
        private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
        private static readonly string[] Colors = { "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf", "#7f7f7f" };

        /// <summary>Renders <paramref name="comparison"/>; <paramref name="title"/> heads the page.</summary>
        public static string Render(Comparison comparison, string title = "Model comparison")
        {
            var h = new StringBuilder();
            h.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E(title)).Append("</title>\n<style>")
             .Append("body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
             .Append("th,td{border:1px solid #ccc;padding:4px 8px;vertical-align:top}td.n{text-align:right}th{background:#f3f3f3}")
             .Append("td.hit{background:#d8f0d8}td.miss{background:#f6dada}pre{white-space:pre-wrap;margin:0;max-width:40em}")
             .Append("</style></head><body>\n");
            h.Append("<h1>").Append(E(title)).Append("</h1>\n<p id=\"source\">").Append(E(comparison.Path)).Append(": ")
             .Append(comparison.Summaries.FirstOrDefault()?.Examples ?? 0).Append(" examples, graders: ").Append(E(string.Join(", ", comparison.Graders))).Append("</p>\n");
            Summary(h, comparison.Summaries);
            Chart(h, comparison.Summaries);
            foreach (ContenderSummary s in comparison.Summaries.Where(s => s.Labels != null)) Matrix(h, s.Labels!);
            foreach (ContenderSummary s in comparison.Summaries.Skip(1)) Flips(h, comparison.Summaries[0], s);
            h.Append("</body></html>\n");
            return h.ToString();
        }

        private static string E(string? text) => WebUtility.HtmlEncode(text ?? string.Empty);

        private static string F(double value, string format) => value.ToString(format, Inv);

        private static void Summary(StringBuilder h, IReadOnlyList<ContenderSummary> summaries)
        {
            h.Append("<h2>Summary</h2>\n<table id=\"summary\"><tr><th>Contender</th><th>Model</th><th>Passed</th><th>Pass rate</th><th>95% CI</th><th>Mean score</th><th>Format valid</th>")
             .Append("<th>Tokens in/out per call</th><th>Latency p50/p95 (s)</th><th>USD per 1,000 calls</th><th>Gained/Lost</th><th>McNemar p</th><th>Break-even (calls)</th></tr>\n");
            foreach (ContenderSummary s in summaries)
            {
                h.Append("<tr><td>").Append(E(s.Contender)).Append("</td><td>").Append(E(s.Model)).Append("</td><td class=\"n\">").Append(s.Passed).Append(" / ").Append(s.Examples)
                 .Append("</td><td class=\"n\">").Append(F(s.PassRate * 100, "0.0")).Append("%</td><td class=\"n\">").Append(F(s.PassRateLow * 100, "0.0")).Append("–").Append(F(s.PassRateHigh * 100, "0.0"))
                 .Append("%</td><td class=\"n\">").Append(F(s.MeanScore, "0.000")).Append("</td><td class=\"n\">").Append(s.FormatValidRate is double f ? F(f * 100, "0.0") + "%" : "")
                 .Append("</td><td class=\"n\">").Append(F(s.PromptTokensPerCall, "0.0")).Append(" / ").Append(F(s.CompletionTokensPerCall, "0.0"))
                 .Append("</td><td class=\"n\">").Append(s.LatencyP50Seconds is double p50 ? F(p50, "0.000") : "").Append(" / ").Append(s.LatencyP95Seconds is double p95 ? F(p95, "0.000") : "")
                 .Append("</td><td class=\"n\">").Append(s.CostPer1000Usd is decimal c ? c.ToString("0.0000", Inv) : "unknown")
                 .Append("</td><td class=\"n\">").Append(s.Gained == null ? "baseline" : $"+{s.Gained} / -{s.Lost}")
                 .Append("</td><td class=\"n\">").Append(s.McNemarP is double p ? F(p, "0.0000") + " (" + E(s.McNemarMethod) + ")" : "")
                 .Append("</td><td class=\"n\">").Append(E(s.BreakEven)).Append("</td></tr>\n");
            }

            h.Append("</table>\n");
        }

        /// <summary>Pass rate (y, 0–100%, with the 95% interval as a bar) against USD per 1,000 calls (x, from 0 to the highest cost).</summary>
        private static void Chart(StringBuilder h, IReadOnlyList<ContenderSummary> summaries)
        {
            const int W = 640, H = 360, L = 60, R = 20, T = 20, B = 50;
            double maxCost = (double)summaries.Select(s => s.CostPer1000Usd ?? 0).DefaultIfEmpty(0).Max();
            if (maxCost <= 0) maxCost = 1;
            maxCost *= 1.1;
            double X(double cost) => L + cost / maxCost * (W - L - R);
            double Y(double rate) => T + (1 - rate) * (H - T - B);
            h.Append("<h2>Quality against cost</h2>\n<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(W).Append("\" height=\"").Append(H).Append("\" viewBox=\"0 0 ").Append(W).Append(' ').Append(H).Append("\">\n");
            h.Append($"<line x1=\"{L}\" y1=\"{T}\" x2=\"{L}\" y2=\"{H - B}\" stroke=\"#444\"/><line x1=\"{L}\" y1=\"{H - B}\" x2=\"{W - R}\" y2=\"{H - B}\" stroke=\"#444\"/>\n");
            for (int pct = 0; pct <= 100; pct += 25)
            {
                string y = F(Y(pct / 100.0), "0.0");
                h.Append($"<text x=\"{L - 6}\" y=\"{y}\" text-anchor=\"end\" font-size=\"11\">{pct}%</text><line x1=\"{L}\" y1=\"{y}\" x2=\"{W - R}\" y2=\"{y}\" stroke=\"#eee\"/>\n");
            }

            for (int k = 0; k <= 4; k++)
            {
                double cost = maxCost * k / 4;
                h.Append($"<text x=\"{F(X(cost), "0.0")}\" y=\"{H - B + 16}\" text-anchor=\"middle\" font-size=\"11\">${F(cost, "0.###")}</text>\n");
            }

            h.Append($"<text x=\"{(L + W - R) / 2}\" y=\"{H - 8}\" text-anchor=\"middle\" font-size=\"12\">USD per 1,000 calls</text>");
            h.Append($"<text x=\"14\" y=\"{(T + H - B) / 2}\" text-anchor=\"middle\" font-size=\"12\" transform=\"rotate(-90 14 {(T + H - B) / 2})\">pass rate</text>\n");
            for (int i = 0; i < summaries.Count; i++)
            {
                ContenderSummary s = summaries[i];
                string color = Colors[i % Colors.Length];
                string x = F(X((double)(s.CostPer1000Usd ?? 0)), "0.0");
                h.Append($"<g class=\"point\" data-contender=\"{E(s.Contender)}\"><line x1=\"{x}\" y1=\"{F(Y(s.PassRateHigh), "0.0")}\" x2=\"{x}\" y2=\"{F(Y(s.PassRateLow), "0.0")}\" stroke=\"{color}\" stroke-width=\"2\"/>")
                 .Append($"<circle cx=\"{x}\" cy=\"{F(Y(s.PassRate), "0.0")}\" r=\"6\" fill=\"{color}\"><title>{E(s.Contender)}: {F(s.PassRate * 100, "0.0")}%, ${(s.CostPer1000Usd is decimal c ? c.ToString("0.0000", Inv) : "unknown")} per 1,000 calls</title></circle>")
                 .Append($"<text x=\"{x}\" y=\"{F(Y(s.PassRate) - 10, "0.0")}\" font-size=\"11\" text-anchor=\"middle\" fill=\"{color}\">{E(s.Contender)}</text></g>\n");
            }

            h.Append("</svg>\n");
        }

        private static void Matrix(StringBuilder h, LabelReport r)
        {
            h.Append("<h2>Confusion matrix: ").Append(E(r.Contender)).Append("</h2>\n<p>Accuracy ").Append(F(r.Accuracy * 100, "0.0")).Append("%. Rows: reference label; columns: the answer's label.</p>\n")
             .Append("<table class=\"confusion\" data-contender=\"").Append(E(r.Contender)).Append("\"><tr><th></th>");
            foreach (string l in r.Labels) h.Append("<th>").Append(E(l)).Append("</th>");
            h.Append("<th>Recall</th></tr>\n");
            for (int i = 0; i < r.Labels.Count; i++)
            {
                h.Append("<tr><th>").Append(E(r.Labels[i])).Append("</th>");
                for (int j = 0; j < r.Labels.Count; j++)
                {
                    h.Append("<td class=\"n").Append(r.Matrix[i][j] == 0 ? string.Empty : i == j ? " hit" : " miss").Append("\">").Append(r.Matrix[i][j]).Append("</td>");
                }

                h.Append("<td class=\"n\">").Append(r.Recall.TryGetValue(r.Labels[i], out double? rec) && rec is double x ? F(x * 100, "0.0") + "%" : "").Append("</td></tr>\n");
            }

            h.Append("<tr><th>Precision</th>");
            foreach (string l in r.Labels) h.Append("<td class=\"n\">").Append(r.Precision.TryGetValue(l, out double? p) && p is double y ? F(y * 100, "0.0") + "%" : "").Append("</td>");
            h.Append("<td></td></tr></table>\n");
        }

        private static void Flips(StringBuilder h, ContenderSummary baseline, ContenderSummary other)
        {
            var before = baseline.Rows.GroupBy(r => r.Line).ToDictionary(g => g.Key, g => g.First());
            var flips = other.Rows.Where(r => before.TryGetValue(r.Line, out ComparisonRow? b) && b.Passed != r.Passed).OrderBy(r => r.Line).ToList();
            h.Append("<h2>Flips: ").Append(E(baseline.Contender)).Append(" → ").Append(E(other.Contender)).Append("</h2>\n<p>").Append(other.Gained).Append(" gained, ").Append(other.Lost).Append(" lost.</p>\n")
             .Append("<table class=\"flips\" data-contender=\"").Append(E(other.Contender)).Append("\"><tr><th>Line</th><th>Flip</th><th>Question</th><th>Reference</th><th>").Append(E(baseline.Contender)).Append("</th><th>").Append(E(other.Contender)).Append("</th></tr>\n");
            foreach (ComparisonRow r in flips)
            {
                ComparisonRow b = before[r.Line];
                h.Append("<tr class=\"").Append(r.Passed ? "gained" : "lost").Append("\"><td class=\"n\">").Append(r.Line).Append("</td><td>").Append(r.Passed ? "gained" : "lost")
                 .Append("</td><td><pre>").Append(E(r.Question)).Append("</pre></td><td><pre>").Append(E(r.Reference)).Append("</pre></td><td class=\"").Append(b.Passed ? "hit" : "miss").Append("\"><pre>").Append(E(b.Answer ?? b.Error))
                 .Append("</pre></td><td class=\"").Append(r.Passed ? "hit" : "miss").Append("\"><pre>").Append(E(r.Answer ?? r.Error)).Append("</pre></td></tr>\n");
            }

            h.Append("</table>\n");
        }
    }
}
