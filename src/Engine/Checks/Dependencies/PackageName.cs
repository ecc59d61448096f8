using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>Distribution names per PEP 503/508.</summary>
public static partial class PackageName
{
    /// <summary>PEP 503 normalisation: lower case, every run of <c>-</c>, <c>_</c>, <c>.</c> becomes one <c>-</c>.</summary>
    public static string Normalize(string name) => Separators().Replace(name.Trim(), "-").ToLowerInvariant();

    /// <summary>True for a PEP 508 name: letters and digits at both ends, <c>-_.</c> allowed inside.</summary>
    public static bool IsValid(string name) => ValidName().IsMatch(name);

    [GeneratedRegex("[-_.]+")]
    private static partial Regex Separators();

    [GeneratedRegex(@"^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?$")]
    private static partial Regex ValidName();
}
