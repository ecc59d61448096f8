using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Cloud;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class CliInfraTests
{
    /// <summary>A profile whose every API endpoint is the fake, with the embedded profile's cloud facts.</summary>
    public static string ProfileAt(FakeGcpServer server, string datasets = "[ { name: bqx_ml_v3_features_v2, expectedTables: 5817 }, { name: bqx_ml_v3_models, expectedTables: 54 } ]") =>
        "name: cli-test\n" +
        "gcp:\n  project: bqx-ml\n  scratchDataset: bqx_audit_scratch\n  endpoints:\n" + string.Concat(GcpApi.All.Select(a => $"    {a.Name}: {server.BaseUri}\n")) +
        $"datasets: {datasets}\n" +
        "buckets: [ { name: bqx-ml-staging, prefixes: [ checkpoints/ ] } ]\n" +
        "apis: [ bigquery.googleapis.com, storage.googleapis.com ]\n" +
        "permissions: [ bigquery.tables.create, bigquery.jobs.create, storage.objects.list ]\n";

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CliApp(output, error).Run(args);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Infra_WhenTheProjectIsReady_ShouldPrintATableWithASummaryAndExitZero()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var (code, output, error) = Cli("infra", home.Path);

        Assert.True(code == ExitCodes.Success, error);
        Assert.StartsWith("Status", output);
        Assert.Contains("bigquery:bqx-ml.bqx_ml_v3_features_v2", output);
        Assert.Contains("5,817 tables", output);
        Assert.Contains("12 checks: 12 Ready", output);
    }

    [Fact]
    public async Task Infra_WhenFormatJson_ShouldPrintChecksSortedByKindThenTargetWithEnumNames()
    {
        await using var server = await StartDefaultAsync();
        server.State.Services["storage.googleapis.com"] = "DISABLED";
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var (code, output, _) = Cli("infra", home.Path, "--format", "json");

        Assert.Equal(ExitCodes.Success, code); // Blocked checks are data, not an error
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(12, rows.Count);
        var keys = rows.Select(r => (Kind: Enum.Parse<BqxAudit.Model.InfraCheckKind>(r.GetProperty("Kind").GetString()!), Target: r.GetProperty("Target").GetString()!)).ToList();
        Assert.Equal(keys.OrderBy(k => k.Kind).ThenBy(k => k.Target, StringComparer.Ordinal), keys);
        var storage = Assert.Single(rows, r => r.GetProperty("Target").GetString() == "api:storage.googleapis.com");
        Assert.Equal("Blocked", storage.GetProperty("Status").GetString());
        Assert.Equal("gcloud services enable storage.googleapis.com --project bqx-ml", storage.GetProperty("Remedy").GetString());
        var bucket = Assert.Single(rows, r => r.GetProperty("Kind").GetString() == "GcsBucket");
        Assert.Equal("Blocked", bucket.GetProperty("Status").GetString());
        Assert.True(bucket.GetProperty("DurationMs").GetInt64() >= 0);
    }

    [Fact]
    public async Task Infra_WhenQuiet_ShouldPrintTrueOnlyWhenEveryCheckIsReady()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var ready = Cli("infra", home.Path, "--quiet");
        server.State.BillingEnabled = false;
        var blocked = Cli("infra", home.Path, "--quiet");

        Assert.Equal((ExitCodes.Success, "true"), (ready.Code, ready.Out.Trim()));
        Assert.Equal((ExitCodes.Success, "false"), (blocked.Code, blocked.Out.Trim()));
    }

    [Fact]
    public async Task Infra_WhenOffline_ShouldExitZeroWithEveryCheckNotVerifiedAndNoCalls()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var (code, output, _) = Cli("infra", home.Path, "--offline", "--check", "BigQueryDataset", "GcsBucket");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("3 checks: 3 NotVerified", output);
        Assert.Contains("gcloud auth application-default login", output);
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task Infra_WhenProbeWrite_ShouldPrintTheThreeStepsAndLeaveTheScratchDatasetEmpty()
    {
        await using var server = await StartDefaultAsync();
        server.State.AddDataset("bqx_audit_scratch");
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var (code, output, error) = Cli("infra", home.Path, "--check", "WriteProbe", "--probe-write", "--format", "json");

        Assert.True(code == ExitCodes.Success, error);
        using var doc = JsonDocument.Parse(output);
        var rows = doc.RootElement.EnumerateArray().ToList();
        Assert.Equal(new[] { "step 1: CREATE TABLE with a 1-hour expiration", "step 2: ALTER TABLE … RENAME TO", "step 3: DROP TABLE" },
            rows.Select(r => r.GetProperty("Check").GetString()));
        Assert.All(rows, r => Assert.Equal("Ready", r.GetProperty("Status").GetString()));
        Assert.Empty(server.State.Datasets["bqx_audit_scratch"].Tables);
        Assert.Equal(3, server.Log.Count("bigquery.jobs.query"));
    }

    [Fact]
    public async Task Infra_WhenWriteProbeIsCheckedWithoutProbeWrite_ShouldWarnAndWriteNothing()
    {
        await using var server = await StartDefaultAsync();
        server.State.AddDataset("bqx_audit_scratch");
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", ProfileAt(server));

        var (code, output, error) = Cli("infra", home.Path, "--check", "WriteProbe");

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("WARNING: WriteProbe checks write to BigQuery and run only with --probe-write", error);
        Assert.Contains("0 checks", output);
        Assert.Empty(server.Log.Entries);
    }

    [Theory]
    [InlineData("--check", "Bogus")]
    [InlineData("--bogus")]
    public void Infra_WhenUsageIsWrong_ShouldExitThree(params string[] extra)
    {
        var (code, _, error) = Cli(new[] { "infra", "." }.Concat(extra).ToArray());
        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.StartsWith("error:", error);
    }

    [Fact]
    public void Infra_WhenAProfileEndpointIsNotAUrl_ShouldExitThreeNamingTheKey()
    {
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", "name: t\ngcp:\n  project: p\n  endpoints: { bigquery: 'not a url' }\n");

        var (code, _, error) = Cli("infra", home.Path, "--check", "Project");

        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains("gcp.endpoints.bigquery", error);
        Assert.Contains("BqxAudit.ProfileInvalid", error);
    }

    [Fact]
    public void Infra_WhenTheCredentialsFileDoesNotExist_ShouldExitThree()
    {
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", "name: t\ngcp: { project: p }\n");

        var (code, _, error) = Cli("infra", home.Path, "--credentials", Path.Combine(home.Path, "missing.json"));

        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains("credentials file: not found", error);
    }

    [Fact]
    public void Infra_WhenTheCredentialsFileHoldsABrokenKey_ShouldExitThreeWithoutEchoingIt()
    {
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", "name: t\ngcp: { project: p }\n");
        var key = home.Write("key.json", "{\"type\":\"service_account\",\"client_email\":\"a@b.iam.gserviceaccount.com\",\"private_key\":\"-----BEGIN PRIVATE KEY-----\\nnot-base64-SECRETBODY\\n-----END PRIVATE KEY-----\\n\"}");

        var (code, _, error) = Cli("infra", home.Path, "--credentials", key);

        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains("private_key is not a usable PEM private key", error);
        Assert.DoesNotContain("SECRETBODY", error);
    }
}
