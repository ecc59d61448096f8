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

    private static List<string> Bullets(string summary) =>
        Regex.Matches(summary, @"^- \*\*P[01]\*\* `(BQX-[0-9A-F]{8})` ", RegexOptions.Multiline).Select(m => m.Groups[1].Value).ToList();

    /// <summary>Every Id the blocker section names: with titles, then by Id.</summary>
    private static List<string> Named(string summary)
    {
        var section = summary[summary.IndexOf("## Blockers", StringComparison.Ordinal)..summary.IndexOf("## Critical questions", StringComparison.Ordinal)];
        return Regex.Matches(section, "BQX-[0-9A-F]{8}").Select(m => m.Value).ToList();
    }

    [Fact]
    public void Summary_WhenTenThousandBlockers_ShouldStayWithinThreePagesNamingTheMostUrgentAndCountingTheRest()
    {
        var result = SyntheticAudit.Create(blockers: 10_000, findings: 4_000, checks: 2_000);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        AssertWithinLimits(summary);
        Assert.Equal("## Decision: NO-GO ❌", summary.Split('\n').First(l => l.StartsWith("## ", StringComparison.Ordinal)));
        Assert.Contains("## Blockers (10,000)", summary);

        // The phase's P0 then P1 blockers by name, most urgent first, as many as fit; every other one counted.
        var urgent = result.Readiness.Blockers.Where(b => b.Priority <= Priority.P1).OrderBy(b => b.Priority).Select(b => b.Id).ToList();
        var named = Named(summary);
        Assert.True(named.Count >= 40, $"only {named.Count} blockers named");
        Assert.NotEmpty(Bullets(summary));
        Assert.Equal(urgent.Take(named.Count), named);
        Assert.All(result.Readiness.Blockers.Where(b => b.Priority == Priority.P0).Take(named.Count), b => Assert.Contains(b.Id, named));
        var unnamed = urgent.Count - named.Count;
        var rest = result.Readiness.Blockers.Count(b => b.Priority > Priority.P1);
        Assert.Contains(unnamed > 0 ? $"Also {unnamed:N0} more P0/P1 phase blockers" : "Also ", summary);
        Assert.Contains($"{rest:N0} P2/P3 phase blockers", summary);
        Assert.Contains("`EXECUTION_BLOCKER_ANALYSIS_20251213.md` lists every one", summary);
    }

    [Fact]
    public void Summary_WhenThreeHundredBlockers_ShouldNameEveryP0AndP1AndCountTheRestByPriority()
    {
        var result = SyntheticAudit.Create(blockers: 300, findings: 200, checks: 100);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        AssertWithinLimits(summary);
        var urgent = result.Readiness.Blockers.Where(b => b.Priority <= Priority.P1).OrderBy(b => b.Priority).Select(b => b.Id).ToList();
        Assert.Equal(urgent, Bullets(summary));
        Assert.DoesNotContain("not named here", summary);
        var p2 = result.Readiness.Blockers.Count(b => b.Priority == Priority.P2);
        var p3 = result.Readiness.Blockers.Count(b => b.Priority == Priority.P3);
        Assert.Contains($"{p2 + p3:N0} P2/P3 phase blockers (P2 {p2:N0} · P3 {p3:N0})", summary);
    }

    [Fact]
    public void Summary_WhenFewBlockers_ShouldNameEachP0AndP1WithItsWholeTitle()
    {
        var result = SyntheticAudit.Create(blockers: 30);

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        var urgent = result.Readiness.Blockers.Where(b => b.Priority <= Priority.P1).OrderBy(b => b.Priority).ToList();
        Assert.Equal(urgent.Select(b => b.Id), Bullets(summary));
        Assert.All(urgent, b => Assert.Contains($"`{b.Id}` {MarkdownBuilder.Text(b.Title)}\n", summary));
    }

    [Fact]
    public void Summary_WhenBlockersTouchNothingThePhaseRuns_ShouldCountThemAsRepositoryFindingsOnly()
    {
        var result = SyntheticAudit.Create(blockers: 40);
        var repository = result.Blockers.Where(b => b.Priority >= Priority.P2).Take(5).ToList();
        result.Readiness.Blockers.RemoveAll(b => repository.Contains(b));

        var summary = MarkdownReportWriter.Write(result, Deliverable.Summary);

        var counts = Table(summary, "## Counts").ToDictionary(r => r[0], r => Number(r[1]));
        Assert.Equal(5, counts["Repository findings"]);
        Assert.Equal(result.Readiness.Blockers.Count, counts["Phase blockers"]);
        Assert.Contains("5 repository findings that touch nothing the phase runs", summary);
        var section = summary[summary.IndexOf("## Blockers", StringComparison.Ordinal)..summary.IndexOf("## Critical questions", StringComparison.Ordinal)];
        Assert.All(repository, b => Assert.DoesNotContain(b.Id, section));
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
        Assert.All(result.Readiness.Blockers.Where(b => b.Priority == Priority.P0), b => Assert.Contains(b.Id, Named(summary)));
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
