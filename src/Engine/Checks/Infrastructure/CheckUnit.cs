using System.Globalization;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>A row a unit will produce: known before anything is called, so offline and failed runs still name every check.</summary>
internal sealed record PlannedCheck(InfraCheckKind Kind, string Target, string Check, string? Expected)
{
    /// <summary>What to do when the target does not exist (NotFound).</summary>
    public string? MissingRemedy { get; init; }

    /// <summary>Facts known from the profile (a job's region, who requires it), carried by every row, measured or not.</summary>
    public IReadOnlyDictionary<string, object>? Facts { get; init; }

    public InfraCheck Row(InfraCheckStatus status, string? actual, string? remedy = null)
    {
        var row = new InfraCheck
        {
            Kind = Kind,
            Target = Target,
            Check = Check,
            Expected = Expected,
            Status = status,
            Actual = actual,
            Remedy = remedy,
        };
        if (Facts is not null)
        {
            foreach (var (name, value) in Facts)
            {
                row.Details[name] = value;
            }
        }

        return row;
    }
}

/// <summary>What every unit of a run shares: the session, the project, the profile, caches, limits.</summary>
internal sealed class CheckContext
{
    public required GcpSession Session { get; init; }
    public required string Project { get; init; }
    public required AuditProfile Profile { get; init; }
    public required IAuditHost Host { get; init; }
    public required SharedLookups Shared { get; init; }
    public int ThrottleLimit { get; init; } = 8;

    /// <summary>The run's cancellation: the host's, or the consumer stopping early.</summary>
    public required CancellationToken Cancellation { get; init; }

    /// <summary>Who is calling, for IAM remedies: the key file's service account, else the profile's, else a placeholder.</summary>
    public string Member =>
        Session.KeyFile?.Principal is { Length: > 0 } email ? $"serviceAccount:{email}"
        : Profile.Gcp.ServiceAccount is { Length: > 0 } sa ? $"serviceAccount:{sa}"
        : "PRINCIPAL";
}

/// <summary>
/// One unit of work: one or more rows measured together (an API batch gives a row per service).
/// A unit that throws a <see cref="GcpException"/> gets its planned rows filled from the error.
/// </summary>
internal abstract class CheckUnit
{
    protected CheckUnit(params PlannedCheck[] plan) => Plan = plan;

    public IReadOnlyList<PlannedCheck> Plan { get; }

    /// <summary>
    /// True when the unit reads facts only the audit needs (keys, quotas, budgets), not resources the pipeline
    /// uses: a denied or disabled API then leaves the fact unmeasured (NotVerified) instead of blocking.
    /// </summary>
    public virtual bool AuditOnly => false;

    public abstract Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls);

    /// <summary>
    /// Starts, before any unit runs, a shared lookup this unit will certainly await first (a dataset's table listing: its
    /// pages are sequential, the longest chain of a run), so that it does not wait for a throttle slot or another call.
    /// </summary>
    public virtual void Prefetch(CheckContext context)
    {
    }
}

/// <summary>A unit whose rows are known without a call (a check the profile leaves nothing to measure for).</summary>
internal sealed class FixedRowsUnit : CheckUnit
{
    private readonly InfraCheckStatus status;
    private readonly string actual;
    private readonly string remedy;
    private readonly Evidence evidence;

    public FixedRowsUnit(PlannedCheck plan, InfraCheckStatus status, string actual, string remedy, Evidence evidence)
        : base(plan)
    {
        this.status = status;
        this.actual = actual;
        this.remedy = remedy;
        this.evidence = evidence;
    }

    public override Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var row = Plan[0].Row(status, actual, remedy);
        row.Evidence.Add(new Evidence(evidence.Source, evidence.Location, evidence.Detail));
        return Task.FromResult<IReadOnlyList<InfraCheck>>(new[] { row });
    }
}

/// <summary>Turns errors into rows: the right status, what was seen, and the remedy (DESIGN.md statuses).</summary>
internal static class CheckErrors
{
    /// <summary>The row for an error; <paramref name="auditOnly"/> turns denied and disabled into NotVerified (see <see cref="CheckUnit.AuditOnly"/>).</summary>
    public static InfraCheck Row(PlannedCheck plan, GcpException e, string project, bool auditOnly)
    {
        var row = Row(plan, e, project);
        if (auditOnly && e.Kind is GcpErrorKind.PermissionDenied or GcpErrorKind.ApiDisabled or GcpErrorKind.BillingDisabled)
        {
            row.Status = InfraCheckStatus.NotVerified;
            row.Actual = $"not measured: {row.Actual}";
        }

        return row;
    }

    public static InfraCheck Row(PlannedCheck plan, GcpException e, string project)
    {
        var (status, actual, remedy) = e.Kind switch
        {
            GcpErrorKind.ApiDisabled => (InfraCheckStatus.Blocked, $"{e.Service} is disabled in project {project}",
                EnableRemedy(e.Service ?? "SERVICE", project)),
            GcpErrorKind.BillingDisabled => (InfraCheckStatus.Blocked, $"billing is not enabled for project {project}",
                $"gcloud billing projects link {project} --billing-account=BILLING_ACCOUNT_ID"),
            GcpErrorKind.PermissionDenied => (InfraCheckStatus.Blocked,
                $"permission denied{(e.Method?.Permission is { } p ? $" ({p} needed)" : "")}",
                e.Method?.Permission is { } perm
                    ? $"Grant the caller a role that includes {perm} (e.g. {Roles.For(perm)}) on the project or the resource."
                    : "Grant the caller a role that allows the call named in the evidence."),
            GcpErrorKind.NotFound => (InfraCheckStatus.Missing, "not found", plan.MissingRemedy ?? "Create it, or correct its name in the profile."),
            GcpErrorKind.Unauthenticated => (InfraCheckStatus.NotVerified, "not measured: the credentials were refused", GcpCredentialResolver.LoginRemedy),
            GcpErrorKind.CredentialsMissing => (InfraCheckStatus.NotVerified, $"not measured: {e.Message}",
                e is GcpCredentialsMissingException m ? m.Remedy : GcpCredentialResolver.LoginRemedy),
            GcpErrorKind.QuotaExceeded => (InfraCheckStatus.NotVerified, "not measured: quota or rate limit exceeded",
                "Retry later, or raise the quota named in the evidence (console: IAM & Admin > Quotas)."),
            GcpErrorKind.Transient => (InfraCheckStatus.NotVerified, "not measured: the service did not answer",
                "Retry; the service failed or timed out on every attempt (see evidence)."),
            GcpErrorKind.MalformedResponse when e is GcpMalformedResponseException { Lacking: { } field } =>
                (InfraCheckStatus.Error, $"the response could not be read: response lacks {field}",
                "The answer lacks a field the check needs to judge; if it persists, the endpoint does not speak Google's published API (check gcp.endpoints / BQXAUDIT_GCP_ENDPOINT)."),
            GcpErrorKind.MalformedResponse => (InfraCheckStatus.Error, "the response could not be read",
                "Retry; if it persists, the endpoint does not speak Google's published API (check gcp.endpoints / BQXAUDIT_GCP_ENDPOINT)."),
            GcpErrorKind.ResponseTooLarge => (InfraCheckStatus.Error, $"the response could not be read: larger than the response cap ({e.Location})",
                "The endpoint sent more than any answer of this call should hold; check gcp.endpoints / BQXAUDIT_GCP_ENDPOINT, or the proxy in between."),
            GcpErrorKind.Redirected => (InfraCheckStatus.Error, $"the call was redirected ({e.Reason}); redirects are not followed",
                "A Google API never redirects these calls: check gcp.endpoints / BQXAUDIT_GCP_ENDPOINT, or the proxy in between."),
            GcpErrorKind.DeadlineExceeded when e is GcpRetryRefusedException refused => (InfraCheckStatus.NotVerified,
                $"not measured: the server asked to retry after {refused.RetryAfter.TotalSeconds:0} s, beyond the cloud deadline",
                "Retry later, or give the audit a longer cloud deadline (--timeout / -TimeoutSec) if the wait is acceptable."),
            GcpErrorKind.DeadlineExceeded => (InfraCheckStatus.NotVerified, "not measured: the cloud deadline passed before the check finished",
                "Re-run with a longer cloud deadline (--timeout / -TimeoutSec), or find out why the service answers slowly (see evidence)."),
            _ => (InfraCheckStatus.Error, $"the call failed ({e.Reason ?? e.Kind.ToString()})", "See the evidence for the server's message."),
        };
        var row = plan.Row(status, actual, remedy);
        row.Evidence.Add(new Evidence("api", e.Location, Describe(e)));
        return row;
    }

    public static string EnableRemedy(string service, string project) => $"gcloud services enable {service} --project {project}";

    public static string Describe(GcpException e) =>
        SecretRedactor.Redact($"{e.Kind}{(e.Reason is { } r ? $" ({r})" : "")}: {e.Message}");
}

/// <summary>Predefined roles that include the permissions the audit tests, for remedies.</summary>
internal static class Roles
{
    public static string For(string permission) => permission switch
    {
        "bigquery.jobs.create" => "roles/bigquery.jobUser",
        _ when permission.StartsWith("bigquery.tables.", StringComparison.Ordinal) || permission.StartsWith("bigquery.datasets.", StringComparison.Ordinal) => "roles/bigquery.dataEditor",
        _ when permission.StartsWith("bigquery.", StringComparison.Ordinal) => "roles/bigquery.user",
        "storage.objects.get" or "storage.objects.list" or "storage.buckets.get" => "roles/storage.objectViewer",
        _ when permission.StartsWith("storage.", StringComparison.Ordinal) => "roles/storage.objectAdmin",
        "run.jobs.get" or "run.executions.get" or "run.jobs.list" or "run.executions.list" => "roles/run.viewer",
        _ when permission.StartsWith("run.", StringComparison.Ordinal) => "roles/run.developer",
        "iam.serviceAccountKeys.list" => "roles/iam.serviceAccountKeyAdmin",
        "billing.budgets.list" or "billing.budgets.get" => "roles/billing.viewer",
        "serviceusage.quotas.get" => "roles/serviceusage.serviceUsageViewer",
        _ when permission.StartsWith("serviceusage.", StringComparison.Ordinal) => "roles/serviceusage.serviceUsageConsumer",
        _ when permission.StartsWith("resourcemanager.", StringComparison.Ordinal) => "roles/browser",
        _ => "a role that includes it",
    };
}

/// <summary>Number formats of the Actual column: thousands separators, decimal GB.</summary>
internal static class Format
{
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Gb(long bytes) => (bytes / 1e9).ToString("N1", CultureInfo.InvariantCulture) + " GB";

    public static string Time(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
