using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// DEPENDENCY_ANALYSIS, for a person: the counts by type, then every dependency once — the directive's "Dependency"
/// block for each one that needs action, with the evidence that decided it; the unused declarations and inconsistent
/// pins one row each under the reason they share; one row for each of the rest (packages, tools, APIs, data,
/// name-template groups, credentials, secrets). Every record's full evidence is in the JSON report.
/// </summary>
internal static class DependencyReport
{
    public static ReportDocument Build(ReportContext c)
    {
        var deps = c.Dependencies;
        var md = new MarkdownBuilder(4096 + (deps.Count * 300));
        var problems = deps.Where(NeedsAction).ToList();
        var unverified = deps.Count(d => d.Status == DependencyStatus.NotVerified);
        var verdict = deps.Count == 0
            ? "no dependency was found"
            : problems.Count == 0 && unverified == 0
                ? $"all {ReportText.Count(deps.Count, "dependency", "dependencies")} {ReportText.Status(DependencyStatus.Ready)}"
                : string.Join("; ", new[]
                {
                    problems.Count == 0 ? null : $"{N(problems.Count)} of {ReportText.Count(deps.Count, "dependency", "dependencies")} need action ({N(problems.Count(d => d.Critical))} critical)",
                    unverified == 0 ? null : $"{N(unverified)} {ReportText.Status(DependencyStatus.NotVerified)}",
                }.Where(s => s is not null));
        var title = ReportSections.Header(md, c, "Dependency Analysis", verdict);
        md.Field("Dependencies", $"{N(deps.Count)} — {ReportSections.Counts(deps.Select(d => d.Status), ReportText.Status)}");
        md.Field("Critical", $"{N(deps.Count(d => d.Critical))} needed by a phase task's script");
        md.EndBlock();

        md.Heading(2, "By type");
        var statuses = Enum.GetValues<DependencyStatus>().Where(s => deps.Any(d => d.Status == s)).ToArray();
        md.Table(
            new[] { "Type", "Total" }.Concat(statuses.Select(ReportText.Status)).ToArray(),
            deps.GroupBy(d => d.Type).OrderBy(g => g.Key).Select(g =>
                (IReadOnlyList<string>)new[] { ReportText.Type(g.Key), N(g.Count()) }.Concat(statuses.Select(s => N(g.Count(d => d.Status == s)))).ToArray()),
            new[] { false }.Concat(Enumerable.Repeat(true, statuses.Length + 1)).ToArray());

        // Every dependency once: a block when it needs action, a row of the minor table, or a row of the rest.
        md.Heading(2, "Dependencies that need action");
        var detailed = deps.Where(d => NeedsAction(d) && !Minor(d)).ToList();
        if (detailed.Count == 0)
        {
            md.Paragraph("None.");
        }

        foreach (var d in detailed)
        {
            Block(md, c, d);
        }

        var minor = deps.Where(Minor).ToList();
        if (minor.Count > 0)
        {
            md.Heading(2, "Minor: unused declarations and inconsistent pins");
            foreach (var group in minor.GroupBy(d => (d.Status, d.Purpose)).OrderBy(g => g.Key.Status).ThenBy(g => g.Key.Purpose, StringComparer.Ordinal))
            {
                md.Paragraph($"{ReportText.Status(group.Key.Status)} ({N(group.Count())}){(string.IsNullOrEmpty(group.Key.Purpose) ? "" : ": " + Text(group.Key.Purpose))}.");
                md.Table(
                    new[] { "Name", "Required", "Declared in", "Blockers" },
                    group.Select(d => (IReadOnlyList<string>)new[]
                    {
                        Code(d.Name), Text(d.VersionRequired), ReportText.Some(d.DeclaredIn.Select(Code).ToList(), ReportLimits.FilesPerDependency, rest: c.InJson("Dependencies[].DeclaredIn")), c.BlockerList(c.BlockersOf(d)),
                    }));
            }
        }

        md.Heading(2, "Other dependencies");
        var others = deps.Where(d => !NeedsAction(d)).ToList();
        md.Paragraph(others.Count == 0
            ? "None: every dependency is above."
            : $"One row per dependency that needs no action or was not verified ({ReportText.Status(DependencyStatus.Ready)} or {ReportText.Status(DependencyStatus.NotVerified)}); every field of every record is {c.InJson("Dependencies[]")}.");
        if (others.Count > 0)
        {
            md.Table(
                new[] { "Type", "Name", "Required", "Installed", "Status", "Critical", "Used by", "Blockers" },
                others.Select(d => (IReadOnlyList<string>)new[]
                {
                    ReportText.Type(d.Type), Code(d.Name), Text(d.VersionRequired), Text(d.VersionInstalled), ReportText.Status(d.Status),
                    d.Critical ? "yes" : "no", N(d.UsedBy.Count), c.Ids(c.BlockersOf(d)),
                }),
                new[] { false, false, false, false, false, false, true, false });
        }

        md.Heading(2, "Evidence");
        md.Paragraph($"The evidence of every dependency (declarations with their lines, imports, calls, probes) is {c.InJson("Dependencies[].Evidence")}; the blocks above show the first of each.");
        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.Dependencies, title, md.ToString(), md.Charts);
    }

    private static bool NeedsAction(DependencyRecord d) => d.Status is not (DependencyStatus.Ready or DependencyStatus.NotVerified);

    /// <summary>Low-priority statuses shown as one table row each rather than a block.</summary>
    private static bool Minor(DependencyRecord d) => d.Status is DependencyStatus.Unused or DependencyStatus.InconsistentPins;

    /// <summary>The directive's "Dependency" block, with the first evidence lines.</summary>
    private static void Block(MarkdownBuilder md, ReportContext c, DependencyRecord d)
    {
        md.HeadingMarkdown(3, "Dependency: " + Code(d.Name));
        md.Field("Type", ReportText.Type(d.Type));
        md.Field("Version Required", string.IsNullOrEmpty(d.VersionRequired) ? "not pinned" : Text(d.VersionRequired));
        md.Field("Version Installed", string.IsNullOrEmpty(d.VersionInstalled)
            ? (d.Status == DependencyStatus.Missing ? "not installed" : "not measured")
            : Text(d.VersionInstalled));
        md.Field("Location", string.IsNullOrEmpty(d.Location) ? "unknown" : Code(d.Location));
        md.Field("Purpose", string.IsNullOrEmpty(d.Purpose) ? "not stated" : Text(d.Purpose));
        md.Field("Status", ReportText.Status(d.Status));
        md.Field("Declared In", d.DeclaredIn.Count == 0 ? "nowhere" : ReportText.Some(d.DeclaredIn.Select(Code).ToList(), ReportLimits.FilesPerDependency, rest: c.InJson("Dependencies[].DeclaredIn")));
        md.Field("Used By", d.UsedBy.Count == 0 ? "no script" : ReportText.Some(d.UsedBy.Select(Code).ToList(), ReportLimits.FilesPerDependency, rest: c.InJson("Dependencies[].UsedBy")));
        md.Field("Fallback", string.IsNullOrEmpty(d.Fallback) ? (d.Critical ? "None (critical dependency)" : "None") : Text(d.Fallback));
        md.Field("Blockers", c.BlockerList(c.BlockersOf(d)));
        md.EndBlock();
        ReportSections.Bullets(md, d.Evidence.Select(ReportText.Evidence).ToList(), ReportLimits.EvidencePerDependency, c.InJson("Dependencies[].Evidence"));
        md.EndBlock();
    }
}
