using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>A finding a rule matched, before the rule's text and priority are applied.</summary>
public sealed record BlockerCandidate(string RuleId, string Target, string SourceType, string Detail)
{
    public string? Phase { get; init; }
    public string? Task { get; init; }
    public string? SourceDetail { get; init; }
    public HoursRange? Delay { get; init; }

    /// <summary>A priority that replaces the rule's (a task's <c>priorityIfMissing</c>).</summary>
    public Priority? Priority { get; init; }

    /// <summary>What resolves it together with other blockers (see <see cref="Blocker.ResolvedBy"/>).</summary>
    public string? ResolvedBy { get; init; }

    public IReadOnlyList<Evidence> Evidence { get; init; } = Array.Empty<Evidence>();
}

/// <summary>
/// Turns findings of any kind (ScriptRecord, DependencyRecord, InfraCheck, RenamePlanItem …) into
/// Blockers through the rule table: stable ids, duplicates merged, sorted by priority.
/// </summary>
public sealed class BlockerService
{
    /// <summary>Script finding rules that are style, not risk (P3).</summary>
    public static readonly IReadOnlySet<string> StyleFindingRules = new HashSet<string>(StringComparer.Ordinal)
    {
        "shell.no-errexit", "shell.no-pipefail", "shell.no-set-e",
    };

    private readonly AuditProfile profile;
    private readonly Dictionary<string, BlockerRule> rules;
    private readonly List<Func<object, IEnumerable<BlockerCandidate>?>> extractors = new();

    public BlockerService(AuditProfile profile, IEnumerable<BlockerRuleOverride>? overrides = null)
    {
        this.profile = profile;
        rules = DefaultBlockerRules.All.ToDictionary(r => r.Id, StringComparer.Ordinal);
        foreach (var o in overrides ?? Array.Empty<BlockerRuleOverride>())
        {
            Apply(o);
        }

        extractors.Add(o => o is ScriptRecord s ? FromScript(s) : null);
        extractors.Add(o => o is DependencyRecord d ? FromDependency(d) : null);
    }

    public IReadOnlyCollection<BlockerRule> Rules => rules.Values;

    /// <summary>How blocker texts spell our own commands and options (the host's dialect; default the CLI's).</summary>
    public BqxAudit.Hosting.CommandDialect Dialect { get; init; } = BqxAudit.Hosting.CommandDialect.Cli;

    /// <summary>
    /// The service with every finding type of the audit: scripts, dependencies, infrastructure checks,
    /// rename collisions, scope/cost candidates, and AuditResults or Blockers passed through as they are.
    /// </summary>
    public static BlockerService ForAudit(AuditProfile profile, BqxAudit.Hosting.CommandDialect? dialect = null)
    {
        var service = new BlockerService(profile, profile.BlockerRules) { Dialect = dialect ?? BqxAudit.Hosting.CommandDialect.Cli };
        service.AddExtractor(o => o is InfraCheck c ? InfraBlockers.From(c, profile) : null);
        service.AddExtractor(o => o is RenamePlanItem { Action: RenameAction.Collision } item ? new[]
        {
            new BlockerCandidate("rename.collision", $"{item.Dataset}.{item.Source}", nameof(RenamePlanItem),
                $"{item.Source} → {item.Target} collides with {item.CollidesWith}: {item.Reason}")
            {
                SourceDetail = nameof(RenameAction.Collision),
                Evidence = new[] { new Evidence("file", item.Dataset ?? "", $"{item.Source} → {item.Target}; collides with {item.CollidesWith}") },
            },
        } : null);
        service.AddExtractor(o => o is BlockerCandidate c ? new[] { c } : null);
        return service;
    }

    /// <summary>Blockers from any mix of findings, AuditResults (their blockers) and Blockers (kept as they are), merged and sorted.</summary>
    public IReadOnlyList<Blocker> EvaluateAny(IEnumerable<object> items)
    {
        var passed = new List<Blocker>();
        var findings = new List<object>();
        foreach (var item in items)
        {
            switch (item)
            {
                case Blocker b:
                    passed.Add(b);
                    break;
                case AuditResult r:
                    passed.AddRange(r.Blockers);
                    break;
                default:
                    findings.Add(item);
                    break;
            }
        }

        var merged = passed.GroupBy(b => b.Id).Select(g => g.First()).ToDictionary(b => b.Id, StringComparer.Ordinal);
        foreach (var b in Evaluate(findings))
        {
            merged.TryAdd(b.Id, b);
        }

        return merged.Values
            .OrderBy(b => b.Priority)
            .ThenBy(b => b.Category, StringComparer.Ordinal)
            .ThenBy(b => b.Title, StringComparer.Ordinal)
            .ThenBy(b => b.Id, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>Adds the extraction of another finding type (used by the checks each issue adds).</summary>
    public void AddExtractor(Func<object, IEnumerable<BlockerCandidate>?> extractor) => extractors.Add(extractor);

    /// <summary>The blockers of the given findings, merged by id and sorted by priority, then category and title.</summary>
    public IReadOnlyList<Blocker> Evaluate(IEnumerable<object> findings)
    {
        var merged = Merge(findings);
        InfraBlockers.Describe(merged);
        return merged;
    }

    private List<Blocker> Merge(IEnumerable<object> findings)
    {
        var byId = new Dictionary<string, Blocker>(StringComparer.Ordinal);
        // The evidence each blocker holds, as a set: merging stays linear when thousands of findings share one blocker.
        var seen = new Dictionary<string, HashSet<(string?, string?)>>(StringComparer.Ordinal);
        foreach (var finding in findings)
        {
            foreach (var candidate in Candidates(finding))
            {
                var blocker = Build(candidate);
                if (byId.TryGetValue(blocker.Id, out var existing))
                {
                    var held = seen[blocker.Id];
                    foreach (var e in blocker.Evidence.Where(e => held.Add((e.Location, e.Detail))))
                    {
                        existing.Evidence.Add(e);
                    }
                }
                else
                {
                    byId[blocker.Id] = blocker;
                    seen[blocker.Id] = blocker.Evidence.Select(e => ((string?)e.Location, (string?)e.Detail)).ToHashSet();
                }
            }
        }

        return byId.Values
            .OrderBy(b => b.Priority)
            .ThenBy(b => b.Category, StringComparer.Ordinal)
            .ThenBy(b => b.Title, StringComparer.Ordinal)
            .ThenBy(b => b.Id, StringComparer.Ordinal)
            .ToList();
    }

    public IEnumerable<BlockerCandidate> Candidates(object finding)
    {
        foreach (var extract in extractors)
        {
            if (extract(finding) is { } found)
            {
                return found;
            }
        }

        return Array.Empty<BlockerCandidate>();
    }

    /// <summary><c>BQX-</c> + 8 hex of SHA-256 of the rule id and the target.</summary>
    public static string StableId(string ruleId, string target) =>
        "BQX-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ruleId + "\n" + target)))[..8];

    private Blocker Build(BlockerCandidate c)
    {
        if (!rules.TryGetValue(c.RuleId, out var rule))
        {
            throw new InvalidOperationException($"no blocker rule '{c.RuleId}'");
        }

        var phaseName = c.Phase is null ? null : profile.Phases.FirstOrDefault(p => p.Id == c.Phase)?.Name ?? c.Phase;
        string Fill(string template) => Dialect.Format(template
            .Replace("{Target}", c.Target, StringComparison.Ordinal)
            .Replace("{Phase}", phaseName ?? "every phase", StringComparison.Ordinal)
            .Replace("{Task}", c.Task ?? c.Target, StringComparison.Ordinal)
            .Replace("{Detail}", c.Detail, StringComparison.Ordinal));

        return new Blocker
        {
            Id = StableId(rule.Id, c.Target),
            Title = Fill(rule.Title),
            Priority = c.Priority ?? rule.Priority,
            Category = rule.Category,
            Description = c.Detail,
            ResolvedBy = c.ResolvedBy,
            Impact = Fill(rule.Impact),
            AffectedPhase = c.Phase,
            EstimatedDelay = c.Delay ?? rule.EstimatedDelay,
            Mitigation = Fill(rule.Mitigation),
            Workaround = rule.Workaround is null ? null : Fill(rule.Workaround),
            RecommendedAction = Fill(rule.RecommendedAction),
            Rule = rule.Id,
            Source = new BlockerSource { Type = c.SourceType, Target = c.Target, Detail = c.SourceDetail },
            Evidence = c.Evidence.ToList(),
        };
    }

    private void Apply(BlockerRuleOverride o)
    {
        if (!rules.TryGetValue(o.Rule, out var rule))
        {
            throw new BqxAudit.Hosting.BqxException(new BqxAudit.Hosting.BqxError(BqxAudit.Hosting.ErrorIds.ProfileInvalid,
                BqxAudit.Hosting.BqxErrorCategory.InvalidData,
                $"blockerRules: no rule '{o.Rule}' (rules: {string.Join(", ", rules.Keys.OrderBy(k => k, StringComparer.Ordinal))})", o.Rule));
        }

        var delay = rule.EstimatedDelay;
        if (o.DelayMinHours is not null || o.DelayMaxHours is not null)
        {
            delay = new HoursRange { Min = o.DelayMinHours ?? delay?.Min ?? 0, Max = o.DelayMaxHours ?? o.DelayMinHours ?? delay?.Max ?? 0 };
        }

        rules[o.Rule] = rule with
        {
            Priority = o.Priority is null ? rule.Priority : Enum.Parse<Priority>(o.Priority),
            Category = o.Category ?? rule.Category,
            Mitigation = o.Mitigation ?? rule.Mitigation,
            Workaround = o.Workaround ?? rule.Workaround,
            RecommendedAction = o.RecommendedAction ?? rule.RecommendedAction,
            EstimatedDelay = delay,
        };
    }

    private IEnumerable<BlockerCandidate> FromScript(ScriptRecord s)
    {
        const string type = nameof(ScriptRecord);
        if (s.Status == ScriptStatus.Missing)
        {
            foreach (var t in s.PhaseTasks)
            {
                var task = profile.Phases.FirstOrDefault(p => p.Id == t.Phase)?.Tasks.FirstOrDefault(x => x.Name == t.Task);
                var why = s.Evidence.FirstOrDefault(e => e.Source == "profile")?.Detail ?? $"no file matches {s.Path}";
                yield return new BlockerCandidate("script.missing-phase-task", $"{t.Phase}/{t.Task}", type, why)
                {
                    Phase = t.Phase,
                    Task = t.Task,
                    SourceDetail = nameof(ScriptStatus.Missing),
                    Delay = task?.CreationHours is { } h ? new HoursRange { Min = h.Min, Max = h.Max } : null,
                    Priority = task is not null && Enum.TryParse<Priority>(task.PriorityIfMissing, out var p) ? p : null,
                    Evidence = s.Evidence,
                };
            }

            yield break;
        }

        var errors = s.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
        var style = s.Findings.Where(f => f.Severity == FindingSeverity.Warning && StyleFindingRules.Contains(f.Rule)).ToList();
        var warnings = s.Findings.Where(f => f.Severity == FindingSeverity.Warning && !StyleFindingRules.Contains(f.Rule)
                                             && f.Rule is not ("python.interactive-in-phase" or Inventory.PhaseTaskMatching.DestructiveNoBackupRule)).ToList();
        var destructive = s.Findings.Where(f => f.Rule == Inventory.PhaseTaskMatching.DestructiveNoBackupRule).ToList();
        var tasks = s.PhaseTasks.Count > 0 ? s.PhaseTasks : new List<PhaseTaskRef> { new() };
        foreach (var t in tasks)
        {
            var inPhase = t.Phase.Length > 0;
            var phase = inPhase ? t.Phase : null;
            var task = inPhase ? t.Task : null;
            if (s.Status == ScriptStatus.Blocked && errors.Count > 0)
            {
                yield return new BlockerCandidate(inPhase ? "script.blocked-phase-task" : "script.blocked", s.Path, type, Summarize(errors))
                {
                    Phase = phase, Task = task, SourceDetail = nameof(ScriptStatus.Blocked), Evidence = ToEvidence(errors),
                };
            }

            if (inPhase && s.Interactive)
            {
                var prompt = s.Findings.Where(f => f.Rule == "python.interactive-in-phase").ToList();
                yield return new BlockerCandidate("script.interactive-phase-task", s.Path, type, $"{s.Path} calls input()")
                {
                    Phase = phase, Task = task, SourceDetail = "Interactive", Evidence = ToEvidence(prompt),
                };
            }

            var own = destructive.Where(f => task is not null && f.Message.Contains($"task '{task}'", StringComparison.Ordinal)).ToList();
            if (inPhase && own.Count > 0)
            {
                yield return new BlockerCandidate("script.destructive-phase-task", s.Path, type, own[0].Message)
                {
                    Phase = phase, Task = task, SourceDetail = "Destructive", Evidence = ToEvidence(own)
                        .Concat(s.Operations.Where(o => o.Destructive).Select(o => new Evidence("file", $"{s.Path}:{o.Line}", $"{o.Kind}: {o.Detail}"))).ToList(),
                };
            }

            if (warnings.Count > 0)
            {
                yield return new BlockerCandidate(inPhase ? "script.partial-phase-task" : "script.partial", s.Path, type, Summarize(warnings))
                {
                    Phase = phase, Task = task, SourceDetail = s.Status.ToString(), Evidence = ToEvidence(warnings),
                };
            }
        }

        if (style.Count > 0)
        {
            yield return new BlockerCandidate("script.style", s.Path, type, Summarize(style))
            {
                SourceDetail = string.Join(", ", style.Select(f => f.Rule).Distinct()), Evidence = ToEvidence(style),
            };
        }
    }

    private static IEnumerable<BlockerCandidate> FromDependency(DependencyRecord d)
    {
        const string type = nameof(DependencyRecord);
        var detail = d.Evidence.Count > 0 ? d.Evidence[0].Detail : $"{d.Type} {d.Name}: {d.Status}";
        var target = d.Type == DependencyType.Secret ? d.Location ?? d.Name : d.Name;
        var rule = (d.Status, d.Type, d.Critical) switch
        {
            (DependencyStatus.Exposed, _, _) => "secret.committed",
            (DependencyStatus.Undeclared, _, true) => "dependency.undeclared-phase",
            (DependencyStatus.Undeclared, _, false) => "dependency.undeclared",
            (DependencyStatus.Missing, DependencyType.Api, _) => "api.disabled",
            (DependencyStatus.Missing, _, true) => "dependency.missing-phase",
            (DependencyStatus.Missing, _, false) => "dependency.missing",
            (DependencyStatus.VersionConflict, _, _) => "dependency.version-conflict",
            (DependencyStatus.Unused, _, _) => "dependency.unused",
            (DependencyStatus.InconsistentPins, _, _) => "dependency.inconsistent-pins",
            _ => null,
        };
        if (rule is null)
        {
            return Array.Empty<BlockerCandidate>();
        }

        return new[] { new BlockerCandidate(rule, target, type, detail) { SourceDetail = d.Status.ToString(), Evidence = d.Evidence } };
    }

    private static string Summarize(IReadOnlyList<Finding> findings)
    {
        var first = findings[0];
        var more = findings.Count > 1 ? string.Format(CultureInfo.InvariantCulture, " (+{0} more)", findings.Count - 1) : "";
        return $"{first.Message} at {first.Location}{more}";
    }

    private static IReadOnlyList<Evidence> ToEvidence(IEnumerable<Finding> findings) =>
        findings.Select(f => new Evidence("file", f.Location, $"{f.Rule}: {f.Message}")).ToList();
}
