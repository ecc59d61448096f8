using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Cloud.BigQuery;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class GcpErrorMapperTests
{
    private static GcpException Map(int status, string body, GcpMethod? method = null) =>
        GcpErrorMapper.FromResponse(method ?? GcpMethods.TablesList, status, Encoding.UTF8.GetBytes(body));

    [Theory]
    // ErrorInfo reasons decide first.
    [InlineData(403, """{"error":{"code":403,"message":"Table not found","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","metadata":{"service":"bigquery.googleapis.com"}}]}}""", GcpErrorKind.ApiDisabled)]
    [InlineData(403, """{"error":{"code":403,"message":"x","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"BILLING_DISABLED"}]}}""", GcpErrorKind.BillingDisabled)]
    [InlineData(403, """{"error":{"code":403,"message":"x","status":"PERMISSION_DENIED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"IAM_PERMISSION_DENIED"}]}}""", GcpErrorKind.PermissionDenied)]
    [InlineData(401, """{"error":{"code":401,"message":"x","status":"UNAUTHENTICATED","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"ACCESS_TOKEN_EXPIRED"}]}}""", GcpErrorKind.Unauthenticated)]
    // Then the legacy errors[].reason.
    [InlineData(403, """{"error":{"code":403,"message":"Not found: everything","errors":[{"reason":"accessDenied","message":"Not found"}]}}""", GcpErrorKind.PermissionDenied)]
    [InlineData(403, """{"error":{"code":403,"message":"x","errors":[{"reason":"accessNotConfigured"}]}}""", GcpErrorKind.ApiDisabled)]
    [InlineData(403, """{"error":{"code":403,"message":"x","errors":[{"reason":"billingNotEnabled"}]}}""", GcpErrorKind.BillingDisabled)]
    [InlineData(403, """{"error":{"code":403,"message":"Permission denied","errors":[{"reason":"quotaExceeded"}]}}""", GcpErrorKind.QuotaExceeded)]
    [InlineData(404, """{"error":{"code":404,"message":"Access Denied","errors":[{"reason":"notFound"}],"status":"NOT_FOUND"}}""", GcpErrorKind.NotFound)]
    [InlineData(400, """{"error":{"code":400,"message":"x","errors":[{"reason":"invalidQuery"}]}}""", GcpErrorKind.InvalidRequest)]
    [InlineData(401, """{"error":{"code":401,"message":"x","errors":[{"reason":"required"}]}}""", GcpErrorKind.Unauthenticated)]
    [InlineData(500, """{"error":{"code":500,"message":"x","errors":[{"reason":"backendError"}]}}""", GcpErrorKind.Transient)]
    // Then error.status.
    [InlineData(403, """{"error":{"code":403,"message":"The service is disabled","status":"PERMISSION_DENIED"}}""", GcpErrorKind.PermissionDenied)]
    [InlineData(429, """{"error":{"code":429,"message":"x","status":"RESOURCE_EXHAUSTED"}}""", GcpErrorKind.QuotaExceeded)]
    [InlineData(400, """{"error":{"code":400,"message":"x","status":"FAILED_PRECONDITION"}}""", GcpErrorKind.InvalidRequest)]
    // Then the HTTP status alone (bodies that are not Google's error shape).
    [InlineData(404, "<html>Not Found</html>", GcpErrorKind.NotFound)]
    [InlineData(502, "<html>Bad Gateway</html>", GcpErrorKind.Transient)]
    [InlineData(401, "", GcpErrorKind.Unauthenticated)]
    [InlineData(403, """{"error":"access_denied","error_description":"not found"}""", GcpErrorKind.PermissionDenied)]
    [InlineData(409, """{"error":{"code":409,"message":"x"}}""", GcpErrorKind.Other)]
    public void FromResponse_WhenGivenAnErrorBody_ShouldMapItByReasonAndStatusNotByMessage(int status, string body, GcpErrorKind expected)
    {
        var e = Map(status, body);
        Assert.Equal(expected, e.Kind);
        Assert.Equal(status, e.HttpStatus);
        Assert.StartsWith("bigquery.tables.list: ", e.Message);
    }

    [Fact]
    public void FromResponse_WhenAServiceIsDisabled_ShouldNameTheServiceFromErrorInfoElseTheApiCalled()
    {
        var named = Assert.IsType<GcpApiDisabledException>(Map(403, """{"error":{"code":403,"message":"x","details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"SERVICE_DISABLED","metadata":{"service":"serviceusage.googleapis.com"}}]}}"""));
        var unnamed = Assert.IsType<GcpApiDisabledException>(Map(403, """{"error":{"code":403,"message":"x","errors":[{"reason":"accessNotConfigured"}]}}""", GcpMethods.BucketsGet));

        Assert.Equal("serviceusage.googleapis.com", named.Service);
        Assert.Equal("storage.googleapis.com", unnamed.Service);
        Assert.Equal("GET storage.buckets.get 403", unnamed.Location);
    }

    [Theory]
    [InlineData(429, "", true)]
    [InlineData(500, "", true)]
    [InlineData(502, "", true)]
    [InlineData(503, "", true)]
    [InlineData(504, "", true)]
    [InlineData(501, "", false)]
    [InlineData(404, "", false)]
    [InlineData(403, """{"error":{"code":403,"errors":[{"reason":"rateLimitExceeded"}]}}""", true)]
    [InlineData(403, """{"error":{"code":403,"details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"RATE_LIMIT_EXCEEDED"}]}}""", true)]
    [InlineData(403, """{"error":{"code":403,"message":"rateLimitExceeded","errors":[{"reason":"accessDenied"}]}}""", false)]
    public void IsRetryable_WhenGivenAStatusAndBody_ShouldRetryOnlyTransientAnswers(int status, string body, bool expected)
    {
        Assert.Equal(expected, GcpErrorMapper.IsRetryable(status, Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void FromJobErrors_WhenTheJobWasDenied_ShouldBePermissionDenied()
    {
        var e = GcpErrorMapper.FromJobErrors(GcpMethods.JobsQuery, new List<ErrorProto> { new() { Reason = "accessDenied", Message = "Access Denied: Table x" } });
        Assert.Equal(GcpErrorKind.PermissionDenied, e.Kind);
        Assert.Equal("accessDenied", e.Reason);
    }
}

public class GcpEndpointsTests
{
    private static readonly Dictionary<string, string> None = new();

    [Fact]
    public void Resolve_WhenNothingIsReplaced_ShouldUseTheDiscoveryRootUrls()
    {
        var endpoints = GcpEndpoints.Resolve(None, _ => null);

        Assert.All(endpoints.All, e => Assert.False(e.Replaced));
        Assert.Equal("https://bigquery.googleapis.com/bigquery/v2/projects/p/queries",
            GcpSession.BuildUrl(endpoints[GcpApi.BigQuery], new GcpRequest(GcpMethods.JobsQuery).WithPath("projectId", "p")).AbsoluteUri);
        Assert.Equal("https://cloudresourcemanager.googleapis.com/v3/projects/p",
            GcpSession.BuildUrl(endpoints[GcpApi.CloudResourceManager], new GcpRequest(GcpMethods.ProjectsGet).WithPath("name", "projects/p")).AbsoluteUri);
    }

    [Fact]
    public void Resolve_WhenProfileAndEnvironmentBothReplace_ShouldLetTheEnvironmentWin()
    {
        var profile = new Dictionary<string, string> { ["bigquery"] = "http://127.0.0.1:1111", ["run"] = "http://127.0.0.1:2222/prefix" };
        var env = new Dictionary<string, string> { [GcpEndpoints.AllEndpointsVariable] = "127.0.0.1:3333", [GcpEndpoints.StorageEmulatorVariable] = "localhost:4443" };

        var fromProfile = GcpEndpoints.Resolve(profile, _ => null);
        var fromEnv = GcpEndpoints.Resolve(profile, env.GetValueOrDefault);

        Assert.Equal("http://127.0.0.1:1111/", fromProfile[GcpApi.BigQuery].Root.AbsoluteUri);
        Assert.Equal("http://127.0.0.1:2222/prefix/", fromProfile[GcpApi.Run].Root.AbsoluteUri);
        Assert.Equal("gcp.endpoints.bigquery", fromProfile[GcpApi.BigQuery].Source);
        Assert.False(fromProfile[GcpApi.Storage].Replaced);
        Assert.Equal("http://127.0.0.1:3333/", fromEnv[GcpApi.BigQuery].Root.AbsoluteUri);
        Assert.Equal("http://localhost:4443/", fromEnv[GcpApi.Storage].Root.AbsoluteUri);
        Assert.Equal(GcpEndpoints.StorageEmulatorVariable, fromEnv[GcpApi.Storage].Source);
        Assert.Equal("http://localhost:4443/storage/v1/b/x",
            GcpSession.BuildUrl(fromEnv[GcpApi.Storage], new GcpRequest(GcpMethods.BucketsGet).WithPath("bucket", "x")).AbsoluteUri);
    }

    [Theory]
    [InlineData("bigqury", "http://127.0.0.1:1/", "unknown API")]
    [InlineData("bigquery", "ftp://host/", "not an http(s) root URL")]
    [InlineData("bigquery", "127.0.0.1:9050", "not an http(s) root URL")]
    public void Resolve_WhenTheProfileEndpointIsWrong_ShouldBeAProfileError(string api, string url, string message)
    {
        var e = Assert.Throws<BqxException>(() => GcpEndpoints.Resolve(new Dictionary<string, string> { [api] = url }, _ => null));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains(message, e.Message);
    }
}

public class GcpMethodTests
{
    [Fact]
    public void ExpandPath_WhenParametersUseReservedOrSimpleExpansion_ShouldKeepOrEncodeSlashes()
    {
        var table = GcpMethods.TablesTestIamPermissions.ExpandPath(new Dictionary<string, string> { ["resource"] = "projects/p/datasets/d/tables/t 1" });
        var bucket = GcpMethods.BucketsGet.ExpandPath(new Dictionary<string, string> { ["bucket"] = "a/b" });
        var encoded = GcpMethod.EscapeReserved("projects/1/services/compute.googleapis.com%2Fcpus");

        Assert.Equal("bigquery/v2/projects/p/datasets/d/tables/t%201:testIamPermissions", table);
        Assert.Equal("storage/v1/b/a%2Fb", bucket);
        Assert.Equal("projects/1/services/compute.googleapis.com%2Fcpus", encoded); // sent as returned, not re-encoded
    }

    [Fact]
    public void WithQuery_WhenTheMethodDoesNotDeclareTheParameter_ShouldThrow()
    {
        var request = new GcpRequest(GcpMethods.TablesList);
        Assert.Throws<InvalidOperationException>(() => request.WithQuery("pageSize", "10"));
        request.WithQuery("fields", "tables/id"); // standard parameters are always allowed
    }

    [Fact]
    public void WithBody_WhenTheBodyIsNotTheMethodsRequestType_ShouldThrow()
    {
        Assert.Throws<InvalidOperationException>(() => new GcpRequest(GcpMethods.JobsQuery).WithBody(new TestIamPermissionsRequest()));
        Assert.Throws<InvalidOperationException>(() => new GcpRequest(GcpMethods.TablesList).WithBody(new QueryRequest()));
    }

    [Fact]
    public void ReadOnly_OfEveryMethodTheToolCalls_ShouldBeTrue()
    {
        Assert.All(GcpMethods.All, m => Assert.True(m.ReadOnly, m.ToString()));
    }
}

public class GcpJsonTests
{
    [Fact]
    public void Deserialize_WhenIntegersArriveAsStringsAndListsAreAbsentOrNull_ShouldReadNumbersAndEmptyLists()
    {
        var table = JsonSerializer.Deserialize<Table>("""{"numBytes":"9223372036854775807","numRows":"18446744073709551615","type":"TABLE"}""", GcpJson.Options)!;
        var list = JsonSerializer.Deserialize<TableList>("""{"kind":"bigquery#tableList","totalItems":0}""", GcpJson.Options)!;
        var nullList = JsonSerializer.Deserialize<TableList>("""{"tables":null}""", GcpJson.Options)!;
        var response = JsonSerializer.Deserialize<QueryResponse>("""{"jobComplete":true,"rows":[{"f":[{"v":"a"},{"v":null}]}]}""", GcpJson.Options)!;

        Assert.Equal(long.MaxValue, table.NumBytes);
        Assert.Equal(ulong.MaxValue, table.NumRows);
        Assert.Empty(list.Tables);
        Assert.Empty(nullList.Tables);
        Assert.Null(list.NextPageToken);
        Assert.Equal("a", response.Rows[0].F[0].V!.Value.GetString());
        Assert.Null(response.Rows[0].F[1].V); // NULL cells

        Assert.Empty(response.Errors);
    }

    [Fact]
    public void Serialize_WhenARequestHasInt64Fields_ShouldWriteThemAsStringsAndLeaveNullsOut()
    {
        var json = JsonSerializer.Serialize(new QueryRequest { Query = "SELECT 1", UseLegacySql = false, MaximumBytesBilled = 1L << 30, TimeoutMs = 1000 }, GcpJson.Options);

        Assert.Contains("\"maximumBytesBilled\":\"1073741824\"", json);
        Assert.Contains("\"useLegacySql\":false", json);
        Assert.Contains("\"timeoutMs\":1000", json);
        Assert.DoesNotContain("dryRun", json);
        Assert.DoesNotContain("null", json);
    }
}

public class CredentialTests
{
    [Fact]
    public async Task Probe_WhenAMetadataServerAnswersWithItsHeader_ShouldFindItAndItsTokensShouldWork()
    {
        await using var server = await FakeGcpServer.StartAsync();
        server.Auth.MetadataEnabled = true;
        using var home = new TempDir();
        var resolver = new GcpCredentialResolver(new Dictionary<string, string> { ["HOME"] = home.Path, ["GCE_METADATA_HOST"] = server.HostAndPort }.GetValueOrDefault, Fast());

        var lookup = await resolver.FindAmbientAsync(CancellationToken.None);
        var token = await lookup.Credential!.GetAccessTokenAsync("https://bigquery.googleapis.com/", null, CancellationToken.None);

        Assert.Equal($"metadata server {server.HostAndPort}", lookup.Credential.Source);
        Assert.True(server.Auth.IsValid(token));
        Assert.Contains(server.Log.Entries, e => e.RouteId == FakeRoutes.MetadataTokenRoute && e.Status == 200);
    }

    [Fact]
    public async Task Probe_WhenTheHostAcceptsButNeverAnswers_ShouldGiveUpWithinTheTimeout()
    {
        using var blackhole = new TcpListener(IPAddress.Loopback, 0);
        blackhole.Start();
        var host = $"127.0.0.1:{((IPEndPoint)blackhole.LocalEndpoint).Port}";
        await MetadataProbe.IsPresentAsync(host, TimeSpan.FromMilliseconds(50), CancellationToken.None); // warm-up
        var watch = Stopwatch.StartNew();

        var found = await MetadataProbe.IsPresentAsync(host, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.False(found);
        Assert.InRange(watch.ElapsedMilliseconds, 250, 900);
    }

    [Fact]
    public async Task Probe_WhenAServerAnswersWithoutTheMetadataHeader_ShouldNotTakeItForOne()
    {
        await using var server = await FakeGcpServer.StartAsync(); // metadata disabled: 404 without the header
        Assert.False(await MetadataProbe.IsPresentAsync(server.HostAndPort, TimeSpan.FromSeconds(2), CancellationToken.None));
    }

    [Fact]
    public async Task FindAmbient_WhenTheGcloudAdcFileHoldsUserCredentials_ShouldRefreshAgainstItsTokenUri()
    {
        await using var server = await FakeGcpServer.StartAsync();
        server.Auth.RegisterUser("client-1.apps.googleusercontent.com", "client-secret", "1//refresh-token-abcdefghijklmnop");
        using var config = new TempDir();
        config.Write("application_default_credentials.json", JsonSerializer.Serialize(new Dictionary<string, string>
        {
            ["type"] = "authorized_user",
            ["client_id"] = "client-1.apps.googleusercontent.com",
            ["client_secret"] = "client-secret",
            ["refresh_token"] = "1//refresh-token-abcdefghijklmnop",
            ["quota_project_id"] = "bqx-ml",
            ["token_uri"] = server.TokenUrl,
        }));
        var resolver = new GcpCredentialResolver(new Dictionary<string, string> { ["CLOUDSDK_CONFIG"] = config.Path, ["NO_GCE_CHECK"] = "true" }.GetValueOrDefault, Fast());

        var lookup = await resolver.FindAmbientAsync(CancellationToken.None);
        var token = await lookup.Credential!.GetAccessTokenAsync("https://bigquery.googleapis.com/", null, CancellationToken.None);

        Assert.StartsWith("gcloud ADC file", lookup.Credential.Source);
        Assert.False(lookup.Credential.IsKeyFile);
        Assert.Equal("bqx-ml", lookup.Credential.QuotaProject);
        Assert.True(server.Auth.IsValid(token));
    }

    [Fact]
    public void LoadKeyFile_WhenGoogleApplicationCredentialsNamesAMissingFile_ShouldReportTheProblemNotThrow()
    {
        var resolver = new GcpCredentialResolver(new Dictionary<string, string> { [GcpCredentialResolver.CredentialsVariable] = "/nonexistent/key.json" }.GetValueOrDefault, Fast());

        var lookup = resolver.LoadKeyFile(null);

        Assert.Null(lookup.Credential);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS names an unusable file: not found", lookup.Problem);
    }

    [Fact]
    public async Task Run_WhenGoogleApplicationCredentialsIsBrokenAndEndpointsAreReal_ShouldSayWhichFileIsWrong()
    {
        using var home = new TempDir();
        var env = new Dictionary<string, string> { ["HOME"] = home.Path, ["NO_GCE_CHECK"] = "true", [GcpCredentialResolver.CredentialsVariable] = Path.Combine(home.Path, "gone.json") };

        var checks = new InfrastructureService(NullHost.Instance).Run(new InfrastructureOptions
        {
            Root = home.Path,
            Profile = DefaultProfile(),
            Kinds = new[] { InfraCheckKind.Project },
            Environment = env.GetValueOrDefault,
            Http = Fast(),
            Scripts = Array.Empty<ScriptRecord>(),
        });

        var check = Assert.Single(checks);
        Assert.Equal(InfraCheckStatus.NotVerified, check.Status);
        Assert.Contains("GOOGLE_APPLICATION_CREDENTIALS names an unusable file", check.Actual);
        Assert.Contains("Point GOOGLE_APPLICATION_CREDENTIALS at a valid key file", check.Remedy);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task CredentialFor_WhenOnlyStorageIsReplaced_ShouldSendNothingToStorageAndNeedCredentialsForTheRest()
    {
        await using var server = await FakeGcpServer.StartAsync(SeedDefault());
        using var home = new TempDir();
        var env = Environment(home.Path, (GcpEndpoints.StorageEmulatorVariable, server.HostAndPort));
        using var session = GcpSession.Create(new GcpSessionOptions { Environment = env, Http = Fast() });

        var storage = await session.CredentialForAsync(GcpApi.Storage);
        var bucket = await new StorageApi(session).GetBucketAsync("bqx-ml-staging", CancellationToken.None);
        var missing = await Assert.ThrowsAsync<GcpCredentialsMissingException>(() => session.CredentialForAsync(GcpApi.BigQuery));

        Assert.Null(storage);
        Assert.Equal("bqx-ml-staging", bucket.Name);
        Assert.Contains("gcloud auth application-default login", missing.Remedy);
    }
}

public class TableNameListerTests
{
    [Fact]
    public async Task ListAsync_WhenTheDatasetHasMoreThanAPage_ShouldReturnEveryNameInOrderFromFullPages()
    {
        var state = new FakeGcpState();
        state.AddDataset("bqx_ml_v3_features_v2").Generate(2345, "cov_");
        await using var server = await FakeGcpServer.StartAsync(state);
        using var home = new TempDir();
        using var session = GcpSession.Create(new GcpSessionOptions { Environment = AtFake(server, home.Path), Http = Fast() });
        var lister = new BigQueryTableNameLister(session, "bqx-ml");

        var names = await lister.ListAllAsync(new[] { "bqx_ml_v3_features_v2" });

        Assert.Equal(2345, names.Count);
        Assert.All(names, n => Assert.Equal("bqx_ml_v3_features_v2", n.Dataset));
        Assert.Equal(state.Datasets["bqx_ml_v3_features_v2"].Tables.Select(t => t.Id), names.Select(n => n.TableName));
        Assert.Equal(3, server.Log.Count("bigquery.tables.list"));
        Assert.All(server.Log.Entries, e => Assert.Contains("maxResults=1000", e.Query));
        Assert.Equal("bigquery:bqx-ml.bqx_ml_v3_features_v2", lister.SourceName("bqx_ml_v3_features_v2"));
    }

    [Fact]
    public async Task List_WhenTheDatasetDoesNotExist_ShouldWriteOneErrorAndYieldNothing()
    {
        await using var server = await FakeGcpServer.StartAsync();
        using var home = new TempDir();
        using var session = GcpSession.Create(new GcpSessionOptions { Environment = AtFake(server, home.Path), Http = Fast() });
        var host = new RecordingHost();

        var names = new BigQueryTableNameLister(session, "bqx-ml").List("nope", host).ToList();

        Assert.Empty(names);
        var error = Assert.Single(host.Errors);
        Assert.Equal(CloudErrors.NotFound, error.ErrorId);
        Assert.Equal("bigquery:bqx-ml.nope", error.Target);
    }
}

public class ApiRequirementsTests
{
    [Fact]
    public void From_WhenScriptsImportAndRunGoogleTools_ShouldAddTheirServicesToTheProfileList()
    {
        var profile = new AuditProfile { Name = "t", Apis = { "bigquery.googleapis.com" } };
        var scripts = new[]
        {
            new ScriptRecord { Path = "a.py", Imports = { new ImportRecord { Module = "google.cloud.bigquery_storage_v1.types", Line = 2 }, new ImportRecord { Module = "google.cloud.bigquery", Line = 1 } } },
            new ScriptRecord { Path = "b.sh", ToolsInvoked = { "gsutil", "jq" }, Invocations = { new Invocation { Tool = "gcloud", Flags = { "run", "--region" }, Line = 4 } } },
            new ScriptRecord { Path = "c.py", Imports = { new ImportRecord { Module = "google.cloud.bigquerything", Line = 1 } } },
        };

        var requirements = ApiRequirements.From(profile, scripts);

        Assert.Equal(new[] { "bigquery.googleapis.com", "bigquerystorage.googleapis.com", "run.googleapis.com", "storage.googleapis.com" }, requirements.Select(r => r.Service));
        var bigquery = requirements[0];
        Assert.Equal(new[] { "apis", "a.py:1" }, bigquery.Reasons.Select(r => r.Location));
        Assert.Equal("b.sh:4", requirements[2].Reasons.Single().Location);
    }
}
