using System.Globalization;
using System.Text.Json;

namespace BqxAudit.Checks.Dependencies;

/// <summary>Which Application Default Credentials source would be used, read without any network call.</summary>
public sealed record CredentialSource(string Kind, string? Path, string? Principal, double? KeyAgeDays, string Detail);

/// <summary>
/// Finds the ADC source the Google libraries would use — GOOGLE_APPLICATION_CREDENTIALS, then the
/// gcloud ADC file, then the metadata server — and reads its type and principal. Never reads a secret
/// value into the result; a key's age comes from the file's modification time.
/// </summary>
public static class CredentialLocator
{
    public static CredentialSource Locate(Func<string, string?> environment, DateTimeOffset now)
    {
        var explicitPath = environment("GOOGLE_APPLICATION_CREDENTIALS");
        if (!string.IsNullOrWhiteSpace(explicitPath))
        {
            return FromFile(explicitPath, "GOOGLE_APPLICATION_CREDENTIALS", now);
        }

        var config = environment("CLOUDSDK_CONFIG");
        var home = environment("HOME") ?? environment("USERPROFILE");
        var adc = config is not null
            ? System.IO.Path.Combine(config, "application_default_credentials.json")
            : home is null ? null : System.IO.Path.Combine(home, ".config", "gcloud", "application_default_credentials.json");
        if (adc is not null && File.Exists(adc))
        {
            return FromFile(adc, "gcloud ADC file", now);
        }

        return new CredentialSource("metadata server or none", null, null, null,
            "no GOOGLE_APPLICATION_CREDENTIALS and no gcloud ADC file; on Google Cloud the metadata server would be used (not probed offline). " +
            "Remedy: gcloud auth application-default login, or set GOOGLE_APPLICATION_CREDENTIALS");
    }

    private static CredentialSource FromFile(string path, string via, DateTimeOffset now)
    {
        if (!File.Exists(path))
        {
            return new CredentialSource("missing file", path, null, null, $"{via} names {path}, which does not exist");
        }

        var age = (now - new DateTimeOffset(File.GetLastWriteTimeUtc(path), TimeSpan.Zero)).TotalDays;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(path));
            var root = doc.RootElement;
            string? Get(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var type = Get("type") ?? "unknown";
            var kind = type switch
            {
                "service_account" => "service account key",
                "authorized_user" => "authorized user",
                "external_account" => "external account (workload identity federation)",
                "impersonated_service_account" => "impersonated service account",
                _ => type,
            };
            var principal = Get("client_email") ?? Get("service_account_impersonation_url");
            var keyAge = type == "service_account" ? Math.Round(age, 1) : (double?)null;
            var detail = $"{via}: {path} ({kind}{(principal is null ? "" : ", " + principal)}" +
                         (keyAge is { } a ? string.Create(CultureInfo.InvariantCulture, $", key file {a:0.#} days old") : "") + ")";
            return new CredentialSource(kind, path, principal, keyAge, detail);
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return new CredentialSource("unreadable file", path, null, null, $"{via}: {path} is not a readable credential file ({e.GetType().Name})");
        }
    }
}
