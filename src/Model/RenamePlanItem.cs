using System.Text.Json.Serialization;

namespace BqxAudit.Model;

/// <summary>What the rename plan proposes for one table.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RenameAction>))]
public enum RenameAction : long
{
    /// <summary>Rename to Target; Ddl and GraceViewDdl are set.</summary>
    Rename,

    /// <summary>Target already exists or another table maps to it too (CollidesWith): renaming would fail or clash.</summary>
    Collision,

    /// <summary>
    /// A variant-less legacy table whose twin already exists under a mandated name (CollidesWith): verify row
    /// parity with the twin, then drop it or keep it as a grace view; never renamed onto the twin.
    /// </summary>
    Duplicate,

    /// <summary>No deterministic target, or BigQuery cannot rename this table; a person decides (Reason).</summary>
    Manual,

    /// <summary>The name is compliant (or exempt): nothing to do.</summary>
    AlreadyCompliant,
}

/// <summary>One line of a rename plan. The plan executes nothing; Ddl is what a person would run.</summary>
public sealed class RenamePlanItem
{
    /// <summary>The project of the table, when known.</summary>
    public string? Project { get; set; }

    /// <summary>The dataset of the table, when known.</summary>
    public string? Dataset { get; set; }

    /// <summary>The current table name.</summary>
    public string Source { get; set; } = "";

    /// <summary>The compliant name it would get (Rename, Collision); null otherwise.</summary>
    public string? Target { get; set; }

    public RenameAction Action { get; set; }

    /// <summary>For Collision: the existing table named Target, or the other tables that map to Target; for Duplicate: the twins.</summary>
    public string? CollidesWith { get; set; }

    /// <summary>The family the name belongs to, when any.</summary>
    public string? Family { get; set; }

    /// <summary>Why the action is what it is (Manual, Collision, an exemption).</summary>
    public string? Reason { get; set; }

    /// <summary><c>ALTER TABLE `project.dataset.old` RENAME TO new;</c> for Rename items; the row-parity query for Duplicate items.</summary>
    public string? Ddl { get; set; }

    /// <summary>The view under the old name, with an expiration, created after the rename (Rename items).</summary>
    public string? GraceViewDdl { get; set; }

    /// <summary>Where the variant of a variant-less name comes from: the generator that writes it without a marker (file:line), when one does.</summary>
    public string? VariantEvidence { get; set; }

    /// <summary>The audited root whose profile planned the rename (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    public override string ToString() => Target is null ? $"{Source} {Action}" : $"{Source} -> {Target} {Action}";
}
