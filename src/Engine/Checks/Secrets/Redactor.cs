using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Secrets;

/// <summary>
/// Removes secrets from any text before it is shown or written: PEM private keys, service-account
/// <c>private_key</c> values, OAuth access and refresh tokens, bearer headers, JWTs, API keys.
/// Everything evidence, errors and verbose output carry goes through here.
/// </summary>
public static class Redactor
{
    public const string Mask = "[REDACTED]";

    private static readonly (Regex Pattern, string Replacement)[] Rules =
    {
        (new Regex(@"-----BEGIN (?<kind>[A-Z ]*?)PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*?PRIVATE KEY-----|$)", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            "-----BEGIN ${kind}PRIVATE KEY-----" + Mask + "-----END ${kind}PRIVATE KEY-----"),
        (new Regex("(?<key>\"(private_key|private_key_id|refresh_token|access_token|client_secret|id_token)\"\\s*:\\s*\")(?:[^\"\\\\]|\\\\.)*\"", RegexOptions.Compiled | RegexOptions.CultureInvariant),
            "${key}" + Mask + "\""),
        (new Regex(@"(?<key>\b(access_token|refresh_token|client_secret|id_token|assertion|password|token)=)[^&\s""']+", RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
            "${key}" + Mask),
        (new Regex(@"(?<key>\bBearer\s+)[A-Za-z0-9._~+/=-]+", RegexOptions.Compiled | RegexOptions.CultureInvariant | RegexOptions.IgnoreCase),
            "${key}" + Mask),
        (new Regex(@"\bya29\.[A-Za-z0-9._-]+", RegexOptions.Compiled | RegexOptions.CultureInvariant), "ya29." + Mask),
        (new Regex(@"\b1//[A-Za-z0-9._-]{20,}", RegexOptions.Compiled | RegexOptions.CultureInvariant), "1//" + Mask),
        (new Regex(@"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]+", RegexOptions.Compiled | RegexOptions.CultureInvariant), Mask),
        (new Regex(@"\bAIza[0-9A-Za-z_-]{35}\b", RegexOptions.Compiled | RegexOptions.CultureInvariant), "AIza" + Mask),
    };

    /// <summary>The text with every secret replaced by <see cref="Mask"/>; null stays null.</summary>
    public static string? Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var (pattern, replacement) in Rules)
        {
            text = pattern.Replace(text, replacement);
        }

        return text;
    }
}
