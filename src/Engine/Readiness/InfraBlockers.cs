using System.Globalization;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>Which blocker rule an infrastructure check raises, if any.</summary>
internal static class InfraBlockers
{
    /// <summary>The <see cref="Blocker.ResolvedBy"/> of everything one measured (online, credentialed) run resolves.</summary>
    public const string MeasureTheCloud = "a measured run: bqx-audit online with credentials that can read the project";

    /// <summary>The cause of an unmeasured check, as a blocker target: <c>offline</c>, or the reason in at most 100 characters, cut at a word.</summary>
    internal static string Cause(string? actual, InfraCheckStatus status)
    {
        var text = (actual ?? status.ToString()).Trim();
        if (text.StartsWith("not measured:", StringComparison.OrdinalIgnoreCase))
        {
            text = text["not measured:".Length..].Trim();
        }

        text = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (text.Length <= 100)
        {
            return text.Length == 0 ? status.ToString() : text;
        }

        var cut = text.LastIndexOf(' ', 100);
        return cut > 40 ? text[..cut] : text[..100];
    }

    /// <summary>Targets named per area in a merged blocker's evidence; the infrastructure report lists every check.</summary>
    private const int TargetsShown = 20;

    /// <summary>Each merged "cloud not measured" blocker says which areas and how many checks it covers.</summary>
    public static void Describe(IEnumerable<Blocker> blockers)
    {
        foreach (var b in blockers.Where(b => b.Rule == "infra.not-verified"))
        {
            var areas = b.Evidence.Select(e => e.Detail.Split(' ', 2)[0]).Distinct(StringComparer.Ordinal).OrderBy(a => a, StringComparer.Ordinal).ToList();
            var checks = b.Evidence.Count;
            // One line of evidence per area, naming its targets (the infrastructure report has every check).
            b.Evidence = b.Evidence.GroupBy(e => e.Detail.Split(' ', 2)[0], StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new Evidence("api", g.Key, $"{g.Count()} check{(g.Count() == 1 ? "" : "s")} not measured: {Reporting.ReportText.Some(g.Select(e => e.Location).Distinct(StringComparer.Ordinal).ToList(), TargetsShown)}"))
                .ToList();
            b.Description = $"{checks} check{(checks == 1 ? "" : "s")} in {areas.Count} area{(areas.Count == 1 ? "" : "s")} not measured ({string.Join(", ", areas)}): {b.Source.Target}";
            b.Impact = $"Readiness of {string.Join(", ", areas)} is unknown, so the phase would start on unmeasured ground ({b.Source.Target})";
        }
    }

    public static IEnumerable<BlockerCandidate> From(InfraCheck c, AuditProfile profile)
    {
        const string type = nameof(InfraCheck);
        var detail = $"{c.Check}: {c.Actual}";
        BlockerCandidate Candidate(string rule, string target) => new(rule, target, type, detail)
        {
            SourceDetail = c.Status.ToString(),
            Evidence = c.Evidence.Count > 0 ? c.Evidence : new[] { new Evidence("api", c.Target, detail) },
        };

        if (c.Status == InfraCheckStatus.NotVerified || c.Status == InfraCheckStatus.Error)
        {
            // One blocker per cause: every check unmeasured for the same reason (the run was offline, the deadline
            // passed, the same API error) is one blocker listing the areas, resolved by one measured run.
            var cause = Cause(c.Actual, c.Status);
            yield return new BlockerCandidate("infra.not-verified", cause, type, $"{c.Kind}: {c.Actual}")
            {
                SourceDetail = c.Status.ToString(),
                ResolvedBy = MeasureTheCloud,
                Evidence = new[] { new Evidence("api", c.Target, $"{c.Kind} {c.Check}: {c.Status}: {c.Actual}") },
            };
            yield break;
        }

        if (c.Status == InfraCheckStatus.Ready)
        {
            yield break;
        }

        switch (c.Kind)
        {
            case InfraCheckKind.Api when c.Status is InfraCheckStatus.Blocked or InfraCheckStatus.Missing:
                yield return Candidate("api.disabled", c.Target.StartsWith("api:", StringComparison.Ordinal) ? c.Target[4..] : c.Target) with { Detail = profile.Gcp.Project ?? "PROJECT" };
                break;
            case InfraCheckKind.Permission when c.Status is InfraCheckStatus.Blocked or InfraCheckStatus.Missing:
                yield return Candidate("permission.denied", c.Target);
                break;
            case InfraCheckKind.CloudRunJob when c.Status == InfraCheckStatus.Missing:
                yield return Candidate("run-job.missing", c.Target);
                break;
            case InfraCheckKind.Quota:
                yield return Candidate("quota.insufficient", c.Target);
                break;
            case InfraCheckKind.ServiceAccount when c.Details.TryGetValue("KeysOlderThanMaxAge", out var old) && Convert.ToInt64(old, CultureInfo.InvariantCulture) > 0:
                yield return Candidate("service-account.old-key", c.Target);
                break;
            case InfraCheckKind.CostMonitoring:
                yield return Candidate("cost-monitoring.absent", c.Target);
                break;
            case InfraCheckKind.BigQueryDataset when c.Details.TryGetValue("ExpectedTables", out var expected) && c.Details.TryGetValue("Tables", out var measured)
                                                    && Convert.ToInt64(expected, CultureInfo.InvariantCulture) != Convert.ToInt64(measured, CultureInfo.InvariantCulture):
                yield return Candidate("scope.mismatch", c.Target) with { Detail = $"{c.Target}: expected {expected} tables, measured {measured}" };
                break;
            default:
                // Blocked or Missing stops the phase; Partial is measured but not whole (a failed last execution,
                // a table permission left to the dataset checks, storage not measured).
                yield return Candidate(c.Status is InfraCheckStatus.Partial ? "infra.partial" : "infra.blocked", c.Target);
                break;
        }
    }
}

/// <summary>The dependency analysis's view of the infrastructure checks: API states (no extra calls).</summary>
public sealed class InfraFacts : ICloudDependencyFacts
{
    private readonly IReadOnlyList<InfraCheck> checks;
    private readonly IReadOnlyDictionary<string, IReadOnlySet<string>> listings;
    private readonly string? project;

    /// <param name="listings">Dataset → table names the infrastructure checks listed (InfrastructureService.TableListings).</param>
    /// <param name="project">The profile's project: listings are of its datasets only.</param>
    public InfraFacts(IReadOnlyList<InfraCheck> checks, IReadOnlyDictionary<string, IReadOnlySet<string>>? listings = null, string? project = null)
    {
        this.checks = checks;
        this.listings = listings ?? new Dictionary<string, IReadOnlySet<string>>();
        this.project = project;
    }

    public (bool? Enabled, string Evidence) ApiState(string api)
    {
        var check = checks.FirstOrDefault(c => c.Kind == InfraCheckKind.Api && c.Target == $"api:{api}");
        return check?.Status switch
        {
            InfraCheckStatus.Ready => (true, $"{check.Check}: {check.Actual}"),
            InfraCheckStatus.Blocked or InfraCheckStatus.Missing => (false, $"{check.Check}: {check.Actual}"),
            null => (null, "not among the infrastructure checks of this run"),
            _ => (null, $"{check.Check}: {check.Status} ({check.Actual})"),
        };
    }

    public (bool? Exists, string Evidence) TableExists(string project, string dataset, string table)
    {
        if (project != this.project || !listings.TryGetValue(dataset, out var names))
        {
            return (null, $"{project}.{dataset} is not among the datasets listed in this run");
        }

        return names.Contains(table)
            ? (true, $"in the tables.list listing of {dataset} ({names.Count} tables)")
            : (false, $"not in the tables.list listing of {dataset} ({names.Count} tables)");
    }

    public (bool? Exists, string Evidence) DatasetExists(string project, string dataset)
    {
        var check = checks.FirstOrDefault(c => c.Kind == InfraCheckKind.BigQueryDataset && c.Target == $"bigquery:{project}.{dataset}");
        return check?.Status switch
        {
            InfraCheckStatus.Ready or InfraCheckStatus.Partial => (true, $"{check.Check}: {check.Actual}"),
            InfraCheckStatus.Missing => (false, $"{check.Check}: {check.Actual}"),
            _ => (null, "the dataset is not among the profile's datasets checked in this run"),
        };
    }

    public (bool? Exists, string Evidence) GcsPrefixExists(string bucket, string prefix)
    {
        var check = checks.FirstOrDefault(c => c.Kind == InfraCheckKind.GcsBucket && c.Target == $"gcs:{bucket}");
        return check?.Status switch
        {
            InfraCheckStatus.Ready or InfraCheckStatus.Partial => (true, $"{check.Check}: {check.Actual}"),
            InfraCheckStatus.Missing => (false, $"{check.Check}: {check.Actual}"),
            _ => (null, "the bucket is not among the profile's buckets checked in this run"),
        };
    }

    public IEnumerable<DependencyRecord> Credentials()
    {
        var project = checks.FirstOrDefault(c => c.Kind == InfraCheckKind.Project);
        var ok = project?.Status is InfraCheckStatus.Ready or InfraCheckStatus.Partial;
        yield return new DependencyRecord
        {
            Name = project?.Details.TryGetValue("Credential", out var cred) == true ? cred?.ToString() ?? "Application Default Credentials" : "Application Default Credentials",
            Type = DependencyType.Credential,
            Purpose = "the credentials the audit ran with",
            Critical = true,
            Status = project?.Status switch
            {
                null or InfraCheckStatus.NotVerified or InfraCheckStatus.Error => DependencyStatus.NotVerified,
                _ when ok => DependencyStatus.Ready,
                _ => DependencyStatus.Missing,
            },
            Evidence = { new Evidence("api", project?.Target ?? "project", project is null ? "no project check ran" : $"{project.Status}: {project.Actual}") },
        };
    }
}
