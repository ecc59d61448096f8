using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Serialization;
using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Readiness;

public class AuditServiceTests
{
    private static AuditProfile ExampleProfile => ProfileLoader.LoadFile(Path.Combine(RepoPaths.Example, "bqxaudit.yaml"));

    private static AuditResult Offline(DateOnly? date = null) => new AuditService(new RecordingHost()).Run(new AuditOptions
    {
        Root = RepoPaths.Example,
        Profile = ExampleProfile,
        Offline = true,
        Date = date ?? new DateOnly(2025, 12, 13),
    });

    [Fact]
    public void Run_WhenOfflineOnTheExample_ShouldSayNoGoBecauseTheCloudIsUnmeasured()
    {
        var result = Offline();

        Assert.Equal(Decision.NoGo, result.Readiness.Decision);
        Assert.Equal(RiskLevel.High, result.Readiness.RiskLevel);
        var unverified = result.Blockers.Where(b => b.Rule == "infra.not-verified").ToList();
        Assert.NotEmpty(unverified);
        Assert.All(unverified, b => Assert.Equal(Priority.P0, b.Priority));
        Assert.Contains("Cloud not measured: offline", result.Readiness.DecisionReason);
        Assert.Contains(result.Run.NotMeasured, n => n.StartsWith("Infrastructure", StringComparison.Ordinal));
        Assert.Contains(result.Run.NotMeasured, n => n.StartsWith("Cost", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_WhenOfflineOnTheExample_ShouldRaiseEachKindOfBlockerTheExampleCarries()
    {
        var rules = Offline().Blockers.Select(b => b.Rule).ToHashSet();

        foreach (var rule in new[]
        {
            "script.missing-phase-task", "script.blocked-phase-task", "rename.collision", "infra.not-verified",
            "script.interactive-phase-task", "dependency.undeclared-phase", "scope.mismatch", "script.destructive-phase-task",
            "script.partial", "script.blocked", "dependency.inconsistent-pins", "script.style",
        })
        {
            Assert.Contains(rule, rules);
        }
    }

    [Fact]
    public void Run_WhenTaskClaimsOtherScopeThanMeasured_ShouldRaiseP1ShowingBoth()
    {
        var result = Offline();

        var cov = Assert.Single(result.Readiness.Tasks, t => t.Name == "COV rename");
        Assert.Equal("1596", cov.ClaimedScope);
        Assert.Equal(result.Naming.Count(n => n.Family == "cov" && n.Status == NamingStatus.NonCompliant), cov.MeasuredScope);
        var blocker = Assert.Single(result.Blockers, b => b.Rule == "scope.mismatch" && b.Source.Target == "M008-4C/COV rename");
        Assert.Equal(Priority.P1, blocker.Priority);
        Assert.Contains("1596", blocker.Description);
        Assert.Contains(cov.MeasuredScope!.Value.ToString(), blocker.Description);
        var validation = Assert.Single(result.Readiness.Tasks, t => t.Name == "Validation (row counts, schemas)");
        Assert.Null(validation.MeasuredScope); // no measure: no scope blocker
        Assert.DoesNotContain(result.Blockers, b => b.Rule == "scope.mismatch" && b.Source.Target == "M008-4C/Validation (row counts, schemas)");
    }

    [Fact]
    public void Run_WhenDateFixed_ShouldCarryNoWallClockAndRepeatExactly()
    {
        var first = JsonOutput.Serialize(Offline());
        var second = JsonOutput.Serialize(Offline());

        Assert.Equal(first, second);
        var result = Offline();
        Assert.True(result.Run.Reproducible);
        Assert.Null(result.Run.Start);
        Assert.Equal("2025-12-13", result.Run.ReportDate);
        Assert.Equal(new DateTimeOffset(2025, 12, 14, 9, 0, 0, TimeSpan.Zero), result.Readiness.StartDate); // the phase's plannedStart
    }

    [Fact]
    public void Run_WhenOffline_ShouldLeaveCostNotVerifiedWithTheReason()
    {
        var result = Offline();
        Assert.False(result.Readiness.Cost!.Measured);
        Assert.Contains("offline", result.Readiness.Cost.Basis);
        Assert.All(result.Scripts.Where(s => s.SqlStatements.Count > 0), s => Assert.Contains("NotVerified", s.CostEstimate!.Basis));
    }

    [Fact]
    public async Task Run_WhenOnlineAgainstTheFake_ShouldMeasureInfrastructureAndDryRunTheSql()
    {
        await using var server = await CloudTestKit.StartDefaultAsync();
        using var home = new TempDir();
        using var repo = new TempDir();
        repo.Write("scripts/validate_m008_counts.py",
            "\"\"\"Validate row counts.\"\"\"\nfrom google.cloud import bigquery\n" +
            "bigquery.Client().query('SELECT COUNT(*) FROM `bqx-ml.bqx_ml_v3_features_v2.agg_idx_eurusd`').result()\n");
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());
        server.Log.CaptureBodies = true;

        var result = new AuditService(new RecordingHost()).Run(new AuditOptions
        {
            Root = repo.Path,
            Profile = CloudTestKit.DefaultProfile(),
            CredentialPath = key,
            Environment = CloudTestKit.AtFake(server, home.Path),
            Http = CloudTestKit.Fast(),
            Date = new DateOnly(2025, 12, 13),
        });

        Assert.False(result.Run.Offline);
        Assert.DoesNotContain(result.Blockers, b => b.Rule == "infra.not-verified");
        var script = Assert.Single(result.Scripts, s => s.Path == "scripts/validate_m008_counts.py");
        Assert.True(script.CostEstimate!.Measured);
        Assert.Equal(Math.Round(10485760d / (1024d * 1024 * 1024 * 1024) * 6.25, 4), script.CostEstimate.MaxUsd);
        Assert.Contains("dry run", script.CostEstimate.Basis);
        Assert.True(result.Readiness.Cost!.Measured);
        Assert.Contains(server.Log.Entries, e => e.Method == "POST" && e.RequestBody?.Contains("\"dryRun\":true") == true);
    }
}
