using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>IMPLEMENTATION_SCRIPT_INVENTORY: every script, its readiness and the directive's "Script" block for each.</summary>
internal static class ScriptInventoryReport
{
    public static ReportDocument Build(ReportContext c)
    {
        var scripts = c.Scripts;
        var md = new MarkdownBuilder(4096 + (scripts.Count * 900));
        var notReady = scripts.Count(s => s.Status != ScriptStatus.Ready);
        var verdict = scripts.Count == 0
            ? "no scripts were found"
            : notReady == 0
                ? $"all {N(scripts.Count)} scripts {ReportText.Status(ScriptStatus.Ready)}"
                : $"{N(notReady)} of {ReportText.Count(scripts.Count, "script")} not ready: " + string.Join(", ",
                    new[] { ScriptStatus.Blocked, ScriptStatus.Missing, ScriptStatus.Partial }
                        .Select(s => (s, n: scripts.Count(x => x.Status == s))).Where(x => x.n > 0)
                        .Select(x => $"{N(x.n)} {ReportText.Status(x.s)}"));
        var title = ReportSections.Header(md, c, "Implementation Script Inventory", verdict);
        var findings = scripts.SelectMany(s => s.Findings).ToList();
        md.Field("Scripts", $"{N(scripts.Count)} — {ReportSections.Counts(scripts.Select(s => s.Status), ReportText.Status)}");
        md.Field("Findings", $"{N(findings.Count)} — {ReportSections.Counts(findings.Select(f => f.Severity), s => s.ToString())}");
        md.EndBlock();
        md.Paragraph("Categories: ✅ READY — exists, no blocking finding; ⚠️ PARTIAL — exists, needs updates; ❌ MISSING — required but absent; 🔴 BLOCKED — exists but cannot run as referenced.");

        md.Heading(2, "Scripts by category");
        var statuses = Enum.GetValues<ScriptStatus>();
        md.Table(
            new[] { "Category", "Scripts" }.Concat(statuses.Select(ReportText.Status)).ToArray(),
            scripts.GroupBy(s => s.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
                (IReadOnlyList<string>)new[] { Text(g.Key), N(g.Count()) }.Concat(statuses.Select(st => N(g.Count(s => s.Status == st)))).ToArray()),
            new[] { false }.Concat(Enumerable.Repeat(true, statuses.Length + 1)).ToArray());

        md.Heading(2, "Scripts");
        md.Table(
            new[] { "Path", "Kind", "Category", "Status", "Lines", "Findings", "Blockers" },
            scripts.Select(s => (IReadOnlyList<string>)new[]
            {
                Code(s.Path), s.Kind.ToString(), Text(s.Category), ReportText.Status(s.Status), N(s.Lines), N(s.Findings.Count),
                string.Join(", ", c.BlockersOf(s).Select(b => Code(b.Id))),
            }),
            new[] { false, false, false, false, true, true, false });

        md.Heading(2, "Script details");
        foreach (var s in scripts)
        {
            Block(md, c, s);
        }

        md.Heading(2, "Findings");
        if (findings.Count == 0)
        {
            md.Paragraph("No analyzer finding in any script.");
        }
        else
        {
            md.Table(
                new[] { "Location", "Rule", "Severity", "Message" },
                scripts.SelectMany(s => s.Findings).Select(f => (IReadOnlyList<string>)new[] { Code(f.Location), Code(f.Rule), f.Severity.ToString(), Text(f.Message) }));
        }

        md.Heading(2, "Evidence");
        foreach (var s in scripts)
        {
            ReportSections.EvidenceList(md, $"{Code(s.Path)}:", s.Evidence);
        }

        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.ScriptInventory, title, md.ToString(), md.Charts);
    }

    /// <summary>The directive's "Script" block.</summary>
    private static void Block(MarkdownBuilder md, ReportContext c, ScriptRecord s)
    {
        md.HeadingMarkdown(3, "Script: " + (s.Status == ScriptStatus.Missing ? Text(s.Name) : Code(Path.GetFileName(s.Path))));
        md.Field("Status", ReportText.Status(s.Status));
        md.Field("Location", s.Status == ScriptStatus.Missing ? $"none (expected to match {Code(s.Path)})" : Code(s.Path));
        md.Field("Kind", $"{s.Kind} ({Text(s.Category)})");
        md.Field("Purpose", string.IsNullOrEmpty(s.Purpose) ? "not stated" : Text(s.Purpose));
        foreach (var (mandate, status) in s.Compliance.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            md.Field($"{mandate} Compliance", Text(status));
        }

        if (s.PhaseTasks.Count > 0)
        {
            md.Field("Phase Tasks", string.Join("; ", s.PhaseTasks.Select(t => Text($"{t.Phase}: {t.Task}"))));
        }

        if (s.Status != ScriptStatus.Missing)
        {
            md.Field("Last Modified", s.LastModified is null ? "unknown" : $"{ReportText.Time(s.LastModified.Value.ToUniversalTime())}{(s.LastModifiedSource is { } src ? $" ({src})" : "")}");
            md.Field("Lines of Code", $"{ReportText.Count(s.Lines, "line")} ({N(s.CodeLines)} code)");
        }

        var deps = s.Distributions.Select(Text).ToList();
        if (s.ToolsInvoked.Count > 0)
        {
            deps.Add("tools: " + string.Join(", ", s.ToolsInvoked.Select(Text)));
        }

        md.Field("Dependencies", deps.Count == 0 ? "none detected" : string.Join(", ", deps));
        md.Field("Execution Mode", s.ExecutionMode == ExecutionMode.Parallel && s.WorkersFlag is { } w ? $"Parallel ({Code(w)} flag)" : s.ExecutionMode.ToString());
        if (s.Interactive)
        {
            md.Field("Interactive", "yes: waits for input when run");
        }

        md.Field("Cost Estimate", s.CostEstimate is null ? "not estimated" : $"{Text(ReportText.Usd(s.CostEstimate))} ({Text(s.CostEstimate.Basis)})");
        md.Field("Findings", s.Findings.Count == 0 ? "none" : string.Join("; ", s.Findings.Select(f => $"{Code(f.Rule)} at {Code(f.Location)}")));
        md.Field("Blockers", ReportContext.BlockerList(c.BlockersOf(s), withTitles: true));
        md.Field("Recommendation", string.IsNullOrEmpty(s.Recommendation) ? "none" : Text(s.Recommendation));
        md.EndBlock();
    }
}
