using System.Text.Json.Serialization;

namespace BqxAudit.Model;

[JsonConverter(typeof(JsonStringEnumConverter<Priority>))]
public enum Priority : long
{
    P0,
    P1,
    P2,
    P3,
}

/// <summary>What a blocker was raised from: the object's type, its target and the rule that matched.</summary>
public sealed class BlockerSource
{
    /// <summary>The finding's type name, e.g. <c>ScriptRecord</c>, <c>InfraCheck</c>.</summary>
    public string Type { get; set; } = "";

    /// <summary>The finding's target: a path, a check target, a table, a dependency.</summary>
    public string Target { get; set; } = "";

    /// <summary>The finding's own status or rule, e.g. <c>Missing</c>, <c>shell.no-errexit</c>.</summary>
    public string? Detail { get; set; }

    public override string ToString() => Detail is null ? $"{Type} {Target}" : $"{Type} {Target} ({Detail})";
}

/// <summary>Something that prevents or endangers execution, prioritised P0–P3 by the rule table.</summary>
public sealed class Blocker
{
    /// <summary><c>BQX-</c> + 8 hex of SHA-256 of the rule id and target: stable across runs.</summary>
    public string Id { get; set; } = "";

    public string Title { get; set; } = "";
    public Priority Priority { get; set; }
    public string Category { get; set; } = "";
    public string Description { get; set; } = "";
    public string Impact { get; set; } = "";
    /// <summary>The phase whose scripts, datasets, jobs, buckets, APIs or dependencies it touches; null for a repository finding.</summary>
    public string? AffectedPhase { get; set; }
    public HoursRange? EstimatedDelay { get; set; }
    public string Mitigation { get; set; } = "";
    public string? Workaround { get; set; }
    public string RecommendedAction { get; set; } = "";

    /// <summary>
    /// What resolves it when one action resolves several blockers (e.g. <c>run-online</c>: measuring the cloud); blockers
    /// with the same value count once on the critical path. Null: its own resolution.
    /// </summary>
    public string? ResolvedBy { get; set; }

    /// <summary>The rule id of the rule table that raised it, e.g. <c>script.missing-phase-task</c>.</summary>
    public string Rule { get; set; } = "";

    public BlockerSource Source { get; set; } = new();
    public List<Evidence> Evidence { get; set; } = new();

    /// <summary>The audited root the blocker was found under (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>The evidence on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string EvidenceText => Flat.Join(Evidence);

    public override string ToString() => $"{Id} {Priority} {Title}";
}
