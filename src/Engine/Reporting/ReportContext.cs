using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>
/// One AuditResult prepared for the writers: every list in its report order (DESIGN.md: by Kind, then Target or
/// Path; blockers by priority) and the blockers looked up by what they were raised on. Built once per export and
/// shared by every format.
/// </summary>
internal sealed class ReportContext
{
    private readonly ILookup<string, Blocker> byScript;
    private readonly ILookup<string, Blocker> byInfra;
    private readonly ILookup<string, Blocker> byDependency;
    private readonly ILookup<string, Blocker> byOther;
    private readonly ILookup<string, Blocker> unmeasured;

    private ReportContext(AuditResult result)
    {
        Result = result;
        Scripts = result.Scripts.OrderBy(s => s.Kind).ThenBy(s => s.Path, StringComparer.Ordinal).ToList();
        Infrastructure = result.Infrastructure.OrderBy(c => c.Kind).ThenBy(c => c.Target, StringComparer.Ordinal).ThenBy(c => c.Check, StringComparer.Ordinal).ToList();
        Dependencies = result.Dependencies.OrderBy(d => d.Type).ThenBy(d => d.Name, StringComparer.Ordinal).ToList();
        Blockers = result.Blockers.OrderBy(b => b.Priority).ToList();
        PhaseBlockers = result.Readiness.Blockers.OrderBy(b => b.Priority).ToList();
        var inPhase = PhaseBlockers.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        RepositoryFindings = Blockers.Where(b => !inPhase.Contains(b.Id)).ToList();

        byScript = Blockers.Where(b => b.Source.Type == nameof(ScriptRecord)).ToLookup(b => b.Source.Target, StringComparer.Ordinal);
        byDependency = Blockers.Where(b => b.Source.Type == nameof(DependencyRecord)).ToLookup(b => b.Source.Target, StringComparer.Ordinal);
        byOther = Blockers.Where(b => b.Source.Type is not (nameof(ScriptRecord) or nameof(DependencyRecord) or nameof(InfraCheck)))
            .ToLookup(b => b.Source.Target, StringComparer.Ordinal);

        // An infrastructure blocker names its check's target, the API without "api:", or (one per unmeasured kind)
        // the kind, with every target it covers as evidence.
        byInfra = Blockers.Where(b => b.Source.Type == nameof(InfraCheck))
            .SelectMany(b => b.Evidence.Select(e => e.Location).Append(b.Source.Target).Append("api:" + b.Source.Target)
                .Distinct(StringComparer.Ordinal).Select(t => (Target: t, Blocker: b)))
            .ToLookup(x => x.Target, x => x.Blocker, StringComparer.Ordinal);

        unmeasured = Blockers.Where(b => b.Rule == "infra.not-verified").ToLookup(b => b.Source.Target, StringComparer.Ordinal);
        DateToken = ReportNames.DateToken(result);
    }

    public AuditResult Result { get; }

    public PhaseReadiness Readiness => Result.Readiness;

    public AuditRun Run => Result.Run;

    public IReadOnlyList<ScriptRecord> Scripts { get; }

    public IReadOnlyList<InfraCheck> Infrastructure { get; }

    public IReadOnlyList<DependencyRecord> Dependencies { get; }

    /// <summary>Every blocker, P0 first (the engine's order within a priority).</summary>
    public IReadOnlyList<Blocker> Blockers { get; }

    /// <summary>The blockers of the decided phase, P0 first.</summary>
    public IReadOnlyList<Blocker> PhaseBlockers { get; }

    /// <summary>Blockers that touch nothing the decided phase runs: repository findings, P0 first.</summary>
    public IReadOnlyList<Blocker> RepositoryFindings { get; }

    public string DateToken { get; }

    /// <summary>The JSON result's file name, where every list a report caps is whole.</summary>
    public string JsonName => ReportNames.JsonFileName(Result);

    /// <summary><c>in `AUDIT_RESULT_20251213.json` (`Blockers[].Evidence`)</c>: where the items a report does not list are.</summary>
    public string InJson(string field) => $"in {MarkdownBuilder.Code(JsonName)} ({MarkdownBuilder.Code(field)})";

    /// <summary>A path relative to the audited root (see <see cref="ReportText.Portable"/>).</summary>
    public string Portable(string? path) => ReportText.Portable(path, Run.Root);

    public static ReportContext For(AuditResult result) => new(result);

    /// <summary>
    /// The document with no full path of the audit machine for what lies under the audited root: whatever text the
    /// engine carried (an error message naming a file, a tool's output), <c>ROOT/scripts/a.py</c> reads
    /// <c>scripts/a.py</c> and the root itself its folder name. Reports are read on other machines; the JSON keeps
    /// <c>Run.Root</c>.
    /// </summary>
    public ReportDocument WithoutRoot(ReportDocument document)
    {
        var root = ReportText.FullRoot(Run.Root);
        if (root is null || Path.GetPathRoot(root) == root)
        {
            return document; // no root, or a file-system root: every absolute path would match
        }

        var markdown = document.Markdown;
        var name = ReportText.RootName(Run.Root);
        foreach (var form in new[] { root, MarkdownBuilder.Text(root) }.Distinct(StringComparer.Ordinal))
        {
            if (markdown.Contains(form, StringComparison.Ordinal))
            {
                markdown = markdown.Replace(form + "/", "", StringComparison.Ordinal).Replace(form, name, StringComparison.Ordinal);
            }
        }

        return ReferenceEquals(markdown, document.Markdown) ? document : new ReportDocument(document.Deliverable, document.Title, markdown, document.Charts);
    }

    public string FileName(Deliverable d) => ReportNames.FileName(Result, d);

    /// <summary>Blockers raised on a script (for a Missing record: on its phase task).</summary>
    public IReadOnlyList<Blocker> BlockersOf(ScriptRecord s)
    {
        var found = byScript[s.Path];
        if (s.Status == ScriptStatus.Missing)
        {
            found = found.Concat(s.PhaseTasks.SelectMany(t => byScript[$"{t.Phase}/{t.Task}"]));
        }

        return found.Distinct().ToList();
    }

    /// <summary>Blockers raised on an infrastructure check, including the "cloud not measured" blocker of its cause.</summary>
    public IReadOnlyList<Blocker> BlockersOf(InfraCheck c) => byInfra[c.Target]
        .Where(b => b.Rule != "infra.not-verified" && (b.Source.Target == c.Target || "api:" + b.Source.Target == c.Target))
        .Concat(c.Status is InfraCheckStatus.NotVerified or InfraCheckStatus.Error ? unmeasured[BqxAudit.Readiness.InfraBlockers.Cause(c.Actual, c.Status)] : Enumerable.Empty<Blocker>())
        .Distinct().ToList();

    /// <summary>Blockers raised on anything other than a script, a check or a dependency (a phase task, a rename, the phase), by target.</summary>
    public IEnumerable<Blocker> OtherBlockers(string target) => byOther[target];

    public IReadOnlyList<Blocker> BlockersOf(DependencyRecord d) => byDependency[d.Name].ToList();

    /// <summary>Blockers raised on a phase task: its scope, its missing script, its scripts (P0 and P1 only, as the schedule counts them).</summary>
    public IReadOnlyList<Blocker> BlockersOf(PhaseTask task)
    {
        var key = $"{Readiness.Phase}/{task.Name}";
        return byOther[key].Concat(byScript[key]).Concat(task.Scripts.SelectMany(p => byScript[p]))
            .Where(b => b.Priority <= Priority.P1 && b.AffectedPhase == Readiness.Phase)
            .Distinct().OrderBy(b => b.Priority).ToList();
    }

    /// <summary>
    /// <c>BQX-1 (P0), BQX-2 (P2)</c> or <c>None identified</c>; past <see cref="ReportLimits.BlockerIds"/>, the rest counted
    /// with where they are (every blocker names what it was raised on in <c>Blockers[].Source</c>).
    /// </summary>
    public string BlockerList(IReadOnlyList<Blocker> blockers, bool withTitles = false) =>
        blockers.Count == 0
            ? "None identified"
            : ReportText.Some(blockers.Select(b => withTitles
                ? $"{MarkdownBuilder.Code(b.Id)} {b.Priority} {MarkdownBuilder.Text(b.Title)}"
                : $"{MarkdownBuilder.Code(b.Id)} ({b.Priority})").ToList(), ReportLimits.BlockerIds, rest: InJson("Blockers[].Source"));

    /// <summary>Blocker Ids for a table cell (<c>`BQX-1`, `BQX-2`</c>), past <see cref="ReportLimits.BlockerIds"/> the rest counted; empty for none.</summary>
    public string Ids(IEnumerable<Blocker> blockers) =>
        ReportText.Some(blockers.Select(b => MarkdownBuilder.Code(b.Id)).ToList(), ReportLimits.BlockerIds, rest: InJson("Blockers[].Source"));
}
