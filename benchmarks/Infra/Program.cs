using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using BqxAudit.Tests.FakeGcp;

// Serves the embedded profile's project (its three datasets of 5,817, 54 and 2,210 tables, one bucket, the two
// Cloud Run jobs, the pipeline account's key, the query quota, a budget, the scratch dataset) from the fake
// GCP server on 127.0.0.1 with a fixed latency on every response, token requests included. Writes a key file
// for the pipeline account and, once listening, a ready file of KEY=VALUE lines (endpoint, key file, pid).
// Runs until SIGTERM / Ctrl+C.
//
//   dotnet run -c Release --project benchmarks/Infra -- --latency-ms 100 --work benchmarks/.work/infra
var latency = TimeSpan.FromMilliseconds(100);
var work = Path.Combine("benchmarks", ".work", "infra");
var throttle = false; // --throttle-once: each run meets one 429 (Retry-After 1) on a features page
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--latency-ms":
            latency = TimeSpan.FromMilliseconds(double.Parse(args[++i], CultureInfo.InvariantCulture));
            break;
        case "--work":
            work = args[++i];
            break;
        case "--throttle-once":
            throttle = true;
            break;
        default:
            Console.Error.WriteLine($"unknown argument {args[i]}; usage: [--latency-ms N] [--work DIR] [--throttle-once]");
            return 3;
    }
}

Directory.CreateDirectory(work);
const string pipeline = "codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com";
var now = DateTimeOffset.UtcNow;
var state = new FakeGcpState();
state.AddDataset("bqx_ml_v3_features_v2").Generate(5817, "feat_");
state.AddDataset("bqx_ml_v3_analytics_v2").Generate(54, "target_", viewEvery: 0);
state.AddDataset("bqx_bq_uscen1_v2").Generate(2210, "src_", viewEvery: 0);
state.AddDataset("bqx_audit_scratch");
var bucket = state.AddBucket("bqx-ml-staging");
for (var i = 0; i < 25; i++)
{
    bucket.Add($"checkpoints/eurusd/part-{i:D3}.parquet", 1_000_000 + i, now.AddHours(-i));
}

foreach (var name in new[] { "bqx-ml-extract", "bqx-ml-merge" })
{
    var job = new FakeRunJob(name, "us-central1") { ServiceAccount = pipeline, Image = $"us-central1-docker.pkg.dev/bqx-ml/pipeline/{name}:v3" };
    job.Executions.Add(new FakeRunExecution($"{name}-x7k2p", now.AddHours(-3)) { StartTime = now.AddHours(-3).AddSeconds(20), CompletionTime = now.AddHours(-1) });
    state.RunJobs.Add(job);
}

state.ServiceAccountKeys[pipeline] = new() { new FakeServiceAccountKey("3f1c9a", now.AddDays(-30)) };
const string metric = "projects/415104041262/services/bigquery.googleapis.com/consumerQuotaMetrics/bigquery.googleapis.com%2Fquota%2Fquery%2Fusage";
state.QuotaMetrics["bigquery.googleapis.com"] = new()
{
    new JsonObject
    {
        ["name"] = metric,
        ["metric"] = "bigquery.googleapis.com/quota/query/usage",
        ["displayName"] = "Query usage",
        ["unit"] = "MiBy",
        ["consumerQuotaLimits"] = new JsonArray(new JsonObject
        {
            ["name"] = metric + "/limits/%2Fd%2Fproject",
            ["metric"] = "bigquery.googleapis.com/quota/query/usage",
            ["unit"] = "1/d/{project}",
            ["quotaBuckets"] = new JsonArray(new JsonObject { ["effectiveLimit"] = (2L * 1024 * 1024).ToString(CultureInfo.InvariantCulture) }),
        }),
    },
};
state.Budgets.Add(new JsonObject
{
    ["name"] = "billingAccounts/012345-567890-ABCDEF/budgets/bqx-ml-monthly",
    ["displayName"] = "bqx-ml-monthly",
    ["budgetFilter"] = new JsonObject { ["projects"] = new JsonArray("projects/415104041262") },
    ["amount"] = new JsonObject { ["specifiedAmount"] = new JsonObject { ["currencyCode"] = "USD", ["units"] = "500" } },
    ["thresholdRules"] = new JsonArray(new JsonObject { ["thresholdPercent"] = 0.5 }, new JsonObject { ["thresholdPercent"] = 0.9 }, new JsonObject { ["thresholdPercent"] = 1.0 }),
});

await using var server = await FakeGcpServer.StartAsync(state);
server.Latency = latency;
server.Auth.RequireToken = true;
if (throttle)
{
    // The features dataset's second page answers 429 every other time it is asked for: each run's first request
    // for it is throttled and its retry (after Retry-After: 1) served, whatever the number of runs. (Page tokens
    // are offsets, the same in every dataset: the dataset is part of the match.)
    string? throttledPage = null;
    var asked = 0;
    server.Faults.Add("bigquery.tables.list", Fault.TooManyRequests(1), int.MaxValue, r =>
    {
        if (!r.RawPath.Contains("/datasets/bqx_ml_v3_features_v2/", StringComparison.Ordinal)
            || r.Query("pageToken") is not { } page || (throttledPage ??= page) != page)
        {
            return false;
        }

        return asked++ % 2 == 0;
    });
}
var key = server.WriteKeyFile(work, server.Auth.CreateServiceAccount(pipeline));

var stopped = new TaskCompletionSource();
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, c => { c.Cancel = true; stopped.TrySetResult(); });
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => { c.Cancel = true; stopped.TrySetResult(); });

var ready = Path.Combine(work, "ready.env");
File.WriteAllText(ready + ".tmp", $"ENDPOINT={server.BaseUri}\nKEY={Path.GetFullPath(key)}\nPID={Environment.ProcessId}\n");
File.Move(ready + ".tmp", ready, overwrite: true);
Console.Error.WriteLine($"fake GCP at {server.BaseUri} with {latency.TotalMilliseconds:0} ms per response; ready file {ready}");

await stopped.Task;
var requests = server.Log.Entries;
if (Environment.GetEnvironmentVariable("BQX_INFRA_TIMELINE") == "1" && requests.Count > 0)
{
    // Where a run's time goes: each request's answer, in ms after the first answer (the latency is served first).
    var first = requests[0].Time;
    foreach (var r in requests)
    {
        Console.Error.WriteLine($"{(r.Time - first).TotalMilliseconds,7:0} {r.Status} {r.RouteId} {r.Path}{(r.Query.Length > 0 ? "?" + r.Query[..Math.Min(60, r.Query.Length)] : "")}");
    }
}

Console.Error.WriteLine($"served {requests.Count} requests ({string.Join(", ", requests.GroupBy(r => r.RouteId ?? "?").OrderByDescending(g => g.Count()).Select(g => $"{g.Key} ×{g.Count()}"))})");
File.Delete(ready);
return 0;
