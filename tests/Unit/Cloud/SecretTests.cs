using BqxAudit.Cli;
using BqxAudit.Cloud;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Serialization;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class SecretTests
{
    private static void AssertNoSecret(string text, FakeGcpServer server, FakeServiceAccount account)
    {
        Assert.NotEmpty(server.Auth.IssuedTokens);
        foreach (var token in server.Auth.IssuedTokens)
        {
            Assert.DoesNotContain(token, text);
        }

        var keyBody = account.PrivateKeyPem.Split('\n')[3];
        Assert.DoesNotContain(keyBody, text);
        Assert.DoesNotContain("PRIVATE KEY", text);
        Assert.DoesNotContain("eyJ", text); // no JWT (assertion) anywhere
    }

    [Fact]
    public async Task Run_WhenVerboseWithAKeyFile_ShouldNeverWriteTheTokenOrTheKey()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        server.Faults.Add("bigquery.datasets.get", Fault.Unauthorized(), times: int.MaxValue);
        using var home = new TempDir();
        var account = server.Auth.CreateServiceAccount();
        var key = server.WriteKeyFile(home.Path, account);
        var host = new RecordingHost();

        var checks = Run(server, home, credentialPath: key, host: host);

        Assert.Contains(checks, c => c.Status == InfraCheckStatus.NotVerified && c.Kind == InfraCheckKind.BigQueryDataset);
        Assert.NotEmpty(host.Verbose);
        var everything = JsonOutput.Serialize(checks) + string.Join("\n", host.Verbose) + string.Join("\n", host.Warnings) + string.Join("\n", host.Errors);
        AssertNoSecret(everything, server, account);
    }

    [Fact]
    public async Task Infra_WhenRunFromTheCliWithVerboseAndJson_ShouldNeverPrintTheTokenOrTheKey()
    {
        await using var server = await StartDefaultAsync();
        server.Auth.RequireToken = true;
        using var home = new TempDir();
        var account = server.Auth.CreateServiceAccount();
        var key = server.WriteKeyFile(home.Path, account);
        home.Write("bqxaudit.yaml", CliInfraTests.ProfileAt(server));
        var output = new StringWriter();
        var error = new StringWriter();

        var code = new CliApp(output, error).Run(new[] { "infra", home.Path, "--credentials", key, "--verbose", "--format", "json", "--check", "Project", "BigQueryDataset" });

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("VERBOSE: GET cloudresourcemanager.projects.get 200", error.ToString());
        AssertNoSecret(output + error.ToString(), server, account);
    }

    [Theory]
    [InlineData("Authorization: Bearer ya29.a0AfH6SMBx-secret_token.value", "Authorization: Bearer [REDACTED]")]
    [InlineData("token ya29.c.b0Aaekm1K-xyz used", "token [REDACTED] used")]
    [InlineData("{\"access_token\": \"abc.def\", \"expires_in\": 3599}", "{\"access_token\": \"[REDACTED]\", \"expires_in\": 3599}")]
    [InlineData("{\"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIE\\n-----END PRIVATE KEY-----\\n\"}", "{\"private_key\": \"[REDACTED]\"}")]
    [InlineData("assertion=eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2ln&grant_type=x", "assertion=[REDACTED]&grant_type=x")]
    [InlineData("jwt eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJ4In0.c2lnbmF0dXJl end", "jwt [REDACTED] end")]
    [InlineData("refresh 1//0gAbCdEfGhIjKlMnOpQrStUv end", "refresh [REDACTED] end")]
    [InlineData("key AIzaSyA1234567890abcdefghijklmnopqrstuv used", "key [REDACTED] used")]
    [InlineData("GET bigquery.tables.list 200 (12 ms)", "GET bigquery.tables.list 200 (12 ms)")]
    public void Redact_WhenTextCarriesASecret_ShouldMaskOnlyTheSecret(string text, string expected)
    {
        Assert.Equal(expected, SecretRedactor.Redact(text));
    }
}
