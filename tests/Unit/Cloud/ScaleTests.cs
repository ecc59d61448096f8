using System.Diagnostics;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using Xunit.Abstractions;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

/// <summary>Runs alone, so the memory it measures is its own (the fake's included).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ScaleCollection
{
    public const string Name = "Scale";
}

[Collection(ScaleCollection.Name)]
public class ScaleTests
{
    private readonly ITestOutputHelper output;

    public ScaleTests(ITestOutputHelper output) => this.output = output;

    private async Task<(InfraCheck Check, IReadOnlyList<LoggedRequest> Requests, long PeakBytes)> MeasureAsync(int tables)
    {
        var state = new FakeGcpState { QueryIncompleteResponses = 2 };
        state.AddDataset("bqx_ml_v3_features_v2").Generate(tables, "feat_");
        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();
        var profile = Profile($"name: t\ngcp: {{ project: bqx-ml }}\ndatasets: [ {{ name: bqx_ml_v3_features_v2, expectedTables: {tables} }} ]\n");

        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var stop = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);
                await Task.Delay(2).ConfigureAwait(false);
            }
        });
        var watch = Stopwatch.StartNew();
        var checks = Run(server, home, profile, new[] { InfraCheckKind.BigQueryDataset });
        watch.Stop();
        stop.Cancel();
        await sampler;
        peak = Math.Max(peak, GC.GetTotalMemory(false) - baseline);

        var requests = server.Log.ApiRequests;
        output.WriteLine($"{tables:N0} tables: {requests.Count} requests ({string.Join(", ", requests.GroupBy(r => r.RouteId).Select(g => $"{g.Key} ×{g.Count()}"))}), " +
                         $"peak managed memory {peak / 1e6:N1} MB (fake server included), {watch.ElapsedMilliseconds} ms");
        return (Assert.Single(checks), requests, peak);
    }

    [Fact]
    public async Task Run_When6000Tables_ShouldCostAtMost8ListPagesPlusTheStorageQueryWithItsPolls()
    {
        var (check, requests, _) = await MeasureAsync(6000);

        Assert.Equal(InfraCheckStatus.Ready, check.Status);
        Assert.Equal(6000, check.Details["Tables"]);
        Assert.InRange(requests.Count(r => r.RouteId == "bigquery.tables.list"), 6, 8);
        Assert.Equal(1, requests.Count(r => r.RouteId == "bigquery.jobs.query"));
        Assert.Equal(2, requests.Count(r => r.RouteId == "bigquery.jobs.getQueryResults")); // two "not complete" answers: one poll that waits, one that completes
        Assert.Equal(1, requests.Count(r => r.RouteId == "bigquery.datasets.get"));
        Assert.Equal(0, requests.Count(r => r.RouteId == "bigquery.tables.get"));
        Assert.True(requests.Count <= 8 + 1 + 2 + 1, string.Join("\n", requests));
    }

    [Fact]
    public async Task Run_When100000Tables_ShouldCostAtMost110RequestsAnd200MB()
    {
        var (check, requests, peak) = await MeasureAsync(100_000);

        Assert.Equal(InfraCheckStatus.Ready, check.Status);
        Assert.Equal(100_000, check.Details["Tables"]);
        Assert.Equal(100, requests.Count(r => r.RouteId == "bigquery.tables.list"));
        Assert.True(requests.Count <= 110, $"{requests.Count} requests");
        Assert.True(peak <= 200_000_000, $"peak {peak / 1e6:N1} MB");
    }
}
