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
        md.Paragraph("A task is done by the scripts that perform its action (what their code does to tables, not their names); claimed scope is what the plan says, measured scope what the audit counted (see the basis in the evidence). Missing scripts carry their creation estimate.");
        md.Table(
            new[] { "Task", "Action", "Script status", "Scripts", "Create", "Delay", "Parallel", "Claimed scope", "Measured scope", "Blockers" },
            r.Tasks.Select(t => (IReadOnlyList<string>)new[]
            {
                Text(t.Name), Code(t.Action), ReportText.Status(t.ScriptStatus), ReportText.Some(t.Scripts.Select(Code).ToList(), ReportLimits.ScriptsPerTask, rest: c.InJson("Readiness.Tasks[].Scripts")),
                ReportText.HoursShort(t.CreationHours), t.DelayHours.Max > 0 ? ReportText.HoursShort(t.DelayHours) : "",
                t.Parallel ? "yes" : "no", Text(t.ClaimedScope), t.MeasuredScope is { } m ? N(m) : (t.ClaimedScope is null ? "" : "not measured"),
                c.Ids(c.BlockersOf(t)),
            }),
            new[] { false, false, false, false, true, true, false, true, true, false });

        var judged = r.Tasks.Where(t => t.Reason is not null).ToList();
        if (judged.Count > 0)
        {
            md.Paragraph("How each task is judged:");
            foreach (var t in judged)
            {
                md.Bullet($"**{Text(t.Name)}** ({Code(t.Action)}, {ReportText.Status(t.ScriptStatus)}): {Text(t.Reason)}");
            }

            md.EndBlock();
        }

        Destructive(md, c);

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

        if (c.RepositoryFindings.Count > 0)
        {
            md.Paragraph($"{ReportText.Count(c.RepositoryFindings.Count, "repository finding")} ({ReportSections.Counts(c.RepositoryFindings.Select(b => b.Priority), p => p.ToString())}) touch nothing the phase runs; they are listed once, in {Code(c.FileName(Deliverable.Blockers))}.");
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
        if (c.PhaseBlockers.Count > 0)
        {
            md.Paragraph($"The evidence of each phase blocker is in {Code(c.FileName(Deliverable.Blockers))} (every line {c.InJson("Blockers[].Evidence")}).");
        }

        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.PhaseReadiness, title, md.ToString(), md.Charts);
    }

    /// <summary>Every phase script that drops or deletes: the statements, their lines, the count it states, and whether it backs up first.</summary>
    private static void Destructive(MarkdownBuilder md, ReportContext c)
    {
        var phaseScripts = c.Readiness.Tasks.SelectMany(t => t.Scripts.Select(p => (Task: t.Name, Path: p))).ToList();
        var rows = phaseScripts
            .Select(x => (x.Task, Script: c.Scripts.FirstOrDefault(s => s.Path == x.Path)))
            .Where(x => x.Script is not null && x.Script.Operations.Any(o => o.Destructive))
            .ToList();
        md.Heading(2, "Destructive operations");
        if (rows.Count == 0)
        {
            md.Paragraph("No phase script drops tables or deletes rows.");
            return;
        }

        md.Table(
            new[] { "Script", "Task", "Statements", "Lines", "Stated tables", "Backup first", "Blockers" },
            rows.Select(x =>
            {
                var s = x.Script!;
                var ops = s.Operations.Where(o => o.Destructive).ToList();
                var backedUp = s.Findings.Any(f => f.Rule == Inventory.PhaseTaskMatching.DestructiveRule);
                return (IReadOnlyList<string>)new[]
                {
                    Code(s.Path), Text(x.Task), ReportText.Some(ops.Select(o => Text(o.Detail)).Distinct().ToList(), ReportLimits.Statements, "; ", c.InJson("Scripts[].Operations")),
                    ReportText.Some(ops.Select(o => o.Line.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct().ToList(), ReportLimits.StatementLines, rest: c.InJson("Scripts[].Operations")),
                    ops.Select(o => o.StatedCount).FirstOrDefault(n => n is not null) is { } n ? N(n) : "not stated",
                    backedUp ? "yes" : "no ❌",
                    c.Ids(c.BlockersOf(s).Where(b => b.Rule == "script.destructive-phase-task")),
                };
            }),
            new[] { false, false, false, false, true, false, false });
    }

    private static void Naming(MarkdownBuilder md, ReportContext c)
    {
        md.Heading(2, "Naming compliance");
        var summary = c.Result.NamingSummary;
        var gaps = c.Run.NotMeasured.Where(n => n.StartsWith("Naming ", StringComparison.Ordinal)).ToList();
        if (summary is null || summary.Names == 0)
        {
            md.Paragraph(gaps.Count == 0 ? "No table names were classified in this run." : "Not measured: no table names were classified in this run, so rename collisions and existing twins were not checked.");
            foreach (var g in gaps)
            {
                md.Bullet(Text(g));
            }

            md.EndBlock();
            return;
        }

        foreach (var g in gaps)
        {
            md.Bullet(Text(g));
        }

        md.EndBlock();

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
