using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Serialization;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class InfrastructureServiceTests
{
    [Fact]
    public async Task Run_WhenTheProjectMatchesTheProfile_ShouldReportEveryCheckReadyWithMeasuredValues()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount(PipelineAccount));

        var checks = Run(server, home, credentialPath: key);

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        // Every kind but the opt-in write probe.
        Assert.Equal(Enum.GetValues<InfraCheckKind>().Where(k => k != InfraCheckKind.WriteProbe), checks.Select(c => c.Kind).Distinct());
        Assert.Equal(6, checks.Count(c => c.Kind == InfraCheckKind.Api));
        Assert.Equal(2, checks.Count(c => c.Kind == InfraCheckKind.CloudRunJob));
        Assert.Equal(2, checks.Count(c => c.Kind == InfraCheckKind.ServiceAccount));
        Assert.Equal(23, checks.Count);

        var features = Assert.Single(checks, c => c.Kind == InfraCheckKind.BigQueryDataset && c.Target == "bigquery:bqx-ml.bqx_ml_v3_features_v2");
        Assert.Equal(5817, features.Details["Tables"]);
        Assert.Equal("us-central1", features.Details["Location"]);
        var byType = Assert.IsType<SortedDictionary<string, int>>(features.Details["TablesByType"]);
        Assert.Equal(5817 / 10, byType["VIEW"]);
        Assert.Equal(5817 - 5817 / 10, byType["TABLE"]);

        // Independently summed from the fake's state: the storage query's totals reach the check.
        var stored = server.State.Datasets["bqx_ml_v3_features_v2"].Tables.Where(t => t.HasStorage).ToList();
        Assert.Equal(stored.Sum(t => t.NumBytes), features.Details["LogicalBytes"]);
        Assert.Equal(stored.Sum(t => t.NumRows), features.Details["Rows"]);
        Assert.Equal(stored.Sum(t => t.NumPhysicalBytes), features.Details["PhysicalBytes"]);
        Assert.Contains("5,817 tables", features.Actual);
        Assert.Contains("INFORMATION_SCHEMA.TABLE_STORAGE", (string)features.Details["StorageSource"]);

        var bucket = Assert.Single(checks, c => c.Kind == InfraCheckKind.GcsBucket);
        Assert.Equal("gcs:bqx-ml-staging", bucket.Target);
        Assert.Equal("STANDARD", bucket.Details["StorageClass"]);
        var prefix = (Dictionary<string, object>)((SortedDictionary<string, object>)bucket.Details["Prefixes"])["checkpoints/"];
        Assert.Equal(25L, prefix["Objects"]);
        Assert.Equal(NewestCheckpoint, prefix["NewestUpdate"]);

        Assert.All(checks, c => Assert.NotEmpty(c.Evidence));
        Assert.All(checks.Where(c => c.Kind == InfraCheckKind.Permission), c => Assert.Contains(c.Evidence, e => e.Detail.Contains("advisory", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_WhenItRunsEveryCheck_ShouldSendOnlyReadOnlyRequests()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        server.State.QueryIncompleteResponses = 2;
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());

        var checks = Run(server, home, credentialPath: key);

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        var readOnlyPosts = new HashSet<string>(StringComparer.Ordinal)
        {
            "bigquery.jobs.query", "bigquery.tables.testIamPermissions", "cloudresourcemanager.projects.testIamPermissions",
            "bigquery.tables.getIamPolicy", "cloudresourcemanager.projects.getIamPolicy", FakeRoutes.TokenRoute,
        };
        var log = server.Log.Entries;
        Assert.Contains(log, e => e.RouteId == "bigquery.jobs.query");
        Assert.Contains(log, e => e.RouteId == FakeRoutes.TokenRoute);
        foreach (var entry in log)
        {
            Assert.True(entry.Method == "GET" || (entry.Method == "POST" && readOnlyPosts.Contains(entry.RouteId!)), $"not read-only: {entry}");
            if (entry.RouteId == "bigquery.jobs.query")
            {
                var body = System.Text.Json.Nodes.JsonNode.Parse(entry.RequestBody!)!;
                var sql = body["query"]!.GetValue<string>();
                Assert.True(body["dryRun"]?.GetValue<bool>() == true || System.Text.RegularExpressions.Regex.IsMatch(sql, @"^\s*SELECT\b"), sql);
                Assert.DoesNotMatch(@"(?i)\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE)\b", sql);
            }
        }
    }

    [Fact]
    public async Task Run_WhenAKeyFileIsGiven_ShouldExchangeASignedJwtForATokenAndSendItOnEveryCall()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var account = server.Auth.CreateServiceAccount();
        var key = server.WriteKeyFile(home.Path, account);

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Project, InfraCheckKind.Permission },
            environment: AtFake(server, home.Path, (GcpCredentialResolver.CredentialsVariable, key)));

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        Assert.Empty(server.Auth.Rejections);
        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute));
        Assert.All(server.Log.ApiRequests, e => Assert.True(e.HadAuthorization, e.ToString()));
        var permission = Assert.Single(checks, c => c.Target == "project:bqx-ml" && c.Kind == InfraCheckKind.Permission);
        Assert.Contains($"serviceAccount:{account.Email}", permission.Remedy ?? "serviceAccount:" + account.Email);
    }

    [Fact]
    public async Task Run_WithAnEarlyCredential_ShouldAskForTheTokenBeforeThePlanAndOnlyOnce()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());
        var environment = AtFake(server, home.Path);
        var http = Fast();

        var early = GcpEarlyCredential.Start(key, environment, http);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Log.Count(FakeRoutes.TokenRoute) == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10); // the token is asked for with no session and no profile yet
        }

        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute));
        var checks = CompiledJson(new InfrastructureService(NullHost.Instance).Run(new InfrastructureOptions
        {
            Clock = new FixedClock(Now),
            Root = home.Path,
            Profile = DefaultProfile(),
            Kinds = new[] { InfraCheckKind.Project, InfraCheckKind.Permission },
            CredentialPath = key,
            Environment = environment,
            Http = http,
            EarlyCredential = early,
            Scripts = Array.Empty<ScriptRecord>(),
        }));

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        Assert.Equal(1, server.Log.Count(FakeRoutes.TokenRoute));
        Assert.All(server.Log.ApiRequests, e => Assert.True(e.HadAuthorization, e.ToString()));
    }

    [Fact]
    public async Task Create_WithAnEarlyCredentialForAnUnusableKeyFile_ShouldFailWhereTheSessionIsCreated()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var key = home.Write("broken.json", "{ \"type\": \"service_account\", \"private_key\": \"not a key\" }");
        var environment = AtFake(server, home.Path);
        var http = Fast();

        var early = GcpEarlyCredential.Start(key, environment, http); // does not throw: the profile's errors come first

        var error = Assert.Throws<BqxException>(() => GcpSession.Create(new GcpSessionOptions { CredentialPath = key, Environment = environment, Http = http, Early = early }));
        Assert.Equal(ErrorIds.InputInvalid, error.Error.ErrorId);
        Assert.Contains("credentials file", error.Message, StringComparison.Ordinal);
        Assert.Equal(0, server.Log.Count(FakeRoutes.TokenRoute));
    }

    [Fact]
    public async Task Create_WithAnEarlyCredentialStartedForOtherOptions_ShouldReadItsOwn()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount());
        var environment = AtFake(server, home.Path);
        var broken = home.Write("broken.json", "{}");

        var early = GcpEarlyCredential.Start(broken, environment, Fast()); // another key file: not taken over

        using var session = GcpSession.Create(new GcpSessionOptions { CredentialPath = key, Environment = environment, Http = Fast(), Early = early });
        Assert.NotNull(session.KeyFile);
    }

    [Fact]
    public async Task Run_WhenTheTokenEndpointRejectsTheKey_ShouldReportNotVerifiedWithTheLoginRemedy()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var stranger = new FakeAuth().CreateServiceAccount("stranger@other.iam.gserviceaccount.com");
        var key = Path.Combine(home.Path, "stranger.json");
        File.WriteAllText(key, stranger.KeyFileJson(server.TokenUrl, "bqx-ml"));

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Project, InfraCheckKind.BigQueryDataset }, credentialPath: key);

        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.NotVerified, c.Status);
            Assert.Contains("gcloud auth application-default login", c.Remedy);
            Assert.Contains(c.Evidence, e => e.Detail.Contains("invalid_grant", StringComparison.Ordinal));
        });
        Assert.Contains(server.Auth.Rejections, r => r.Contains("unknown issuer", StringComparison.Ordinal));
        Assert.Empty(server.Log.ApiRequests);
    }

    [Fact]
    public async Task Run_WhenEndpointsAreReplacedWithoutAKeyFile_ShouldSendNoCredentials()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var checks = Run(server, home);

        // Without credentials there is no principal to compare: that row alone is not measured.
        var principal = Assert.Single(checks, c => c.Status != InfraCheckStatus.Ready);
        Assert.Equal((InfraCheckKind.ServiceAccount, InfraCheckStatus.NotVerified), (principal.Kind, principal.Status));
        Assert.Contains("no credentials", principal.Actual);
        Assert.NotEmpty(server.Log.ApiRequests);
        Assert.All(server.Log.Entries, e => Assert.False(e.HadAuthorization, e.ToString()));
        Assert.Equal(0, server.Log.Count(FakeRoutes.TokenRoute));
    }

    [Fact]
    public async Task Run_WhenOffline_ShouldReturnEveryPlannedCheckNotVerifiedWithTheRemedyAndCallNothing()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var watch = Stopwatch.StartNew();

        var checks = new InfrastructureService(NullHost.Instance).Run(new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Offline = true,
            Environment = AtFake(server, home.Path),
            Scripts = Array.Empty<ScriptRecord>(),
        });

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), watch.Elapsed.ToString());
        Assert.Empty(server.Log.Entries);
        // 1 project, 1 billing, 6 APIs, 1 + 1 + 3 permission rows, 3 datasets, 1 bucket,
        // 2 Cloud Run jobs, 2 service-account rows, 1 quota, 1 cost monitoring.
        Assert.Equal(23, checks.Count);
        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.NotVerified, c.Status);
            Assert.Contains("gcloud auth application-default login", c.Remedy);
            Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", c.Remedy);
        });
    }

    [Fact]
    public async Task Run_WhenNoCredentialsExistAndTheMetadataServerNeverAnswers_ShouldReturnNotVerifiedWithinOneSecond()
    {
        // A metadata "server" that accepts connections and never answers: the probe must give up by itself.
        using var blackhole = new TcpListener(IPAddress.Loopback, 0);
        blackhole.Start();
        var port = ((IPEndPoint)blackhole.LocalEndpoint).Port;
        using var home = new TempDir();
        var environment = new Dictionary<string, string> { ["HOME"] = home.Path, ["GCE_METADATA_HOST"] = $"127.0.0.1:{port}" };
        var options = new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Environment = environment.GetValueOrDefault,
            Http = Fast(),
            Scripts = Array.Empty<ScriptRecord>(),
        };
        new InfrastructureService(NullHost.Instance).Run(new InfrastructureOptions { Root = home.Path, Profile = options.Profile, Offline = true, Scripts = options.Scripts }); // warm-up (JIT)

        var watch = Stopwatch.StartNew();
        var checks = new InfrastructureService(NullHost.Instance).Run(options);
        watch.Stop();

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"took {watch.Elapsed}");
        Assert.Equal(23, checks.Count);
        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.NotVerified, c.Status);
            Assert.Contains("no credentials found", c.Actual);
            Assert.Contains("gcloud auth application-default login", c.Remedy);
            Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS", c.Remedy);
        });
    }

    [Fact]
    public async Task Run_WhenARequiredApiIsDisabled_ShouldBlockItNamingTheServiceAndTheEnableCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.Services["run.googleapis.com"] = "DISABLED";
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Api });

        var run = Assert.Single(checks, c => c.Target == "api:run.googleapis.com");
        Assert.Equal(InfraCheckStatus.Blocked, run.Status);
        Assert.Contains("run.googleapis.com", run.Actual);
        Assert.Equal("gcloud services enable run.googleapis.com --project bqx-ml", run.Remedy);
        Assert.Equal("DISABLED", run.Details["State"]);
        Assert.All(checks.Where(c => c != run), c => Assert.Equal(InfraCheckStatus.Ready, c.Status));
    }

    [Fact]
    public async Task Run_WhenTheScriptsImplyAnApiTheProfileDoesNotList_ShouldCheckItWithTheScriptAsEvidence()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var script = new ScriptRecord { Path = "scripts/publish.py", Imports = { new ImportRecord { Module = "google.cloud.pubsub_v1", Kind = ImportKind.ThirdParty, Line = 3 } } };

        var checks = new InfrastructureService(NullHost.Instance).Run(new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Kinds = new[] { InfraCheckKind.Api },
            Environment = AtFake(server, home.Path),
            Http = Fast(),
            Scripts = new[] { script },
        });

        var pubsub = Assert.Single(checks, c => c.Target == "api:pubsub.googleapis.com");
        Assert.Equal(InfraCheckStatus.Blocked, pubsub.Status);
        Assert.Contains(pubsub.Evidence, e => e.Source == "file" && e.Location == "scripts/publish.py:3" && e.Detail == "imports google.cloud.pubsub_v1");
        Assert.Equal("gcloud services enable pubsub.googleapis.com --project bqx-ml", pubsub.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheBigQueryApiIsDisabled_ShouldBlockTheDatasetChecksNamingIt()
    {
        await using var server = await StartDefaultAsync();
        server.State.Services["bigquery.googleapis.com"] = "DISABLED";
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.BigQueryDataset });

        Assert.Equal(3, checks.Count);
        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.Blocked, c.Status);
            Assert.Contains("bigquery.googleapis.com is disabled", c.Actual);
            Assert.Equal("gcloud services enable bigquery.googleapis.com --project bqx-ml", c.Remedy);
            Assert.Contains(c.Evidence, e => e.Location == "GET bigquery.datasets.get 403" && e.Detail.Contains("SERVICE_DISABLED", StringComparison.Ordinal));
        });
    }

    [Fact]
    public async Task Run_WhenServiceUsageIsDisabled_ShouldBlockItAndLeaveTheOtherApisNotVerified()
    {
        await using var server = await StartDefaultAsync();
        server.State.Services["serviceusage.googleapis.com"] = "DISABLED";
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Api });

        var su = Assert.Single(checks, c => c.Target == "api:serviceusage.googleapis.com");
        Assert.Equal(InfraCheckStatus.Blocked, su.Status);
        Assert.Equal("gcloud services enable serviceusage.googleapis.com --project bqx-ml", su.Remedy);
        Assert.All(checks.Where(c => c != su), c =>
        {
            Assert.Equal(InfraCheckStatus.NotVerified, c.Status);
            Assert.Equal("gcloud services enable serviceusage.googleapis.com --project bqx-ml", c.Remedy);
        });
    }

    [Fact]
    public async Task Run_WhenBillingIsDisabled_ShouldBlockWithTheLinkCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.BillingEnabled = false;
        using var home = new TempDir();

        var billing = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Billing }));

        Assert.Equal(InfraCheckStatus.Blocked, billing.Status);
        Assert.Equal(false, billing.Details["BillingEnabled"]);
        Assert.StartsWith("gcloud billing projects link bqx-ml", billing.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheCallerLacksPermissions_ShouldNameEachMissingOneOnEachResource()
    {
        await using var server = await StartDefaultAsync();
        server.State.Iam.Only("bigquery.tables.create", "bigquery.tables.getData", "bigquery.tables.list", "storage.objects.list");
        server.State.Iam.ResourceGrants["datasets/bqx_ml_v3_features_v2"] = new HashSet<string> { "bigquery.tables.update", "bigquery.tables.delete" };
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Permission });

        var project = Assert.Single(checks, c => c.Target == "project:bqx-ml");
        Assert.Equal(InfraCheckStatus.Blocked, project.Status); // bigquery.jobs.create can only be granted on the project
        Assert.Equal(new[] { "bigquery.tables.update", "bigquery.tables.delete", "bigquery.jobs.create", "storage.objects.get" }, (List<string>)project.Details["Missing"]);
        Assert.Contains("missing: bigquery.tables.update, bigquery.tables.delete, bigquery.jobs.create, storage.objects.get", project.Actual);
        Assert.Contains("--role=roles/bigquery.jobUser", project.Remedy);
        Assert.Equal(true, project.Details["Advisory"]);

        var features = Assert.Single(checks, c => c.Target == "bigquery:bqx-ml.bqx_ml_v3_features_v2");
        Assert.Equal(InfraCheckStatus.Ready, features.Status);
        Assert.Equal("feat_000000", features.Details["Table"]);
        var models = Assert.Single(checks, c => c.Target == "bigquery:bqx-ml.bqx_ml_v3_analytics_v2");
        Assert.Equal(InfraCheckStatus.Blocked, models.Status);
        Assert.Equal(new[] { "bigquery.tables.update", "bigquery.tables.delete" }, (List<string>)models.Details["Missing"]);

        var bucket = Assert.Single(checks, c => c.Target == "gcs:bqx-ml-staging");
        Assert.Equal(InfraCheckStatus.Blocked, bucket.Status);
        Assert.Equal(new[] { "storage.objects.get" }, (List<string>)bucket.Details["Missing"]);
        Assert.All(checks, c => Assert.Contains(c.Evidence, e => e.Detail.StartsWith("advisory:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_WhenOnlyResourceScopedPermissionsAreMissingOnTheProject_ShouldBePartialPointingAtTheResourceChecks()
    {
        await using var server = await StartDefaultAsync();
        server.State.Iam.Only("bigquery.jobs.create", "bigquery.tables.list", "storage.objects.get", "storage.objects.list");
        using var home = new TempDir();

        var project = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.Permission }), c => c.Target == "project:bqx-ml");

        Assert.Equal(InfraCheckStatus.Partial, project.Status);
        Assert.Contains("may be granted on the datasets or buckets", project.Actual);
    }

    [Fact]
    public async Task Run_WhenTheTableCountDiffersFromTheProfile_ShouldBePartialShowingBothCounts()
    {
        await using var server = await FakeGcpServer.StartAsync(SeedDefault(features: 5790));
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.BigQueryDataset });

        var features = Assert.Single(checks, c => c.Target == "bigquery:bqx-ml.bqx_ml_v3_features_v2");
        Assert.Equal(InfraCheckStatus.Partial, features.Status);
        Assert.Contains("expected 5,817 tables, measured 5,790", features.Actual);
        Assert.Equal("5,817 tables", features.Expected);
        Assert.Equal(5790, features.Details["Tables"]);
        Assert.Equal(5817, features.Details["ExpectedTables"]);
        Assert.All(checks.Where(c => c != features), c => Assert.Equal(InfraCheckStatus.Ready, c.Status));
    }

    [Fact]
    public async Task Run_WhenADatasetOrTheBucketIsMissing_ShouldReportMissingWithTheCreateCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.Datasets.Remove("bqx_ml_v3_analytics_v2");
        server.State.Buckets.Clear();
        using var home = new TempDir();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.BigQueryDataset, InfraCheckKind.GcsBucket });

        var models = Assert.Single(checks, c => c.Target == "bigquery:bqx-ml.bqx_ml_v3_analytics_v2");
        Assert.Equal(InfraCheckStatus.Missing, models.Status);
        Assert.StartsWith("bq mk --dataset", models.Remedy);
        Assert.Contains(models.Evidence, e => e.Location == "GET bigquery.datasets.get 404");
        var bucket = Assert.Single(checks, c => c.Kind == InfraCheckKind.GcsBucket);
        Assert.Equal(InfraCheckStatus.Missing, bucket.Status);
        Assert.StartsWith("gcloud storage buckets create gs://bqx-ml-staging", bucket.Remedy);
    }

    [Fact]
    public async Task Run_WhenACheckpointPrefixIsEmpty_ShouldBePartialNamingThePrefix()
    {
        var state = new FakeGcpState();
        state.AddBucket("bqx-ml-staging").Add("exports/x.csv", 1, DateTimeOffset.UtcNow);
        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();

        var bucket = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.GcsBucket }));

        Assert.Equal(InfraCheckStatus.Partial, bucket.Status);
        Assert.Contains("checkpoints/: no objects", bucket.Actual);
        Assert.Contains("gs://bqx-ml-staging/checkpoints/", bucket.Remedy);
    }

    [Fact]
    public async Task Run_WhenThereAreMoreThan1000ObjectsUnderAPrefix_ShouldPageThroughAll()
    {
        var state = new FakeGcpState();
        var bucket = state.AddBucket("bqx-ml-staging");
        for (var i = 0; i < 2500; i++)
        {
            bucket.Add($"checkpoints/c{i:D5}", 10, NewestCheckpoint.AddMinutes(-i));
        }

        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();

        var check = Assert.Single(Run(server, home, kinds: new[] { InfraCheckKind.GcsBucket }));

        var prefix = (Dictionary<string, object>)((SortedDictionary<string, object>)check.Details["Prefixes"])["checkpoints/"];
        Assert.Equal(2500L, prefix["Objects"]);
        Assert.Equal(25000L, prefix["Bytes"]);
        Assert.Equal("checkpoints/c00000", prefix["NewestObject"]);
        Assert.Equal(3, server.Log.Count("storage.objects.list"));
    }

    [Fact]
    public async Task Run_WhenTheStorageQueryIsDenied_ShouldFallBackToTablesGetAtMostThrottleLimitAtATime()
    {
        var state = new FakeGcpState();
        state.AddDataset("bqx_ml_v3_features_v2").Generate(120, "feat_");
        await using var server = await FakeGcpServer.StartAsync(state);
        server.SlowDown = TimeSpan.FromMilliseconds(5);
        // tables.list granted on the dataset only: the project-wide TABLE_STORAGE view is denied.
        server.State.Iam.Only("bigquery.jobs.create", "bigquery.datasets.get", "bigquery.tables.get");
        server.State.Iam.ResourceGrants["datasets/bqx_ml_v3_features_v2"] = new HashSet<string> { "bigquery.tables.list" };
        using var home = new TempDir();
        var profile = Profile("name: t\ngcp: { project: bqx-ml }\ndatasets: [ { name: bqx_ml_v3_features_v2, expectedTables: 120 } ]\n");

        var check = Assert.Single(Run(server, home, profile, new[] { InfraCheckKind.BigQueryDataset }, throttle: 3));

        Assert.Equal(InfraCheckStatus.Ready, check.Status);
        var stored = state.Datasets["bqx_ml_v3_features_v2"].Tables.Where(t => t.HasStorage).ToList();
        Assert.Equal(stored.Sum(t => t.NumBytes), check.Details["LogicalBytes"]);
        Assert.Equal(stored.Sum(t => t.NumRows), check.Details["Rows"]);
        Assert.Equal((long)stored.Count, check.Details["StorageTables"]);
        Assert.StartsWith("tables.get", (string)check.Details["StorageSource"]);
        Assert.Contains(check.Evidence, e => e.Location == "POST bigquery.jobs.query 403" && e.Detail.Contains("falling back", StringComparison.Ordinal));
        Assert.Equal(stored.Count, server.Log.Count("bigquery.tables.get"));
        Assert.InRange(server.MaxInFlight("bigquery.tables.get"), 1, 3);
    }

    [Fact]
    public async Task Run_WhenTheStorageQueryFailsAsAJobWithAccessDenied_ShouldAlsoFallBack()
    {
        var state = new FakeGcpState { StorageQueryDeniedAsJobError = true };
        state.AddDataset("d1").Generate(30);
        await using var server = await FakeGcpServer.StartAsync(state);
        server.State.Iam.Only("bigquery.jobs.create", "bigquery.datasets.get", "bigquery.tables.get");
        server.State.Iam.ResourceGrants["datasets/d1"] = new HashSet<string> { "bigquery.tables.list" };
        using var home = new TempDir();

        var check = Assert.Single(Run(server, home, Profile("name: t\ngcp: { project: bqx-ml }\ndatasets: [ { name: d1 } ]\n"), new[] { InfraCheckKind.BigQueryDataset }));

        Assert.Equal(InfraCheckStatus.Ready, check.Status);
        Assert.StartsWith("tables.get", (string)check.Details["StorageSource"]);
        Assert.Contains(check.Evidence, e => e.Detail.Contains("accessDenied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenTheQueryIsSlowAndPaged_ShouldPollWithTheJobLocationAndFollowEveryPage()
    {
        var state = new FakeGcpState { QueryIncompleteResponses = 3, QueryResultPageSize = 1 };
        state.AddDataset("d1").Generate(10);
        state.AddDataset("d2").Generate(20);
        state.AddDataset("d3").Generate(30);
        state.AddDataset("eu1", "EU").Generate(5);
        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();
        var profile = Profile("name: t\ngcp: { project: bqx-ml }\ndatasets: [ { name: d1 }, { name: d2 }, { name: d3 }, { name: eu1 } ]\n");

        var checks = Run(server, home, profile, new[] { InfraCheckKind.BigQueryDataset });

        Assert.True(checks.All(c => c.Status == InfraCheckStatus.Ready), Describe(checks));
        foreach (var check in checks)
        {
            var id = check.Target.Split('.')[1];
            Assert.Equal(state.Datasets[id].Tables.Where(t => t.HasStorage).Sum(t => t.NumBytes), check.Details["LogicalBytes"]);
        }

        // One query per region; for us-central1: 3 "not complete" answers (query + 2 polls), a completing poll, then pages 2 and 3.
        Assert.Equal(2, server.Log.Count("bigquery.jobs.query"));
        var results = server.Log.Entries.Where(e => e.RouteId == "bigquery.jobs.getQueryResults").ToList();
        Assert.All(results, e => Assert.Equal(200, e.Status));
        Assert.Equal(5, results.Count(e => e.Query.Contains("location=us-central1", StringComparison.Ordinal)));
        Assert.Equal(3, results.Count(e => e.Query.Contains("location=EU", StringComparison.Ordinal)));
        Assert.Equal(2, results.Count(e => e.Query.Contains("pageToken=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Run_WhenCheckKindsAreChosen_ShouldRunOnlyThose()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var host = new RecordingHost();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Billing, InfraCheckKind.CloudRunJob }, host: host);

        Assert.Equal(new[] { InfraCheckKind.Billing, InfraCheckKind.CloudRunJob, InfraCheckKind.CloudRunJob }, checks.Select(c => c.Kind));
        Assert.Empty(host.Warnings);
        Assert.Equal(new[] { "cloudbilling.projects.getBillingInfo", "run.projects.locations.jobs.executions.get", "run.projects.locations.jobs.get" },
            server.Log.ApiRequests.Select(e => e.RouteId!).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Run_WhenWriteProbeIsChosenWithoutTheSwitch_ShouldWarnThatItNeedsTheSwitchAndWriteNothing()
    {
        await using var server = await StartDefaultAsync();
        server.State.AddDataset("bqx_audit_scratch");
        using var home = new TempDir();
        var host = new RecordingHost();

        var checks = Run(server, home, kinds: new[] { InfraCheckKind.Billing, InfraCheckKind.WriteProbe }, host: host);

        Assert.Equal(InfraCheckKind.Billing, Assert.Single(checks).Kind);
        Assert.Contains(host.Warnings, w => w.Contains("--probe-write", StringComparison.Ordinal) && w.Contains("no WriteProbe rows", StringComparison.Ordinal));
        Assert.Equal(new[] { "cloudbilling.projects.getBillingInfo" }, server.Log.ApiRequests.Select(e => e.RouteId));
    }

    [Fact]
    public async Task Run_WhenTheProfileNamesNoProject_ShouldReportNotVerifiedAskingForOne()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var checks = Run(server, home, Profile("name: t\ndatasets: [ { name: d1 } ]\n"), new[] { InfraCheckKind.Project, InfraCheckKind.BigQueryDataset });

        Assert.Equal(2, checks.Count);
        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.NotVerified, c.Status);
            Assert.Contains("gcp.project", c.Remedy);
        });
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task RunAsync_WhenTheConsumerStopsEarly_ShouldStopTheChecksWithoutErrors()
    {
        await using var server = await StartDefaultAsync();
        server.SlowDown = TimeSpan.FromMilliseconds(50);
        using var home = new TempDir();
        var host = new RecordingHost();
        var options = new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Environment = AtFake(server, home.Path),
            Http = Fast(),
            Scripts = Array.Empty<ScriptRecord>(),
        };

        await foreach (var first in new InfrastructureService(host).RunAsync(options))
        {
            Assert.NotNull(first);
            break;
        }

        Assert.Empty(host.Errors);
    }
}
