using System.Text.Json.Nodes;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

/// <summary>A host that answers ShouldProcess as told (-WhatIf answers no) and remembers what it was asked, and on which thread.</summary>
internal sealed class ConsentHost : IAuditHost
{
    private readonly bool answer;

    public ConsentHost(bool answer, CancellationToken cancellation = default)
    {
        this.answer = answer;
        Cancellation = cancellation;
    }

    public CancellationToken Cancellation { get; }

    public CommandDialect Dialect => CommandDialect.Cli;

    public List<(string Target, string Action, int Thread)> Asked { get; } = new();

    public List<string> Warnings { get; } = new();

    public void WriteVerbose(string message) { }

    public void WriteWarning(string message)
    {
        lock (Warnings)
        {
            Warnings.Add(message);
        }
    }

    public void WriteError(BqxError error) { }

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action)
    {
        Asked.Add((target, action, System.Environment.CurrentManagedThreadId));
        return answer;
    }
}

public class WriteProbeTests
{
    private static readonly InfraCheckKind[] Probe = { InfraCheckKind.WriteProbe };
    private const string Scratch = "bqx_audit_scratch";

    private static async Task<FakeGcpServer> StartWithScratchAsync(string location = "us-central1")
    {
        var server = await StartDefaultAsync();
        server.State.AddDataset(Scratch, location);
        return server;
    }

    /// <summary>The SQL of every jobs.query request, in order.</summary>
    private static List<string> Statements(FakeGcpServer server) => server.Log.Entries
        .Where(e => e.RouteId == "bigquery.jobs.query")
        .Select(e => JsonNode.Parse(e.RequestBody!)!["query"]!.GetValue<string>())
        .ToList();

    private static bool IsMutation(string sql) => System.Text.RegularExpressions.Regex.IsMatch(sql, @"(?i)\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE)\b");

    [Fact]
    public async Task Run_WhenProbeWriteIsGiven_ShouldCreateRenameAndDropATableThroughDdlAndLeaveNothing()
    {
        await using var server = await StartWithScratchAsync("EU");
        using var home = new TempDir();
        var host = new ConsentHost(answer: true);

        var checks = Run(server, home, kinds: Probe, host: host, probeWrite: true);

        Assert.Equal(new[] { WriteProbe.CreateCheck, WriteProbe.RenameCheck, WriteProbe.DropCheck }, checks.Select(c => c.Check));
        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready && c.Target == $"bigquery:bqx-ml.{Scratch}"), Describe(checks));
        var table = (string)checks[0].Details["Table"];
        Assert.Matches(@"^bqx_audit_probe_20251213_203000_[0-9a-f]{8}$", table);
        Assert.Equal(table + "_renamed", checks[0].Details["RenamedTo"]);
        Assert.Equal(($"bigquery:bqx-ml.{Scratch}", InfrastructureService.ProbeWriteAction), (host.Asked.Single().Target, host.Asked.Single().Action));

        var statements = Statements(server);
        Assert.Equal(3, statements.Count);
        Assert.StartsWith($"CREATE TABLE `bqx-ml.{Scratch}.{table}`", statements[0]);
        Assert.Contains("expiration_timestamp = TIMESTAMP_ADD(CURRENT_TIMESTAMP(), INTERVAL 1 HOUR)", statements[0]);
        Assert.Equal($"ALTER TABLE `bqx-ml.{Scratch}.{table}` RENAME TO `{table}_renamed`", statements[1]);
        Assert.Equal($"DROP TABLE `bqx-ml.{Scratch}.{table}_renamed`", statements[2]);
        // Each statement ran in the dataset's location (the fake refuses any other) as GoogleSQL.
        Assert.All(server.Log.Entries.Where(e => e.RouteId == "bigquery.jobs.query"), e =>
        {
            var body = JsonNode.Parse(e.RequestBody!)!;
            Assert.Equal("EU", body["location"]!.GetValue<string>());
            Assert.False(body["useLegacySql"]!.GetValue<bool>());
            Assert.Equal("write-probe", body["labels"]!["bqx-audit"]!.GetValue<string>());
        });
        Assert.Empty(server.State.Datasets[Scratch].Tables);
        Assert.Contains(checks[2].Evidence, e => e.Detail.StartsWith("DROP_TABLE job", StringComparison.Ordinal));
        // Only the three DDL statements change anything.
        Assert.Equal(3, server.Log.Entries.Count(e => e.Method != "GET"));
    }

    [Fact]
    public async Task Run_WhenRenameAndDropAreDenied_ShouldLeaveATableThatExpiresInOneHourAndSaySo()
    {
        await using var server = await StartWithScratchAsync();
        server.State.Iam.Only("bigquery.datasets.get", "bigquery.jobs.create", "bigquery.tables.create");
        using var home = new TempDir();
        var host = new ConsentHost(answer: true);

        var checks = Run(server, home, kinds: Probe, host: host, probeWrite: true);

        Assert.Equal(new[] { InfraCheckStatus.Ready, InfraCheckStatus.Blocked, InfraCheckStatus.Blocked }, checks.Select(c => c.Status));
        Assert.Equal("denied: bigquery.tables.update is needed on bqx-ml:bqx_audit_scratch", checks[1].Actual);
        Assert.Equal("denied: bigquery.tables.delete is needed on bqx-ml:bqx_audit_scratch", checks[2].Actual);
        Assert.Contains("roles/bigquery.dataEditor", checks[1].Remedy);
        var left = Assert.Single(server.State.Datasets[Scratch].Tables);
        Assert.Equal(checks[0].Details["Table"], left.Id);
        Assert.Equal(3_600_000L, left.ExpirationTime - left.CreationTime);
        Assert.Equal("bqx-audit write probe; safe to delete", left.Description);
        // The clean-up in finally tried again (DROP TABLE IF EXISTS) and said what is left and when it goes.
        Assert.Contains(Statements(server), s => s.StartsWith("DROP TABLE IF EXISTS", StringComparison.Ordinal));
        Assert.StartsWith("failed:", (string)checks[2].Details["CleanUp"]);
        Assert.Contains($"bq rm -f -t bqx-ml:{Scratch}.{left.Id}", checks[2].Remedy);
        Assert.Contains("expires by itself by 2025-12-13T21:30:00Z", checks[2].Remedy);
        Assert.Contains(host.Warnings, w => w.Contains(left.Id, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenTheRenameIsDenied_ShouldDropTheTableUnderItsFirstName()
    {
        await using var server = await StartWithScratchAsync();
        server.State.Iam.Only("bigquery.datasets.get", "bigquery.jobs.create", "bigquery.tables.create", "bigquery.tables.delete");
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Probe, host: new ConsentHost(true), probeWrite: true);

        Assert.Equal(new[] { InfraCheckStatus.Ready, InfraCheckStatus.Blocked, InfraCheckStatus.Ready }, checks.Select(c => c.Status));
        var table = (string)checks[0].Details["Table"];
        Assert.Equal($"DROP TABLE `bqx-ml.{Scratch}.{table}`", Statements(server)[2]);
        Assert.Empty(server.State.Datasets[Scratch].Tables);
        Assert.Equal(3, Statements(server).Count); // dropped by step 3: nothing left for the clean-up
    }

    [Fact]
    public async Task RunAsync_WhenCancelledDuringTheRename_ShouldStillDropTheTableInFinally()
    {
        await using var server = await StartWithScratchAsync();
        using var cancel = new CancellationTokenSource();
        server.Faults.Add("bigquery.jobs.query", Fault.Timeout() with { Delay = TimeSpan.FromSeconds(5) }, int.MaxValue, r =>
        {
            if (r.Body?.Contains("RENAME TO", StringComparison.Ordinal) != true)
            {
                return false;
            }

            cancel.CancelAfter(TimeSpan.FromMilliseconds(50));
            return true;
        });
        using var home = new TempDir();
        var host = new ConsentHost(true, cancel.Token);

        Assert.ThrowsAny<OperationCanceledException>(() => Run(server, home, kinds: Probe, host: host, probeWrite: true));

        // The log records a request when it ends: the aborted RENAME may be logged after the clean-up,
        // and on a loaded machine after this line runs, so wait (bounded) for it to end.
        var statements = Statements(server);
        for (var waited = 0; statements.Count < 3 && waited < 10_000; waited += 50)
        {
            await Task.Delay(50);
            statements = Statements(server);
        }

        Assert.Equal(3, statements.Count);
        Assert.StartsWith("CREATE TABLE", statements[0]);
        Assert.Single(statements, s => s.StartsWith("ALTER TABLE", StringComparison.Ordinal));
        var cleanUp = Assert.Single(statements, s => s.StartsWith("DROP TABLE", StringComparison.Ordinal));
        Assert.StartsWith("DROP TABLE IF EXISTS", cleanUp);
        Assert.Empty(server.State.Datasets[Scratch].Tables);
    }

    [Fact]
    public async Task Run_WhenTheDropKeepsFailing_ShouldReportTheLeftoverWithItsExpiryAndTheDeleteCommand()
    {
        await using var server = await StartWithScratchAsync();
        server.Faults.Add("bigquery.jobs.query", Fault.Server(500), int.MaxValue, r => r.Body?.Contains("DROP TABLE", StringComparison.Ordinal) == true);
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Probe, host: new ConsentHost(true), probeWrite: true);

        Assert.Equal(new[] { InfraCheckStatus.Ready, InfraCheckStatus.Ready, InfraCheckStatus.NotVerified }, checks.Select(c => c.Status));
        var table = (string)checks[0].Details["Table"] + "_renamed";
        Assert.Equal(table, Assert.Single(server.State.Datasets[Scratch].Tables).Id);
        Assert.Contains($"bq rm -f -t bqx-ml:{Scratch}.{table}", checks[2].Remedy);
        Assert.Contains(checks[2].Evidence, e => e.Detail.StartsWith("clean-up failed", StringComparison.Ordinal));
        Assert.Equal(10, Statements(server).Count(s => s.StartsWith("DROP TABLE", StringComparison.Ordinal))); // step 3 and the clean-up, five attempts each
    }

    [Fact]
    public async Task Run_WhenTheCreateFailsOnceTransiently_ShouldRetryTheSameJobAndCreateOneTable()
    {
        await using var server = await StartWithScratchAsync();
        server.Faults.Add("bigquery.jobs.query", Fault.Server(503), 1, r => r.Body?.Contains("CREATE TABLE", StringComparison.Ordinal) == true);
        server.State.QueryIncompleteResponses = 1;
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Probe, host: new ConsentHost(true), probeWrite: true);

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        var creates = server.Log.Entries.Where(e => e.RouteId == "bigquery.jobs.query" && e.RequestBody!.Contains("CREATE TABLE", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { 503, 200 }, creates.Select(e => e.Status));
        Assert.Single(creates.Select(e => JsonNode.Parse(e.RequestBody!)!["requestId"]!.GetValue<string>()).Distinct());
        Assert.Equal(3, server.Log.Count("bigquery.jobs.getQueryResults")); // each statement polled once before it completed
        Assert.Empty(server.State.Datasets[Scratch].Tables);
    }

    [Fact]
    public async Task Run_WhenWhatIf_ShouldAskShouldProcessAndWriteNothing()
    {
        await using var server = await StartWithScratchAsync();
        using var home = new TempDir();
        var host = new ConsentHost(answer: false);

        var checks = Run(server, home, host: host, probeWrite: true);

        Assert.Single(host.Asked);
        Assert.DoesNotContain(checks, c => c.Kind == InfraCheckKind.WriteProbe);
        Assert.NotEmpty(checks); // the read-only checks still ran
        Assert.DoesNotContain(Statements(server), IsMutation);
        Assert.Empty(server.State.Datasets[Scratch].Tables);
    }

    [Fact]
    public async Task Run_WithoutTheSwitch_ShouldNeitherAskNorWrite()
    {
        await using var server = await StartWithScratchAsync();
        using var home = new TempDir();
        var host = new ConsentHost(answer: true);

        var checks = Run(server, home, host: host);

        Assert.Empty(host.Asked);
        Assert.DoesNotContain(checks, c => c.Kind == InfraCheckKind.WriteProbe);
        Assert.DoesNotContain(Statements(server), IsMutation);
        Assert.All(server.Log.Entries, e => Assert.True(e.Method == "GET" || e.Method == "POST", e.ToString()));
    }

    [Fact]
    public async Task RunAsync_WhenProbeWriteIsGiven_ShouldAskShouldProcessOnTheCallingThread()
    {
        await using var server = await StartWithScratchAsync();
        using var home = new TempDir();
        var host = new ConsentHost(answer: false);
        var options = new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Kinds = Probe,
            ProbeWrite = true,
            Environment = AtFake(server, home.Path),
            Http = Fast(),
            Scripts = Array.Empty<ScriptRecord>(),
        };
        var caller = -1;

        // A cmdlet may answer ShouldProcess only on its pipeline thread: the engine must ask before its first await.
        var thread = new Thread(() =>
        {
            caller = System.Environment.CurrentManagedThreadId;
            _ = new InfrastructureService(host).RunAsync(options).ToBlockingEnumerable().ToList();
        });
        thread.Start();
        thread.Join();

        Assert.Equal(caller, Assert.Single(host.Asked).Thread);
    }

    [Fact]
    public async Task Run_WhenTheScratchDatasetDoesNotExist_ShouldBeMissingWithTheCreateCommand()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Probe, host: new ConsentHost(true), probeWrite: true);

        Assert.Equal(new[] { InfraCheckStatus.Missing, InfraCheckStatus.NotVerified, InfraCheckStatus.NotVerified }, checks.Select(c => c.Status));
        Assert.Equal($"the scratch dataset bqx-ml:{Scratch} does not exist", checks[0].Actual);
        Assert.StartsWith($"bq mk --dataset --location=LOCATION --default_table_expiration 3600 bqx-ml:{Scratch}", checks[0].Remedy);
        Assert.Equal("not run: step 1 could not run", checks[1].Actual);
        Assert.Empty(Statements(server));
    }

    [Fact]
    public async Task Run_WhenTheProfileNamesNoScratchDataset_ShouldSaySoWithoutAskingOrWriting()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var host = new ConsentHost(true);

        var check = Assert.Single(Run(server, home, Profile("name: t\ngcp: { project: bqx-ml }\n"), Probe, host: host, probeWrite: true));

        Assert.Equal((InfraCheckKind.WriteProbe, InfraCheckStatus.NotVerified), (check.Kind, check.Status));
        Assert.Contains("gcp.scratchDataset", check.Remedy);
        Assert.Empty(host.Asked);
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task Run_WhenOfflineWithProbeWrite_ShouldPlanTheThreeStepsNotVerifiedWithoutAsking()
    {
        await using var server = await StartWithScratchAsync();
        using var home = new TempDir();
        var host = new ConsentHost(true);

        var checks = new InfrastructureService(host).Run(new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Kinds = Probe,
            ProbeWrite = true,
            Offline = true,
            Scripts = Array.Empty<ScriptRecord>(),
        });

        Assert.Equal(3, checks.Count);
        Assert.All(checks, c => Assert.Equal(InfraCheckStatus.NotVerified, c.Status));
        Assert.Empty(host.Asked);
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task Run_WhenProbeWriteIsGivenButTheKindsLeaveItOut_ShouldWarnAndWriteNothing()
    {
        await using var server = await StartWithScratchAsync();
        using var home = new TempDir();
        var host = new ConsentHost(true);

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Billing }, host: host, probeWrite: true);

        Assert.Equal(InfraCheckKind.Billing, Assert.Single(checks).Kind);
        Assert.Contains(host.Warnings, w => w.Contains("has no effect", StringComparison.Ordinal));
        Assert.Empty(host.Asked);
    }
}
