using System.Collections.Generic;
using System.Linq;
using System.Xml.Linq;
using FineTune.Engine.Jobs;
using Xunit;

namespace FineTune.Engine.Tests.Jobs
{
    public class LossChartTests
    {
        private static readonly List<LossPoint> Falling = Enumerable.Range(1, 30)
            .Select(s => new LossPoint(s, 2.0 - s * 0.05, s % 10 == 0 ? 2.6 - s * 0.05 : (double?)null)).ToList();

        [Fact]
        public void TextChartPutsTheHighestLossTopLeftAndTheLowestBottomRight()
        {
            IReadOnlyList<string> lines = LossChart.RenderText(Falling, width: 30, height: 8);
            Assert.Equal(8 + 3, lines.Count);
            Assert.StartsWith("2.1 ┤", lines[0]);               // max loss: validation loss at step 10 = 2.6 - 0.5
            Assert.StartsWith("0.5 ┤", lines[7]);              // min loss: training loss at step 30 = 0.5
            Assert.NotEqual(' ', lines[0][5]);                  // step 1 (loss 1.95, 3 dots below the top) is in the first plot column
            Assert.NotEqual(' ', lines[7].Last());             // step 30 ends in the last row
            Assert.Contains("step 1", lines[9]);
            Assert.EndsWith("30", lines[9]);
            Assert.Equal(3, lines.Take(8).Sum(l => l.Count(c => c == '·'))); // validation at steps 10, 20, 30, above the training curve
        }

        [Fact]
        public void LegendsNameOnlyTheCurvesDrawn()
        {
            var trainingOnly = Falling.Select(p => new LossPoint(p.Step, p.TrainLoss, null)).ToList();
            Assert.Equal("⠿ training loss", LossChart.RenderText(trainingOnly, width: 30, height: 8).Last().Trim());
            Assert.Equal("⠿ training loss   · validation loss", LossChart.RenderText(Falling, width: 30, height: 8).Last().Trim());
            Assert.DoesNotContain("validation loss", LossChart.RenderSvg(trainingOnly, "t"));
            XDocument both = XDocument.Parse(LossChart.RenderSvg(Falling, "t"));
            Assert.Equal(new[] { "training loss", "validation loss" }, both.Descendants().Where(e => e.Name.LocalName == "g").Last().Elements().Where(e => e.Name.LocalName == "text").Select(e => e.Value));
        }

        [Fact]
        public void NothingToDrawSaysSo()
        {
            var nan = new List<LossPoint> { new LossPoint(1, double.NaN, null) };
            Assert.Equal("(no loss values to draw)", LossChart.RenderText(nan).Single());
        }

        [Fact]
        public void SvgIsWellFormedWithOnePolylinePerSeries()
        {
            XDocument svg = XDocument.Parse(LossChart.RenderSvg(Falling, "Loss of ftjob-<1> & co"));
            XNamespace ns = "http://www.w3.org/2000/svg";
            List<XElement> lines = svg.Descendants(ns + "polyline").ToList();
            Assert.Equal(2, lines.Count);
            Assert.Equal(30, lines[0].Attribute("points")!.Value.Split(' ').Length);
            Assert.Equal(3, lines[1].Attribute("points")!.Value.Split(' ').Length);
            Assert.Equal(3, svg.Descendants(ns + "circle").Count());
            Assert.Contains(svg.Descendants(ns + "text"), t => t.Value == "Loss of ftjob-<1> & co");
            Assert.DoesNotContain(svg.Descendants(), e => e.Name.LocalName == "script");
        }
    }
}
