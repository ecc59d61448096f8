using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>EXECUTION_BLOCKER_ANALYSIS: every blocker, P0 first, in the directive's "Blocker" block format.</summary>
internal static class BlockerReport
{
    public static ReportDocument Build(ReportContext c)
    {
        var blockers = c.Blockers;
        var md = new MarkdownBuilder(4096 + (blockers.Count * 1200));
        var p0 = blockers.Count(b => b.Priority == Priority.P0);
        var p1 = blockers.Count(b => b.Priority == Priority.P1);
        var verdict = p0 > 0
            ? $"{ReportText.Count(p0, "P0-CRITICAL blocker")} prevent{(p0 == 1 ? "s" : "")} execution"
            : p1 > 0
                ? $"no P0 blocker; {ReportText.Count(p1, "P1-HIGH blocker")} to resolve or accept"
                : blockers.Count == 0 ? "no blocker found in any measured area" : "only P2/P3 blockers";
        var title = ReportSections.Header(md, c, "Execution Blocker Analysis", verdict);
        md.Field("Blockers", $"{N(blockers.Count)} — {ReportSections.Counts(blockers.Select(b => b.Priority), p => p.ToString())}");
        md.Field("Estimated delay", $"{ReportText.Hours(Sum(blockers.Where(b => b.Priority <= Priority.P1)))} for all P0 and P1 blockers, one after another; critical path {ReportText.Hours(c.Readiness.CriticalPathHours)}");
        md.EndBlock();
        md.Paragraph("Priorities: P0-CRITICAL prevents execution; P1-HIGH prevents partial execution or creates high risk; P2-MEDIUM slows execution or raises cost; P3-LOW is a minor inefficiency.");

        md.Heading(2, "All blockers");
        if (blockers.Count == 0)
        {
            md.Paragraph("None.");
        }
        else
        {
            md.Table(
                new[] { "Id", "Priority", "Category", "Title", "Estimated delay", "Affected phase" },
                blockers.Select(b => (IReadOnlyList<string>)new[]
                {
                    Code(b.Id), ReportText.Priority(b.Priority), Text(b.Category), Text(b.Title), ReportText.HoursShort(b.EstimatedDelay), b.AffectedPhase is null ? "all" : Code(b.AffectedPhase),
                }));
        }

        md.Heading(2, "Resolution plan");
        if (ReportCharts.ResolutionPlanChart(c.Result) is { } gantt)
        {
            md.Paragraph($"P0 then P1 blockers of {Text(c.Readiness.PhaseName)}, one after another in working hours from {ReportText.Time(c.Readiness.StartDate)}; each bar is the longest estimated delay.");
            md.Chart(gantt);
        }
        else
        {
            md.Paragraph("No P0 or P1 blocker in the phase: nothing to resolve before the start.");
        }

        foreach (var group in blockers.GroupBy(b => b.Priority))
        {
            md.Heading(2, $"{ReportText.Priority(group.Key)} blockers ({N(group.Count())})");
            foreach (var b in group)
            {
                Block(md, b);
            }
        }

        md.Heading(2, "Evidence");
        foreach (var b in blockers)
        {
            ReportSections.EvidenceList(md, $"{Code(b.Id)} {Text(b.Title)}:", b.Evidence);
        }

        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.Blockers, title, md.ToString(), md.Charts);
    }

    /// <summary>The directive's "Blocker" block, with the Id first.</summary>
    private static void Block(MarkdownBuilder md, Blocker b)
    {
        md.Heading(3, $"Blocker: {b.Title}");
        md.Field("Id", Code(b.Id));
        md.Field("Type", ReportText.Priority(b.Priority));
        md.Field("Category", Text(b.Category));
        if (!string.IsNullOrEmpty(b.Description))
        {
            md.Field("Description", Text(b.Description));
        }

        md.Field("Impact", Text(b.Impact));
        md.Field("Affected Phase", b.AffectedPhase is null ? "every phase" : Text(b.AffectedPhase));
        md.Field("Estimated Delay", ReportText.Hours(b.EstimatedDelay));
        md.Field("Mitigation", Text(b.Mitigation));
        md.Field("Workaround", string.IsNullOrEmpty(b.Workaround) ? "None" : Text(b.Workaround));
        md.Field("Recommended Action", Text(b.RecommendedAction));
        md.Field("Source", $"{Text(b.Source.Type)} {Code(b.Source.Target)}{(b.Source.Detail is null ? "" : $" ({Text(b.Source.Detail)})")}, rule {Code(b.Rule)}");
        md.EndBlock();
    }

    private static HoursRange Sum(IEnumerable<Blocker> blockers)
    {
        var total = new HoursRange();
        foreach (var b in blockers)
        {
            total.Min += b.EstimatedDelay?.Min ?? 0;
            total.Max += b.EstimatedDelay?.Max ?? 0;
        }

        return total;
    }
}
