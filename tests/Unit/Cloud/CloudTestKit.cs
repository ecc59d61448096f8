using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Serialization;
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

    /// <summary>The clock of the cloud tests: key ages are measured against it.</summary>
    public static readonly DateTimeOffset Now = new(2025, 12, 13, 20, 30, 0, TimeSpan.Zero);

    /// <summary>The profile's service account (gcp.serviceAccount), the default of FakeAuth.CreateServiceAccount.</summary>
    public const string PipelineAccount = "codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com";

    /// <summary>The query-usage limits of the seeded project: 2 TiB a day per project, unlimited per user (in MiB, the metric's unit).</summary>
    public const long ProjectQueryLimitMiB = 2L * 1024 * 1024;

    /// <summary>A consumer quota metric as Service Usage v1beta1 returns it, with per-project and per-user daily limits (-1 = unlimited).</summary>
    public static JsonObject QueryUsageMetric(long projectLimitMiB, long userLimitMiB = -1, string unit = "MiBy")
    {
        const string name = "projects/415104041262/services/bigquery.googleapis.com/consumerQuotaMetrics/bigquery.googleapis.com%2Fquota%2Fquery%2Fusage";
        JsonObject Limit(string suffix, string limitUnit, long value) => new()
        {
            ["name"] = $"{name}/limits/{suffix}",
            ["metric"] = "bigquery.googleapis.com/quota/query/usage",
            ["unit"] = limitUnit,
            ["isPrecise"] = true,
            ["allowsAdminOverrides"] = true,
            ["quotaBuckets"] = new JsonArray(new JsonObject { ["effectiveLimit"] = value.ToString(CultureInfo.InvariantCulture), ["defaultLimit"] = "-1" }),
        };
        return new JsonObject
        {
            ["name"] = name,
            ["metric"] = "bigquery.googleapis.com/quota/query/usage",
            ["displayName"] = "Query usage",
            ["unit"] = unit,
            ["consumerQuotaLimits"] = new JsonArray(Limit("%2Fd%2Fproject", "1/d/{project}", projectLimitMiB), Limit("%2Fd%2Fproject%2Fuser", "1/d/{project}/{user}", userLimitMiB)),
        };
    }

    /// <summary>A budget as the Budgets API returns it (scoped to the fake project's number unless <paramref name="projects"/> says otherwise).</summary>
    public static JsonObject Budget(string id, double[] thresholds, string[]? projects = null, long units = 500) => new()
    {
        ["name"] = $"billingAccounts/012345-567890-ABCDEF/budgets/{id}",
        ["displayName"] = id,
        ["budgetFilter"] = new JsonObject
        {
            ["projects"] = new JsonArray((projects ?? new[] { "projects/415104041262" }).Select(p => (JsonNode)JsonValue.Create(p)).ToArray()),
            ["calendarPeriod"] = "MONTH",
            ["creditTypesTreatment"] = "INCLUDE_ALL_CREDITS",
        },
        ["amount"] = new JsonObject { ["specifiedAmount"] = new JsonObject { ["currencyCode"] = "USD", ["units"] = units.ToString(CultureInfo.InvariantCulture) } },
        ["thresholdRules"] = new JsonArray(thresholds.Select(t => (JsonNode)new JsonObject { ["thresholdPercent"] = t, ["spendBasis"] = "CURRENT_SPEND" }).ToArray()),
        ["etag"] = $"e-{id}",
        ["ownershipScope"] = "ALL_USERS",
    };

    /// <summary>The embedded profile's project: its three datasets at their expected sizes (and a models dataset it does not name), its bucket with checkpoints,
    /// its two Cloud Run jobs (last runs succeeded), the pipeline account's one 30-day-old key, 2 TiB/day of query quota,
    /// a budget with thresholds.</summary>
    public static FakeGcpState SeedDefault(FakeGcpState? state = null, int features = 5817)
    {
        state ??= new FakeGcpState();
        state.AddDataset("bqx_ml_v3_features_v2").Generate(features, "feat_");
        state.AddDataset("bqx_ml_v3_models").Generate(54, "model_", viewEvery: 0);
        state.AddDataset("bqx_ml_v3_analytics_v2").Generate(54, "target_", viewEvery: 0);
        state.AddDataset("bqx_bq_uscen1_v2").Generate(2210, "src_", viewEvery: 0);
        var bucket = state.AddBucket("bqx-ml-staging");
        for (var i = 0; i < 25; i++)
        {
            bucket.Add($"checkpoints/eurusd/part-{i:D3}.parquet", 1_000_000 + i, NewestCheckpoint.AddHours(-i));
        }

        bucket.Add("exports/other.csv", 10, NewestCheckpoint.AddDays(1));

        foreach (var job in new[] { "bqx-ml-extract", "bqx-ml-merge" })
        {
            var run = new FakeRunJob(job, "us-central1") { ServiceAccount = PipelineAccount, Image = $"us-central1-docker.pkg.dev/bqx-ml/pipeline/{job}:v3" };
            run.Executions.Add(new FakeRunExecution($"{job}-x7k2p", NewestCheckpoint.AddHours(-3))
            {
                StartTime = NewestCheckpoint.AddHours(-3).AddSeconds(20),
                CompletionTime = NewestCheckpoint.AddHours(-1),
            });
            state.RunJobs.Add(run);
        }

        state.ServiceAccountKeys[PipelineAccount] = new() { new FakeServiceAccountKey("3f1c9a", Now.AddDays(-30)) };
        state.QuotaMetrics["bigquery.googleapis.com"] = new() { QueryUsageMetric(ProjectQueryLimitMiB) };
        state.Budgets.Add(Budget("bqx-ml-monthly", new[] { 0.5, 0.9, 1.0 }));
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
        string? credentialPath = null, IAuditHost? host = null, GcpHttpOptions? http = null, int throttle = 8, Func<string, string?>? environment = null,
        bool probeWrite = false)
    {
        return CompiledJson(new InfrastructureService(host ?? NullHost.Instance).Run(new InfrastructureOptions
        {
            ProbeWrite = probeWrite,
            Clock = new FixedClock(Now),
            Root = home.Path,
            Profile = profile ?? DefaultProfile(),
            Kinds = kinds,
            CredentialPath = credentialPath,
            Environment = environment ?? AtFake(server, home.Path),
            Http = http ?? Fast(),
            ThrottleLimit = throttle,
            Scripts = Array.Empty<ScriptRecord>(),
        }));
    }

    /// <summary>JSON options that know only the compiled metadata (no reflection fallback): what the native CLI can write.</summary>
    private static readonly JsonSerializerOptions CompiledOnly = new(JsonOutput.Options) { TypeInfoResolver = ModelJsonContext.Default };

    /// <summary>
    /// Returns <paramref name="checks"/> after writing them as JSON from compiled metadata alone: every shape a check
    /// puts in Details must be in ModelJsonContext, or the native CLI (which cannot build a serializer for a generic
    /// over a value type at run time) fails where this build does not. Every test that runs the checks here checks it.
    /// </summary>
    public static IReadOnlyList<InfraCheck> CompiledJson(IReadOnlyList<InfraCheck> checks)
    {
        try
        {
            _ = JsonSerializer.Serialize(checks, CompiledOnly);
        }
        catch (NotSupportedException e)
        {
            throw new Xunit.Sdk.XunitException($"a Details value has no compiled JSON metadata (add its type to ModelJsonContext): {e.Message}");
        }

        return checks;
    }

    public static string Describe(IEnumerable<InfraCheck> checks) =>
        string.Join(System.Environment.NewLine, checks.Select(c => $"{c.Status} {c.Kind} {c.Target}: {c.Actual} | {c.Remedy} | {string.Join(" ; ", c.Evidence)}"));

}

/// <summary>A clock that always says the same time.</summary>
public sealed class FixedClock : TimeProvider
{
    private readonly DateTimeOffset now;

    public FixedClock(DateTimeOffset now) => this.now = now;

    public override DateTimeOffset GetUtcNow() => now;
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
