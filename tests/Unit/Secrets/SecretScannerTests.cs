using System.Security.Cryptography;
using BqxAudit.Checks.Secrets;
using BqxAudit.Hosting;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Secrets;

public class SecretScannerTests
{
    private static string PemKey()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }

    private static string ServiceAccountJson(string pem) =>
        "{\n  \"type\": \"service_account\",\n  \"project_id\": \"bqx-ml\",\n  \"private_key_id\": \"abc123\",\n" +
        $"  \"private_key\": \"{pem.Replace("\n", "\\n")}\",\n  \"client_email\": \"sa@bqx-ml.iam.gserviceaccount.com\"\n}}\n";

    [Fact]
    public void Scan_WhenRepositoryHoldsEachKindOfSecret_ShouldFindEachWithFileAndLine()
    {
        using var dir = new TempDir();
        var pem = PemKey();
        dir.Write("keys/deploy.pem", "# deploy key\n" + pem);
        dir.Write("config/sa.json", ServiceAccountJson(pem));
        dir.Write("config/user.json", "{\"type\": \"authorized_user\", \"client_id\": \"x\", \"client_secret\": \"y\",\n \"refresh_token\": \"1//0gABCDEFGHIJKLMNOPQRSTUVWXYZ\"}\n");
        dir.Write(".env", "# settings\nPROJECT=bqx-ml\nBQ_API_KEY=s3cr3t-value-123\nDB_PASSWORD=${FROM_VAULT}\nTOKEN=changeme\n");
        dir.Write("scripts/call.py", "KEY = 'AIzaSyA1234567890abcdefghijklmnopqrstuv'\nprint(1)\n");
        dir.Write("gcloud/credentials.db", "sqlite-ish text\n");
        var files = new[] { "keys/deploy.pem", "config/sa.json", "config/user.json", ".env", "scripts/call.py", "gcloud/credentials.db" };

        var found = SecretScanner.Scan(dir.Path, files, NullHost.Instance);

        Assert.Contains(found, f => f is { Kind: SecretKind.PemPrivateKey, Location: "keys/deploy.pem:2" });
        Assert.Contains(found, f => f is { Kind: SecretKind.ServiceAccountKey, Location: "config/sa.json:5" });
        Assert.DoesNotContain(found, f => f.Path == "config/sa.json" && f.Kind == SecretKind.PemPrivateKey);
        Assert.Contains(found, f => f is { Kind: SecretKind.AuthorizedUserCredential, Path: "config/user.json", Line: 2 });
        var env = Assert.Single(found, f => f.Kind == SecretKind.EnvironmentFileSecret);
        Assert.Equal(".env:3", env.Location);
        Assert.Contains(found, f => f is { Kind: SecretKind.GoogleApiKey, Location: "scripts/call.py:1" });
        Assert.Contains(found, f => f is { Kind: SecretKind.GcloudCredentialFile, Path: "gcloud/credentials.db" });
    }

    [Fact]
    public void Scan_WhenSecretsFound_ShouldNeverCarryTheSecretItself()
    {
        using var dir = new TempDir();
        var pem = PemKey();
        dir.Write("sa.json", ServiceAccountJson(pem));
        dir.Write(".env", "API_KEY=s3cr3t-value-123\n");

        var found = SecretScanner.Scan(dir.Path, new[] { "sa.json", ".env" }, NullHost.Instance);

        Assert.Equal(2, found.Count);
        var body = pem.Split('\n')[1];
        Assert.All(found, f =>
        {
            var text = f.ToString();
            Assert.DoesNotContain(body, text);
            Assert.DoesNotContain("s3cr3t-value-123", text);
            Assert.Matches("^[0-9a-f]{8}$", f.Fingerprint);
        });
    }

    [Fact]
    public void Scan_WhenFilesAreCleanOrBinary_ShouldFindNothing()
    {
        using var dir = new TempDir();
        dir.Write("a.py", "password = os.environ['DB_PASSWORD']\n");
        dir.Write("docs.md", "Put your key in `-----BEGIN PUBLIC KEY-----` files.\n");
        dir.WriteBytes("blob.bin", new byte[] { 0, 1, 2, (byte)'A', (byte)'I', (byte)'z', (byte)'a' });
        dir.Write("example.env", "API_KEY=<your-key>\nSECRET=\n");
        Assert.Empty(SecretScanner.Scan(dir.Path, new[] { "a.py", "docs.md", "blob.bin", "example.env", "missing.txt" }, NullHost.Instance));
    }
}
