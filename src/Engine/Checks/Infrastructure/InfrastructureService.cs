using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>What to check and how: the root and profile, the kinds, offline, credentials, concurrency, timing.</summary>
public sealed class InfrastructureOptions
{
    /// <summary>The audited root; its scripts add the APIs they imply to the profile's <c>apis</c>.</summary>
    public string Root { get; init; } = ".";

    public required AuditProfile Profile { get; init; }

    /// <summary>Only these kinds (default: every kind this version measures).</summary>
    public IReadOnlyList<InfraCheckKind>? Kinds { get; init; }

    /// <summary>Make no cloud calls: every check is NotVerified.</summary>
    public bool Offline { get; init; }

    /// <summary>A key file (<c>--credentials</c>); else GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, the metadata server.</summary>
    public string? CredentialPath { get; init; }

    /// <summary>Checks (and tables.get calls of the storage fallback) in flight at once.</summary>
    public int ThrottleLimit { get; init; } = 8;

    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    public GcpHttpOptions Http { get; init; } = GcpHttpOptions.Default;

    /// <summary>The key file read and its token asked for while the profile loaded (the CLI's infra command); see <see cref="GcpEarlyCredential"/>.</summary>
    public GcpEarlyCredential? EarlyCredential { get; init; }

    /// <summary>The inventory to read implied APIs from; when null and Api checks run, the root is inventoried.</summary>
    public IReadOnlyList<ScriptRecord>? Scripts { get; init; }

    /// <summary>
    /// -ProbeWrite / --probe-write: run the write probe (create, rename, drop a table in gcp.scratchDataset),
    /// after the host's ShouldProcess agrees. Without it nothing is written.
    /// </summary>
    public bool ProbeWrite { get; init; }

    /// <summary>The clock key ages and probe names are taken from.</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;
}

/// <summary>
/// Test-BqxInfrastructure / <c>bqx-audit infra</c>: plans one row per check and target from the
/// profile, then measures them concurrently against Google's APIs, streaming each InfraCheck as it is
/// ready. Offline, or without credentials, every row is NotVerified with the remedy, at once.
/// Read-only by construction (only GETs, SELECT queries and the POST forms of testIamPermissions), except
/// the write probe, which runs only with <see cref="InfrastructureOptions.ProbeWrite"/> and the host's ShouldProcess.
/// </summary>
public sealed class InfrastructureService
{
    /// <summary>Every kind; WriteProbe rows appear only with <see cref="InfrastructureOptions.ProbeWrite"/>.</summary>
    public static IReadOnlyList<InfraCheckKind> MeasuredKinds { get; } = Enum.GetValues<InfraCheckKind>();

    /// <summary>What the host is asked before the write probe runs.</summary>
    public const string ProbeWriteAction = "Create, rename and drop a probe table (write probe; the table expires after 1 hour)";

    private readonly IAuditHost host;

    public InfrastructureService(IAuditHost host) => this.host = host;

    /// <summary>
    /// After a run: the table names of each dataset the checks listed (fully paged, once), so later
    /// analyses can check table existence without a call per table. Empty offline.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> TableListings { get; private set; } = new Dictionary<string, IReadOnlySet<string>>();

    /// <summary>Every check, sorted by Kind, then Target, then Check (CLI JSON and reports).</summary>
    public IReadOnlyList<InfraCheck> Run(InfrastructureOptions options) =>
        Sort(RunAsync(options).ToBlockingEnumerable(host.Cancellation));

    public static IReadOnlyList<InfraCheck> Sort(IEnumerable<InfraCheck> checks) =>
        checks.OrderBy(c => c.Kind).ThenBy(c => c.Target, StringComparer.Ordinal).ThenBy(c => c.Check, StringComparer.Ordinal).ToList();

    /// <summary>Checks in the order they finish (cmdlets stream them).</summary>
    public async IAsyncEnumerable<InfraCheck> RunAsync(InfrastructureOptions options)
    {
        var cancel = host.Cancellation;
        var kinds = (options.Kinds is { Count: > 0 } k ? k : MeasuredKinds).Distinct().ToHashSet();
        if (options.Kinds is { Count: > 0 } && kinds.Contains(InfraCheckKind.WriteProbe) && !options.ProbeWrite)
        {
            host.WriteWarning($"WriteProbe checks write to BigQuery and run only with {host.Dialect.Option(BqxOption.ProbeWrite)}; no WriteProbe rows are produced.");
        }
        else if (options.ProbeWrite && !kinds.Contains(InfraCheckKind.WriteProbe))
        {
            host.WriteWarning($"{host.Dialect.Option(BqxOption.ProbeWrite)} has no effect: the kinds chosen leave out WriteProbe.");
        }

        if (options.ThrottleLimit < 1)
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument, "ThrottleLimit must be at least 1", "ThrottleLimit"));
        }

        var profile = options.Profile;
        GcpSession? session = null;
        if (!options.Offline)
        {
            StartupTrace.Mark("infra: session");
            session = GcpSession.Create(new GcpSessionOptions
            {
                Endpoints = profile.Gcp.Endpoints,
                ProfileSource = profile.Source,
                CredentialPath = options.CredentialPath,
                Environment = options.Environment,
                Http = options.Http,
                Host = host,
                Early = options.EarlyCredential,
            });
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        Task measuring = Task.CompletedTask;
        try
        {
            var project = !string.IsNullOrWhiteSpace(profile.Gcp.Project) ? profile.Gcp.Project! : session?.KeyFile?.ProjectId ?? "";
            if (project.Length > 0)
            {
                // The token round trip runs while the checks are planned (the API check's inventory reads the repository).
                session?.WarmUp(GcpApi.BigQuery);
            }

            // Planning runs before the first await: on the caller's thread, where a cmdlet may ask ShouldProcess.
            var units = Plan(options, kinds, project);
            StartupTrace.Mark("infra: planned");
            if (options.Offline)
            {
                foreach (var row in units.SelectMany(u => u.Plan).Select(Offline))
                {
                    yield return Spoken(row);
                }

                yield break;
            }

            if (project.Length == 0)
            {
                foreach (var row in units.SelectMany(u => u.Plan).Select(NoProject))
                {
                    yield return Spoken(row);
                }

                yield break;
            }

            var context = new CheckContext
            {
                Session = session!,
                Project = project,
                Profile = profile,
                Host = host,
                ThrottleLimit = options.ThrottleLimit,
                Cancellation = stop.Token,
                Shared = new SharedLookups(session!, project, profile.Datasets.Select(d => d.Name).ToArray(), stop.Token),
            };
            var (reader, completion) = Measure(units, context);
            measuring = completion;
            await foreach (var row in reader.ReadAllAsync(cancel).ConfigureAwait(false))
            {
                yield return Spoken(row);
            }

            StartupTrace.Mark("infra: measured");
            TableListings = context.Shared.CompletedListings();
        }
        finally
        {
            // A consumer that stops early (Ctrl+C, Select-Object -First) stops the checks before the session closes.
            stop.Cancel();
            try
            {
                await measuring.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ChannelClosedException)
            {
            }

            session?.Dispose();
        }
    }

    private List<CheckUnit> Plan(InfrastructureOptions options, HashSet<InfraCheckKind> kinds, string project)
    {
        var profile = options.Profile;
        var target = project.Length > 0 ? project : "(no project)";
        var units = new List<CheckUnit>();
        if (kinds.Contains(InfraCheckKind.Project))
        {
            units.Add(new ProjectCheck(target));
        }

        if (kinds.Contains(InfraCheckKind.Billing))
        {
            units.Add(new BillingCheck(target));
        }

        if (kinds.Contains(InfraCheckKind.Api))
        {
            var scripts = options.Scripts ?? Inventory(options);
            var requirements = ApiRequirements.From(profile, scripts);
            if (requirements.Count > 0)
            {
                units.Add(new ApiCheck(requirements));
            }
        }

        if (kinds.Contains(InfraCheckKind.Permission) && profile.Permissions.Count > 0)
        {
            var permissions = profile.Permissions.Distinct(StringComparer.Ordinal).ToArray();
            units.Add(new ProjectPermissionCheck(target, permissions));
            var storage = permissions.Where(p => p.StartsWith("storage.", StringComparison.Ordinal)).ToArray();
            if (storage.Length > 0)
            {
                units.AddRange(profile.Buckets.Select(b => new BucketPermissionCheck(b.Name, storage)));
            }

            var tables = permissions.Where(p => p.StartsWith("bigquery.tables.", StringComparison.Ordinal)).ToArray();
            if (tables.Length > 0)
            {
                units.AddRange(profile.Datasets.Select(d => new TablePermissionCheck(target, d.Name, tables)));
            }
        }

        if (kinds.Contains(InfraCheckKind.BigQueryDataset))
        {
            // The longest checks (a dataset pages through its tables) start first.
            units.InsertRange(0, profile.Datasets.Select(d => new DatasetCheck(target, d)));
        }

        if (kinds.Contains(InfraCheckKind.GcsBucket))
        {
            units.AddRange(profile.Buckets.Select(b => new BucketCheck(b)));
        }

        var account = profile.Gcp.ServiceAccount is { Length: > 0 } sa ? sa : null;
        if (kinds.Contains(InfraCheckKind.CloudRunJob))
        {
            units.AddRange(profile.CloudRunJobs.Select(j => new CloudRunJobCheck(j.Region ?? profile.Gcp.Region ?? "", j.Name, j.RequiredBy, account)));
        }

        if (kinds.Contains(InfraCheckKind.ServiceAccount) && account is not null)
        {
            units.Add(new ActivePrincipalCheck(account));
            units.Add(new ServiceAccountKeysCheck(account, options.Clock));
        }

        if (kinds.Contains(InfraCheckKind.Quota) && profile.Quotas.QueryUsagePerDayTiB is { } planned)
        {
            units.Add(new QueryQuotaCheck(planned));
        }

        if (kinds.Contains(InfraCheckKind.CostMonitoring))
        {
            units.Add(new CostMonitoringCheck(target));
        }

        if (kinds.Contains(InfraCheckKind.WriteProbe) && options.ProbeWrite && PlanWriteProbe(options, project) is { } probe)
        {
            units.Add(probe);
        }

        return units;
    }

    /// <summary>
    /// The write probe's unit: asked of the host first (ShouldProcess; -WhatIf answers no), unless nothing would
    /// be written anyway (offline, no project, no scratch dataset). Null when the host declines.
    /// </summary>
    private CheckUnit? PlanWriteProbe(InfrastructureOptions options, string project)
    {
        var target = project.Length > 0 ? project : "(no project)";
        if (options.Profile.Gcp.ScratchDataset is not { Length: > 0 } scratch)
        {
            return new FixedRowsUnit(WriteProbe.Unconfigured(target), InfraCheckStatus.NotVerified, "not run: the profile names no scratch dataset",
                "Set gcp.scratchDataset in the profile to a dataset the probe may create, rename and drop a table in.",
                new Evidence("profile", "gcp.scratchDataset", "empty"));
        }

        var probe = new WriteProbe(target, scratch, options.Clock);
        if (options.Offline || project.Length == 0)
        {
            return probe;
        }

        if (!host.ShouldProcess($"bigquery:{project}.{scratch}", ProbeWriteAction))
        {
            host.WriteVerbose($"write probe not run: ShouldProcess declined for bigquery:{project}.{scratch}");
            return null;
        }

        return probe;
    }

    private IReadOnlyList<ScriptRecord> Inventory(InfrastructureOptions options)
    {
        if (!Directory.Exists(options.Root))
        {
            throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound, $"path not found: {options.Root}", options.Root));
        }

        return new InventoryService(host).Run(new InventoryOptions { Root = options.Root, Profile = options.Profile }).Records;
    }

    /// <summary>Runs every unit, at most ThrottleLimit at once, writing rows to a channel as they are ready.</summary>
    private (ChannelReader<InfraCheck> Reader, Task Completion) Measure(IReadOnlyList<CheckUnit> units, CheckContext context)
    {
        var channel = Channel.CreateUnbounded<InfraCheck>(new UnboundedChannelOptions { SingleReader = true });
        var gate = new SemaphoreSlim(context.ThrottleLimit);
        var done = 0;
        host.WriteProgress(new ProgressInfo("Checking infrastructure", $"0 of {units.Count} checks", 0));
        foreach (var unit in units)
        {
            unit.Prefetch(context);
        }

        var tasks = units.Select(async unit =>
        {
            await gate.WaitAsync(context.Cancellation).ConfigureAwait(false);
            try
            {
                foreach (var row in await RunUnitAsync(unit, context).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(row, context.Cancellation).ConfigureAwait(false);
                }
            }
            finally
            {
                gate.Release();
                var n = Interlocked.Increment(ref done);
                host.WriteProgress(new ProgressInfo("Checking infrastructure", $"{n} of {units.Count} checks", n * 100 / Math.Max(1, units.Count)));
            }
        }).ToArray();
        var completion = Task.WhenAll(tasks).ContinueWith(t =>
        {
            gate.Dispose();
            host.WriteProgress(new ProgressInfo("Checking infrastructure", "done", 100, Completed: true));
            var error = t.Exception?.GetBaseException();
            channel.Writer.TryComplete(error is null or OperationCanceledException ? null : error);
        }, TaskScheduler.Default);
        return (channel.Reader, completion);
    }

    /// <summary>One unit, never throwing except for cancellation: errors become rows with status, evidence and remedy.</summary>
    private async Task<IReadOnlyList<InfraCheck>> RunUnitAsync(CheckUnit unit, CheckContext context)
    {
        var watch = Stopwatch.StartNew();
        var calls = new CallRecorder();
        IReadOnlyList<InfraCheck> rows;
        try
        {
            rows = await unit.RunAsync(context, calls).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.Cancellation.IsCancellationRequested)
        {
            throw;
        }
        catch (GcpException e)
        {
            rows = unit.Plan.Select(p => CheckErrors.Row(p, e, context.Project, unit.AuditOnly)).ToArray();
        }
        catch (OperationCanceledException e) when (context.Session.Deadline.Passed)
        {
            var passed = context.Session.DeadlineExceeded(null, e);
            rows = unit.Plan.Select(p => CheckErrors.Row(p, passed, context.Project, unit.AuditOnly)).ToArray();
        }
        catch (Exception e)
        {
            var message = SecretRedactor.Redact($"{e.GetType().Name}: {e.Message}");
            host.WriteError(new BqxError(ErrorIds.Internal, BqxErrorCategory.NotSpecified, $"check failed unexpectedly: {message}", unit.Plan.FirstOrDefault()?.Target));
            rows = unit.Plan.Select(p =>
            {
                var row = p.Row(InfraCheckStatus.Error, $"internal error: {message}", "Report this: the check failed unexpectedly.");
                row.Evidence.Add(new Evidence("command", "bqx-audit", message));
                return row;
            }).ToArray();
        }

        watch.Stop();
        var summary = calls.Summarize().ToArray();
        foreach (var row in rows)
        {
            row.DurationMs = watch.ElapsedMilliseconds;
            foreach (var call in summary)
            {
                // The call count and timing join the line that already explains the call, else stand alone.
                var explained = row.Evidence.FirstOrDefault(e => e.Source == "api" && e.Location == call.Location);
                if (explained is null)
                {
                    row.Evidence.Add(new Evidence(call.Source, call.Location, call.Detail));
                }
                else
                {
                    explained.Detail += $" ({call.Detail})";
                }
            }
            foreach (var evidence in row.Evidence)
            {
                evidence.Detail = SecretRedactor.Redact(evidence.Detail);
                evidence.Location = SecretRedactor.Redact(evidence.Location);
            }

            row.Actual = row.Actual is null ? null : SecretRedactor.Redact(row.Actual);
        }

        return rows;
    }

    /// <summary>The row with its remedy in the caller's dialect (<c>{option:Offline}</c> → <c>-Offline</c> / <c>--offline</c>).</summary>
    private InfraCheck Spoken(InfraCheck row)
    {
        row.Remedy = row.Remedy is null ? null : host.Dialect.Format(row.Remedy);
        return row;
    }

    private static InfraCheck Offline(PlannedCheck plan)
    {
        var row = plan.Row(InfraCheckStatus.NotVerified, "not measured: offline",
            "Run without {option:Offline} to measure it; for credentials run `gcloud auth application-default login`, or set GOOGLE_APPLICATION_CREDENTIALS.");
        row.Evidence.Add(new Evidence("command", "-Offline", "no cloud calls were made"));
        return row;
    }

    private static InfraCheck NoProject(PlannedCheck plan)
    {
        var row = plan.Row(InfraCheckStatus.NotVerified, "not measured: no project id",
            "Set gcp.project in the profile, BQXAUDIT_PROJECT, or pass {option:ProjectId}.");
        row.Evidence.Add(new Evidence("profile", "gcp.project", "empty, and the key file names no project_id"));
        return row;
    }
}
