using BqxAudit.Inventory.Analyzers.Docker;
using BqxAudit.Inventory.Analyzers.Python;
using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// IMPLEMENTATION_SCRIPT_INVENTORY, for a person: totals per kind, the phase's scripts and what each does, every
/// container image with its base image, pins and ENV, the directive's "Script" block for each script that needs
/// attention (PARTIAL, BLOCKED, MISSING, or a phase script), one row for every file, and the Info findings grouped
/// by rule with their exact locations. Everything else a record holds is in the JSON report.
/// </summary>
internal static class ScriptInventoryReport
{
    /// <summary>Scripts that must share a finding word for word before it is stated once above the blocks.</summary>
    private const int SharedAfter = 3;

    public static ReportDocument Build(ReportContext c)
    {
        var scripts = c.Scripts;
        var md = new MarkdownBuilder(8192 + (scripts.Count * 160));
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
        var present = scripts.Where(s => s.Status != ScriptStatus.Missing).ToList();
        if (present.Any(s => s.CostEstimate?.Basis.Contains("offline", StringComparison.Ordinal) == true))
        {
            md.Field("Cost estimates", $"not verified: offline (they need BigQuery dry runs); each script's is {c.InJson("Scripts[].CostEstimate")}");
        }

        md.Field("Execution", $"{N(present.Count(s => s.ExecutionMode == ExecutionMode.Parallel))} Parallel (start a pool, executor, process or thread) · {N(present.Count(s => s.ExecutionMode == ExecutionMode.Sequential))} Sequential");
        md.EndBlock();
        md.Paragraph("Categories: ✅ READY — exists, no blocking finding; ⚠️ PARTIAL — exists, needs updates; ❌ MISSING — required but absent; 🔴 BLOCKED — exists but cannot run as referenced.");

        Totals(md, scripts);
        PhaseScripts(md, c);
        Images(md, c, scripts);

        md.Heading(2, "Scripts that need attention");
        var attention = scripts.Where(s => s.Status != ScriptStatus.Ready || s.PhaseTasks.Count > 0).ToList();
        if (attention.Count == 0)
        {
            md.Paragraph("None: every script is READY and none implements a phase task.");
        }

        var shared = SharedFindings(md, attention);
        foreach (var s in attention)
        {
            Block(md, c, s, shared);
        }

        md.Heading(2, "Other scripts");
        var blocked = attention.ToHashSet();
        var others = scripts.Where(s => !blocked.Contains(s)).ToList();
        md.Paragraph($"One row per file that has no block above: {(others.Count == 0 ? "none" : $"all {N(others.Count)} {ReportText.Status(ScriptStatus.Ready)}, none in a phase task")}; "
                     + $"every field of every record is {c.InJson("Scripts[]")}. Findings here are Info findings (listed by rule below).");
        var withBlockers = others.Any(s => c.BlockersOf(s).Count > 0);
        md.Table(
            new[] { "Path", "Kind", "Lines", "Findings" }.Concat(withBlockers ? new[] { "Blockers" } : Array.Empty<string>()).ToArray(),
            others.Select(s => (IReadOnlyList<string>)new[]
            {
                Code(s.Path), s.Kind.ToString(), N(s.Lines), N(s.Findings.Count),
            }.Concat(withBlockers ? new[] { c.Ids(c.BlockersOf(s)) } : Array.Empty<string>()).ToArray()),
            new[] { false, false, true, true, false });

        InfoFindings(md, c, scripts);

        md.Heading(2, "Evidence");
        ShellCheckNote(md, c, scripts);
        md.Paragraph($"Each script's evidence (what was read, the lines that decided its status, the calls into containers, ENV settings) is {c.InJson("Scripts[].Evidence")}.");
        ReportSections.RunEvidence(md, c);
        return new ReportDocument(Deliverable.ScriptInventory, title, md.ToString(), md.Charts);
    }

    private static void Totals(MarkdownBuilder md, IReadOnlyList<ScriptRecord> scripts)
    {
        md.Heading(2, "Totals per kind");
        var statuses = Enum.GetValues<ScriptStatus>();
        md.Table(
            new[] { "Kind", "Files", "Lines", "Code lines" }.Concat(statuses.Select(ReportText.Status)).Append("Findings").ToArray(),
            scripts.GroupBy(s => s.Kind).OrderBy(g => g.Key).Select(g => (IReadOnlyList<string>)new[]
                {
                    g.Key.ToString(), N(g.Count()), N(g.Sum(s => s.Lines)), N(g.Sum(s => s.CodeLines)),
                }.Concat(statuses.Select(st => N(g.Count(s => s.Status == st)))).Append(N(g.Sum(s => s.Findings.Count))).ToArray()),
            new[] { false }.Concat(Enumerable.Repeat(true, statuses.Length + 4)).ToArray());

        md.Heading(2, "Scripts by category");
        md.Table(
            new[] { "Category", "Scripts" }.Concat(statuses.Select(ReportText.Status)).ToArray(),
            scripts.GroupBy(s => s.Category).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g =>
                (IReadOnlyList<string>)new[] { Text(g.Key), N(g.Count()) }.Concat(statuses.Select(st => N(g.Count(s => s.Status == st)))).ToArray()),
            new[] { false }.Concat(Enumerable.Repeat(true, statuses.Length + 1)).ToArray());
    }

    private static void PhaseScripts(MarkdownBuilder md, ReportContext c)
    {
        md.Heading(2, $"{c.Readiness.PhaseName}: its scripts");
        var rows = c.Scripts.SelectMany(s => s.PhaseTasks.Where(t => t.Phase == c.Readiness.Phase).Select(t => (Task: t.Task, Script: s))).ToList();
        if (rows.Count == 0)
        {
            md.Paragraph("No inventoried script implements a task of this phase.");
            return;
        }

        md.Table(
            new[] { "Task", "Script", "Status", "What it does", "Lines", "Mode", "Blockers" },
            rows.Select(r => (IReadOnlyList<string>)new[]
            {
                Text(r.Task), r.Script.Status == ScriptStatus.Missing ? $"none (expected {Code(r.Script.Path)})" : Code(r.Script.Path),
                ReportText.Status(r.Script.Status), string.IsNullOrEmpty(r.Script.Purpose) ? "not stated" : Text(Truncate(r.Script.Purpose, 100)),
                N(r.Script.Lines), r.Script.Status == ScriptStatus.Missing ? "" : r.Script.ExecutionMode.ToString(),
                c.Ids(c.BlockersOf(r.Script)),
            }),
            new[] { false, false, false, false, true, false, false });
    }

    private static void Images(MarkdownBuilder md, ReportContext c, IReadOnlyList<ScriptRecord> scripts)
    {
        var dockerfiles = scripts.Where(s => s.Kind == ScriptKind.Dockerfile).ToList();
        var builds = scripts.Where(s => s.Kind == ScriptKind.CloudBuild).ToList();
        if (dockerfiles.Count == 0 && builds.Count == 0)
        {
            return;
        }

        md.Heading(2, "Container images");
        if (dockerfiles.Count > 0)
        {
            md.Table(
                new[] { "Dockerfile", "Status", "Base image", "pip installs (pins)", "Runs" },
                dockerfiles.Select(d => (IReadOnlyList<string>)new[]
                {
                    Code(d.Path), ReportText.Status(d.Status),
                    d.BaseImages.Count == 0 ? "none" : ReportText.Some(d.BaseImages.Select(Code).ToList(), ReportLimits.PinsPerImage, rest: c.InJson("Scripts[].BaseImages")),
                    d.PipInstalls.Count == 0 ? "none" : ReportText.Some(d.PipInstalls.Select(p => Code(p.Requirement)).ToList(), ReportLimits.PinsPerImage, rest: c.InJson("Scripts[].PipInstalls")),
                    d.Invocations.Count == 0 ? "no ENTRYPOINT/CMD" : ReportText.Some(d.Invocations.Select(i => Code(i.Script is null ? i.Tool : $"{i.Tool} {i.Script}") + $" (line {i.Line})").ToList(), ReportLimits.InvocationsPerImage, "; ", c.InJson("Scripts[].Invocations")),
                }));
            var env = dockerfiles.Select(d => (d, Settings: d.Evidence.FirstOrDefault(e => e.Detail.StartsWith(ImageLayout.EnvEvidence, StringComparison.Ordinal))))
                .Where(x => x.Settings is not null).ToList();
            if (env.Count > 0)
            {
                md.Paragraph("ENV settings of the final stage:");
                foreach (var (d, settings) in env)
                {
                    md.Bullet($"{Code(d.Path)}: {Text(settings!.Detail[ImageLayout.EnvEvidence.Length..])}");
                }

                md.EndBlock();
            }
        }

        if (builds.Count > 0)
        {
            md.Table(
                new[] { "Cloud Build config", "Status", "Step images", "Images pushed" },
                builds.Select(b => (IReadOnlyList<string>)new[]
                {
                    Code(b.Path), ReportText.Status(b.Status),
                    b.BaseImages.Count == 0 ? "none" : ReportText.Some(b.BaseImages.Select(Code).ToList(), ReportLimits.PinsPerImage, rest: c.InJson("Scripts[].BaseImages")),
                    b.ImagesPushed.Count == 0 ? "none" : ReportText.Some(b.ImagesPushed.Select(Code).ToList(), ReportLimits.PinsPerImage, rest: c.InJson("Scripts[].ImagesPushed")),
                }));
        }
    }

    /// <summary>
    /// Warning and Error findings that several scripts share word for word (a rule whose message names no file), stated
    /// once before the blocks; each block then lists them by location and rule only.
    /// </summary>
    private static HashSet<(string Rule, string Message)> SharedFindings(MarkdownBuilder md, IReadOnlyList<ScriptRecord> attention)
    {
        var groups = attention
            .SelectMany(s => s.Findings.Where(f => f.Severity != FindingSeverity.Info).Select(f => (Script: s, Finding: f)))
            .GroupBy(x => (x.Finding.Rule, x.Finding.Message))
            .Where(g => g.Select(x => x.Script).Distinct().Skip(SharedAfter - 1).Any())
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key.Rule, StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            return new HashSet<(string, string)>();
        }

        md.Paragraph("Findings that several scripts share word for word, stated once (each block below names them by location and rule):");
        foreach (var g in groups)
        {
            var first = g.First().Finding;
            md.Bullet($"{Code(first.Rule)} ({first.Severity}), {ReportText.Count(g.Select(x => x.Script).Distinct().Count(), "script")}: {Text(first.Message)}");
        }

        md.EndBlock();
        return groups.Select(g => g.Key).ToHashSet();
    }

    /// <summary>The directive's "Script" block, with each finding at its exact location.</summary>
    private static void Block(MarkdownBuilder md, ReportContext c, ScriptRecord s, HashSet<(string Rule, string Message)> shared)
    {
        md.HeadingMarkdown(3, "Script: " + (s.Status == ScriptStatus.Missing ? Text(s.Name) : Code(s.Path)));
        md.Field("Status", ReportText.Status(s.Status));
        if (s.Status == ScriptStatus.Missing)
        {
            md.Field("Location", $"none (expected to match {Code(s.Path)})");
        }

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
            var deps = new List<string>();
            if (s.Distributions.Count > 0)
            {
                deps.Add(ReportText.Some(s.Distributions.Select(Text).ToList(), ReportLimits.DependenciesPerScript, rest: c.InJson("Scripts[].Distributions")));
            }

            if (s.ToolsInvoked.Count > 0)
            {
                deps.Add("tools: " + ReportText.Some(s.ToolsInvoked.Select(Text).ToList(), ReportLimits.DependenciesPerScript, rest: c.InJson("Scripts[].ToolsInvoked")));
            }

            if (s.Kind == ScriptKind.Dockerfile && s.BaseImages.Count + s.PipInstalls.Count > 0)
            {
                // The image's base and pins are its row of "Container images"; the block does not repeat them.
                deps.Add($"{ReportText.Count(s.BaseImages.Count, "base image")} and {ReportText.Count(s.PipInstalls.Count, "pip install")} (see Container images)");
            }

            md.Field("Dependencies", deps.Count == 0 ? "none detected" : string.Join(", ", deps));
            md.Field("Execution Mode", ExecutionModeText(s));
            if (s.Interactive)
            {
                var at = s.Evidence.FirstOrDefault(e => e.Detail.StartsWith(PythonFileAnalysis.InteractiveEvidence, StringComparison.Ordinal));
                md.Field("Interactive", at is null ? "yes: waits for input when run" : $"yes: waits for input at {Code(at.Location)}");
            }

            var destructive = s.SqlStatements.Where(IsDestructive).Distinct(StringComparer.Ordinal).ToList();
            if (destructive.Count > 0)
            {
                md.Field("Destructive SQL", ReportText.Some(destructive.Select(q => Code(Truncate(q.Trim(), 90))).ToList(), ReportLimits.Statements, "; ", c.InJson("Scripts[].SqlStatements")));
            }

            if (s.CostEstimate is null || !s.CostEstimate.Basis.Contains("offline", StringComparison.Ordinal))
            {
                md.Field("Cost Estimate", s.CostEstimate is null ? "not estimated" : $"{Text(ReportText.Usd(s.CostEstimate))} ({Text(s.CostEstimate.Basis)})");
            }
        }

        md.Field("Blockers", c.BlockerList(c.BlockersOf(s)));
        var repeatsFinding = s.Recommendation is { } rec && s.Findings.Any(f => f.Severity != FindingSeverity.Info && rec.EndsWith(f.Message, StringComparison.Ordinal));
        md.Field("Recommendation", string.IsNullOrEmpty(s.Recommendation) ? "none" : repeatsFinding ? "fix the findings below" : Text(s.Recommendation));
        md.EndBlock();
        var shown = s.Findings.Where(f => f.Severity != FindingSeverity.Info).ToList();
        if (shown.Count > 0)
        {
            md.Paragraph("Findings:");
            ReportSections.Bullets(md, shown.Select(f => $"{Code(f.Location)} {Code(f.Rule)} ({f.Severity}): {(shared.Contains((f.Rule, f.Message)) ? "as stated above the blocks" : Text(f.Message))}").ToList(),
                ReportLimits.FindingsPerScript, c.InJson("Scripts[].Findings"));
            md.EndBlock();
        }
    }

    private static string ExecutionModeText(ScriptRecord s)
    {
        var site = s.Evidence.FirstOrDefault(e => e.Detail.StartsWith(PythonFileAnalysis.ParallelEvidence, StringComparison.Ordinal));
        var library = s.Evidence.FirstOrDefault(e => e.Detail.StartsWith(PythonFileAnalysis.LibraryParallelEvidence, StringComparison.Ordinal));
        var mode = s.ExecutionMode == ExecutionMode.Parallel
            ? "Parallel" + (site is null ? "" : $" ({Text(site.Detail[PythonFileAnalysis.ParallelEvidence.Length..])})") + (s.WorkersFlag is { } w ? $", {Code(w)} flag" : "")
            : "Sequential";
        if (library is not null)
        {
            var what = library.Detail[PythonFileAnalysis.LibraryParallelEvidence.Length..];
            var cut = what.IndexOf(" (", StringComparison.Ordinal);
            mode += $"; library-internal parallelism: {Text(cut < 0 ? what : what[..cut])}";
        }

        return mode;
    }

    private static bool IsDestructive(string sql)
    {
        var t = sql.TrimStart();
        return t.StartsWith("DROP", StringComparison.OrdinalIgnoreCase) || t.StartsWith("DELETE", StringComparison.OrdinalIgnoreCase) ||
               t.StartsWith("TRUNCATE", StringComparison.OrdinalIgnoreCase) ||
               t.Contains("DROP TABLE", StringComparison.OrdinalIgnoreCase) || t.Contains("DROP VIEW", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>Info findings, one row per rule: its count, its locations by file (the first few files and lines spelled out) and the first message.</summary>
    private static void InfoFindings(MarkdownBuilder md, ReportContext c, IReadOnlyList<ScriptRecord> scripts)
    {
        var info = scripts.SelectMany(s => s.Findings.Where(f => f.Severity == FindingSeverity.Info)).ToList();
        md.Heading(2, "Info findings");
        if (info.Count == 0)
        {
            md.Paragraph("No Info finding in any script.");
            return;
        }

        md.Table(
            new[] { "Rule", "Count", "Locations", "First message" },
            info.GroupBy(f => f.Rule).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<string>)new[]
            {
                Code(g.Key), N(g.Count()),
                ReportSections.Locations(g.Select(f => f.Location), ReportLimits.FilesPerRule, c.InJson("Scripts[].Findings")),
                Text(Truncate(g.First().Message, 140)),
            }),
            new[] { false, true, false, false });
        md.Paragraph($"Every Info finding, with its whole message, is {c.InJson("Scripts[].Findings")}.");
    }

    /// <summary>One line on ShellCheck for the whole run, from the per-script evidence.</summary>
    private static void ShellCheckNote(MarkdownBuilder md, ReportContext c, IReadOnlyList<ScriptRecord> scripts)
    {
        var notes = scripts.Where(s => s.Kind == ScriptKind.Shell)
            .Select(s => s.Evidence.FirstOrDefault(e => e.Detail.StartsWith("shellcheck: ", StringComparison.Ordinal)))
            .Where(e => e is not null).Select(e => e!.Detail["shellcheck: ".Length..]).ToList();
        if (notes.Count == 0)
        {
            return;
        }

        var checkedOnes = notes.Where(n => !n.StartsWith("NotVerified", StringComparison.Ordinal)).ToList();
        var version = checkedOnes.Select(n => n.Split(':')[0]).FirstOrDefault();
        var reasons = notes.Where(n => n.StartsWith("NotVerified", StringComparison.Ordinal)).GroupBy(n => n).OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => $"{N(g.Count())}: {Text(g.Key["NotVerified: ".Length..])}").ToList();
        md.Paragraph($"ShellCheck: {(version is null ? "did not run" : Text(version))} checked {N(checkedOnes.Count)} of {N(notes.Count)} shell scripts" +
                     (checkedOnes.Count == notes.Count ? "." : $"; NOT VERIFIED ❔ for {ReportText.Some(reasons, ReportLimits.Reasons, "; ", c.InJson("Scripts[].Evidence"))}."));
    }
}
