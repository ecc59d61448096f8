using System.Diagnostics;
using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Cloud;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

/// <summary>
/// Endpoints the tool does not control (issue 15, items 6, 8 and 9): a gzip bomb, a redirect loop, a server that
/// never answers, a Retry-After of an hour, short execution names and 200 answers that lack what a verdict needs.
/// Each ends in bounded time and memory, with the rest of the audit measured.
/// </summary>
public class HostileEndpointTests
{
    private static InfraCheck Row(IEnumerable<InfraCheck> checks, InfraCheckKind kind) => Assert.Single(checks, c => c.Kind == kind);

    /// <summary>Runs the CLI as its own process (so its memory is its own), polling its peak working set.</summary>
    private static (int Code, string Out, string Err, long PeakBytes, TimeSpan Elapsed) CliProcess(string home, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        // The CLI as built (its own deps.json), in the configuration the tests were built in.
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        start.ArgumentList.Add(Path.Combine(RepoPaths.Root, "src", "Cli", "bin", configuration, "net8.0", "bqx-audit.dll"));
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["HOME"] = home;
        start.Environment["NO_GCE_CHECK"] = "true";
        start.Environment.Remove(GcpCredentialResolver.CredentialsVariable);
        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        long peak = 0;
        while (!process.WaitForExit(20))
        {
            try
            {
                process.Refresh();
                peak = Math.Max(peak, process.PeakWorkingSet64);
            }
            catch (InvalidOperationException)
            {
            }

            if (watch.Elapsed > TimeSpan.FromSeconds(120))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("the CLI ran for more than 120 s");
            }
        }

        return (process.ExitCode, output.Result, error.Result, peak, watch.Elapsed);
    }

    private static (int Code, string Out, string Err) Cli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CliApp(output, error).Run(args);
        return (code, output.ToString(), error.ToString());
    }

    private static List<JsonElement> Rows(string json) => JsonDocument.Parse(json).RootElement.EnumerateArray().ToList();

    [Fact]
    public async Task Infra_WhenAnEndpointSendsAGzipBomb_ShouldReportAnErrorNamingTheCallWithinBoundedMemory()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("storage.objects.list", Fault.GzipBomb(), times: int.MaxValue); // ~1 MB on the wire, 1 GB expanded
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", CliInfraTests.ProfileAt(server));

        var (code, output, error, peak, elapsed) = CliProcess(home.Path, "infra", home.Path, "--format", "json");

        Assert.True(code == ExitCodes.Success, error);
        var rows = Rows(output);
        var bucket = Assert.Single(rows, r => r.GetProperty("Kind").GetString() == "GcsBucket");
        Assert.Equal("Error", bucket.GetProperty("Status").GetString());
        Assert.Contains("larger than the response cap", bucket.GetProperty("Actual").GetString());
        Assert.Contains(bucket.GetProperty("Evidence").EnumerateArray(), e => e.GetProperty("Location").GetString()!.StartsWith("GET storage.objects.list", StringComparison.Ordinal)
            && e.GetProperty("Detail").GetString()!.Contains("MB cap once decompressed", StringComparison.Ordinal));
        Assert.Equal(1, server.Log.Count("storage.objects.list")); // not retried
        Assert.All(rows.Where(r => r.GetProperty("Kind").GetString() != "GcsBucket"), r => Assert.Equal("Ready", r.GetProperty("Status").GetString()));
        Assert.True(peak < 512L * 1024 * 1024, $"peak working set {peak / (1024 * 1024)} MB");
        Assert.True(elapsed < TimeSpan.FromSeconds(60), elapsed.ToString());
    }

    [Fact]
    public async Task Run_WhenEndpointsRedirectInALoop_ShouldMakeOneCallEachAndReportAnError()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.RedirectLoop(), times: int.MaxValue);
        server.Faults.Add("storage.buckets.get", Fault.RedirectLoop(), times: int.MaxValue);
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Billing, InfraCheckKind.GcsBucket, InfraCheckKind.Project });

        foreach (var kind in new[] { InfraCheckKind.Billing, InfraCheckKind.GcsBucket })
        {
            var row = Row(checks, kind);
            Assert.Equal(InfraCheckStatus.Error, row.Status);
            Assert.Contains("redirects are not followed", row.Actual);
        }

        Assert.Equal(InfraCheckStatus.Ready, Row(checks, InfraCheckKind.Project).Status);
        Assert.Equal(1, server.Log.Count("cloudbilling.projects.getBillingInfo"));
        Assert.Equal(1, server.Log.Count("storage.buckets.get"));
    }

    [Fact]
    public async Task Run_WhenTheTokenEndpointRedirectsInALoop_ShouldAskItOnceAndNotMeasure()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add(FakeRoutes.TokenRoute, Fault.RedirectLoop(), times: int.MaxValue);
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());

        var billing = Row(Run(server, home, kinds: new[] { InfraCheckKind.Billing }, credentialPath: key), InfraCheckKind.Billing);

        Assert.Equal(InfraCheckStatus.Error, billing.Status); // as for a redirect of any other call: the endpoint is wrong
        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute)); // Google.Apis.Auth would follow it ten times
        Assert.Equal(0, server.Log.Count("cloudbilling.projects.getBillingInfo"));
        var said = string.Join("\n", billing.Evidence.Select(e => e.Location + ": " + e.Detail).Append(billing.Actual));
        Assert.Contains("redirects are not followed", said); // it said "could not obtain an access token (NullReferenceException)"
        Assert.DoesNotContain("NullReferenceException", said);
    }

    [Fact]
    public async Task Run_WhenTheTokenEndpointSendsAGzipBomb_ShouldSayTheAnswerIsOverTheCapNotThatAuthenticationFailed()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add(FakeRoutes.TokenRoute, Fault.GzipBomb(64L << 20), times: int.MaxValue);
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());

        var billing = Row(Run(server, home, kinds: new[] { InfraCheckKind.Billing }, credentialPath: key), InfraCheckKind.Billing);

        Assert.Equal(InfraCheckStatus.Error, billing.Status);
        var said = string.Join("\n", billing.Evidence.Select(e => e.Location + ": " + e.Detail).Append(billing.Actual));
        Assert.Contains("MB cap once decompressed", said); // it said "Unauthenticated: could not obtain an access token (ResponseTooLargeException)"
        Assert.DoesNotContain("ResponseTooLargeException", said);
        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute));
    }

    [Fact]
    public async Task Infra_WhenAServerAcceptsAndNeverAnswers_ShouldEndAtTheTimeoutWithTheRestMeasured()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("bigquery.tables.list", Fault.Hang(), times: int.MaxValue);
        using var home = new TempDir();
        home.Write("bqxaudit.yaml", CliInfraTests.ProfileAt(server));
        var watch = Stopwatch.StartNew();

        var (code, output, error) = Cli("infra", home.Path, "--format", "json", "--timeout", "3",
            "--check", "BigQueryDataset", "--check", "GcsBucket", "--check", "Project");

        watch.Stop();
        Assert.True(code == ExitCodes.Success, error);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(15), watch.Elapsed.ToString());
        var rows = Rows(output);
        var datasets = rows.Where(r => r.GetProperty("Kind").GetString() == "BigQueryDataset").ToList();
        Assert.Equal(2, datasets.Count);
        Assert.All(datasets, d =>
        {
            Assert.Equal("NotVerified", d.GetProperty("Status").GetString());
            Assert.Contains("cloud deadline passed", d.GetProperty("Actual").GetString());
            Assert.Contains("--timeout", d.GetProperty("Remedy").GetString());
        });
        Assert.Equal("Ready", Assert.Single(rows, r => r.GetProperty("Kind").GetString() == "GcsBucket").GetProperty("Status").GetString());
        Assert.Equal("Ready", Assert.Single(rows, r => r.GetProperty("Kind").GetString() == "Project").GetProperty("Status").GetString());
    }

    [Fact]
    public async Task Run_WhenAServerNeverAnswers_ShouldGiveUpAfterShortPerCallTimeoutsBeforeTheDeadline()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.Hang(), times: int.MaxValue);
        using var home = new TempDir();
        var http = Fast(attemptTimeout: TimeSpan.FromMilliseconds(300));
        var watch = Stopwatch.StartNew();

        var billing = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Billing }, http: http));

        Assert.Equal(InfraCheckStatus.NotVerified, billing.Status);
        Assert.Equal("not measured: the service did not answer", billing.Actual);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        Assert.Contains(billing.Evidence, e => e.Location == "GET cloudbilling.projects.getBillingInfo Transient" && e.Detail.Contains("4 retries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenRetryAfterIsBeyondTheDeadline_ShouldNotWaitAndBeNotVerifiedSayingWhy()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("cloudbilling.projects.getBillingInfo", Fault.TooManyRequests(retryAfterSeconds: 3600), times: int.MaxValue);
        using var home = new TempDir();
        var watch = Stopwatch.StartNew();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Billing, InfraCheckKind.Project });

        watch.Stop();
        var billing = Row(checks, InfraCheckKind.Billing);
        Assert.Equal(InfraCheckStatus.NotVerified, billing.Status);
        Assert.Equal("not measured: the server asked to retry after 3600 s, beyond the cloud deadline", billing.Actual);
        Assert.Contains(billing.Evidence, e => e.Location == "GET cloudbilling.projects.getBillingInfo 429" && e.Detail.Contains("Retry-After", StringComparison.Ordinal));
        Assert.Equal(InfraCheckStatus.Ready, Row(checks, InfraCheckKind.Project).Status);
        Assert.Equal(1, server.Log.Count("cloudbilling.projects.getBillingInfo"));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task Run_WhenTheLatestExecutionIsNamedShortly_ShouldReadItUnderTheJob()
    {
        var state = SeedDefault();
        var job = state.RunJobs[0];
        state.RunJobs[0] = job with { ShortExecutionName = true };
        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();

        var rows = Run(server, home, kinds: new[] { InfraCheckKind.CloudRunJob });

        var row = Assert.Single(rows, r => r.Target == $"run:{job.Location}/{job.Name}");
        var latest = Assert.IsType<Dictionary<string, object>>(row.Details["LatestExecution"]);
        Assert.NotEqual("NotVerified", latest["Status"]);
        var last = job.Executions.OrderBy(e => e.CreateTime).Last();
        Assert.Contains(server.Log.Entries, e => e.RouteId == "run.projects.locations.jobs.executions.get" && e.Status == 200
            && e.Path == $"v2/projects/{state.ProjectId}/locations/{job.Location}/jobs/{job.Name}/executions/{last.Name}");
        Assert.DoesNotContain(server.Log.Entries, e => e.Status == 404);
    }

    [Theory]
    [InlineData("run.projects.locations.jobs.get", "terminalCondition.state", InfraCheckKind.CloudRunJob, "response lacks terminalCondition.state")]
    [InlineData("run.projects.locations.jobs.get", "template", InfraCheckKind.CloudRunJob, "response lacks template.template")]
    [InlineData("run.projects.locations.jobs.executions.get", "conditions,startTime,completionTime,runningCount", InfraCheckKind.CloudRunJob, "response lacks state")]
    [InlineData("cloudresourcemanager.projects.get", "state", InfraCheckKind.Project, "response lacks state")]
    [InlineData("cloudbilling.projects.getBillingInfo", "name", InfraCheckKind.Billing, "response lacks name")]
    [InlineData("bigquery.datasets.get", "location", InfraCheckKind.BigQueryDataset, "response lacks location")]
    [InlineData("storage.buckets.get", "location", InfraCheckKind.GcsBucket, "response lacks location")]
    [InlineData("storage.buckets.get", "storageClass", InfraCheckKind.GcsBucket, "response lacks storageClass")]
    public async Task Run_WhenA200AnswerLacksWhatTheVerdictNeeds_ShouldBeAnErrorNotADefault(string route, string fields, InfraCheckKind kind, string expected)
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add(route, Fault.Lacking(fields.Split(',')), times: int.MaxValue);
        using var home = new TempDir();

        var rows = Run(server, home, kinds: new[] { kind }).ToList();

        var judged = kind == InfraCheckKind.CloudRunJob ? rows.Where(r => r.Details.ContainsKey("LatestExecution") || !fields.Contains("conditions", StringComparison.Ordinal)).ToList() : rows;
        Assert.NotEmpty(judged);
        Assert.All(judged, r =>
        {
            Assert.True(r.Status == InfraCheckStatus.Error, Describe(new[] { r }));
            Assert.Contains(expected, r.Actual);
        });
    }

    [Fact]
    public async Task Run_WhenStorageKeepsAnswering503_ShouldTryFiveTimesThroughOneRetryPolicy()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("storage.buckets.get", Fault.Server(503), times: int.MaxValue);
        using var home = new TempDir();

        var bucket = Row(Run(server, home, kinds: new[] { InfraCheckKind.GcsBucket }), InfraCheckKind.GcsBucket);

        Assert.Equal(InfraCheckStatus.NotVerified, bucket.Status);
        // Five attempts in all: Google.Cloud.Storage.V1's own retries (3 tries by default) are off, not stacked on ours.
        Assert.Equal(5, server.Log.Count("storage.buckets.get"));
        Assert.Contains(bucket.Evidence, e => e.Location == "GET storage.buckets.get 503" && e.Detail.Contains("4 retries", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenStorageListsObjects_ShouldAskOnlyForTheFieldsTheCheckReads()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var bucket = Row(Run(server, home, kinds: new[] { InfraCheckKind.GcsBucket }), InfraCheckKind.GcsBucket);

        Assert.Equal(InfraCheckStatus.Ready, bucket.Status);
        var listing = Assert.Single(server.Log.Entries, e => e.RouteId == "storage.objects.list");
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(listing.Query);
        Assert.Equal("items(name,size,updated,timeCreated),nextPageToken", query["fields"].ToString());
        // Pages of 1000: Google.Apis leaves out a parameter equal to its discovery default (maxResults defaults to 1000).
        Assert.True(!query.ContainsKey("maxResults") || query["maxResults"] == "1000", listing.Query);
        Assert.Equal("noAcl", query["projection"].ToString());
        Assert.Equal("checkpoints/", query["prefix"].ToString());
    }

    [Fact]
    public void Sessions_WhenMadeFromTheOptionsOfOneRun_ShouldShareOneDeadlineStartedByTheFirst()
    {
        using var home = new TempDir();
        var run = GcpHttpOptions.Default.WithDeadline(30);
        var env = Environment(home.Path, (GcpEndpoints.AllEndpointsVariable, "http://127.0.0.1:9/"));

        using var first = GcpSession.Create(new GcpSessionOptions { Environment = env, Http = run });
        using var second = GcpSession.Create(new GcpSessionOptions { Environment = env, Http = run });
        using var other = GcpSession.Create(new GcpSessionOptions { Environment = env, Http = GcpHttpOptions.Default.WithDeadline(30) });

        Assert.Same(first.Deadline, second.Deadline);   // infra, live listings and cost queries of one audit: one deadline
        Assert.NotSame(first.Deadline, other.Deadline); // another run: its own
        Assert.Equal(TimeSpan.FromSeconds(30), first.Deadline.Limit);
        Assert.Equal(TimeSpan.FromSeconds(60), GcpHttpOptions.Default.WithDeadline(null).Deadline);
        Assert.Throws<BqxAudit.Hosting.BqxException>(() => GcpHttpOptions.Default.WithDeadline(0));
    }
}
