using System.Text.RegularExpressions;

namespace BqxAudit.Cloud;

/// <summary>
/// Masks credentials in text before it reaches evidence, errors or verbose output: bearer tokens,
/// OAuth access and refresh tokens, JWTs (assertions, ID tokens), PEM private keys, Google API keys and the JSON or
/// form fields that carry them. The cloud layer never puts headers or bodies into messages; this is
/// the second line.
/// </summary>
public static partial class SecretRedactor
{
    public const string Mask = "[REDACTED]";

    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var s = PemKey().Replace(text, Mask);
        s = JsonSecretField().Replace(s, m => $"{m.Groups[1].Value}\"{Mask}\"");
        s = FormSecretField().Replace(s, m => $"{m.Groups[1].Value}={Mask}");
        s = Bearer().Replace(s, "Bearer " + Mask);
        s = Jwt().Replace(s, Mask);
        s = AccessToken().Replace(s, Mask);
        s = RefreshToken().Replace(s, Mask);
        s = ApiKey().Replace(s, Mask);
        return s;
    }

    [GeneratedRegex(@"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", RegexOptions.Singleline)]
    private static partial Regex PemKey();

    [GeneratedRegex(@"(""(?:private_key|access_token|refresh_token|id_token|client_secret|assertion)""\s*:\s*)""(?:[^""\\]|\\.)*""")]
    private static partial Regex JsonSecretField();

    [GeneratedRegex(@"\b(access_token|refresh_token|id_token|client_secret|assertion|oauth_token)=[^&\s""']+")]
    private static partial Regex FormSecretField();

    [GeneratedRegex(@"\bBearer\s+[A-Za-z0-9._~+/=-]+", RegexOptions.IgnoreCase)]
    private static partial Regex Bearer();

    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*")]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\bya29\.[A-Za-z0-9._-]+")]
    private static partial Regex AccessToken();

    [GeneratedRegex(@"\b1//[A-Za-z0-9_-]{16,}")]
    private static partial Regex RefreshToken();

    [GeneratedRegex(@"\bAIza[0-9A-Za-z_-]{35}\b")]
    private static partial Regex ApiKey();
}
