using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using BqxAudit.Hosting;

namespace BqxAudit.Checks.Secrets;

/// <summary>What kind of secret was found committed to the repository.</summary>
public enum SecretKind
{
    PemPrivateKey,
    ServiceAccountKey,
    AuthorizedUserCredential,
    GcloudCredentialFile,
    EnvironmentFileSecret,
    GoogleApiKey,
    OAuthToken,
}

/// <summary>
/// One committed secret: where it is and what it is, never the secret itself. <see cref="Fingerprint"/>
/// (8 hex of its SHA-256) lets a person match it with the key they rotate without seeing it here.
/// </summary>
public sealed record SecretFinding(string Path, int Line, SecretKind Kind, string Description, string Fingerprint)
{
    public string Location => $"{Path}:{Line}";
}

/// <summary>
/// Finds secrets committed to the repository: PEM private keys, service-account JSON with
/// <c>private_key</c>, authorized-user credentials, gcloud credential files, <c>.env</c> files with
/// key-like values, Google API keys and OAuth access tokens. Reads text files up to 5 MB.
/// </summary>
public static partial class SecretScanner
{
    public const long MaxBytes = 5 * 1024 * 1024;

    private static readonly Regex PemHeader = PemHeaderRegex();
    private static readonly Regex ApiKey = ApiKeyRegex();
    private static readonly Regex AccessToken = AccessTokenRegex();
    private static readonly Regex EnvLine = EnvLineRegex();
    private static readonly Regex SecretKey = SecretKeyRegex();
    private static readonly Regex Placeholder = PlaceholderRegex();

    private static readonly string[] GcloudFiles = { "credentials.db", "access_tokens.db", "application_default_credentials.json", "adc.json" };

    /// <summary>Scans <paramref name="files"/> (relative to <paramref name="root"/>); unreadable files are reported to the host.</summary>
    public static IReadOnlyList<SecretFinding> Scan(string root, IEnumerable<string> files, IAuditHost host)
    {
        var ordered = files.OrderBy(f => f, StringComparer.Ordinal).ToArray();
        var perFile = new List<SecretFinding>[ordered.Length];
        Parallel.For(0, ordered.Length, new ParallelOptions { CancellationToken = host.Cancellation }, i =>
        {
            perFile[i] = ScanFile(root, ordered[i], host);
        });
        return perFile.SelectMany(f => f).ToList();
    }

    private static List<SecretFinding> ScanFile(string root, string path, IAuditHost host)
    {
        var found = new List<SecretFinding>();
        var name = path[(path.LastIndexOf('/') + 1)..];
        if (GcloudFiles.Contains(name, StringComparer.Ordinal))
        {
            found.Add(new SecretFinding(path, 1, SecretKind.GcloudCredentialFile,
                $"gcloud credential file '{name}' is committed", Fingerprint(path)));
        }

        byte[] bytes;
        try
        {
            var info = new FileInfo(Path.Combine(root, path));
            if (!info.Exists || info.Length > MaxBytes || (info.Attributes & FileAttributes.Directory) != 0)
            {
                return found;
            }

            bytes = Inventory.SafeFile.ReadAllBytes(info.FullName, root, MaxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            host.WriteError(new BqxError(ErrorIds.FileUnreadable, BqxErrorCategory.ReadError, $"not scanned for secrets: {e.Message}", path));
            return found;
        }

        if (bytes.AsSpan(0, Math.Min(bytes.Length, 8000)).IndexOf((byte)0) < 0)
        {
            found.AddRange(ScanText(path, Encoding.UTF8.GetString(bytes)));
        }

        return found;
    }

    /// <summary>Scans one file's text.</summary>
    public static IEnumerable<SecretFinding> ScanText(string path, string text)
    {
        var name = path[(path.LastIndexOf('/') + 1)..];
        var isEnv = name == ".env" || name.StartsWith(".env.", StringComparison.Ordinal) || name.EndsWith(".env", StringComparison.Ordinal);
        var jsonKind = name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? CredentialJsonKind(text) : null;
        if (!isEnv && jsonKind is null &&
            !text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) && !text.Contains("AIza", StringComparison.Ordinal) && !text.Contains("ya29.", StringComparison.Ordinal))
        {
            yield break; // nothing any rule looks for: no line-by-line pass (most files of a repository)
        }

        var lines = text.Split('\n');
        if (jsonKind is { } kind)
        {
            var secretField = kind == SecretKind.ServiceAccountKey ? "\"private_key\"" : "\"refresh_token\"";
            var line = Array.FindIndex(lines, l => l.Contains(secretField, StringComparison.Ordinal)) + 1;
            yield return new SecretFinding(path, Math.Max(line, 1), kind,
                kind == SecretKind.ServiceAccountKey ? "service-account key file (JSON with private_key)" : "authorized-user credential (JSON with refresh_token)",
                Fingerprint(ExtractJsonString(text, secretField.Trim('"')) ?? path));
        }

        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Length > 100_000)
            {
                continue; // minified data, not a credential line
            }

            var pem = PemHeader.Match(line);
            if (pem.Success && jsonKind is null)
            {
                yield return new SecretFinding(path, i + 1, SecretKind.PemPrivateKey, $"PEM private key ({pem.Value.Trim('-')})",
                    Fingerprint(string.Join('\n', lines.Skip(i).Take(30))));
            }

            foreach (Match m in ApiKey.Matches(line))
            {
                yield return new SecretFinding(path, i + 1, SecretKind.GoogleApiKey, "Google API key", Fingerprint(m.Value));
            }

            foreach (Match m in AccessToken.Matches(line))
            {
                yield return new SecretFinding(path, i + 1, SecretKind.OAuthToken, "OAuth access token (ya29.)", Fingerprint(m.Value));
            }

            if (isEnv && EnvLine.Match(line) is { Success: true } env && SecretKey.IsMatch(env.Groups["key"].Value))
            {
                var value = env.Groups["value"].Value.Trim().Trim('"', '\'');
                if (!Placeholder.IsMatch(value) && !line.TrimStart().StartsWith('#'))
                {
                    yield return new SecretFinding(path, i + 1, SecretKind.EnvironmentFileSecret,
                        $"key-like value for {env.Groups["key"].Value} in an environment file", Fingerprint(value));
                }
            }
        }
    }

    private static SecretKind? CredentialJsonKind(string text)
    {
        if (!text.Contains("\"type\"", StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(text, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
            if (doc.RootElement.ValueKind != JsonValueKind.Object || !doc.RootElement.TryGetProperty("type", out var type))
            {
                return null;
            }

            return type.GetString() switch
            {
                "service_account" when doc.RootElement.TryGetProperty("private_key", out _) => SecretKind.ServiceAccountKey,
                "authorized_user" when doc.RootElement.TryGetProperty("refresh_token", out _) => SecretKind.AuthorizedUserCredential,
                _ => null,
            };
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? ExtractJsonString(string text, string property)
    {
        try
        {
            using var doc = JsonDocument.Parse(text);
            return doc.RootElement.TryGetProperty(property, out var v) ? v.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string Fingerprint(string secret) =>
        Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)))[..8].ToLowerInvariant();

    [GeneratedRegex(@"-----BEGIN (?:[A-Z]+ )*PRIVATE KEY-----", RegexOptions.CultureInvariant)]
    private static partial Regex PemHeaderRegex();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}\b", RegexOptions.CultureInvariant)]
    private static partial Regex ApiKeyRegex();

    [GeneratedRegex(@"\bya29\.[A-Za-z0-9._-]{20,}", RegexOptions.CultureInvariant)]
    private static partial Regex AccessTokenRegex();

    [GeneratedRegex(@"^\s*(?:export\s+)?(?<key>[A-Za-z_][A-Za-z0-9_]*)\s*=\s*(?<value>.*?)\s*$", RegexOptions.CultureInvariant)]
    private static partial Regex EnvLineRegex();

    [GeneratedRegex(@"(SECRET|TOKEN|PASSWORD|PASSWD|PWD|API_?KEY|PRIVATE_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH)", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SecretKeyRegex();

    [GeneratedRegex(@"^(|""""|''|<.*>|\$\{.*\}|\$[A-Za-z_]\w*|x+|\*+|changeme|change_me|todo|none|null|example|your[-_].*|\.\.\.)$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex PlaceholderRegex();
}
