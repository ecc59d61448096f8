using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// EXECUTION_BLOCKER_ANALYSIS: the phase's blockers, P0 first, in the directive's "Blocker" block format, then the
/// repository findings (blockers that touch nothing the phase runs) listed once, in one table. The phase's table and
/// its resolution plan are in the readiness report; this report does not repeat them.
/// </summary>
internal static class BlockerReport
{
    public static ReportDocument Build(ReportContext c)
    {
        var blockers = c.Blockers;
        var phase = c.PhaseBlockers;
        var repository = c.RepositoryFindings;
        var md = new MarkdownBuilder(4096 + (phase.Count * 1200) + (repository.Count * 300));
        var p0 = phase.Count(b => b.Priority == Priority.P0);
        var p1 = phase.Count(b => b.Priority == Priority.P1);
        var verdict = p0 > 0
            ? $"{ReportText.Count(p0, "P0-CRITICAL blocker")} prevent{(p0 == 1 ? "s" : "")} execution"
            : p1 > 0
                ? $"no P0 blocker; {ReportText.Count(p1, "P1-HIGH blocker")} to resolve or accept"
                : blockers.Count == 0 ? "no blocker found in any measured area" : "only P2/P3 blockers";
        var title = ReportSections.Header(md, c, "Execution Blocker Analysis", verdict);
        md.Field("Blockers", $"{N(blockers.Count)} — {ReportSections.Counts(blockers.Select(b => b.Priority), p => p.ToString())}");
        md.Field("Phase blockers", $"{N(phase.Count)} — {ReportSections.Counts(phase.Select(b => b.Priority), p => p.ToString())}");
        md.Field("Repository findings", $"{N(repository.Count)} — {ReportSections.Counts(repository.Select(b => b.Priority), p => p.ToString())}");
        md.Field("Estimated delay", $"critical path {ReportText.Hours(c.Readiness.CriticalPathHours)}: each P0 and P1 phase blocker once, and blockers one action resolves (one measured run) once together");
        md.EndBlock();
        md.Paragraph("Priorities: P0-CRITICAL prevents execution; P1-HIGH prevents partial execution or creates high risk; P2-MEDIUM slows execution or raises cost; P3-LOW is a minor inefficiency. "
                     + $"A blocker is the phase's when it touches what the phase runs (its scripts and what they call or import, its datasets, jobs, buckets, APIs, dependencies); the phase's table and its resolution plan are in {Code(c.FileName(Deliverable.PhaseReadiness))}.");

        if (phase.Count == 0)
        {
            md.Heading(2, "Phase blockers");
            md.Paragraph("None.");
        }

        foreach (var group in phase.GroupBy(b => b.Priority))
        {
            md.Heading(2, $"{ReportText.Priority(group.Key)} phase blockers ({N(group.Count())})");
            foreach (var b in group)
            {
                Block(md, b);
            }
        }

        md.Heading(2, "Repository findings");
        if (repository.Count == 0)
        {
            md.Paragraph("None: every blocker touches the phase.");
        }
        else
        {
            md.Paragraph($"Blockers that touch nothing {Text(c.Readiness.PhaseName)} runs: they do not decide its GO/NO-GO, and each is listed here once, with where its evidence is "
                         + $"(every evidence line is {c.InJson("Blockers[].Evidence")}; a script's findings are also in {Code(c.FileName(Deliverable.ScriptInventory))}, a dependency's evidence in {Code(c.FileName(Deliverable.Dependencies))}).");
            md.Table(
                new[] { "Id", "Priority", "Category", "Title", "Estimated delay", "Recommended action", "Evidence at" },
                repository.Select(b => (IReadOnlyList<string>)new[]
                {
                    Code(b.Id), ReportText.Priority(b.Priority), Text(b.Category), Text(b.Title), ReportText.HoursShort(b.EstimatedDelay), Text(b.RecommendedAction),
                    ReportSections.Locations(b.Evidence.Select(e => e.Location), ReportLimits.LocationsPerFinding, c.InJson("Blockers[].Evidence")),
                }));
        }

        md.Heading(2, "Evidence");
        md.Paragraph(phase.Count == 0
            ? "No phase blocker; the repository findings' evidence is in their table above."
            : $"The evidence of each phase blocker (the repository findings' is in their table above), at most {N(ReportLimits.EvidencePerBlocker)} lines each:");
        foreach (var b in phase)
        {
            ReportSections.EvidenceList(md, $"{Code(b.Id)} {Text(b.Title)}:", b.Evidence, ReportLimits.EvidencePerBlocker, c.InJson("Blockers[].Evidence"));
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
        md.Field("Affected Phase", b.AffectedPhase is null ? "none (a repository finding)" : Text(b.AffectedPhase));
        md.Field("Estimated Delay", ReportText.Hours(b.EstimatedDelay));
        md.Field("Mitigation", Text(b.Mitigation));
        md.Field("Workaround", string.IsNullOrEmpty(b.Workaround) ? "None" : Text(b.Workaround));
        md.Field("Recommended Action", Text(b.RecommendedAction));
        md.Field("Source", $"{Text(b.Source.Type)} {Code(b.Source.Target)}{(b.Source.Detail is null ? "" : $" ({Text(b.Source.Detail)})")}, rule {Code(b.Rule)}");
        md.EndBlock();
    }
}
