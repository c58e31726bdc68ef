using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using FineTune.Engine.Datasets;
using Xunit;

namespace FineTune.Engine.Tests.Datasets
{
    /// <summary>docs/RULES.md has one row per rule id in code, with the same severity, and no row for a rule that does not exist.</summary>
    public class RulesDocTests
    {
        [Fact]
        public void EveryRuleHasARowInRulesMd()
        {
            string doc = File.ReadAllText(Path.Combine(SharedData.RepoRoot, "docs", "RULES.md"));
            var rows = Regex.Matches(doc, @"^\| (FT\d{3}) \| (Error|Warning|Info) \|", RegexOptions.Multiline)
                .Cast<Match>().ToDictionary(m => m.Groups[1].Value, m => m.Groups[2].Value);
            foreach (DatasetRule rule in DatasetRules.All)
            {
                Assert.True(rows.ContainsKey(rule.Id), $"{rule.Id} has no row in docs/RULES.md");
                Assert.Equal(rule.Severity.ToString(), rows[rule.Id]);
            }

            Assert.Empty(rows.Keys.Except(DatasetRules.All.Select(r => r.Id)));
        }

        [Fact]
        public void RuleIdsAreUniqueAndWellFormed()
        {
            Assert.Equal(DatasetRules.All.Count, DatasetRules.All.Select(r => r.Id).Distinct().Count());
            Assert.All(DatasetRules.All, r => Assert.Matches(@"^FT\d{3}$", r.Id));
            Assert.True(DatasetRules.All.Count >= 50);
        }
    }
}
