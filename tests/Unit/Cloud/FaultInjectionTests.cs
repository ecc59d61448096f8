using System.Diagnostics;
using BqxAudit.Model;
using BqxAudit.Serialization;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class FaultInjectionTests
{
    public static TheoryData<string> TransientFaults() => new(Fault.Transient.Select(f => f.ToString()));

    private static Fault Named(string name) => Fault.Transient.Single(f => f.ToString() == name);

    /// <summary>What a check measured, without timings and evidence (retries show there, as they should).</summary>
    private static string Measured(IEnumerable<InfraCheck> checks) => string.Join("\n", checks.Select(c =>
        $"{c.Kind}|{c.Target}|{c.Check}|{c.Status}|{c.Expected}|{c.Actual}|{c.Remedy}|{JsonOutput.Serialize(c.Details).ReplaceLineEndings(" ")}"));

    [Theory]
    [MemberData(nameof(TransientFaults))]
    public async Task Run_WhenATransientFaultHitsEveryRouteOnce_ShouldMeasureWhatTheFaultFreeRunMeasures(string faultName)
    {
        var fault = Named(faultName);
        using var home = new TempDir();
        string baseline;
        await using (var clean = await FakeGcpServer.StartAsync(SeedDefault()))
        {
            clean.State.QueryIncompleteResponses = 1;
            var cleanKey = clean.WriteKeyFile(home.Path, clean.Auth.CreateServiceAccount(), "clean.json");
            baseline = Measured(Run(clean, home, credentialPath: cleanKey));
        }

        await using var server = await FakeGcpServer.StartAsync(SeedDefault());
        server.State.QueryIncompleteResponses = 1;
        server.Auth.RequireToken = true;
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());
        server.Faults.AddEverywhere(fault, times: 1, includeAuth: true);

        var checks = Run(server, home, credentialPath: key, http: Fast(attemptTimeout: TimeSpan.FromMilliseconds(800)));

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        Assert.Equal(baseline, Measured(checks));
        var called = server.Log.Entries.Select(e => e.RouteId).Distinct().ToHashSet();
        var faulted = server.Log.Entries.Where(e => e.Fault is not null).Select(e => e.RouteId).ToList();
        Assert.Equal(called.Count, faulted.Count); // once per route, every route
        Assert.Contains(FakeRoutes.TokenRoute, faulted);
        Assert.Contains(checks, c => c.Evidence.Any(e => e.Detail.Contains("retr", StringComparison.Ordinal)));
    }

    public static TheoryData<string, string> PermanentFaults() => new()
    {
        { "Forbidden accessDenied", nameof(InfraCheckStatus.Blocked) },
        { "Forbidden IAM_PERMISSION_DENIED", nameof(InfraCheckStatus.Blocked) },
        { "Forbidden SERVICE_DISABLED", nameof(InfraCheckStatus.Blocked) },
        { "Forbidden billingNotEnabled", nameof(InfraCheckStatus.Blocked) },
        { "Forbidden quotaExceeded", nameof(InfraCheckStatus.NotVerified) },
        { "TooManyRequests 429", nameof(InfraCheckStatus.NotVerified) },
        { "ServerError 500", nameof(InfraCheckStatus.NotVerified) },
        { "ServerError 502", nameof(InfraCheckStatus.NotVerified) },
        { "ServerError 503", nameof(InfraCheckStatus.NotVerified) },
        { "ServerError 504", nameof(InfraCheckStatus.NotVerified) },
        { "Timeout", nameof(InfraCheckStatus.NotVerified) },
        { "Truncated", nameof(InfraCheckStatus.NotVerified) },
        { "Unauthorized", nameof(InfraCheckStatus.NotVerified) },
        { "NotFound", nameof(InfraCheckStatus.Missing) },
        { "Malformed", nameof(InfraCheckStatus.Error) },
    };

    private static Fault Permanent(string name) => name switch
    {
        "TooManyRequests 429" => Fault.TooManyRequests(),
        "Timeout" => Fault.Timeout(),
        "Truncated" => Fault.Truncated(),
        "Unauthorized" => Fault.Unauthorized(),
        "NotFound" => Fault.NotFound(),
        "Malformed" => Fault.Malformed(),
        _ when name.StartsWith("ServerError ", StringComparison.Ordinal) => Fault.Server(int.Parse(name[12..], System.Globalization.CultureInfo.InvariantCulture)),
        _ when name.StartsWith("Forbidden ", StringComparison.Ordinal) => Fault.Forbidden(name[10..]),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(PermanentFaults))]
    public async Task Run_WhenAPermanentFaultHitsEveryRoute_ShouldGiveEachCheckTheRightStatusWithEvidence(string faultName, string expected)
    {
        await using var server = await FakeGcpServer.StartAsync(SeedDefault(features: 1200));
        server.Faults.AddEverywhere(Permanent(faultName), times: int.MaxValue);
        using var home = new TempDir();

        var checks = Run(server, home, http: Fast(attemptTimeout: TimeSpan.FromMilliseconds(150)));

        Assert.Equal(23, checks.Count);
        // Without a key file there is no principal: that row makes no call and is not measured, whatever the fault.
        var principal = Assert.Single(checks, c => c.Check == "active principal is the expected service account");
        Assert.Equal(InfraCheckStatus.NotVerified, principal.Status);
        foreach (var check in checks.Where(c => c != principal))
        {
            var want = Enum.Parse<InfraCheckStatus>(expected);
            if (faultName == "Forbidden SERVICE_DISABLED" && check.Kind == InfraCheckKind.Api && check.Target != "api:serviceusage.googleapis.com")
            {
                want = InfraCheckStatus.NotVerified; // Service Usage is off, so the others cannot be read
            }

            if (want == InfraCheckStatus.Blocked && check.Kind is InfraCheckKind.ServiceAccount or InfraCheckKind.Quota or InfraCheckKind.CostMonitoring)
            {
                want = InfraCheckStatus.NotVerified; // facts only the audit reads: denied means unmeasured, not blocked
            }

            Assert.True(want == check.Status, $"{faultName}: expected {want}, got {check}");
            Assert.NotNull(check.Remedy);
            Assert.Contains(check.Evidence, e => e.Source == "api" && e.Detail.Length > 0);
        }

        if (faultName == "Forbidden SERVICE_DISABLED")
        {
            Assert.Contains(checks, c => c.Kind == InfraCheckKind.BigQueryDataset && c.Remedy == "gcloud services enable bigquery.googleapis.com --project bqx-ml");
            Assert.Contains(checks, c => c.Kind == InfraCheckKind.GcsBucket && c.Remedy == "gcloud services enable storage.googleapis.com --project bqx-ml");
        }

        if (faultName == "Forbidden billingNotEnabled")
        {
            Assert.All(checks.Where(c => c != principal), c => Assert.StartsWith("gcloud billing projects link bqx-ml", c.Remedy));
        }
    }

    [Fact]
    public async Task Run_WhenTheStorageQueryKeepsFailingWithoutBeingDenied_ShouldBePartialAndNotFallBack()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("bigquery.jobs.query", Fault.Server(500), times: int.MaxValue);
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.BigQueryDataset });

        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.Partial, c.Status);
            Assert.Contains("storage not measured", c.Actual);
            Assert.Contains(c.Evidence, e => e.Location == "POST bigquery.jobs.query 500");
        });
        Assert.Equal(0, server.Log.Count("bigquery.tables.get"));
        Assert.Equal(5, server.Log.Count("bigquery.jobs.query")); // one query for the region, five attempts
    }

    [Fact]
    public async Task Run_WhenAServerKeepsAnswering503_ShouldStopAfterFiveAttemptsAndSaySo()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.Server(503), times: int.MaxValue);
        using var home = new TempDir();

        var billing = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Billing }));

        Assert.Equal(InfraCheckStatus.NotVerified, billing.Status);
        Assert.Equal(5, server.Log.Count("cloudbilling.projects.getBillingInfo"));
        Assert.Contains(billing.Evidence, e => e.Location == "GET cloudbilling.projects.getBillingInfo 503" && e.Detail.Contains("4 retries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenRetryAfterIsLongerThanTheCapButWithinTheDeadline_ShouldWaitNoLongerThanTheCap()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.TooManyRequests(retryAfterSeconds: 30), times: 2);
        using var home = new TempDir();
        var watch = Stopwatch.StartNew();

        var billing = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Billing }));

        Assert.Equal(InfraCheckStatus.Ready, billing.Status);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
        Assert.Equal(3, server.Log.Count("cloudbilling.projects.getBillingInfo"));
    }

    [Fact]
    public async Task Run_WhenRetryAfterIsWithinTheCap_ShouldWaitThatLong()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.TooManyRequests(retryAfterSeconds: 1), times: 1);
        using var home = new TempDir();
        var http = new BqxAudit.Cloud.GcpHttpOptions { BaseDelay = TimeSpan.FromMilliseconds(1), MaxRetryAfter = TimeSpan.FromSeconds(5), UseJitter = false };
        Run(server, home, kinds: new[] { InfraCheckKind.Billing }, http: http); // warm-up
        server.Log.Clear();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.TooManyRequests(retryAfterSeconds: 1), times: 1);

        var times = new List<DateTimeOffset>();
        var billing = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Billing }, http: http));
        times.AddRange(server.Log.Entries.Select(e => e.Time));

        Assert.Equal(InfraCheckStatus.Ready, billing.Status);
        Assert.Equal(2, times.Count);
        Assert.InRange(times[1] - times[0], TimeSpan.FromMilliseconds(900), TimeSpan.FromSeconds(4));
    }
}
