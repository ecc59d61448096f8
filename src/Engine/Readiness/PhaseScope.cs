using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>
/// What a phase runs: its task scripts and what they call or import (transitively), the datasets they and its naming
/// tasks touch, the buckets they read, the Cloud Run jobs that name the phase or a task in <c>requiredBy</c>, the APIs
/// those need, and the dependencies those scripts use. A blocker belongs to the phase only when it touches one of
/// them; the rest are repository findings (<see cref="Blocker.AffectedPhase"/> null).
/// </summary>
public sealed class PhaseScope
{
    private static readonly HashSet<string> TableActions = new(StringComparer.Ordinal)
    {
        TaskActions.RenameTables, TaskActions.CreateViews, TaskActions.ConsolidateTables, TaskActions.DropTables, TaskActions.ValidateRowCounts,
    };

    private readonly HashSet<string> scripts;
    private readonly HashSet<string> datasets;
    private readonly HashSet<string> buckets;
    private readonly HashSet<string> jobs;
    private readonly HashSet<string> apis;
    private readonly HashSet<string> dependencies;
    private readonly HashSet<string> taskKeys;
    private readonly string? project;

    private PhaseScope(PhaseProfile phase, HashSet<string> scripts, HashSet<string> datasets, HashSet<string> buckets, HashSet<string> jobs,
        HashSet<string> apis, HashSet<string> dependencies, string? project)
    {
        Phase = phase;
        this.scripts = scripts;
        this.datasets = datasets;
        this.buckets = buckets;
        this.jobs = jobs;
        this.apis = apis;
        this.dependencies = dependencies;
        this.project = project;
        taskKeys = phase.Tasks.Select(t => $"{phase.Id}/{t.Name}").ToHashSet(StringComparer.Ordinal);
    }

    public PhaseProfile Phase { get; }

    /// <summary>The phase's scripts and everything they run or import, root-relative.</summary>
    public IReadOnlyCollection<string> Scripts => scripts;

    public IReadOnlyCollection<string> Datasets => datasets;

    /// <summary>True when at least one task renames (or consolidates) tables, so rename collisions matter to it.</summary>
    public bool Renames => Phase.Tasks.Any(t => t.Action is TaskActions.RenameTables or TaskActions.ConsolidateTables);

    public static PhaseScope For(AuditProfile profile, PhaseProfile phase, IReadOnlyList<ScriptRecord> records, IReadOnlyList<DependencyRecord> dependencies)
    {
        var byPath = records.Where(r => r.Status != ScriptStatus.Missing).GroupBy(r => r.Path, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        var closure = new HashSet<string>(StringComparer.Ordinal);
        var work = new Queue<string>(records.Where(r => r.Status != ScriptStatus.Missing && r.PhaseTasks.Any(t => t.Phase == phase.Id)).Select(r => r.Path));
        while (work.Count > 0)
        {
            var path = work.Dequeue();
            if (!closure.Add(path) || !byPath.TryGetValue(path, out var record))
            {
                continue;
            }

            foreach (var next in Calls(record, byPath))
            {
                work.Enqueue(next);
            }
        }

        var names = profile.Datasets.Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var datasets = new HashSet<string>(StringComparer.Ordinal);
        if (phase.Tasks.Any(t => TableActions.Contains(t.Action) || t.Measure is not null))
        {
            foreach (var mandate in profile.Mandates.Where(m => m.Kind == Checks.Naming.NamingService.Kind))
            {
                datasets.UnionWith(mandate.Datasets);
            }
        }

        var buckets = new HashSet<string>(StringComparer.Ordinal);
        var bigQuery = false;
        foreach (var path in closure)
        {
            if (!byPath.TryGetValue(path, out var r))
            {
                continue;
            }

            foreach (var table in r.TablesWritten.Concat(r.TablesRead).Concat(r.Operations.Select(o => o.Target ?? "")))
            {
                foreach (var part in table.Replace(':', '.').Replace("`", "", StringComparison.Ordinal).Split('.'))
                {
                    if (names.Contains(part))
                    {
                        datasets.Add(part);
                    }
                }
            }

            foreach (var uri in r.GcsUris)
            {
                var rest = uri.StartsWith("gs://", StringComparison.Ordinal) ? uri[5..] : uri;
                var slash = rest.IndexOf('/');
                buckets.Add(slash < 0 ? rest : rest[..slash]);
            }

            bigQuery |= r.Operations.Any(o => o.Kind is not (OperationKind.ReadFile or OperationKind.WriteFile))
                        || r.Imports.Any(i => i.Module.StartsWith("google.cloud.bigquery", StringComparison.Ordinal)) || r.ToolsInvoked.Contains("bq");
        }

        var jobs = profile.CloudRunJobs.Where(j => j.RequiredBy.Contains(phase.Id) || j.RequiredBy.Any(n => phase.Tasks.Any(t => t.Name == n)))
            .Select(j => $"{j.Region ?? profile.Gcp.Region}/{j.Name}").ToHashSet(StringComparer.Ordinal);
        var deps = dependencies.Where(d => d.UsedBy.Any(closure.Contains)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        var apis = dependencies.Where(d => d.Type == DependencyType.Api && d.UsedBy.Any(closure.Contains)).Select(d => d.Name).ToHashSet(StringComparer.Ordinal);
        if (bigQuery || datasets.Count > 0)
        {
            apis.Add("bigquery.googleapis.com");
        }

        if (buckets.Count > 0)
        {
            apis.Add("storage.googleapis.com");
        }

        if (jobs.Count > 0)
        {
            apis.Add("run.googleapis.com");
        }

        // The services every measured run relies on to read the project at all.
        apis.UnionWith(new[] { "serviceusage.googleapis.com", "cloudresourcemanager.googleapis.com", "iam.googleapis.com" });
        return new PhaseScope(phase, closure, datasets, buckets, jobs, apis, deps, profile.Gcp.Project);
    }

    /// <summary>True when the blocker touches what the phase runs (a blocker raised for the phase always does).</summary>
    public bool Touches(Blocker b)
    {
        if (b.AffectedPhase == Phase.Id || taskKeys.Contains(b.Source.Target))
        {
            return true;
        }

        switch (b.Source.Type)
        {
            case nameof(ScriptRecord):
                return scripts.Contains(b.Source.Target);
            case nameof(DependencyRecord):
                return dependencies.Contains(b.Source.Target) || scripts.Contains(b.Source.Target) || b.Evidence.Any(e => scripts.Contains(PathOf(e.Location)));
            case nameof(RenamePlanItem):
                return Renames && datasets.Contains(b.Source.Target.Split('.')[0]);
            case nameof(InfraCheck):
                // "Cloud not measured": one evidence line per area (its kind), naming the targets after the colon.
                return b.Rule == "infra.not-verified"
                    ? b.Evidence.Any(e => ProjectKinds.Contains(e.Location) || TargetsOf(e.Detail).Any(t => TouchesTarget(t, null)))
                    : TouchesTarget(b.Source.Target, null) || TouchesTarget("api:" + b.Source.Target, "Api");
        }

        return false;
    }

    /// <summary>Does an infrastructure target (<c>bigquery:p.ds</c>, <c>gcs:b</c>, <c>run:r/j</c>, <c>api:x</c>, <c>project:p</c> …) belong to the phase?</summary>
    private bool TouchesTarget(string target, string? kind)
    {
        var colon = target.IndexOf(':');
        var scheme = colon < 0 ? "" : target[..colon];
        var rest = colon < 0 ? target : target[(colon + 1)..];
        switch (scheme)
        {
            case "bigquery":
                var dot = rest.IndexOf('.');
                var dataset = dot < 0 ? rest : rest[(dot + 1)..];
                return datasets.Contains(dataset.Split('.')[0]);
            case "gcs":
                return buckets.Contains(rest.Split('/')[0]);
            case "run":
                return jobs.Contains(rest);
            case "api":
                return apis.Contains(rest);
            case "project" or "serviceAccount" or "quota" or "billing" or "budget" or "probe":
                return true; // the phase runs in the project, as its service account, within its quotas and budget
        }

        return kind is not null && ProjectKinds.Contains(kind);
    }

    private static readonly HashSet<string> ProjectKinds = new(StringComparer.Ordinal) { "Project", "Billing", "ServiceAccount", "Quota", "CostMonitoring", "WriteProbe" };

    private static IEnumerable<string> TargetsOf(string detail)
    {
        var colon = detail.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? new[] { detail } : detail[(colon + 2)..].Split(", ", StringSplitOptions.RemoveEmptyEntries);
    }

    private static string PathOf(string location)
    {
        var colon = location.LastIndexOf(':');
        return colon > 0 && location[(colon + 1)..].All(char.IsAsciiDigit) ? location[..colon] : location;
    }

    /// <summary>The scripts a record runs (resolved invocations) or imports (local modules found in the inventory).</summary>
    private static IEnumerable<string> Calls(ScriptRecord record, IReadOnlyDictionary<string, ScriptRecord> byPath)
    {
        foreach (var invocation in record.Invocations)
        {
            if (invocation.ResolvedScript is { } resolved && byPath.ContainsKey(resolved))
            {
                yield return resolved;
            }
        }

        var folder = record.Path.Contains('/') ? record.Path[..record.Path.LastIndexOf('/')] : "";
        foreach (var import in record.Imports.Where(i => i.Kind == ImportKind.Local))
        {
            var module = import.Module.TrimStart('.').Replace('.', '/');
            foreach (var candidate in new[] { $"{module}.py", $"{module}/__init__.py", folder.Length == 0 ? null : $"{folder}/{module}.py", folder.Length == 0 ? null : $"{folder}/{module}/__init__.py" })
            {
                if (candidate is not null && byPath.ContainsKey(candidate))
                {
                    yield return candidate;
                }
            }
        }
    }
}
