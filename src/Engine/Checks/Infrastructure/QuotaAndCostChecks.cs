using System.Globalization;
using BqxAudit.Cloud;
using BqxAudit.Cloud.Billing;
using BqxAudit.Cloud.ServiceUsage;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>
/// Quota: BigQuery's query-usage-per-day limits (Service Usage v1beta1 consumer quota metric
/// <c>bigquery.googleapis.com/quota/query/usage</c>: the per-project limit <c>1/d/{project}</c> and the per-user
/// limit <c>1/d/{project}/{user}</c>) against the profile's planned usage. Service Usage reports limits, not
/// usage, so the row says how much a day may scan, not how much of today's allowance is left.
/// </summary>
internal sealed class QueryQuotaCheck : CheckUnit
{
    public const string Service = "bigquery.googleapis.com";
    public const string Metric = "bigquery.googleapis.com/quota/query/usage";
    public const string ProjectUnit = "1/d/{project}";
    public const string UserUnit = "1/d/{project}/{user}";
    public const string LimitsNotUsage = "Service Usage reports quota limits, not usage: how much of today's allowance is spent is not measured";

    private const double BytesPerTiB = 1024d * 1024 * 1024 * 1024;

    private readonly double plannedTiB;

    public QueryQuotaCheck(double plannedTiB)
        : base(new PlannedCheck(InfraCheckKind.Quota, $"quota:{Metric}", "BigQuery query usage per day allows the planned usage",
            $"at least {Tib(plannedTiB)} per day (planned)")
        {
            Facts = new Dictionary<string, object> { ["PlannedTiB"] = plannedTiB, ["Metric"] = Metric },
        }) =>
        this.plannedTiB = plannedTiB;

    public override bool AuditOnly => true;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var metrics = await new QuotaAndBudgetApi(context.Session, calls).ListQuotaMetricsAsync(context.Project, Service, context.Cancellation).ConfigureAwait(false);
        var plan = Plan[0];
        var metric = metrics.FirstOrDefault(m => m.Metric == Metric);
        if (metric is null)
        {
            var absent = plan.Row(InfraCheckStatus.NotVerified, $"not measured: Service Usage lists no {Metric} metric for {Service} ({metrics.Count} other metric(s))",
                $"Read the limit in the console (IAM & Admin > Quotas, filter 'Query usage per day'); `gcloud alpha services quota list --service={Service} --consumer=projects/{context.Project}` lists what Service Usage knows.");
            absent.Evidence.Add(new Evidence("api", "GET serviceusage.services.consumerQuotaMetrics.list 200", $"{metrics.Count} metric(s), none is {Metric}; {LimitsNotUsage}"));
            return new[] { absent };
        }

        var bytesPerUnit = BytesPerUnit(metric.Unit);
        var project = Limit(metric, ProjectUnit);
        var user = Limit(metric, UserUnit);
        var evidence = new Evidence("api", "GET serviceusage.services.consumerQuotaMetrics.list 200",
            $"{Metric} (unit {metric.Unit ?? "none"}): {ProjectUnit} effectiveLimit {Raw(project)}, {UserUnit} effectiveLimit {Raw(user)}; {LimitsNotUsage}");
        if (bytesPerUnit is null)
        {
            var unknown = plan.Row(InfraCheckStatus.NotVerified, $"not measured: the metric's unit '{metric.Unit ?? "(none)"}' is not a byte unit this version reads",
                "Read the limit in the console (IAM & Admin > Quotas, filter 'Query usage per day') and compare it with quotas.queryUsagePerDayTiB.");
            unknown.Evidence.Add(evidence);
            return new[] { unknown };
        }

        if (project is null && user is null)
        {
            var none = plan.Row(InfraCheckStatus.NotVerified, $"not measured: {Metric} has no {ProjectUnit} or {UserUnit} limit with a bucket",
                "Read the limit in the console (IAM & Admin > Quotas, filter 'Query usage per day').");
            none.Evidence.Add(evidence);
            return new[] { none };
        }

        double? ToTiB(long? limit) => limit is null or < 0 ? null : limit.Value * bytesPerUnit.Value / BytesPerTiB;
        var projectTiB = ToTiB(project);
        var userTiB = ToTiB(user);
        var effective = new[] { projectTiB, userTiB }.Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(double.PositiveInfinity).Min();
        var below = effective < plannedTiB;
        var described = $"per project {Describe(project, projectTiB)}, per user {Describe(user, userTiB)}";
        var row = below
            ? plan.Row(InfraCheckStatus.Partial,
                $"{described}: {Tib(effective)} per day is below the planned {Tib(plannedTiB)} (limits, not usage)",
                $"Request a higher 'Query usage per day' quota (console: IAM & Admin > Quotas, {Metric}), or spread the phase's queries over {Math.Ceiling(plannedTiB / Math.Max(effective, 1e-9)).ToString("0", CultureInfo.InvariantCulture)} days.")
            : plan.Row(InfraCheckStatus.Ready,
                $"{described}: {(double.IsPositiveInfinity(effective) ? "no daily limit" : $"{Tib(effective)} per day")} allows the planned {Tib(plannedTiB)} (limits, not usage)");
        row.Details["ProjectLimitTiB"] = projectTiB is { } p ? p : "unlimited";
        row.Details["PerUserLimitTiB"] = userTiB is { } u ? u : "unlimited";
        row.Details["EffectiveLimitTiB"] = double.IsPositiveInfinity(effective) ? "unlimited" : effective;
        row.Details["LimitUnit"] = metric.Unit!;
        row.Details["BelowPlanned"] = below;
        row.Details["UsageMeasured"] = false;
        row.Evidence.Add(evidence);
        return new[] { row };
    }

    /// <summary>The effective limit of the limit with this unit: its global bucket (no dimensions), else its first; null when absent.</summary>
    private static long? Limit(ConsumerQuotaMetric metric, string unit)
    {
        var limit = metric.ConsumerQuotaLimits.FirstOrDefault(l => l.Unit == unit);
        var bucket = limit?.QuotaBuckets.FirstOrDefault(b => b.Dimensions.Count == 0) ?? limit?.QuotaBuckets.FirstOrDefault();
        return bucket?.EffectiveLimit;
    }

    /// <summary>Bytes per unit of a metric unit (UCUM-style, as Service Usage writes them); null for units that are not bytes.</summary>
    internal static double? BytesPerUnit(string? unit) => unit switch
    {
        "By" => 1,
        "kBy" => 1e3,
        "MBy" => 1e6,
        "GBy" => 1e9,
        "TBy" => 1e12,
        "KiBy" => 1024d,
        "MiBy" => 1024d * 1024,
        "GiBy" => 1024d * 1024 * 1024,
        "TiBy" => 1024d * 1024 * 1024 * 1024,
        _ => null,
    };

    private static string Raw(long? limit) => limit is null ? "absent" : limit.Value.ToString(CultureInfo.InvariantCulture);

    private static string Describe(long? raw, double? tib) => raw is null ? "no limit listed" : tib is null ? "unlimited" : Tib(tib.Value);

    internal static string Tib(double tib) => tib.ToString("0.###", CultureInfo.InvariantCulture) + " TiB";
}

/// <summary>
/// CostMonitoring: the project's billing account (Cloud Billing getBillingInfo) and the budgets on it that track
/// the project (Budgets budgets.list with <c>scope=projects/{p}</c>), with their alert thresholds. The Budgets
/// API disabled, or budgets the caller may not read, leave it unmeasured with the remedy.
/// </summary>
internal sealed class CostMonitoringCheck : CheckUnit
{
    public CostMonitoringCheck(string project)
        : base(new PlannedCheck(InfraCheckKind.CostMonitoring, $"project:{project}", "a budget with alert thresholds tracks the project's costs",
            "at least one budget with threshold rules"))
    {
    }

    public override bool AuditOnly => true;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var plan = Plan[0];
        var info = await new ProjectApi(context.Session, calls).GetBillingInfoAsync(context.Project, context.Cancellation).ConfigureAwait(false);
        GcpMalformedResponseException.Require(info.Name, GcpMethods.GetBillingInfo, "name");
        var account = info.BillingAccountName;
        var billingEvidence = new Evidence("api", "GET cloudbilling.projects.getBillingInfo 200",
            $"billingEnabled {(info.BillingEnabled == true ? "true" : "false")}, account {account ?? "(none)"}");
        if (string.IsNullOrEmpty(account))
        {
            var unlinked = plan.Row(InfraCheckStatus.Missing, "no billing account is linked, so no budget can track the project",
                $"gcloud billing projects link {context.Project} --billing-account=BILLING_ACCOUNT_ID, then create a budget (gcloud billing budgets create).");
            unlinked.Details["BillingAccountName"] = "";
            unlinked.Details["Budgets"] = 0;
            unlinked.Evidence.Add(billingEvidence);
            return new[] { unlinked };
        }

        IReadOnlyList<GoogleCloudBillingBudgetsV1Budget> budgets;
        try
        {
            budgets = await new QuotaAndBudgetApi(context.Session, calls).ListProjectBudgetsAsync(account, context.Project, context.Cancellation).ConfigureAwait(false);
        }
        catch (GcpApiDisabledException e)
        {
            var service = e.Service ?? GcpApi.BillingBudgets.ServiceName;
            var disabled = plan.Row(InfraCheckStatus.NotVerified, $"not measured: {service} is disabled in project {context.Project}, so budgets cannot be read",
                CheckErrors.EnableRemedy(service, context.Project)
                + (context.Session.KeyFile is null ? $" With user credentials, the API is billed to their quota project: gcloud auth application-default set-quota-project {context.Project}." : ""));
            disabled.Details["BillingAccountName"] = account;
            disabled.Details["ApiDisabled"] = service;
            disabled.Evidence.Add(billingEvidence);
            disabled.Evidence.Add(new Evidence("api", e.Location, CheckErrors.Describe(e)));
            return new[] { disabled };
        }
        catch (GcpPermissionDeniedException e)
        {
            var id = account["billingAccounts/".Length..];
            var denied = plan.Row(InfraCheckStatus.NotVerified, $"not measured: the caller may not list the budgets of {account} (billing.budgets.list needed)",
                $"Grant the caller roles/billing.viewer on the billing account: gcloud billing accounts add-iam-policy-binding {id} --member={context.Member} --role=roles/billing.viewer");
            denied.Details["BillingAccountName"] = account;
            denied.Evidence.Add(billingEvidence);
            denied.Evidence.Add(new Evidence("api", e.Location, CheckErrors.Describe(e)));
            return new[] { denied };
        }

        var facts = budgets.Select(Describe).ToList();
        var withThresholds = budgets.Count(b => b.ThresholdRules.Count > 0);
        var summary = string.Join("; ", facts.Select(f => $"{f["DisplayName"]}: {f["Amount"]}, thresholds {string.Join("/", ((List<double>)f["Thresholds"]).Select(Percent))}"));
        InfraCheck row;
        if (budgets.Count == 0)
        {
            var id = account["billingAccounts/".Length..];
            row = plan.Row(InfraCheckStatus.Missing, $"no budget on {account} tracks project {context.Project}",
                $"gcloud billing budgets create --billing-account={id} --display-name=\"{context.Project}\" --budget-amount=AMOUNT --filter-projects=projects/{context.Project} "
                + "--threshold-rule=percent=0.5 --threshold-rule=percent=0.9 --threshold-rule=percent=1.0");
        }
        else if (withThresholds == 0)
        {
            row = plan.Row(InfraCheckStatus.Partial, $"{budgets.Count} budget(s) but none with alert thresholds: {summary}",
                "Add threshold rules so the budget alerts: gcloud billing budgets update BUDGET_ID --billing-account=" + account["billingAccounts/".Length..]
                + " --threshold-rule=percent=0.5 --threshold-rule=percent=0.9 --threshold-rule=percent=1.0");
        }
        else
        {
            row = plan.Row(InfraCheckStatus.Ready, $"{budgets.Count} budget(s), {withThresholds} with alert thresholds: {summary}");
        }

        row.Details["BillingAccountName"] = account;
        row.Details["Budgets"] = facts.Count;
        row.Details["BudgetsWithThresholds"] = withThresholds;
        if (facts.Count > 0)
        {
            row.Details["BudgetList"] = facts;
        }

        row.Evidence.Add(billingEvidence);
        row.Evidence.Add(new Evidence("api", "GET billingbudgets.billingAccounts.budgets.list 200",
            $"scope=projects/{context.Project}: {budgets.Count} budget(s){(facts.Count > 0 ? ": " + summary : "")}"));
        return new[] { row };
    }

    private static Dictionary<string, object> Describe(GoogleCloudBillingBudgetsV1Budget budget)
    {
        var amount = budget.Amount?.SpecifiedAmount is { } money ? money.ToString()
            : budget.Amount?.LastPeriodAmount is not null ? "last period's spend"
            : "(no amount)";
        var filter = budget.BudgetFilter;
        return new Dictionary<string, object>
        {
            ["Name"] = budget.Name ?? "",
            ["DisplayName"] = budget.DisplayName ?? budget.Name ?? "(unnamed)",
            ["Amount"] = amount,
            ["Thresholds"] = budget.ThresholdRules.Where(t => t.ThresholdPercent is not null).Select(t => t.ThresholdPercent!.Value).OrderBy(t => t).ToList(),
            ["CalendarPeriod"] = filter?.CalendarPeriod ?? "(unspecified)",
            ["Scope"] = filter is null || filter.Projects.Count == 0 ? "every project of the billing account" : string.Join(", ", filter.Projects),
        };
    }

    private static string Percent(double fraction) => (fraction * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
}
