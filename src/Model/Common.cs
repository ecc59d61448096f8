using System.Text.Json.Serialization;

// Conventions of the output types (read these before adding a type, a property or an enum):
// - Every enum is `: long`. pwsh's ConvertTo-Json writes an enum value as its name only when the enum is
//   64-bit (JavaScript cannot hold such numbers exactly); any narrower enum would become a bare number
//   there. System.Text.Json (the CLI and the reports) writes names either way. A test keeps every enum long.
// - Dictionaries are keyed by strings (ConvertTo-Json refuses any other key).
// - Properties that exist for PowerShell users only (Root, ExitCode, the flattened *Text properties for
//   Export-Csv and tickets) are [JsonIgnore], so the CLI's and the reports' JSON keep their shape.
// - Every nested type has a ToString() a person can read: it is what a table cell, Export-Csv and "$x" show.
namespace BqxAudit.Model;

/// <summary>Joins the items of a list into one line for Export-Csv and tickets (the *Text properties).</summary>
internal static class Flat
{
    public static string Join<T>(IEnumerable<T>? items, string separator = "; ") =>
        items is null ? "" : string.Join(separator, items.Select(i => i?.ToString()).Where(t => !string.IsNullOrEmpty(t)));

    public static string Join<TValue>(IEnumerable<KeyValuePair<string, TValue>>? pairs) =>
        pairs is null ? "" : string.Join("; ", pairs.Select(kv => $"{kv.Key}={Text(kv.Value)}"));

    /// <summary>A value as text: a list's items joined with commas, anything else its ToString().</summary>
    public static string Text(object? value) => value switch
    {
        null => "",
        string s => s,
        System.Collections.IEnumerable items => string.Join(",", items.Cast<object?>().Select(Text)),
        _ => value.ToString() ?? "",
    };
}

/// <summary>One piece of evidence: where a fact was measured and what was seen. Secrets are redacted before they get here.</summary>
public sealed class Evidence
{
    public Evidence() { }

    public Evidence(string source, string location, string detail)
    {
        Source = source;
        Location = location;
        Detail = detail;
    }

    /// <summary>Where the fact comes from: <c>file</c>, <c>git</c>, <c>api</c>, <c>command</c>, <c>profile</c>.</summary>
    public string Source { get; set; } = "";

    /// <summary>e.g. <c>scripts/x.py:42</c> or <c>GET bigquery.tables.list 200</c>.</summary>
    public string Location { get; set; } = "";

    public string Detail { get; set; } = "";

    public override string ToString() => $"{Source} {Location}: {Detail}";
}

/// <summary>A range of hours (creation estimates, delays, critical path).</summary>
public sealed class HoursRange
{
    public double Min { get; set; }
    public double Max { get; set; }

    public override string ToString() => Min == Max ? $"{Min:0.#}h" : $"{Min:0.#}-{Max:0.#}h";
}

/// <summary>How bad a finding is for the script's status: Error makes it Blocked, Warning Partial, Info neither.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<FindingSeverity>))]
public enum FindingSeverity : long
{
    Info,
    Warning,
    Error,
}

/// <summary>A problem found in one file, with the rule that found it and where.</summary>
public sealed class Finding
{
    public Finding() { }

    public Finding(string rule, FindingSeverity severity, string message, string location)
    {
        Rule = rule;
        Severity = severity;
        Message = message;
        Location = location;
    }

    /// <summary>Stable upper-case-free rule id, e.g. <c>python.syntax</c>, <c>shell.unknown-flag</c>.</summary>
    public string Rule { get; set; } = "";

    public FindingSeverity Severity { get; set; }

    public string Message { get; set; } = "";

    /// <summary><c>path:line</c> relative to the audited root.</summary>
    public string Location { get; set; } = "";

    public override string ToString() => $"{Location} [{Rule}] {Message}";
}
