using System.Globalization;
using System.Reflection;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Checks.Naming;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>What one whole audit runs on.</summary>
public sealed class AuditOptions
{
    public string Root { get; init; } = ".";

    public required AuditProfile Profile { get; init; }

    /// <summary>The phase to decide; null for the profile's first.</summary>
    public string? Phase { get; init; }

    /// <summary>The report date (<c>--date</c>): fixes every date in the output, so reruns are byte-identical.</summary>
    public DateOnly? Date { get; init; }

    /// <summary>Planned start of the phase; default the first working morning after the report date.</summary>
    public DateTimeOffset? StartDate { get; init; }

    public bool Offline { get; init; }

    public string? CredentialPath { get; init; }

    public string? PythonPath { get; init; }

    public string? SitePackages { get; init; }

    public int ThrottleLimit { get; init; } = 8;

    /// <summary>The environment the audit reads (PATH for the tools and ShellCheck, credentials, endpoints); tests replace it.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The system-tool probe; null: tools on <see cref="Environment"/>'s PATH, asked for <c>--version</c>.</summary>
    public BqxAudit.Checks.Dependencies.ToolProbe? Tools { get; init; }

    public GcpHttpOptions Http { get; init; } = GcpHttpOptions.Default;

    /// <summary>"Now", for run times and the default dates (tests fix it).</summary>
    public Func<DateTimeOffset> Clock { get; init; } = () => DateTimeOffset.UtcNow;
}

/// <summary>
/// The whole audit in one call: inventory → naming → infrastructure → dependencies → cost → blockers
/// → phase readiness, returning the AuditResult every report is written from. Progress goes to the
/// host as one activity with a step per area.
/// </summary>
public sealed class AuditService
{
    private const string Activity = "BqxAudit: auditing execution readiness";
    private readonly IAuditHost host;
    private readonly System.Diagnostics.Stopwatch clock = System.Diagnostics.Stopwatch.StartNew();
    private readonly List<object> namingFindings = new();

    public AuditService(IAuditHost host) => this.host = host;

    public static string ToolVersion { get; } =
        typeof(AuditService).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(AuditService).Assembly.GetName().Version?.ToString() ?? "0";

    /// <summary>Report dates and planned starts the calendar arithmetic can carry (phases add working days, weeks of them).</summary>
    public static readonly DateOnly EarliestDate = new(1900, 1, 1), LatestDate = new(9000, 12, 31);

    public AuditResult Run(AuditOptions options)
    {
        CheckDate(options.Date, "the report date (--date, -Date)");
        CheckDate(options.StartDate is { } s ? DateOnly.FromDateTime(s.UtcDateTime) : null, "the planned start (--start, -StartDate)");
        var started = options.Clock();
        var profile = options.Profile;
        var result = new AuditResult
        {
            Run =
            {
                ToolVersion = ToolVersion,
                ProfileName = profile.Name,
                SummaryName = string.IsNullOrWhiteSpace(profile.Reports.SummaryName) ? "AUDIT_SUMMARY" : profile.Reports.SummaryName,
                ProfileSource = profile.Source,
                Root = options.Root,
                ProjectId = profile.Gcp.Project,
                Offline = options.Offline,
                ReportDate = (options.Date ?? DateOnly.FromDateTime(started.UtcDateTime)).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                Reproducible = options.Date is not null,
            },
        };

        try
        {
            Step("Inventorying scripts", 0);
            var dependencies = new DependencyService(host);
            var tools = options.Tools ?? new BqxAudit.Checks.Dependencies.ToolProbe(options.Environment);
            var profileProbes = dependencies.StartProfileProbes(profile, tools); // gcloud starts slowly: it answers while the rest runs
            var inventory = new InventoryService(host).Run(new InventoryOptions { Root = options.Root, Profile = profile, Environment = options.Environment });
            result.Scripts = inventory.Records.ToList();
            result.Run.Commit = inventory.Commit;
            ProfileFit.Apply(options, result);
            result.Run.NotMeasured.AddRange(inventory.Notes);

            Step("Checking infrastructure", 25);
            var infrastructure = new InfrastructureService(host);
            result.Infrastructure = infrastructure.Run(new InfrastructureOptions
            {
                Root = options.Root,
                Profile = profile,
                Offline = options.Offline,
                CredentialPath = options.CredentialPath,
                ThrottleLimit = options.ThrottleLimit,
                Environment = options.Environment,
                Http = options.Http,
                Scripts = inventory.Records,
            }).ToList();
            result.Run.Principal = Principal(result.Infrastructure);

            Step("Checking table names", 45);
            Naming(options, result);

            Step("Analyzing dependencies", 60);
            result.Dependencies = dependencies.Analyze(new DependencyOptions
            {
                Root = options.Root,
                Profile = profile,
                Inventory = inventory,
                ProfileProbes = profileProbes,
                PythonPath = options.PythonPath,
                SitePackages = options.SitePackages,
                Offline = options.Offline,
                Tools = tools,
                Environment = options.Environment,
                Cloud = options.Offline ? null : new InfraFacts(result.Infrastructure, infrastructure.TableListings, profile.Gcp.Project),
            }).ToList();

            Step("Estimating cost", 75);
            var phaseCost = new CostEstimator(host).Estimate(options, result);

            Step("Deciding readiness", 90);
            var blockers = Blockers(options, result, namingFindings);
            var decided = options.Phase is null ? profile.Phases.FirstOrDefault() : profile.Phases.FirstOrDefault(p => p.Id == options.Phase);
            result.Readiness = ReadinessService.Evaluate(new ReadinessInput
            {
                Profile = profile,
                Phase = options.Phase,
                StartDate = options.StartDate ?? (decided is not null ? ReadinessService.PlannedStart(decided) : null) ?? (options.Date is { } d
                    ? ReadinessService.NextWorkingStart(new DateTimeOffset(d.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero), TimeZoneInfo.Utc)
                    : null),
                Now = started,
                Scripts = result.Scripts,
                Blockers = blockers,
                Scope = Scope(profile, result.Naming),
                Cost = phaseCost,
            });

            // Scope and cost findings come from the readiness numbers: evaluate once more with them.
            var extra = ScopeAndCostBlockers(result.Readiness, profile).ToList();
            if (extra.Count > 0)
            {
                blockers = Blockers(options, result, extra.Concat(namingFindings).ToList());
                result.Readiness = ReadinessService.Evaluate(new ReadinessInput
                {
                    Profile = profile,
                    Phase = options.Phase,
                    StartDate = result.Readiness.StartDate,
                    Now = started,
                    Scripts = result.Scripts,
                    Blockers = blockers,
                    Scope = Scope(profile, result.Naming),
                    Cost = phaseCost,
                });
            }

            result.Blockers = blockers.ToList();
            NotMeasured(result);
        }
        finally
        {
            host.WriteProgress(new ProgressInfo(Activity, "done", 100, Completed: true));
        }

        if (result.Run.Reproducible)
        {
            foreach (var check in result.Infrastructure)
            {
                check.DurationMs = 0; // a fixed report date leaves wall-clock times out of everything written
            }
        }
        else
        {
            var ended = options.Clock();
            result.Run.Start = started;
            result.Run.End = ended;
            result.Run.DurationMs = (long)(ended - started).TotalMilliseconds;
        }

        return result;
    }

    private void Step(string status, int percent)
    {
        StartupTrace.Mark($"audit: {status}");
        host.Cancellation.ThrowIfCancellationRequested();
        host.WriteProgress(new ProgressInfo(Activity, status, percent));
        host.WriteVerbose($"{status} (at {clock.ElapsedMilliseconds} ms)");
    }

    private void Naming(AuditOptions options, AuditResult result)
    {
        if (NamingService.NamingMandates(options.Profile).Count == 0)
        {
            return;
        }

        var audit = new NamingAudit(host);
        var request = new NamingRequest
        {
            Root = options.Root,
            Profile = options.Profile,
            Live = options.Offline ? null : new LiveListingOptions { CredentialPath = options.CredentialPath, Environment = options.Environment, Http = options.Http },
            Scripts = result.Scripts,
            ListingGapsAreFindings = true,
        };
        try
        {
            result.Naming = audit.Classify(request).ToList();
        }
        catch (BqxException e) when (e.Error.ErrorId == ErrorIds.InputInvalid)
        {
            host.WriteWarning($"naming audit skipped: {e.Error.Message}");
        }

        // A listing that could not be read leaves its dataset unmeasured: said in every report and, for a phase that
        // renames tables, a blocker (collisions and twins were not checked).
        foreach (var gap in audit.Gaps)
        {
            result.Run.NotMeasured.Add($"Naming {gap.Dataset}: not measured: {gap.Reason}; its table names and rename collisions were not checked");
            foreach (var phase in options.Profile.Phases.Where(p => p.Tasks.Any(t => t.Action is TaskActions.RenameTables or TaskActions.ConsolidateTables)))
            {
                namingFindings.Add(new BlockerCandidate("naming.listing-unavailable", gap.Dataset, "NamingResult", gap.Reason)
                {
                    Phase = phase.Id,
                    SourceDetail = "NotVerified",
                    ResolvedBy = options.Offline ? InfraBlockers.MeasureTheCloud : null,
                    Evidence = new[] { new Evidence("profile", gap.File is null ? $"datasets[{gap.Dataset}]" : $"datasets[{gap.Dataset}].tableListFile", gap.Reason) },
                });
            }
        }

        if (result.Naming.Count == 0 && audit.Gaps.Count > 0)
        {
            return;
        }

        result.NamingSummary = audit.Summarize(result.Naming, request);
        result.RenamePlan = audit.Plan(result.Naming, request).ToList();
    }

    /// <summary>Every finding through the rule table, plus the areas the run could not measure.</summary>
    private List<Blocker> Blockers(AuditOptions options, AuditResult result, IReadOnlyList<object> extra)
    {
        var findings = new List<object>();
        findings.AddRange(result.Scripts);
        findings.AddRange(result.Infrastructure);
        findings.AddRange(result.Dependencies);
        findings.AddRange(result.RenamePlan);
        findings.AddRange(extra);
        var blockers = BlockerService.ForAudit(options.Profile, host.Dialect).Evaluate(findings).ToList();

        // A blocker belongs to the decided phase only when it touches what the phase runs; the rest are repository findings.
        var phase = options.Phase is null ? options.Profile.Phases.FirstOrDefault() : options.Profile.Phases.FirstOrDefault(p => p.Id == options.Phase);
        if (phase is not null)
        {
            var scope = PhaseScope.For(options.Profile, phase, result.Scripts, result.Dependencies);
            foreach (var b in blockers.Where(b => b.AffectedPhase is null && scope.Touches(b)))
            {
                b.AffectedPhase = phase.Id;
            }
        }

        return blockers;
    }

    private static IEnumerable<object> ScopeAndCostBlockers(PhaseReadiness readiness, AuditProfile profile)
    {
        foreach (var task in readiness.Tasks.Where(t => t.MeasuredScope is not null && t.ClaimedScope is not null))
        {
            var claimed = profile.Phases.First(p => p.Id == readiness.Phase).Tasks.First(t => t.Name == task.Name).Tables!;
            if (claimed.Touched != task.MeasuredScope)
            {
                yield return new BlockerCandidate("scope.mismatch", $"{readiness.Phase}/{task.Name}", nameof(PhaseTask),
                    $"'{task.Name}' claims {claimed} tables; the naming audit measured {task.MeasuredScope!.Value.ToString("N0", CultureInfo.InvariantCulture)} ({task.ScopeBasis})")
                {
                    Phase = readiness.Phase,
                    Task = task.Name,
                    SourceDetail = "Scope",
                    Evidence = new[] { new Evidence("profile", $"phases[{readiness.Phase}].tasks[{task.Name}].tables", $"claimed {claimed}; measured {task.MeasuredScope} ({task.ScopeBasis})") },
                };
            }
        }

        if (readiness.Cost is { Measured: true } cost && readiness.Budget is { } budget && cost.MaxUsd > budget.MaxUsd)
        {
            yield return new BlockerCandidate("cost.over-budget", readiness.Phase, nameof(PhaseReadiness),
                $"estimated {cost} ({cost.Basis}) exceeds the budget {budget}")
            {
                Phase = readiness.Phase,
                SourceDetail = "Cost",
                Evidence = new[] { new Evidence("api", "bigquery.jobs.query dryRun", $"estimate {cost}; budget {budget}") },
            };
        }
    }

    /// <summary>Measured scope per task: the naming results of the task's family (and status) in the mandate's datasets.</summary>
    internal static IReadOnlyDictionary<string, ScopeMeasure> Scope(AuditProfile profile, IReadOnlyList<NamingResult> naming)
    {
        var scope = new Dictionary<string, ScopeMeasure>(StringComparer.Ordinal);
        foreach (var task in profile.Phases.SelectMany(p => p.Tasks).Where(t => t.Measure is not null))
        {
            var m = task.Measure!;
            if (naming.Count == 0)
            {
                scope[task.Name] = new ScopeMeasure(null, "not measured: no table names were classified");
                continue;
            }

            var matching = naming.Where(n => n.Family == m.Family && (m.Status is null || n.Status.ToString() == m.Status)).ToList();
            var sources = string.Join(", ", naming.Select(n => n.Source.Split(':')[0]).Distinct().OrderBy(s => s, StringComparer.Ordinal).Take(3));
            scope[task.Name] = new ScopeMeasure(matching.Count,
                $"{matching.Count} {(m.Status ?? "")} tables of family {m.Family} among {naming.Count} names from {sources}".Replace("  ", " ", StringComparison.Ordinal));
        }

        return scope;
    }

    private static void CheckDate(DateOnly? date, string what)
    {
        if (date is { } d && (d < EarliestDate || d > LatestDate))
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                string.Create(CultureInfo.InvariantCulture, $"{what} must lie between {EarliestDate:yyyy-MM-dd} and {LatestDate:yyyy-MM-dd}, not {d:yyyy-MM-dd}"),
                d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)));
        }
    }

    private static string? Principal(IEnumerable<InfraCheck> checks) =>
        checks.Where(c => c.Details.TryGetValue("Principal", out _)).Select(c => c.Details["Principal"]?.ToString()).FirstOrDefault(p => !string.IsNullOrEmpty(p));

    private static void NotMeasured(AuditResult result)
    {
        foreach (var group in result.Infrastructure.Where(c => c.Status == InfraCheckStatus.NotVerified).GroupBy(c => c.Kind).OrderBy(g => g.Key))
        {
            result.Run.NotMeasured.Add($"Infrastructure {group.Key}: {group.Count()} check{(group.Count() == 1 ? "" : "s")} not verified ({group.First().Actual})");
        }

        var deps = result.Dependencies.Where(d => d.Status == DependencyStatus.NotVerified).GroupBy(d => d.Type).OrderBy(g => g.Key);
        foreach (var group in deps)
        {
            result.Run.NotMeasured.Add($"Dependencies {group.Key}: {group.Count()} not verified ({group.First().Evidence.LastOrDefault()?.Detail})");
        }

        if (result.Readiness.Cost is { Measured: false } cost)
        {
            result.Run.NotMeasured.Add($"Cost: {cost.Basis}");
        }
    }
}
