using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class ProfileCloudKeysTests
{
    [Fact]
    public void LoadEmbedded_WhenDefault_ShouldCarryTheBucketApisAndPermissionsTheDirectiveNames()
    {
        var profile = ProfileLoader.LoadEmbedded("bqx-ml-v3");

        var bucket = Assert.Single(profile.Buckets);
        Assert.Equal("bqx-ml-staging", bucket.Name);
        Assert.Equal(new[] { "checkpoints/" }, bucket.Prefixes);
        Assert.Contains("bigquery.googleapis.com", profile.Apis);
        Assert.Contains("storage.googleapis.com", profile.Apis);
        Assert.Contains("run.googleapis.com", profile.Apis);
        Assert.Contains("serviceusage.googleapis.com", profile.Apis);
        Assert.Equal(new[] { "bigquery.tables.create", "bigquery.tables.update", "bigquery.tables.delete", "bigquery.tables.getData", "bigquery.jobs.create", "storage.objects.get", "storage.objects.list" },
            profile.Permissions);
    }

    [Theory]
    [InlineData("permissions: [ bigquery.tables.* ]\n", "test.yaml:2:16: 'permissions[0]' must match")]
    [InlineData("apis: [ BigQuery ]\n", "test.yaml:2:9: 'apis[0]' must match")]
    [InlineData("buckets: [ { prefixes: [ a/ ] } ]\n", "missing required key 'buckets[0].name'")]
    [InlineData("buckets: [ { name: gs://x } ]\n", "'buckets[0].name' must match")]
    public void Parse_WhenACloudKeyIsWrong_ShouldNameFileLineAndColumn(string yaml, string message)
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: t\n" + yaml, "test.yaml"));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public async Task Run_WhenManyDatasetsAreChecked_ShouldKeepAtMostThrottleLimitChecksInFlight()
    {
        var state = new FakeGcpState();
        for (var i = 0; i < 12; i++)
        {
            state.AddDataset($"d{i:D2}").Generate(5);
        }

        await using var server = await FakeGcpServer.StartAsync(state);
        server.SlowDown = TimeSpan.FromMilliseconds(40);
        using var home = new TempDir();
        var profile = Profile("name: t\ngcp: { project: bqx-ml }\ndatasets: [ " + string.Join(", ", state.Datasets.Keys.Select(d => $"{{ name: {d} }}")) + " ]\n");

        var checks = Run(server, home, profile, new[] { InfraCheckKind.BigQueryDataset }, throttle: 2);

        Assert.Equal(12, checks.Count);
        Assert.All(checks, c => Assert.Equal(InfraCheckStatus.Ready, c.Status));
        Assert.Equal(2, server.MaxInFlight(FakeGcpServer.AnyRoute)); // concurrent, and never more than the limit
    }
}
