using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using BqxAudit.Cloud;
using BqxAudit.Cloud.BigQuery;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>
/// WriteProbe, opt-in (-ProbeWrite / --probe-write, after ShouldProcess): in the profile's scratch dataset,
/// <c>CREATE TABLE</c> a uniquely named table that expires after one hour, <c>ALTER TABLE … RENAME TO</c> it,
/// and <c>DROP TABLE</c> it, each a DDL statement through jobs.query and each its own row. Whatever happens —
/// a step denied, a failure, Ctrl+C — a table left behind is dropped in <c>finally</c>; if even that fails
/// it expires by itself within the hour.
/// </summary>
internal sealed partial class WriteProbe : CheckUnit
{
    public const string CreateCheck = "step 1: CREATE TABLE with a 1-hour expiration";
    public const string RenameCheck = "step 2: ALTER TABLE … RENAME TO";
    public const string DropCheck = "step 3: DROP TABLE";
    public const string TablePrefix = "bqx_audit_probe_";

    /// <summary>How long the clean-up may take; it runs even after cancellation, so it has its own limit.</summary>
    public static readonly TimeSpan CleanUpTimeout = TimeSpan.FromSeconds(30);

    private readonly string project;
    private readonly string dataset;
    private readonly string table;
    private readonly string renamed;
    private readonly TimeProvider clock;

    public WriteProbe(string project, string dataset, TimeProvider clock)
        : this(project, dataset, NewTableName(clock), clock)
    {
    }

    private WriteProbe(string project, string dataset, string table, TimeProvider clock)
        : base(Planned(project, dataset, table))
    {
        this.project = project;
        this.dataset = dataset;
        this.table = table;
        renamed = table + "_renamed";
        this.clock = clock;
    }

    /// <summary>The table the probe creates.</summary>
    public string Table => table;

    /// <summary>The rows for a run whose profile names no scratch dataset: one NotVerified row saying so.</summary>
    public static PlannedCheck Unconfigured(string project) =>
        new(InfraCheckKind.WriteProbe, $"bigquery:{project}.(no scratch dataset)", "write probe: create, rename and drop a table", "a scratch dataset to write in");

    /// <summary>True when the project id and dataset can be written into SQL as a quoted path.</summary>
    public static bool CanQuote(string project, string dataset) => SafeProject().IsMatch(project) && SafeDataset().IsMatch(dataset);

    private static PlannedCheck[] Planned(string project, string dataset, string table)
    {
        var facts = new Dictionary<string, object> { ["Dataset"] = dataset, ["Table"] = table, ["RenamedTo"] = table + "_renamed" };
        var target = $"bigquery:{project}.{dataset}";
        var missing = $"bq mk --dataset --location=LOCATION --default_table_expiration 3600 {project}:{dataset}  (or correct gcp.scratchDataset)";
        return new[]
        {
            new PlannedCheck(InfraCheckKind.WriteProbe, target, CreateCheck, $"CREATE TABLE {table} succeeds (bigquery.tables.create)") { Facts = facts, MissingRemedy = missing },
            new PlannedCheck(InfraCheckKind.WriteProbe, target, RenameCheck, $"RENAME TO {table}_renamed succeeds (bigquery.tables.update)") { Facts = facts, MissingRemedy = missing },
            new PlannedCheck(InfraCheckKind.WriteProbe, target, DropCheck, "DROP TABLE succeeds (bigquery.tables.delete)") { Facts = facts, MissingRemedy = missing },
        };
    }

    private static string NewTableName(TimeProvider clock) =>
        TablePrefix + clock.GetUtcNow().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture) + "_" + Guid.NewGuid().ToString("N")[..8];

    private string Path(string name) => $"`{project}.{dataset}.{name}`";

    public string CreateSql => $"CREATE TABLE {Path(table)} (probe STRING)\n"
        + "OPTIONS (expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR), description = \"bqx-audit write probe; safe to delete\")";

    public string RenameSql => $"ALTER TABLE {Path(table)} RENAME TO `{renamed}`";

    private string DropSql(string name) => $"DROP TABLE {Path(name)}";

    private string CleanUpSql(string name) => $"DROP TABLE IF EXISTS {Path(name)}";

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        if (!CanQuote(project, dataset))
        {
            return Plan.Select(p => p.Row(InfraCheckStatus.NotVerified, $"not run: '{project}' / '{dataset}' cannot be quoted safely in SQL",
                "Use a project id of lower-case letters, digits, '-', '.', ':' and a dataset id of letters, digits and '_'.")).ToArray();
        }

        var rows = new InfraCheck?[3];
        var expires = clock.GetUtcNow().AddHours(1);
        string? current = null;
        Dataset meta;
        try
        {
            meta = await new BigQueryApi(context.Session, calls).GetDatasetAsync(project, dataset, context.Cancellation).ConfigureAwait(false);
        }
        catch (GcpException e) when (e.Kind is not GcpErrorKind.CredentialsMissing)
        {
            rows[0] = CheckErrors.Row(Plan[0], e, project);
            if (e.Kind == GcpErrorKind.NotFound)
            {
                rows[0]!.Actual = $"the scratch dataset {project}:{dataset} does not exist";
            }

            rows[1] = NotRun(Plan[1], "step 1 could not run");
            rows[2] = NotRun(Plan[2], "step 1 could not run");
            return rows!;
        }

        var location = meta.Location ?? "US";
        var runner = new BigQueryQueryRunner(context.Session, calls);
        var renameUncertain = false;
        try
        {
            var (created, create) = await StepAsync(context, runner, Plan[0], CreateSql, "bigquery.tables.create", location,
                $"created {table} in {project}:{dataset} ({location}), expiring by {Format.Time(expires)}").ConfigureAwait(false);
            rows[0] = create;
            if (!created)
            {
                rows[1] = NotRun(Plan[1], "step 1 failed");
                rows[2] = NotRun(Plan[2], "step 1 failed");
                return rows!;
            }

            current = table;
            var (moved, rename) = await StepAsync(context, runner, Plan[1], RenameSql, "bigquery.tables.update", location,
                $"renamed {table} to {renamed}").ConfigureAwait(false);
            rows[1] = rename;
            if (moved)
            {
                current = renamed;
            }
            else
            {
                // An answer that never arrived may hide a rename that happened: clean up both names.
                renameUncertain = rename.Status is InfraCheckStatus.NotVerified or InfraCheckStatus.Error;
            }

            var (dropped, drop) = await StepAsync(context, runner, Plan[2], DropSql(current), "bigquery.tables.delete", location,
                $"dropped {current}; nothing is left behind").ConfigureAwait(false);
            rows[2] = drop;
            if (dropped)
            {
                current = null;
            }

            return rows!;
        }
        finally
        {
            if (current is not null)
            {
                await CleanUpAsync(context, runner, current, location, expires, rows[2]).ConfigureAwait(false);
            }

            if (renameUncertain)
            {
                await CleanUpAsync(context, runner, renamed, location, expires, rows[2]).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One DDL statement: Ready when it succeeds; a denial names the permission the step needs.</summary>
    private async Task<(bool Ok, InfraCheck Row)> StepAsync(CheckContext context, BigQueryQueryRunner runner, PlannedCheck plan, string sql, string permission, string location, string done)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            var result = await runner.ExecuteStatementAsync(project, Request(sql, location), context.Cancellation).ConfigureAwait(false);
            var row = plan.Row(InfraCheckStatus.Ready, done);
            row.Details["Statement"] = sql;
            row.Details["StepDurationMs"] = watch.ElapsedMilliseconds;
            if (result.JobId is { } job)
            {
                row.Details["JobId"] = job;
            }

            row.Evidence.Add(new Evidence("api", "POST bigquery.jobs.query 200",
                $"{result.StatementType ?? "DDL"} job {result.JobId ?? "(no job id)"} in {location}{(result.Polls > 0 ? $" after {result.Polls} poll(s)" : "")}: {sql.ReplaceLineEndings(" ")}"));
            return (true, row);
        }
        catch (GcpException e) when (e.Kind is not GcpErrorKind.CredentialsMissing)
        {
            InfraCheck row;
            if (e.Kind == GcpErrorKind.PermissionDenied)
            {
                row = plan.Row(InfraCheckStatus.Blocked, $"denied: {permission} is needed on {project}:{dataset}",
                    $"Grant {context.Member} {Roles.For(permission)} on dataset {project}:{dataset} (console: the dataset's Sharing > Permissions), or on the project: "
                    + $"gcloud projects add-iam-policy-binding {project} --member={context.Member} --role={Roles.For(permission)}");
                row.Evidence.Add(new Evidence("api", e.Location, CheckErrors.Describe(e)));
            }
            else
            {
                row = CheckErrors.Row(plan, e, project);
            }

            row.Details["Statement"] = sql;
            row.Details["StepDurationMs"] = watch.ElapsedMilliseconds;
            return (false, row);
        }
    }

    /// <summary>Drops a table the steps left behind, even after cancellation (own time limit), and says what happened.</summary>
    private async Task CleanUpAsync(CheckContext context, BigQueryQueryRunner runner, string name, string location, DateTimeOffset expires, InfraCheck? dropRow)
    {
        using var limit = new CancellationTokenSource(CleanUpTimeout);
        var sql = CleanUpSql(name);
        try
        {
            await runner.ExecuteStatementAsync(project, Request(sql, location), limit.Token).ConfigureAwait(false);
            context.Host.WriteVerbose($"write probe: clean-up dropped {project}:{dataset}.{name}");
            if (dropRow is not null)
            {
                dropRow.Details["CleanUp"] = $"dropped {name} (DROP TABLE IF EXISTS)";
                dropRow.Evidence.Add(new Evidence("api", "POST bigquery.jobs.query 200", $"clean-up: {sql}"));
            }
        }
        catch (Exception e) when (e is GcpException or OperationCanceledException)
        {
            var left = $"{project}:{dataset}.{name} was left behind; it expires by itself by {Format.Time(expires)}; to delete it now: bq rm -f -t {project}:{dataset}.{name}";
            context.Host.WriteWarning($"write probe: {left}");
            if (dropRow is not null)
            {
                dropRow.Details["CleanUp"] = $"failed: {left}";
                dropRow.Evidence.Add(new Evidence("api", e is GcpException g ? g.Location : "POST bigquery.jobs.query", $"clean-up failed: {(e is GcpException ge ? CheckErrors.Describe(ge) : "timed out")}"));
                dropRow.Remedy = (dropRow.Remedy is null ? "" : dropRow.Remedy + " ") + $"The probe table {left}.";
            }
        }
    }

    private static QueryRequest Request(string sql, string location) => new()
    {
        Query = sql,
        Location = location,
        Labels = { ["bqx-audit"] = "write-probe" },
    };

    private static InfraCheck NotRun(PlannedCheck plan, string why)
    {
        var row = plan.Row(InfraCheckStatus.NotVerified, $"not run: {why}", "Resolve step 1 (see its row), then run the probe again.");
        row.Evidence.Add(new Evidence("command", "-ProbeWrite", $"skipped: {why}"));
        return row;
    }

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.:-]*$")]
    private static partial Regex SafeProject();

    [GeneratedRegex(@"^[A-Za-z0-9_]{1,1024}$")]
    private static partial Regex SafeDataset();
}
