using System.Collections;
using System.Globalization;
using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>
/// How the reports say things for people: decisions, statuses and priorities as upper-case words with one
/// marker each (the directive's ✅ ⚠️ ❌ 🔴), hours, money and times — the same words in every report.
/// </summary>
public static class ReportText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Decision(Decision d) => d switch
    {
        Model.Decision.Go => "GO ✅",
        Model.Decision.ConditionalGo => "CONDITIONAL GO ⚠️",
        _ => "NO-GO ❌",
    };

    public static string Risk(RiskLevel r) => r.ToString().ToUpperInvariant();

    /// <summary><c>P0-CRITICAL</c>, <c>P1-HIGH</c>, <c>P2-MEDIUM</c>, <c>P3-LOW</c> (the directive's blocker types).</summary>
    public static string Priority(Priority p) => p switch
    {
        Model.Priority.P0 => "P0-CRITICAL",
        Model.Priority.P1 => "P1-HIGH",
        Model.Priority.P2 => "P2-MEDIUM",
        _ => "P3-LOW",
    };

    public static string Status(ScriptStatus s) => s switch
    {
        ScriptStatus.Ready => "READY ✅",
        ScriptStatus.Partial => "PARTIAL ⚠️",
        ScriptStatus.Missing => "MISSING ❌",
        _ => "BLOCKED 🔴",
    };

    public static string Status(InfraCheckStatus s) => s switch
    {
        InfraCheckStatus.Ready => "READY ✅",
        InfraCheckStatus.Partial => "PARTIAL ⚠️",
        InfraCheckStatus.Blocked => "BLOCKED 🔴",
        InfraCheckStatus.Missing => "MISSING ❌",
        InfraCheckStatus.NotVerified => "NOT VERIFIED ❔",
        _ => "ERROR ❗",
    };

    public static string Status(DependencyStatus s) => s switch
    {
        DependencyStatus.Ready => "READY ✅",
        DependencyStatus.Missing => "MISSING ❌",
        DependencyStatus.VersionConflict => "VERSION CONFLICT ⚠️",
        DependencyStatus.Undeclared => "UNDECLARED ⚠️",
        DependencyStatus.Unused => "UNUSED ➖",
        DependencyStatus.Unresolved => "UNRESOLVED ❔",
        DependencyStatus.NotVerified => "NOT VERIFIED ❔",
        DependencyStatus.InconsistentPins => "INCONSISTENT PINS ➖",
        _ => "EXPOSED 🔴",
    };

    public static string Status(NamingStatus s) => s switch
    {
        NamingStatus.Compliant => "Compliant",
        NamingStatus.NonCompliant => "Non-compliant",
        NamingStatus.Exempt => "Exempt",
        _ => "No rule",
    };

    public static string Type(DependencyType t) => t switch
    {
        DependencyType.PythonPackage => "Python package",
        DependencyType.SystemTool => "System tool",
        DependencyType.Api => "API",
        _ => t.ToString(),
    };

    /// <summary><c>6-12 hours</c>, <c>0.25-1 hours</c>, <c>2 hours</c>; invariant.</summary>
    public static string Hours(HoursRange? h) => h is null
        ? "not estimated"
        : h.Min == h.Max ? $"{Number(h.Min)} hours" : $"{Number(h.Min)}-{Number(h.Max)} hours";

    /// <summary>Short form for tables: <c>6-12h</c>.</summary>
    public static string HoursShort(HoursRange? h) => h is null
        ? ""
        : h.Min == h.Max ? $"{Number(h.Min)}h" : $"{Number(h.Min)}-{Number(h.Max)}h";

    /// <summary>A number with up to two decimals, invariant (<c>0.25</c>, <c>12</c>).</summary>
    public static string Number(double value) => value.ToString("0.##", Inv);

    public static string Usd(UsdRange? range) => range is null ? "none" : range.ToString();

    /// <summary><c>2025-12-15 09:00 UTC</c> or <c>2025-12-15 09:00 +01:00</c>.</summary>
    public static string Time(DateTimeOffset? t) => t is null
        ? "unknown"
        : t.Value.Offset == TimeSpan.Zero
            ? t.Value.ToString("yyyy-MM-dd HH:mm 'UTC'", Inv)
            : t.Value.ToString("yyyy-MM-dd HH:mm zzz", Inv);

    /// <summary>Bytes for people: <c>1,479.2 GB</c> (decimal units, as the BigQuery console shows them).</summary>
    public static string Bytes(long bytes)
    {
        string[] units = { "B", "KB", "MB", "GB", "TB", "PB" };
        double value = bytes;
        var unit = 0;
        while (value >= 1000 && unit < units.Length - 1)
        {
            value /= 1000;
            unit++;
        }

        return unit == 0 ? $"{MarkdownBuilder.N(bytes)} B" : $"{value.ToString("N1", Inv)} {units[unit]}";
    }

    /// <summary>A detail value as a whole number (an integer, or a JSON number when the result was read back from JSON); null otherwise.</summary>
    public static long? Integer(object? value) => value switch
    {
        long l => l,
        int i => i,
        System.Text.Json.JsonElement { ValueKind: System.Text.Json.JsonValueKind.Number } e when e.TryGetInt64(out var n) => n,
        _ => null,
    };

    /// <summary>A detail value (number, text, list, map) as one line of text.</summary>
    public static string Value(object? value) => value switch
    {
        null => "",
        string s => s,
        bool b => b ? "yes" : "no",
        IFormattable f when value is int or long or short or byte or uint or ulong => f.ToString("N0", Inv),
        IFormattable f => f.ToString(null, Inv),
        System.Text.Json.JsonElement e => e.ToString(),
        IDictionary d => string.Join(", ", d.Keys.Cast<object>().Select(k => $"{Value(k)} {Value(d[k])}")),
        IEnumerable e => string.Join(", ", e.Cast<object?>().Select(Value)),
        _ => value.ToString() ?? "",
    };

    /// <summary><c>1 blocker</c> / <c>2 blockers</c>, with thousands separators.</summary>
    public static string Count(long n, string singular, string? plural = null) =>
        $"{MarkdownBuilder.N(n)} {(n == 1 ? singular : plural ?? singular + "s")}";

    /// <summary>
    /// At most <paramref name="shown"/> items joined, then <c>and N more</c>: a list a report or a blocker repeats
    /// stays bounded however many targets the profile names (the full list stays where it belongs: the JSON, a table).
    /// </summary>
    /// <param name="rest">Where the items not shown are (<c>in `AUDIT_RESULT_20251213.json`</c>), appended after "more".</param>
    public static string Some(IReadOnlyCollection<string> items, int shown, string separator = ", ", string? rest = null) =>
        items.Count <= shown
            ? string.Join(separator, items)
            : $"{string.Join(separator, items.Take(shown))} and {MarkdownBuilder.N(items.Count - shown)} more{(string.IsNullOrEmpty(rest) ? "" : " " + rest)}";

    /// <summary>
    /// A path as the reports print it: relative to the audited root (<c>/</c>-separated) when it lies under it, <c>.</c>
    /// for the root itself, and as given otherwise (a --python interpreter, a profile outside the root): reports are
    /// read on other machines, where the audit machine's folders mean nothing.
    /// </summary>
    public static string Portable(string? path, string? root)
    {
        var top = FullRoot(root);
        if (string.IsNullOrEmpty(path) || top is null || !Path.IsPathRooted(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return path ?? "";
        }

        var full = Path.GetFullPath(path);
        if (!Inventory.SafeFile.IsUnder(full, top))
        {
            return path;
        }

        var relative = Path.GetRelativePath(top, full).Replace('\\', '/');
        return relative.Length == 0 ? "." : relative;
    }

    /// <summary>The audited root as the reports name it: its folder name (<c>bqx_ml_v3</c>); the full path is the JSON's <c>Run.Root</c>.</summary>
    public static string RootName(string? root)
    {
        var full = FullRoot(root);
        if (full is null)
        {
            return string.IsNullOrEmpty(root) ? "." : root;
        }

        var name = Path.GetFileName(Path.TrimEndingDirectorySeparator(full));
        return name.Length == 0 ? root! : name;
    }

    /// <summary>
    /// The audited root as a full path, or null when there is none or it is no path. A root given relative
    /// (<c>audit examples/x</c>) is taken relative to the current folder, as the full paths the audit produced were.
    /// </summary>
    internal static string? FullRoot(string? root)
    {
        if (string.IsNullOrEmpty(root) || root.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException or System.Security.SecurityException)
        {
            return null;
        }
    }

    /// <summary>The evidence of a finding as one line: <c>file scripts/x.py:42 — detail</c>.</summary>
    public static string Evidence(Evidence e) =>
        $"{MarkdownBuilder.Text(e.Source)} {MarkdownBuilder.Code(e.Location)}{(string.IsNullOrEmpty(e.Detail) ? "" : " — " + MarkdownBuilder.Text(e.Detail))}";
}
