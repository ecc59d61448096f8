using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>A service account whose RSA key is generated in the test; its key file points token_uri at the fake.</summary>
public sealed class FakeServiceAccount
{
    internal FakeServiceAccount(string email, string keyId, RSA key)
    {
        Email = email;
        KeyId = keyId;
        Key = key;
    }

    public string Email { get; }
    public string KeyId { get; }
    internal RSA Key { get; }

    /// <summary>The key file's private key (PKCS#8 PEM) — the secret tests make sure never leaks.</summary>
    public string PrivateKeyPem => Key.ExportPkcs8PrivateKeyPem();

    /// <summary>A key file in Google's format (<c>type: service_account</c>), with <paramref name="tokenUri"/>.</summary>
    public string KeyFileJson(string tokenUri, string projectId) => new JsonObject
    {
        ["type"] = "service_account",
        ["project_id"] = projectId,
        ["private_key_id"] = KeyId,
        ["private_key"] = PrivateKeyPem,
        ["client_email"] = Email,
        ["client_id"] = "109876543210987654321",
        ["auth_uri"] = "https://accounts.google.com/o/oauth2/auth",
        ["token_uri"] = tokenUri,
        ["auth_provider_x509_cert_url"] = "https://www.googleapis.com/oauth2/v1/certs",
    }.ToJsonString();
}

/// <summary>
/// The fake's token side: issues access tokens for JWT-bearer assertions it can verify (RS256 with the
/// registered key, <c>kid</c>, <c>iss</c>, <c>aud</c> = its token URL, cloud-platform scope, lifetime ≤ 1 h),
/// for refresh tokens of registered users, and from the metadata server; and checks bearer tokens on API calls.
/// </summary>
public sealed class FakeAuth
{
    public const string CloudPlatform = "https://www.googleapis.com/auth/cloud-platform";
    public const string GoogleTokenUrl = "https://oauth2.googleapis.com/token";

    private readonly ConcurrentDictionary<string, FakeServiceAccount> accounts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (string ClientId, string ClientSecret)> refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> issued = new(StringComparer.Ordinal);
    private int counter;

    /// <summary>API routes answer 401 to calls without a valid bearer token.</summary>
    public bool RequireToken { get; set; }

    /// <summary>The metadata server answers (ping, token and the default account's email).</summary>
    public bool MetadataEnabled { get; set; }

    /// <summary>What the metadata server says the default service account is.</summary>
    public string MetadataEmail { get; set; } = "codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com";

    /// <summary>Tokens handed out, for leak checks.</summary>
    public IReadOnlyCollection<string> IssuedTokens => issued.Keys.ToArray();

    /// <summary>Assertions that were rejected, with why.</summary>
    public ConcurrentQueue<string> Rejections { get; } = new();

    public FakeServiceAccount CreateServiceAccount(string email = "codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com")
    {
        var account = new FakeServiceAccount(email, Convert.ToHexString(RandomNumberGenerator.GetBytes(20)).ToLowerInvariant(), RSA.Create(2048));
        accounts[email] = account;
        return account;
    }

    public void RegisterUser(string clientId, string clientSecret, string refreshToken) => refreshTokens[refreshToken] = (clientId, clientSecret);

    public bool IsValid(string token) => issued.ContainsKey(token);

    public string Issue(string principal)
    {
        var token = $"ya29.fake-{Interlocked.Increment(ref counter)}-{Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant()}";
        issued[token] = principal;
        return token;
    }

    /// <summary>Handles the form of POST /token: returns (status, JSON).</summary>
    internal (int Status, JsonObject Body) Token(IReadOnlyDictionary<string, string> form, string tokenUrl)
    {
        var grant = form.GetValueOrDefault("grant_type");
        if (grant == "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            var problem = Verify(form.GetValueOrDefault("assertion") ?? "", tokenUrl, out var principal);
            if (problem is not null)
            {
                Rejections.Enqueue(problem);
                return (400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = problem });
            }

            return (200, TokenBody(Issue(principal!)));
        }

        if (grant == "refresh_token")
        {
            if (form.GetValueOrDefault("refresh_token") is { } refresh && refreshTokens.TryGetValue(refresh, out var client)
                && client.ClientId == form.GetValueOrDefault("client_id") && client.ClientSecret == form.GetValueOrDefault("client_secret"))
            {
                return (200, TokenBody(Issue("user:" + client.ClientId)));
            }

            Rejections.Enqueue("unknown refresh token or client");
            return (400, new JsonObject { ["error"] = "invalid_grant", ["error_description"] = "Bad Request" });
        }

        return (400, new JsonObject { ["error"] = "unsupported_grant_type", ["error_description"] = $"grant_type '{grant}'" });
    }

    internal static JsonObject TokenBody(string token) => new() { ["access_token"] = token, ["expires_in"] = 3599, ["token_type"] = "Bearer" };

    private string? Verify(string assertion, string tokenUrl, out string? principal)
    {
        principal = null;
        var parts = assertion.Split('.');
        if (parts.Length != 3)
        {
            return "assertion is not a JWS";
        }

        JsonElement header, payload;
        try
        {
            header = JsonDocument.Parse(Base64Url(parts[0])).RootElement;
            payload = JsonDocument.Parse(Base64Url(parts[1])).RootElement;
        }
        catch (Exception e) when (e is FormatException or JsonException)
        {
            return "assertion is not base64url JSON";
        }

        if (Str(header, "alg") != "RS256")
        {
            return "alg must be RS256";
        }

        var iss = Str(payload, "iss");
        if (iss is null || !accounts.TryGetValue(iss, out var account))
        {
            return $"unknown issuer {iss}";
        }

        if (Str(header, "kid") is { } kid && kid != account.KeyId)
        {
            return "kid does not name the account's key";
        }

        var signed = Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]);
        if (!account.Key.VerifyData(signed, Base64Url(parts[2]), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
        {
            return "signature does not verify";
        }

        // google-auth (Python) puts the key file's token_uri in aud; Google.Apis.Auth always puts Google's
        // token URL there (and posts to token_uri). Google's endpoint accepts its own URL; so does the fake.
        var aud = Str(payload, "aud");
        if (aud != tokenUrl && aud != GoogleTokenUrl)
        {
            return $"aud must be {tokenUrl} or {GoogleTokenUrl}, not {aud}";
        }

        if (!(Str(payload, "scope") ?? "").Split(' ').Contains(CloudPlatform))
        {
            return "scope must include cloud-platform";
        }

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var iat = payload.TryGetProperty("iat", out var i) ? i.GetInt64() : 0;
        var exp = payload.TryGetProperty("exp", out var x) ? x.GetInt64() : 0;
        if (exp - iat > 3600 || exp <= iat || iat > now + 300 || exp < now - 300)
        {
            return "iat/exp out of range";
        }

        principal = "serviceAccount:" + iss;
        return null;
    }

    private static string? Str(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static byte[] Base64Url(string s)
    {
        var t = s.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(t.PadRight(t.Length + (4 - t.Length % 4) % 4, '='));
    }
}
