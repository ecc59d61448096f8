using System.Diagnostics;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using Xunit.Abstractions;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

/// <summary>
/// The infrastructure check under network latency, in process (benchmarks/run.sh infra times the whole
/// process): what it asks for, and that the calls overlap instead of queueing one behind another.
/// Runs alone, so the timings are its own.
/// </summary>
[Collection(ScaleCollection.Name)]
public class LatencyTests
{
    private static readonly TimeSpan Latency = TimeSpan.FromMilliseconds(100);

    private readonly ITestOutputHelper output;

    public LatencyTests(ITestOutputHelper output) => this.output = output;

    /// <summary>Requires tokens, writes the pipeline account's key, runs once to warm up (JIT, connections), then clears the log and sets the latency.</summary>
    private static string WarmUp(FakeGcpServer server, TempDir home)
    {
        server.Auth.RequireToken = true;
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount(PipelineAccount));
        Run(server, home, kinds: new[] { InfraCheckKind.Billing }, credentialPath: key);
        server.Log.Clear();
        server.Latency = Latency;
        return key;
    }

    [Fact]
    public async Task Latency_WhenSet_ShouldDelayEveryResponseTokenRequestsIncluded()
    {
        await using var server = await StartDefaultAsync();
        server.Latency = Latency;
        using var http = new HttpClient { BaseAddress = server.BaseUri };
        using var warm = await http.GetAsync("v3/projects/bqx-ml");

        var watch = Stopwatch.StartNew();
        using var api = await http.GetAsync("v3/projects/bqx-ml");
        var apiTime = watch.Elapsed;
        watch.Restart();
        using var token = await http.PostAsync("token", new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "nothing" }));
        var tokenTime = watch.Elapsed;

        Assert.True(api.IsSuccessStatusCode);
        Assert.True(apiTime >= Latency - TimeSpan.FromMilliseconds(5), apiTime.ToString());
        Assert.True(tokenTime >= Latency - TimeSpan.FromMilliseconds(5), tokenTime.ToString());
    }

    [Fact]
    public async Task Run_WhenEveryResponseTakes100Ms_ShouldAskForNoMoreThanItNeedsAndOverlapTheCalls()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var key = WarmUp(server, home);

        var watch = Stopwatch.StartNew();
        var checks = Run(server, home, credentialPath: key);
        watch.Stop();

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        var requests = server.Log.ApiRequests;
        output.WriteLine($"{checks.Count} checks in {watch.ElapsedMilliseconds} ms, {requests.Count} requests: "
                         + string.Join(", ", requests.GroupBy(r => r.RouteId).Select(g => $"{g.Key} ×{g.Count()}")));
        // 10 tables.list pages (6 + 1 + 3), 3 datasets.get, 3 table permission tests, 1 storage query,
        // 2 getBillingInfo (billing, cost monitoring), 2 × (jobs.get + executions.get), and one each for
        // the project, its permissions, services, the bucket (get, permissions, objects), keys, quota, budgets.
        Assert.Equal(32, requests.Count);
        Assert.Equal(10, server.Log.Count("bigquery.tables.list"));
        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute)); // one token for every call of the run
        // One after another the 32 calls would take at least 3.2 s; overlapped, the longest chain (datasets.get,
        // then six tables.list pages) takes 0.7 s, about 1 s with the fake's own work. 2.5 s proves the overlap
        // and leaves room for a machine busy with other builds.
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2.5), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task Run_WhenADatasetHasManyPages_ShouldTestTablePermissionsOnTheFirstPageWhileTheRestIsPaged()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var key = WarmUp(server, home);

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Permission, InfraCheckKind.BigQueryDataset }, credentialPath: key);

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        const string dataset = "/datasets/bqx_ml_v3_features_v2/tables";
        var pages = server.Log.ApiRequests.Where(r => r.RouteId == "bigquery.tables.list" && r.Path.EndsWith(dataset, StringComparison.Ordinal)).ToArray();
        var test = Assert.Single(server.Log.ApiRequests, r => r.RouteId == "bigquery.tables.testIamPermissions" && r.Path.Contains(dataset + "/", StringComparison.Ordinal));
        Assert.True(pages.Length >= 3, $"{pages.Length} pages");
        // Answered with the second page, not after the last: it was asked for as soon as the first page named a table.
        Assert.True(test.Time < pages[^1].Time, $"permission test answered at {test.Time:HH:mm:ss.fff}, last page at {pages[^1].Time:HH:mm:ss.fff}");
        var row = Assert.Single(checks, c => c.Kind == InfraCheckKind.Permission && c.Target.EndsWith(".bqx_ml_v3_features_v2", StringComparison.Ordinal));
        Assert.Contains(row.Evidence, e => e.Detail.Contains("the first of", StringComparison.Ordinal)); // the count still comes from the whole listing
    }
}
