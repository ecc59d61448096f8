using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Cloud;

/// <summary>Shared set-up of the cloud tests: a fake seeded like the embedded profile, fast retry timing, an injected environment.</summary>
public static class CloudTestKit
{
    /// <summary>Every delay tiny: tests wait milliseconds, not seconds.</summary>
    public static GcpHttpOptions Fast(TimeSpan? attemptTimeout = null) => new()
    {
        MaxAttempts = 5,
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryAfter = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = attemptTimeout ?? TimeSpan.FromSeconds(10),
        MetadataProbeTimeout = TimeSpan.FromMilliseconds(300),
        QueryWait = TimeSpan.FromMilliseconds(200),
        UseJitter = false,
    };

    public static readonly DateTimeOffset NewestCheckpoint = new(2025, 12, 12, 23, 10, 0, TimeSpan.Zero);

    /// <summary>The embedded profile's project: its three datasets at their expected sizes, its bucket with checkpoints.</summary>
    public static FakeGcpState SeedDefault(FakeGcpState? state = null, int features = 5817)
    {
        state ??= new FakeGcpState();
        state.AddDataset("bqx_ml_v3_features_v2").Generate(features, "feat_");
        state.AddDataset("bqx_ml_v3_models").Generate(54, "model_", viewEvery: 0);
        state.AddDataset("bqx_bq_uscen1_v2").Generate(2210, "src_", viewEvery: 0);
        var bucket = state.AddBucket("bqx-ml-staging");
        for (var i = 0; i < 25; i++)
        {
            bucket.Add($"checkpoints/eurusd/part-{i:D3}.parquet", 1_000_000 + i, NewestCheckpoint.AddHours(-i));
        }

        bucket.Add("exports/other.csv", 10, NewestCheckpoint.AddDays(1));
        return state;
    }

    public static async Task<FakeGcpServer> StartDefaultAsync(int features = 5817)
    {
        var server = await FakeGcpServer.StartAsync(SeedDefault(features: features));
        return server;
    }

    /// <summary>An environment with only what is given (plus HOME at an empty folder and no metadata check).</summary>
    public static Func<string, string?> Environment(string home, params (string Name, string Value)[] values)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal) { ["HOME"] = home, ["NO_GCE_CHECK"] = "true" };
        foreach (var (name, value) in values)
        {
            map[name] = value;
        }

        return name => map.GetValueOrDefault(name);
    }

    /// <summary>The environment that points every API at the fake.</summary>
    public static Func<string, string?> AtFake(FakeGcpServer server, string home, params (string Name, string Value)[] extra) =>
        Environment(home, extra.Prepend((GcpEndpoints.AllEndpointsVariable, server.BaseUri.ToString())).ToArray());

    public static AuditProfile DefaultProfile() => ProfileLoader.LoadEmbedded("bqx-ml-v3");

    public static AuditProfile Profile(string yaml) => ProfileLoader.Parse(yaml, "test.yaml");

    /// <summary>Runs the infrastructure checks against the fake (every API replaced); returns the sorted checks.</summary>
    public static IReadOnlyList<InfraCheck> Run(FakeGcpServer server, TempDir home, AuditProfile? profile = null, InfraCheckKind[]? kinds = null,
        string? credentialPath = null, IAuditHost? host = null, GcpHttpOptions? http = null, int throttle = 8, Func<string, string?>? environment = null)
    {
        return new InfrastructureService(host ?? NullHost.Instance).Run(new InfrastructureOptions
        {
            Root = home.Path,
            Profile = profile ?? DefaultProfile(),
            Kinds = kinds,
            CredentialPath = credentialPath,
            Environment = environment ?? AtFake(server, home.Path),
            Http = http ?? Fast(),
            ThrottleLimit = throttle,
            Scripts = Array.Empty<ScriptRecord>(),
        });
    }

    public static string Describe(IEnumerable<InfraCheck> checks) =>
        string.Join(System.Environment.NewLine, checks.Select(c => $"{c.Status} {c.Kind} {c.Target}: {c.Actual} | {c.Remedy} | {string.Join(" ; ", c.Evidence)}"));

}

/// <summary>A fact that reads ../shared/gcp-discovery: skipped, naming what was skipped, in a clone without it (CI always has it).</summary>
public sealed class DiscoveryFactAttribute : FactAttribute
{
    public DiscoveryFactAttribute(string what)
    {
        if (RepoPaths.Shared is not { } shared || !Directory.Exists(Path.Combine(shared, "gcp-discovery")))
        {
            Skip = $"Skipped: {what} — needs ../shared/gcp-discovery beside the repository, which is absent in this clone (CI always has it).";
        }
    }
}
