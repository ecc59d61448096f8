using BqxAudit.Checks.Dependencies;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class DependencyOnlineTests
{
    [Fact]
    public async Task Analyze_WhenOnlineWithoutCloudFacts_ShouldMeasureApiAndBucketStatesItself()
    {
        await using var server = await CloudTestKit.StartDefaultAsync(features: 100);
        using var home = new TempDir();
        using var repo = new TempDir();
        repo.Write("job.py", "from google.cloud import bigquery, storage\nstorage.Client().bucket('bqx-ml-staging').blob('checkpoints/a').download_to_filename('/tmp/a')\n" +
                             "print('gs://bqx-ml-staging/checkpoints/')\nc = bigquery.Client()\n" +
                             "c.query('SELECT * FROM `bqx-ml.bqx_ml_v3_features_v2.feat_000042`').result()\n" +
                             "c.query('SELECT * FROM `bqx-ml.bqx_ml_v3_features_v2.no_such_table`').result()\n");
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());

        var records = new DependencyService(new RecordingHost()).Analyze(new DependencyOptions
        {
            Root = repo.Path,
            Profile = CloudTestKit.DefaultProfile(),
            CredentialPath = key,
            Environment = CloudTestKit.AtFake(server, home.Path),
            Http = CloudTestKit.Fast(),
            Types = new[] { DependencyType.Api, DependencyType.Data, DependencyType.Credential },
        }).ToList();

        Assert.Equal(DependencyStatus.Ready, Assert.Single(records, r => r.Name == "bigquery.googleapis.com").Status);
        Assert.Equal(DependencyStatus.Ready, Assert.Single(records, r => r.Name == "storage.googleapis.com").Status);
        Assert.Equal(DependencyStatus.Ready, Assert.Single(records, r => r.Type == DependencyType.Credential).Status);
        Assert.Equal(DependencyStatus.Ready, Assert.Single(records, r => r.Name == "gs://bqx-ml-staging/checkpoints/").Status);
        Assert.Equal(DependencyStatus.Ready, Assert.Single(records, r => r.Name == "bqx-ml.bqx_ml_v3_features_v2.feat_000042").Status);
        var missing = Assert.Single(records, r => r.Name == "bqx-ml.bqx_ml_v3_features_v2.no_such_table");
        Assert.Equal(DependencyStatus.Missing, missing.Status);
        Assert.Contains(missing.Evidence, e => e.Detail.Contains("not in the tables.list listing"));
        Assert.DoesNotContain(server.Log.Entries, e => e.RouteId == "bigquery.tables.get"); // no call per table
    }
}
