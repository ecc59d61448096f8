using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary><c>PHASE</c>_READINESS_REPORT: the decision, the six critical questions, the tasks with claimed vs measured scope, the plan.</summary>
internal static class PhaseReadinessReport
{
    public static ReportDocument Build(ReportContext c)
    {
        var r = c.Readiness;
        var md = new MarkdownBuilder(8192 + (c.PhaseBlockers.Count * 200));
        var title = ReportSections.Header(md, c, "Phase Readiness Report", $"{ReportText.Decision(r.Decision)}: {Text(r.DecisionReason)}");
        md.Field("Phase", $"{Text(r.PhaseName)} ({Code(r.Phase)})");
        md.Field("Risk Level", ReportText.Risk(r.RiskLevel));
        md.Field("Phase blockers", $"{N(c.PhaseBlockers.Count)} — {ReportSections.Counts(c.PhaseBlockers.Select(b => b.Priority), p => p.ToString())}");
        md.Field("Critical path", $"{ReportText.Hours(r.CriticalPathHours)} of work before the phase can start");
        md.Field("Planned start", ReportText.Time(r.StartDate));
        md.Field("Earliest start", ReportText.Time(r.EarliestStart));
        md.Field("Working day", $"{ReportText.Number(r.WorkingHoursPerDay)} hours from 09:00, Monday to Friday, {Text(r.TimeZone)}");
        md.Field("Cost", $"{Text(ReportText.Usd(r.Cost))} vs budget {Text(ReportText.Usd(r.Budget))}{(r.Cost is { } cost ? $" ({Text(cost.Basis)})" : "")}");
        md.EndBlock();

        md.Heading(2, "Critical questions");
        foreach (var (question, answer) in ReadinessQuestions.Ordered(r.Answers))
        {
            md.Paragraph($"**{Text(question)}**");
            md.Paragraph(Text(answer));
        }

        md.Heading(2, "Tasks");
        md.Paragraph("Claimed scope is what the plan says; measured scope is what the audit counted (see the basis in the evidence). Missing scripts carry their creation estimate.");
        md.Table(
            new[] { "Task", "Script status", "Scripts", "Create", "Delay", "Parallel", "Claimed scope", "Measured scope", "Blockers" },
            r.Tasks.Select(t => (IReadOnlyList<string>)new[]
            {
                Text(t.Name), ReportText.Status(t.ScriptStatus), string.Join(", ", t.Scripts.Select(Code)),
                ReportText.HoursShort(t.CreationHours), t.DelayHours.Max > 0 ? ReportText.HoursShort(t.DelayHours) : "",
                t.Parallel ? "yes" : "no", Text(t.ClaimedScope), t.MeasuredScope is { } m ? N(m) : (t.ClaimedScope is null ? "" : "not measured"),
                string.Join(", ", c.BlockersOf(t).Select(b => Code(b.Id))),
            }),
            new[] { false, false, false, true, true, false, true, true, false });

        md.Heading(2, "Blocker-resolution plan");
        if (ReportCharts.ResolutionPlanChart(c.Result) is { } gantt)
        {
            md.Paragraph($"The phase's P0 then P1 blockers, resolved one after another in working hours from {ReportText.Time(r.StartDate)}; each bar is the blocker's longest estimated delay.");
            md.Chart(gantt);
        }
        else
        {
            md.Paragraph("No P0 or P1 blocker: nothing to resolve before the start.");
        }

        md.Heading(2, "Phase blockers");
        if (c.PhaseBlockers.Count == 0)
        {
            md.Paragraph("None.");
        }
        else
        {
            md.Table(
                new[] { "Id", "Priority", "Category", "Title", "Estimated delay" },
                c.PhaseBlockers.Select(b => (IReadOnlyList<string>)new[] { Code(b.Id), ReportText.Priority(b.Priority), Text(b.Category), Text(b.Title), ReportText.HoursShort(b.EstimatedDelay) }));
            md.Paragraph($"Every blocker in the directive's block format: {Code(c.FileName(Deliverable.Blockers))}.");
        }

        Naming(md, c);

        md.Heading(2, "Evidence");
        md.Paragraph("Scope and cost basis:");
        foreach (var t in r.Tasks.Where(t => t.ScopeBasis is not null))
        {
            md.Bullet($"{Text(t.Name)}: claimed {Text(t.ClaimedScope ?? "nothing")}; {Text(t.ScopeBasis)}");
        }

        md.Bullet($"Cost: {(r.Cost is null ? "not estimated" : Text(r.Cost.Basis))}; budget: {(r.Budget is null ? "none" : Text(r.Budget.Basis))}");
        md.EndBlock();
        foreach (var b in c.PhaseBlockers.Where(b => b.Priority <= Priority.P1))
        {
            ReportSections.EvidenceList(md, $"{Code(b.Id)} {Text(b.Title)}:", b.Evidence);
        }

        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.PhaseReadiness, title, md.ToString(), md.Charts);
    }

    private static void Naming(MarkdownBuilder md, ReportContext c)
    {
        md.Heading(2, "Naming compliance");
        var summary = c.Result.NamingSummary;
        if (summary is null || summary.Names == 0)
        {
            md.Paragraph("No table names were classified in this run.");
            return;
        }

        md.Field("Table names", $"{N(summary.Names)} — {string.Join(" · ", Enum.GetValues<NamingStatus>().Select(s => $"{ReportText.Status(s)} {N(summary.StatusCount(s))}"))}");
        if (summary.MandateId is not null)
        {
            md.Field("Mandate", Text(summary.MandateId));
        }

        if (c.Result.RenamePlan.Count > 0)
        {
            md.Field("Rename plan", $"{N(c.Result.RenamePlan.Count)} — {ReportSections.Counts(c.Result.RenamePlan.Select(p => p.Action), a => a.ToString())}");
        }

        md.EndBlock();
        if (ReportCharts.NamingComplianceChart(c.Result) is { } pie)
        {
            md.Chart(pie);
        }

        var violations = Enum.GetValues<NamingViolation>().Select(v => KeyValuePair.Create(v, summary.ViolationCount(v))).Where(kv => kv.Value > 0).ToList();
        if (violations.Count > 0)
        {
            md.Table(new[] { "Violation", "Names" }, violations.Select(kv => (IReadOnlyList<string>)new[] { kv.Key.ToString(), N(kv.Value) }), new[] { false, true });
        }
    }
}
