using BqxAudit.Checks.Naming;
using BqxAudit.Hosting;
using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Naming;

public class LiveTableNamesTests
{
    [Fact]
    public async Task Classify_WhenOnlineWithCredentials_ShouldListTheMandatesDatasetLive()
    {
        await using var server = await CloudTestKit.StartDefaultAsync(features: 2500);
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());
        var host = new RecordingHost();

        var results = new NamingAudit(host).Classify(new NamingRequest
        {
            Root = home.Path,
            Profile = CloudTestKit.DefaultProfile(),
            Live = new LiveListingOptions { CredentialPath = key, Environment = CloudTestKit.AtFake(server, home.Path), Http = CloudTestKit.Fast() },
        }).ToList();

        Assert.Equal(2500, results.Count);
        Assert.All(results, r => Assert.Equal("bqx_ml_v3_features_v2", r.Dataset));
        Assert.StartsWith("bigquery:bqx-ml.bqx_ml_v3_features_v2", results[0].Source);
        Assert.Equal(3, server.Log.Count("bigquery.tables.list")); // 1000 per page
    }

    [Fact]
    public void Classify_WhenOnlineWithoutCredentials_ShouldFallBackToTheProfileListingAndSaySo()
    {
        using var home = new TempDir();
        var host = new RecordingHost();
        var profile = BqxAudit.Configuration.ProfileLoader.LoadFile(Path.Combine(RepoPaths.Example, "bqxaudit.yaml"));

        var results = new NamingAudit(host).Classify(new NamingRequest
        {
            Root = RepoPaths.Example,
            Profile = profile,
            Live = new LiveListingOptions { Environment = CloudTestKit.Environment(home.Path), Http = CloudTestKit.Fast() },
        }).ToList();

        Assert.Equal(135, results.Count);
        Assert.Contains(host.Verbose, v => v.Contains("not listing live") && v.Contains("no credentials"));
    }
}
