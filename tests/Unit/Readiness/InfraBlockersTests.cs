using BqxAudit.Configuration;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Tests.Readiness;

public class InfraBlockersTests
{
    private static readonly AuditProfile Profile = ProfileLoader.LoadEmbedded("bqx-ml-v3");

    private static InfraCheck Check(InfraCheckKind kind, InfraCheckStatus status, string target, params (string Key, object Value)[] details)
    {
        var c = new InfraCheck { Kind = kind, Status = status, Target = target, Check = $"{kind} check", Actual = "measured" };
        foreach (var (k, v) in details)
        {
            c.Details[k] = v;
        }

        return c;
    }

    [Theory]
    [InlineData(InfraCheckKind.Api, InfraCheckStatus.Blocked, "api.disabled", Priority.P0)]
    [InlineData(InfraCheckKind.Permission, InfraCheckStatus.Blocked, "permission.denied", Priority.P0)]
    [InlineData(InfraCheckKind.Permission, InfraCheckStatus.Partial, "infra.partial", Priority.P2)]
    [InlineData(InfraCheckKind.CloudRunJob, InfraCheckStatus.Missing, "run-job.missing", Priority.P1)]
    [InlineData(InfraCheckKind.CloudRunJob, InfraCheckStatus.Blocked, "infra.blocked", Priority.P0)]
    [InlineData(InfraCheckKind.Quota, InfraCheckStatus.Partial, "quota.insufficient", Priority.P1)]
    [InlineData(InfraCheckKind.CostMonitoring, InfraCheckStatus.Missing, "cost-monitoring.absent", Priority.P2)]
    [InlineData(InfraCheckKind.WriteProbe, InfraCheckStatus.Blocked, "infra.blocked", Priority.P0)]
    [InlineData(InfraCheckKind.GcsBucket, InfraCheckStatus.NotVerified, "infra.not-verified", Priority.P0)]
    [InlineData(InfraCheckKind.Project, InfraCheckStatus.Error, "infra.not-verified", Priority.P0)]
    public void Evaluate_WhenInfraCheckIsNotReady_ShouldApplyTheRuleOfItsKind(InfraCheckKind kind, InfraCheckStatus status, string rule, Priority priority)
    {
        var blocker = Assert.Single(BlockerService.ForAudit(Profile).Evaluate(new object[] { Check(kind, status, "t:x") }));
        Assert.Equal(rule, blocker.Rule);
        Assert.Equal(priority, blocker.Priority);
    }

    [Fact]
    public void Evaluate_WhenServiceAccountHasOldKeys_ShouldRaiseP2OnlyForTheKeyAge()
    {
        var old = Check(InfraCheckKind.ServiceAccount, InfraCheckStatus.Partial, "serviceAccount:sa@p", ("KeysOlderThanMaxAge", 2));
        var principal = Check(InfraCheckKind.ServiceAccount, InfraCheckStatus.Partial, "serviceAccount:other@p", ("Expected", "sa@p"));

        var blockers = BlockerService.ForAudit(Profile).Evaluate(new object[] { old, principal });

        Assert.Equal("service-account.old-key", Assert.Single(blockers, b => b.Source.Target == "serviceAccount:sa@p").Rule);
        Assert.Equal("infra.partial", Assert.Single(blockers, b => b.Source.Target == "serviceAccount:other@p").Rule);
    }

    [Fact]
    public void Evaluate_WhenDatasetCountDiffersFromExpected_ShouldRaiseScopeMismatchShowingBoth()
    {
        var c = Check(InfraCheckKind.BigQueryDataset, InfraCheckStatus.Partial, "bigquery:bqx-ml.ds", ("ExpectedTables", 5817), ("Tables", 5790));
        var blocker = Assert.Single(BlockerService.ForAudit(Profile).Evaluate(new object[] { c }));
        Assert.Equal("scope.mismatch", blocker.Rule);
        Assert.Contains("expected 5817", blocker.Description);
        Assert.Contains("measured 5790", blocker.Description);
    }

    [Fact]
    public void Evaluate_WhenManyChecksOfAKindAreUnverified_ShouldMergeThemIntoOneBlockerWithEveryTarget()
    {
        var checks = new object[]
        {
            Check(InfraCheckKind.Api, InfraCheckStatus.NotVerified, "api:a"),
            Check(InfraCheckKind.Api, InfraCheckStatus.NotVerified, "api:b"),
        };
        var blocker = Assert.Single(BlockerService.ForAudit(Profile).Evaluate(checks));
        var area = Assert.Single(blocker.Evidence);
        Assert.Equal("Api", area.Location);
        Assert.Contains("api:a, api:b", area.Detail);
        Assert.StartsWith("2 checks in 1 area not measured (Api)", blocker.Description);
    }

    [Fact]
    public void Evaluate_WhenEveryAreaIsUnmeasuredForOneCause_ShouldRaiseOneBlockerListingTheAreasResolvedByOneRun()
    {
        static InfraCheck Unmeasured(InfraCheckKind kind, InfraCheckStatus status, string target, string actual)
        {
            var c = Check(kind, status, target);
            c.Actual = actual;
            return c;
        }

        var checks = new object[]
        {
            Unmeasured(InfraCheckKind.Api, InfraCheckStatus.NotVerified, "api:bigquery.googleapis.com", "not measured: offline"),
            Unmeasured(InfraCheckKind.BigQueryDataset, InfraCheckStatus.NotVerified, "bigquery:bqx-ml.ds", "not measured: offline"),
            Unmeasured(InfraCheckKind.Project, InfraCheckStatus.NotVerified, "project:bqx-ml", "not measured: offline"),
            Unmeasured(InfraCheckKind.Quota, InfraCheckStatus.Error, "quota:q", "HTTP 500 from serviceusage"),
        };

        var blockers = BlockerService.ForAudit(Profile).Evaluate(checks);

        Assert.Equal(2, blockers.Count); // one per cause: offline, and the error
        var offline = Assert.Single(blockers, b => b.Source.Target == "offline");
        Assert.Equal("Cloud not measured: offline", offline.Title);
        Assert.Equal(Priority.P0, offline.Priority);
        Assert.Equal(new[] { "Api", "BigQueryDataset", "Project" }, offline.Evidence.Select(e => e.Location));
        Assert.Contains("3 checks in 3 areas not measured (Api, BigQueryDataset, Project)", offline.Description);
        Assert.Equal(InfraBlockers.MeasureTheCloud, offline.ResolvedBy);
        Assert.Equal("Cloud not measured: HTTP 500 from serviceusage", Assert.Single(blockers, b => b != offline).Title);
    }
}
