using System.Text.Json.Serialization;

namespace BqxAudit.Model;

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
public enum FindingSeverity
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
