using System.Text.RegularExpressions;
using BqxAudit.Model;
using BqxAudit.Reporting;
using static BqxAudit.Tests.Reporting.ReportTestKit;

namespace BqxAudit.Tests.Reporting;

/// <summary>The summary stays within three printed pages (150 lines, 9,000 characters) however many findings there are.</summary>
public class SummaryLimitsTests
{
    private static void AssertWithinLimits(string summary)
    {
        Assert.True(LineCount(summary) <= 150, $"{LineCount(summary)} lines");
        Assert.True(summary.Length <= 9000, $"{summary.Length} characters");
    }

    private static HashSet<string> IdsIn(string summary) =>
        Regex.Matches(summary, "BQX-[0-9A-F]{8}").Select(m => m.Value).ToHashSet();

    [Fact]
    public void Summary_WhenTenThousandBlockers_ShouldStayWithinThreePagesAndNameTheMostUrgentFirst()
    {
        var result = SyntheticAudit.Create(blockers: 10_000, findings: 4_000, checks: 2_000);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        AssertWithinLimits(summary);
        Assert.Equal("## Decision: NO-GO ❌", summary.Split('\n').First(l => l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.Contains("## Blockers (10,000)", summary);

        // 10,000 Ids alone are 120,000 characters: the summary names every P0 and as many more as fit, most urgent first.
        var named = IdsIn(summary);
        Assert.All(result.Blockers.Where(b => b.Priority == Priority.P0), b => Assert.Contains(b.Id, named));
        Assert.True(named.Count >= 300, $"only {named.Count} blockers named");
        var worstUnnamed = result.Blockers.Where(b => !named.Contains(b.Id)).Min(b => b.Priority);
        Assert.DoesNotContain(result.Blockers, b => b.Priority > worstUnnamed && named.Contains(b.Id));

        // Every blocker is accounted for: named here, or counted in its group and in the closing note.
        var unnamed = result.Blockers.Count(b => !named.Contains(b.Id));
        Assert.True(unnamed > 0);
        Assert.Contains($"{unnamed:N0} blockers are not named here so that the summary stays within three pages; `EXECUTION_BLOCKER_ANALYSIS_20251213.md` lists every one", summary);
        var groups = Regex.Matches(summary, @"^- \*\*(P[0-3])\*\* `([^`]+)` \(([0-9,]+)\): ", RegexOptions.Multiline);
        var inTable = Table(summary, "## Blockers (10,000)").Select(r => Plain(r[0])).ToHashSet();
        Assert.Equal(10_000, groups.Sum(m => Number(m.Groups[3].Value)) + inTable.Count);
        foreach (Match g in groups)
        {
            var members = result.Blockers.Where(b => b.Priority.ToString() == g.Groups[1].Value && b.Rule == g.Groups[2].Value && !inTable.Contains(b.Id));
            Assert.Equal(members.Count(), Number(g.Groups[3].Value));
        }
    }

    [Fact]
    public void Summary_WhenThreeHundredBlockers_ShouldStillNameEveryOneById()
    {
        var result = SyntheticAudit.Create(blockers: 300, findings: 200, checks: 100);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        AssertWithinLimits(summary);
        var named = IdsIn(summary);
        Assert.All(result.Blockers, b => Assert.Contains(b.Id, named));
        Assert.DoesNotContain("not named here", summary);
        Assert.Matches("(then the others by Id|By Id), most urgent first, grouped by priority", summary);
    }

    [Fact]
    public void Summary_WhenFewBlockers_ShouldListEachWithItsTitle()
    {
        var result = SyntheticAudit.Create(blockers: 30);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        var rows = Table(summary, "## Blockers (30)");
        Assert.Equal(result.Blockers.OrderBy(b => b.Priority).Select(b => b.Id), rows.Select(r => Plain(r[0])));
        Assert.Equal(result.Blockers.OrderBy(b => b.Priority).Select(b => b.Priority.ToString()), rows.Select(r => r[1]));
    }

    [Fact]
    public void Summary_WhenEveryTextIsHuge_ShouldStayWithinThreePages()
    {
        var result = SyntheticAudit.Create(blockers: 2_000, checks: 500);
        var huge = string.Concat(Enumerable.Repeat("very long text | with *markup* and <tags> ", 400));
        result.Readiness.PhaseName = huge;
        result.Readiness.DecisionReason = huge;
        result.Readiness.Answers = Enumerable.Range(1, 6).ToDictionary(i => $"{i}. {huge}", _ => huge);
        result.Run.NotMeasured = Enumerable.Range(0, 50).Select(_ => huge).ToList();
        result.Run.Root = huge;
        foreach (var b in result.Blockers)
        {
            b.Title = huge;
            b.Rule = "rule." + huge.Replace(" ", "-");
        }

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        AssertWithinLimits(summary);
        Assert.Contains("## Decision: NO-GO ❌", summary);
        Assert.All(result.Blockers.Where(b => b.Priority == Priority.P0), b => Assert.Contains(b.Id, summary));
    }

    [Fact]
    public void Summary_WhenNoBlocker_ShouldSayGoFirst()
    {
        var result = SyntheticAudit.Create(blockers: 0);
        result.Readiness.Decision = Decision.Go;
        result.Readiness.RiskLevel = RiskLevel.Low;
        result.Readiness.DecisionReason = "no blockers found in any measured area";

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        Assert.Equal("## Decision: GO ✅", summary.Split('\n').First(l => l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.Contains("## Blockers (0)\n\nNone found in any measured area.", summary);
    }
}
