using BqxAudit.Checks.Infrastructure;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class QuotaAndCostCheckTests
{
    private static readonly InfraCheckKind[] Quota = { InfraCheckKind.Quota };
    private static readonly InfraCheckKind[] Cost = { InfraCheckKind.CostMonitoring };
    private const long TiBInMiB = 1024L * 1024;

    [Fact]
    public async Task Run_WhenTheDailyLimitAllowsThePlan_ShouldBeReadyAndSayItReadLimitsNotUsage()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.Ready, quota.Status);
        Assert.Equal("quota:bigquery.googleapis.com/quota/query/usage", quota.Target);
        Assert.Equal("at least 1 TiB per day (planned)", quota.Expected);
        Assert.Equal(2.0, quota.Details["ProjectLimitTiB"]);
        Assert.Equal("unlimited", quota.Details["PerUserLimitTiB"]);
        Assert.Equal(2.0, quota.Details["EffectiveLimitTiB"]);
        Assert.Equal(1.0, quota.Details["PlannedTiB"]);
        Assert.Equal(false, quota.Details["BelowPlanned"]);
        Assert.Equal(false, quota.Details["UsageMeasured"]);
        Assert.Equal("MiBy", quota.Details["LimitUnit"]);
        Assert.Contains("(limits, not usage)", quota.Actual);
        Assert.Contains(quota.Evidence, e => e.Detail.Contains("Service Usage reports quota limits, not usage", StringComparison.Ordinal)
                                             && e.Detail.Contains("1/d/{project} effectiveLimit 2097152", StringComparison.Ordinal));
        var request = Assert.Single(server.Log.ApiRequests);
        Assert.Equal("v1beta1/projects/bqx-ml/services/bigquery.googleapis.com/consumerQuotaMetrics", request.Path);
        Assert.Contains("view=FULL", request.Query);
    }

    [Fact]
    public async Task Run_WhenTheDailyLimitIsBelowThePlannedUsage_ShouldBePartialWithExpectedAndActualForTheBlockerRule()
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(TiBInMiB / 2) };
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.Partial, quota.Status);
        Assert.Equal(true, quota.Details["BelowPlanned"]);
        Assert.Equal(0.5, quota.Details["EffectiveLimitTiB"]);
        Assert.Contains("0.5 TiB per day is below the planned 1 TiB", quota.Actual);
        Assert.Contains("over 2 days", quota.Remedy);
        Assert.Contains("Query usage per day", quota.Remedy);
    }

    [Fact]
    public async Task Run_WhenThePerUserLimitIsLowerThanThePerProjectOne_ShouldJudgeByTheLower()
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(10 * TiBInMiB, TiBInMiB / 4) };
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.Partial, quota.Status);
        Assert.Equal(10.0, quota.Details["ProjectLimitTiB"]);
        Assert.Equal(0.25, quota.Details["PerUserLimitTiB"]);
        Assert.Equal(0.25, quota.Details["EffectiveLimitTiB"]);
    }

    [Fact]
    public async Task Run_WhenBothLimitsAreUnlimited_ShouldBeReadyWithNoDailyLimit()
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(-1, -1) };
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.Ready, quota.Status);
        Assert.Equal("unlimited", quota.Details["EffectiveLimitTiB"]);
        Assert.Contains("no daily limit", quota.Actual);
    }

    [Theory]
    [InlineData("TiBy", 3, 3.0)]
    [InlineData("GiBy", 512, 0.5)]
    [InlineData("By", 1099511627776, 1.0)]
    public async Task Run_WhenTheMetricUsesAnotherByteUnit_ShouldConvertItToTiB(string unit, long limit, double tib)
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(limit, unit: unit) };
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(tib, quota.Details["ProjectLimitTiB"]);
        Assert.Equal(tib < 1 ? InfraCheckStatus.Partial : InfraCheckStatus.Ready, quota.Status);
    }

    [Fact]
    public async Task Run_WhenTheUnitIsNotABytesUnit_ShouldBeNotVerifiedNamingTheUnit()
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(100, unit: "1") };
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.NotVerified, quota.Status);
        Assert.Contains("unit '1'", quota.Actual);
    }

    [Fact]
    public async Task Run_WhenTheMetricIsOnTheSecondPage_ShouldFollowThePageToken()
    {
        await using var server = await StartDefaultAsync();
        var other = QueryUsageMetric(5);
        other["metric"] = "bigquery.googleapis.com/quota/tables/insert";
        server.State.QuotaMetrics["bigquery.googleapis.com"].Insert(0, other);
        server.State.QuotaMetricsPageSize = 1;
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.Ready, quota.Status);
        Assert.Equal(2, server.Log.Count("serviceusage.services.consumerQuotaMetrics.list"));
    }

    [Fact]
    public async Task Run_WhenServiceUsageListsNoQueryUsageMetric_ShouldBeNotVerifiedPointingAtTheConsole()
    {
        await using var server = await StartDefaultAsync();
        server.State.QuotaMetrics.Clear();
        using var home = new TempDir();

        var quota = Assert.Single(Run(server, home, kinds: Quota));

        Assert.Equal(InfraCheckStatus.NotVerified, quota.Status);
        Assert.Contains("lists no bigquery.googleapis.com/quota/query/usage metric", quota.Actual);
        Assert.Contains("IAM & Admin > Quotas", quota.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheProfilePlansNoUsage_ShouldPlanNoQuotaRow()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        Assert.Empty(Run(server, home, Profile("name: t\ngcp: { project: bqx-ml }\n"), Quota));
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task Run_WhenABudgetWithThresholdsTracksTheProject_ShouldBeReadyListingIt()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.Ready, cost.Status);
        Assert.Equal("project:bqx-ml", cost.Target);
        Assert.Equal("billingAccounts/012345-567890-ABCDEF", cost.Details["BillingAccountName"]);
        Assert.Equal(1, cost.Details["Budgets"]);
        var budget = Assert.Single(Assert.IsType<List<Dictionary<string, object>>>(cost.Details["BudgetList"]));
        Assert.Equal("500 USD", budget["Amount"]);
        Assert.Equal(new List<double> { 0.5, 0.9, 1.0 }, budget["Thresholds"]);
        Assert.Equal("projects/415104041262", budget["Scope"]);
        var list = Assert.Single(server.Log.Entries, e => e.RouteId == "billingbudgets.billingAccounts.budgets.list");
        Assert.Equal("v1/billingAccounts/012345-567890-ABCDEF/budgets", list.Path);
        Assert.Equal("scope=projects%2Fbqx-ml", list.Query);
    }

    [Fact]
    public async Task Run_WhenNoBudgetTracksTheProject_ShouldBeMissingWithTheCreateCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.Budgets.Clear();
        server.State.Budgets.Add(Budget("other-project", new[] { 0.5 }, new[] { "projects/999999999999" }));
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.Missing, cost.Status);
        Assert.Equal(0, cost.Details["Budgets"]);
        Assert.Equal("no budget on billingAccounts/012345-567890-ABCDEF tracks project bqx-ml", cost.Actual);
        Assert.StartsWith("gcloud billing budgets create --billing-account=012345-567890-ABCDEF", cost.Remedy);
        Assert.Contains("--filter-projects=projects/bqx-ml", cost.Remedy);
    }

    [Fact]
    public async Task Run_WhenABudgetCoversTheWholeBillingAccount_ShouldCountItForTheProject()
    {
        await using var server = await StartDefaultAsync();
        server.State.Budgets.Clear();
        server.State.Budgets.Add(Budget("account-wide", new[] { 0.8 }, Array.Empty<string>()));
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.Ready, cost.Status);
        var budget = Assert.Single(Assert.IsType<List<Dictionary<string, object>>>(cost.Details["BudgetList"]));
        Assert.Equal("every project of the billing account", budget["Scope"]);
    }

    [Fact]
    public async Task Run_WhenBudgetsHaveNoThresholds_ShouldBePartial()
    {
        await using var server = await StartDefaultAsync();
        server.State.Budgets.Clear();
        server.State.Budgets.Add(Budget("silent", Array.Empty<double>()));
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.Partial, cost.Status);
        Assert.Equal(0, cost.Details["BudgetsWithThresholds"]);
        Assert.Contains("--threshold-rule=percent=0.9", cost.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheBudgetsApiIsDisabled_ShouldSaySoWithTheEnableCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.Services["billingbudgets.googleapis.com"] = "DISABLED";
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.NotVerified, cost.Status);
        Assert.Equal("not measured: billingbudgets.googleapis.com is disabled in project bqx-ml, so budgets cannot be read", cost.Actual);
        Assert.StartsWith("gcloud services enable billingbudgets.googleapis.com --project bqx-ml", cost.Remedy);
        Assert.Equal("billingbudgets.googleapis.com", cost.Details["ApiDisabled"]);
        Assert.Contains(cost.Evidence, e => e.Location == "GET billingbudgets.billingAccounts.budgets.list 403" && e.Detail.Contains("SERVICE_DISABLED", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenTheCallerMayNotListBudgets_ShouldBeNotVerifiedWithTheBillingViewerRole()
    {
        await using var server = await StartDefaultAsync();
        server.State.Iam.Only("resourcemanager.projects.get");
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.NotVerified, cost.Status);
        Assert.Contains("billing.budgets.list", cost.Actual);
        Assert.Contains("gcloud billing accounts add-iam-policy-binding 012345-567890-ABCDEF", cost.Remedy);
        Assert.Contains("--role=roles/billing.viewer", cost.Remedy);
    }

    [Fact]
    public async Task Run_WhenNoBillingAccountIsLinked_ShouldBeMissingWithoutAskingForBudgets()
    {
        await using var server = await StartDefaultAsync();
        server.State.BillingEnabled = false;
        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(InfraCheckStatus.Missing, cost.Status);
        Assert.StartsWith("gcloud billing projects link bqx-ml", cost.Remedy);
        Assert.Equal(0, server.Log.Count("billingbudgets.billingAccounts.budgets.list"));
    }

    [Fact]
    public async Task Run_WhenBudgetsSpanPages_ShouldReadEveryPage()
    {
        await using var server = await StartDefaultAsync();
        for (var i = 0; i < 140; i++)
        {
            server.State.Budgets.Add(Budget($"b{i:D3}", new[] { 1.0 }));
        }

        using var home = new TempDir();

        var cost = Assert.Single(Run(server, home, kinds: Cost));

        Assert.Equal(141, cost.Details["Budgets"]);
        Assert.Equal(2, server.Log.Count("billingbudgets.billingAccounts.budgets.list"));
    }
}
