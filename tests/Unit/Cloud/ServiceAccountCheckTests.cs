using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class ServiceAccountCheckTests
{
    private static readonly InfraCheckKind[] Accounts = { InfraCheckKind.ServiceAccount };

    private static InfraCheck Principal(IEnumerable<InfraCheck> checks) => Assert.Single(checks, c => c.Check.StartsWith("active principal", StringComparison.Ordinal));

    private static InfraCheck Keys(IEnumerable<InfraCheck> checks) => Assert.Single(checks, c => c.Check.StartsWith("user-managed keys", StringComparison.Ordinal));

    [Fact]
    public async Task Run_WhenTheKeyFileIsThePipelineAccount_ShouldBeReadyAndMarkItsKeyInUse()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var account = server.Auth.CreateServiceAccount(PipelineAccount);
        server.State.ServiceAccountKeys[PipelineAccount].Add(new FakeServiceAccountKey(account.KeyId, Now.AddDays(-12)));
        var key = server.WriteKeyFile(home.Path, account);

        var checks = Run(server, home, kinds: Accounts, credentialPath: key);

        Assert.Equal(2, checks.Count);
        var principal = Principal(checks);
        Assert.Equal((InfraCheckStatus.Ready, PipelineAccount), (principal.Status, principal.Actual));
        Assert.Equal($"serviceAccount:{PipelineAccount}", principal.Target);
        Assert.Contains(principal.Evidence, e => e.Source == "credential" && e.Location.Contains("key.json", StringComparison.Ordinal));
        var keys = Keys(checks);
        Assert.Equal(InfraCheckStatus.Ready, keys.Status);
        var list = Assert.IsType<List<Dictionary<string, object>>>(keys.Details["Keys"]);
        var inUse = Assert.Single(list, k => k.ContainsKey("InUse"));
        Assert.Equal((account.KeyId, 12), ((string)inUse["KeyId"], (int)inUse["AgeDays"]));
        Assert.Equal(30, keys.Details["OldestKeyAgeDays"]);
        Assert.Equal(0, keys.Details["KeysOlderThanMaxAge"]);
        var request = Assert.Single(server.Log.ApiRequests);
        Assert.Equal($"v1/projects/bqx-ml/serviceAccounts/{PipelineAccount}/keys", request.Path);
        Assert.Equal("keyTypes=USER_MANAGED", request.Query);
    }

    [Fact]
    public async Task Run_WhenTheCallerIsAnotherAccount_ShouldBePartialNamingBoth()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var key = server.WriteKeyFile(home.Path, server.Auth.CreateServiceAccount("auditor@bqx-ml.iam.gserviceaccount.com"));

        var principal = Principal(Run(server, home, kinds: Accounts, credentialPath: key));

        Assert.Equal(InfraCheckStatus.Partial, principal.Status);
        Assert.Equal("auditor@bqx-ml.iam.gserviceaccount.com", principal.Details["Principal"]);
        Assert.Equal(PipelineAccount, principal.Details["Expected"]);
        Assert.Contains($"auditor@bqx-ml.iam.gserviceaccount.com, not {PipelineAccount}", principal.Actual);
        Assert.Contains("--credentials", principal.Remedy);
    }

    [Fact]
    public async Task Run_WhenAnEnabledKeyIsOlderThan90Days_ShouldBePartialWithEveryKeyAgeInDetails()
    {
        await using var server = await StartDefaultAsync();
        server.State.ServiceAccountKeys[PipelineAccount] = new()
        {
            new FakeServiceAccountKey("k-old", Now.AddDays(-120)),
            new FakeServiceAccountKey("k-90", Now.AddDays(-90)),
            new FakeServiceAccountKey("k-91", Now.AddDays(-91).AddMinutes(-1)),
            new FakeServiceAccountKey("k-off", Now.AddDays(-400)) { Disabled = true },
            new FakeServiceAccountKey("k-sys", Now.AddDays(-700)) { KeyType = "SYSTEM_MANAGED" },
        };
        using var home = new TempDir();

        var keys = Keys(Run(server, home, kinds: Accounts));

        Assert.Equal(InfraCheckStatus.Partial, keys.Status);
        var list = Assert.IsType<List<Dictionary<string, object>>>(keys.Details["Keys"]);
        Assert.Equal(new[] { ("k-off", 400), ("k-old", 120), ("k-91", 91), ("k-90", 90) }, list.Select(k => ((string)k["KeyId"], (int)k["AgeDays"])));
        Assert.Equal(2, keys.Details["KeysOlderThanMaxAge"]);
        Assert.Equal(1, keys.Details["DisabledKeysOlderThanMaxAge"]);
        Assert.Equal(120, keys.Details["OldestKeyAgeDays"]);
        Assert.Equal(4, keys.Details["UserManagedKeys"]);
        Assert.Equal(3, keys.Details["EnabledKeys"]);
        Assert.Equal(90, keys.Details["MaxKeyAgeDays"]);
        Assert.Contains("2 enabled user-managed key(s) older than 90 days (k-old: 120 days, k-91: 91 days)", keys.Actual);
        Assert.Contains($"gcloud iam service-accounts keys delete k-old --iam-account {PipelineAccount}", keys.Remedy);
        Assert.Contains($"gcloud iam service-accounts keys delete k-91 --iam-account {PipelineAccount}", keys.Remedy);
        Assert.DoesNotContain("k-90 --iam-account", keys.Remedy);
        Assert.DoesNotContain("k-off --iam-account", keys.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheAccountHasNoUserManagedKeys_ShouldBeReady()
    {
        await using var server = await StartDefaultAsync();
        server.State.ServiceAccountKeys[PipelineAccount] = new() { new FakeServiceAccountKey("k-sys", Now.AddDays(-700)) { KeyType = "SYSTEM_MANAGED" } };
        using var home = new TempDir();

        var keys = Keys(Run(server, home, kinds: Accounts));

        Assert.Equal((InfraCheckStatus.Ready, "no user-managed keys"), (keys.Status, keys.Actual));
        Assert.Equal(0, keys.Details["UserManagedKeys"]);
    }

    [Fact]
    public async Task Run_WhenTheServiceAccountDoesNotExist_ShouldBeMissingWithTheCreateCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.ServiceAccountKeys.Clear();
        using var home = new TempDir();

        var keys = Keys(Run(server, home, kinds: Accounts));

        Assert.Equal(InfraCheckStatus.Missing, keys.Status);
        Assert.Contains("gcloud iam service-accounts create codespace-bqx-ml", keys.Remedy);
        Assert.Contains(keys.Evidence, e => e.Location == "GET iam.projects.serviceAccounts.keys.list 404");
    }

    [Theory]
    [InlineData("denied")]
    [InlineData("disabled")]
    public async Task Run_WhenKeysCannotBeListed_ShouldBeNotVerifiedWithTheRemedyNotBlocked(string why)
    {
        await using var server = await StartDefaultAsync();
        if (why == "denied")
        {
            server.State.Iam.Only("bigquery.jobs.create");
        }
        else
        {
            server.State.Services["iam.googleapis.com"] = "DISABLED";
        }

        using var home = new TempDir();

        var keys = Keys(Run(server, home, kinds: Accounts));

        Assert.Equal(InfraCheckStatus.NotVerified, keys.Status);
        Assert.StartsWith("not measured: ", keys.Actual);
        Assert.Contains(why == "denied" ? "roles/iam.serviceAccountKeyAdmin" : "gcloud services enable iam.googleapis.com --project bqx-ml", keys.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheProfileNamesNoServiceAccount_ShouldPlanNoServiceAccountRows()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var checks = Run(server, home, Profile("name: t\ngcp: { project: bqx-ml }\n"), Accounts);

        Assert.Empty(checks);
        Assert.Empty(server.Log.Entries);
    }

    [Fact]
    public async Task ResolvePrincipal_WhenTheCredentialsComeFromTheMetadataServer_ShouldAskItForTheDefaultAccountsEmail()
    {
        await using var server = await FakeGcpServer.StartAsync();
        server.Auth.MetadataEnabled = true;
        server.Auth.MetadataEmail = "runner@bqx-ml.iam.gserviceaccount.com";
        using var home = new TempDir();
        var resolver = new GcpCredentialResolver(Environment(home.Path, ("NO_GCE_CHECK", "false"), ("GCE_METADATA_HOST", server.HostAndPort)), Fast());

        var found = await resolver.FindAmbientAsync(CancellationToken.None);

        Assert.NotNull(found.Credential);
        Assert.Null(found.Credential!.Principal);
        Assert.Equal("runner@bqx-ml.iam.gserviceaccount.com", await found.Credential.ResolvePrincipalAsync(CancellationToken.None));
        Assert.Equal(1, server.Log.Count(FakeRoutes.MetadataEmailRoute));
    }

    [Fact]
    public async Task MetadataEmail_WhenTheServerIsNotAMetadataServer_ShouldReturnNull()
    {
        await using var server = await FakeGcpServer.StartAsync();
        server.Auth.MetadataEnabled = false;

        Assert.Null(await MetadataProbe.EmailAsync(server.HostAndPort, TimeSpan.FromSeconds(2), CancellationToken.None));
    }
}
