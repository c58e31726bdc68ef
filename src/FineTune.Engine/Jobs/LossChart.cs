using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Text;

namespace FineTune.Engine.Jobs
{
    /// <summary>One point of a loss chart: a training step with its training loss and, where measured, validation loss.</summary>
    public readonly struct LossPoint
    {
        /// <summary>Creates a point.</summary>
        public LossPoint(int step, double? trainLoss, double? validLoss)
        {
            Step = step;
            TrainLoss = trainLoss;
            ValidLoss = validLoss;
        }

        /// <summary>The training step (1-based, as in the result file).</summary>
        public int Step { get; }

        /// <summary>Training loss at the step, or null.</summary>
        public double? TrainLoss { get; }

        /// <summary>Validation loss at the step, or null when not measured there.</summary>
        public double? ValidLoss { get; }
    }

    /// <summary>
    /// Draws training and validation loss over steps: as Unicode text for a terminal (braille dots for
    /// training loss, '·' for validation loss where no training dot is; works in any font that has the
    /// Braille Patterns block)
    /// and as a self-contained SVG document (no scripts, no external references).
    /// </summary>
    public static class LossChart
    {
        private const char BrailleBase = '\u2800';

        // Dot bits of a braille cell, by [row 0-3, column 0-1] (Unicode Braille Patterns).
        private static readonly int[,] DotBits = { { 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 } };

        /// <summary>
        /// Renders the chart as lines of text: <paramref name="width"/> plot columns by
        /// <paramref name="height"/> rows (each cell holds 2×4 braille dots), a loss axis on the left and a
        /// step axis below. Returns a single line saying so when there is nothing to draw.
        /// </summary>
        public static IReadOnlyList<string> RenderText(IReadOnlyList<LossPoint> points, int width = 60, int height = 12, string? title = null)
        {
            points = Clean(points);
            width = Math.Max(10, width);
            height = Math.Max(4, height);
            var lines = new List<string>();
            if (title != null) lines.Add(title);
            if (!TryBounds(points, out int minStep, out int maxStep, out double minLoss, out double maxLoss))
            {
                lines.Add("(no loss values to draw)");
                return lines;
            }

            var cells = new int[height, width];
            var marks = new bool[height, width];
            int dotsX = width * 2, dotsY = height * 4;
            foreach (LossPoint p in points)
            {
                double x = Scale(p.Step, minStep, maxStep, dotsX - 1);
                if (p.TrainLoss is double t)
                {
                    int dx = (int)Math.Round(x), dy = (int)Math.Round(Scale(maxLoss - t, 0, maxLoss - minLoss, dotsY - 1));
                    cells[dy / 4, dx / 2] |= DotBits[dy % 4, dx % 2];
                }

                if (p.ValidLoss is double v)
                {
                    int cx = (int)Math.Round(x) / 2, cy = (int)Math.Round(Scale(maxLoss - v, 0, maxLoss - minLoss, dotsY - 1)) / 4;
                    marks[cy, cx] = true;
                }
            }

            string top = Format(maxLoss), bottom = Format(minLoss);
            int labelWidth = Math.Max(top.Length, bottom.Length);
            for (int row = 0; row < height; row++)
            {
                string label = row == 0 ? top : row == height - 1 ? bottom : string.Empty;
                var sb = new StringBuilder(label.PadLeft(labelWidth)).Append(" ┤");
                for (int col = 0; col < width; col++)
                {
                    // training loss wins a shared cell: the service reports validation loss at most steps,
                    // and marks on every cell would hide the training curve
                    sb.Append(cells[row, col] != 0 ? (char)(BrailleBase + cells[row, col]) : marks[row, col] ? '·' : ' ');
                }

                lines.Add(sb.ToString().TrimEnd());
            }

            lines.Add(new string(' ', labelWidth) + " └" + new string('─', width));
            string first = "step " + minStep.ToString(CultureInfo.InvariantCulture), last = maxStep.ToString(CultureInfo.InvariantCulture);
            lines.Add(new string(' ', labelWidth + 2) + first + last.PadLeft(Math.Max(1, width - first.Length)));
            lines.Add(new string(' ', labelWidth + 2) + (points.Any(p => p.ValidLoss.HasValue) ? "⠿ training loss   · validation loss" : "⠿ training loss"));
            return lines;
        }

        /// <summary>
        /// Renders the chart as a self-contained SVG document (UTF-8 text), <paramref name="width"/> by
        /// <paramref name="height"/> pixels: training loss as a solid line, validation loss as a dashed
        /// line with dots, axes with the loss range and the step range.
        /// </summary>
        public static string RenderSvg(IReadOnlyList<LossPoint> points, string title, int width = 800, int height = 400)
        {
            const int left = 70, right = 20, top = 40, bottom = 50;
            points = Clean(points);
            var sb = new StringBuilder();
            sb.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
              .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" font-family=\"sans-serif\" font-size=\"12\">\n");
            sb.Append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
            sb.Append("<text x=\"").Append(width / 2).Append("\" y=\"22\" text-anchor=\"middle\" font-size=\"16\">").Append(WebUtility.HtmlEncode(title)).Append("</text>\n");
            if (!TryBounds(points, out int minStep, out int maxStep, out double minLoss, out double maxLoss))
            {
                sb.Append("<text x=\"").Append(width / 2).Append("\" y=\"").Append(height / 2).Append("\" text-anchor=\"middle\">no loss values to draw</text>\n</svg>\n");
                return sb.ToString();
            }

            double plotW = width - left - right, plotH = height - top - bottom;
            string X(int step) => N(left + Scale(step, minStep, maxStep, plotW));
            string Y(double loss) => N(top + Scale(maxLoss - loss, 0, maxLoss - minLoss, plotH));

            sb.Append("<g stroke=\"#444\" stroke-width=\"1\"><line x1=\"").Append(left).Append("\" y1=\"").Append(top).Append("\" x2=\"").Append(left).Append("\" y2=\"").Append(N(top + plotH))
              .Append("\"/><line x1=\"").Append(left).Append("\" y1=\"").Append(N(top + plotH)).Append("\" x2=\"").Append(N(left + plotW)).Append("\" y2=\"").Append(N(top + plotH)).Append("\"/></g>\n");
            sb.Append("<text x=\"").Append(left - 6).Append("\" y=\"").Append(top + 4).Append("\" text-anchor=\"end\">").Append(Format(maxLoss)).Append("</text>\n");
            sb.Append("<text x=\"").Append(left - 6).Append("\" y=\"").Append(N(top + plotH)).Append("\" text-anchor=\"end\">").Append(Format(minLoss)).Append("</text>\n");
            sb.Append("<text x=\"").Append(left).Append("\" y=\"").Append(N(top + plotH + 18)).Append("\">").Append(minStep).Append("</text>\n");
            sb.Append("<text x=\"").Append(N(left + plotW)).Append("\" y=\"").Append(N(top + plotH + 18)).Append("\" text-anchor=\"end\">").Append(maxStep).Append("</text>\n");
            sb.Append("<text x=\"").Append(N(left + plotW / 2)).Append("\" y=\"").Append(height - 10).Append("\" text-anchor=\"middle\">step</text>\n");
            sb.Append("<text transform=\"rotate(-90)\" x=\"").Append(N(-(top + plotH / 2))).Append("\" y=\"16\" text-anchor=\"middle\">loss</text>\n");

            string train = string.Join(" ", points.Where(p => p.TrainLoss.HasValue).Select(p => X(p.Step) + "," + Y(p.TrainLoss!.Value)));
            string valid = string.Join(" ", points.Where(p => p.ValidLoss.HasValue).Select(p => X(p.Step) + "," + Y(p.ValidLoss!.Value)));
            if (train.Length > 0) sb.Append("<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"2\" points=\"").Append(train).Append("\"><title>training loss</title></polyline>\n");
            if (valid.Length > 0)
            {
                sb.Append("<polyline fill=\"none\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\" points=\"").Append(valid).Append("\"><title>validation loss</title></polyline>\n");
                foreach (LossPoint p in points.Where(p => p.ValidLoss.HasValue))
                {
                    sb.Append("<circle r=\"3\" fill=\"#d62728\" cx=\"").Append(X(p.Step)).Append("\" cy=\"").Append(Y(p.ValidLoss!.Value)).Append("\"/>\n");
                }
            }

            // the legend names only the curves drawn: a job without a validation file has no validation loss
            int lx = (int)(left + plotW - 170);
            sb.Append("<g><line x1=\"").Append(lx).Append("\" y1=\"").Append(top + 8).Append("\" x2=\"").Append(lx + 24).Append("\" y2=\"").Append(top + 8).Append("\" stroke=\"#1f77b4\" stroke-width=\"2\"/>")
              .Append("<text x=\"").Append(lx + 30).Append("\" y=\"").Append(top + 12).Append("\">training loss</text>");
            if (valid.Length > 0)
            {
                sb.Append("<line x1=\"").Append(lx).Append("\" y1=\"").Append(top + 26).Append("\" x2=\"").Append(lx + 24).Append("\" y2=\"").Append(top + 26).Append("\" stroke=\"#d62728\" stroke-width=\"2\" stroke-dasharray=\"6 4\"/>")
                  .Append("<text x=\"").Append(lx + 30).Append("\" y=\"").Append(top + 30).Append("\">validation loss</text>");
            }

            sb.Append("</g>\n");
            sb.Append("</svg>\n");
            return sb.ToString();
        }

        // NaN and infinities (a diverged run) are not drawn.
        private static IReadOnlyList<LossPoint> Clean(IReadOnlyList<LossPoint> points) =>
            points.Select(p => new LossPoint(p.Step, Finite(p.TrainLoss), Finite(p.ValidLoss))).ToList();

        private static double? Finite(double? v) => v is double d && !double.IsNaN(d) && !double.IsInfinity(d) ? d : (double?)null;

        private static bool TryBounds(IReadOnlyList<LossPoint> points, out int minStep, out int maxStep, out double minLoss, out double maxLoss)
        {
            var losses = points.SelectMany(p => new[] { p.TrainLoss, p.ValidLoss }).Where(v => v.HasValue).Select(v => v!.Value).ToList();
            minStep = maxStep = 0;
            minLoss = maxLoss = 0;
            if (losses.Count == 0) return false;
            minStep = points.Min(p => p.Step);
            maxStep = points.Max(p => p.Step);
            minLoss = losses.Min();
            maxLoss = losses.Max();
            if (maxLoss - minLoss < 1e-9) { maxLoss = minLoss + 1; }
            if (maxStep == minStep) maxStep = minStep + 1;
            return true;
        }

        private static double Scale(double value, double min, double max, double size) =>
            max <= min ? 0 : Math.Max(0, Math.Min(size, (value - min) / (max - min) * size));

        private static string Format(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

        private static string N(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
    }
}
