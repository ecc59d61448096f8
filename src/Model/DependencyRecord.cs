using System.Text.Json.Serialization;

namespace BqxAudit.Model;

[JsonConverter(typeof(JsonStringEnumConverter<DependencyType>))]
public enum DependencyType : long
{
    PythonPackage,
    SystemTool,
    Api,
    Data,
    Credential,
    Secret,
}

[JsonConverter(typeof(JsonStringEnumConverter<DependencyStatus>))]
public enum DependencyStatus : long
{
    Ready,
    Missing,
    VersionConflict,
    Undeclared,
    Unused,
    Unresolved,
    NotVerified,

    /// <summary>A secret committed to the repository (Type Secret): it must be removed and rotated.</summary>
    Exposed,

    /// <summary>Pinned differently in separately built deployables (two images, two requirement sets): no one install conflicts, but they drift.</summary>
    InconsistentPins,
}

/// <summary>One thing the scripts need — a package, a tool, an API, data, a credential — and whether it is there.</summary>
public sealed class DependencyRecord
{
    public string Name { get; set; } = "";
    public DependencyType Type { get; set; }
    public string? VersionRequired { get; set; }
    public string? VersionInstalled { get; set; }

    /// <summary>Where it is declared (manifest files with lines), empty when undeclared.</summary>
    public List<string> DeclaredIn { get; set; } = new();

    /// <summary>Where it is used or found (<c>path:line</c>, a URL, a PATH entry).</summary>
    public string? Location { get; set; }

    public string? Purpose { get; set; }

    /// <summary>Scripts that need it (root-relative paths).</summary>
    public List<string> UsedBy { get; set; } = new();

    public DependencyStatus Status { get; set; }

    /// <summary>True when a phase task's script needs it.</summary>
    public bool Critical { get; set; }

    public string? Fallback { get; set; }
    public List<Evidence> Evidence { get; set; } = new();

    /// <summary>The audited root (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>DeclaredIn on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string DeclaredInText => Flat.Join(DeclaredIn);

    /// <summary>UsedBy on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string UsedByText => Flat.Join(UsedBy);

    /// <summary>The evidence on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string EvidenceText => Flat.Join(Evidence);

    public override string ToString() => $"{Type} {Name}";
}
