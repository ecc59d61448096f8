namespace BqxAudit.Configuration;

// The `mandates:` section of a profile. A mandate of kind `naming` holds the naming standard of
// table names: families of patterns made of literal words and named components, the allowed
// values of each component, ordering and case rules, and exemptions. The naming engine
// (BqxAudit.Checks.Naming) compiles it once and classifies names against it.

/// <summary>A mandate: a standard the project's tables or scripts must follow (kind <c>naming</c>: table names).</summary>
public sealed class MandateProfile
{
    [ProfileKey(Required = true, Description = "Mandate id, e.g. M008; the key of ScriptRecord.Compliance.")]
    public string Id { get; set; } = "";

    [ProfileKey(Required = true, Description = "What the mandate governs: 'naming' (BigQuery table names).", Pattern = "^naming$")]
    public string Kind { get; set; } = "";

    [ProfileKey(Description = "What the mandate says, for people.")]
    public string? Description { get; set; }

    [ProfileKey(Description = "Datasets the mandate applies to; empty: every dataset (and names given without one).")]
    public List<string> Datasets { get; set; } = new();

    [ProfileKey(Description = "Case rule of every family unless the family overrides it: 'lower' (default) or 'any'.", Pattern = "^(lower|any)$")]
    public string Case { get; set; } = "lower";

    [ProfileKey(Description = "Days the grace view under a renamed table's old name lives (default 30).")]
    public int GraceDays { get; set; } = 30;

    [ProfileKey(Description = "Component name → allowed values (lower case, no '_'), e.g. variant: [idx, bqx].")]
    public Dictionary<string, List<string>> Values { get; set; } = new();

    [ProfileKey(Description = "Table families, each one or more patterns; a name belongs to the family whose pattern explains it best.")]
    public List<NamingFamilyProfile> Families { get; set; } = new();

    [ProfileKey(Description = "Names the mandate does not govern (status Exempt), matched before any family.")]
    public List<NamingExemptionProfile> Exemptions { get; set; } = new();
}

/// <summary>
/// One family of table names, e.g. <c>cov</c>: <c>cov_{feature_type}_{variant}_{pair1}_{pair2}</c>. A pattern is
/// words separated by '_'; a word is a literal or a <c>{component}</c> whose values come from the mandate's
/// <c>values</c> under the component's name, else under the name without trailing digits (<c>pair1</c> → <c>pair</c>),
/// or under an explicit set (<c>{curr1:currency}</c>). The component <c>variant</c> may be missing (MissingVariant): which
/// variant such a name holds is never assumed; it comes from a generator in the repository that writes the family
/// without a variant marker, or the name is planned Manual (or Duplicate, when its twin exists);
/// the component <c>window</c> is a window suffix (WindowSuffix).
/// </summary>
public sealed class NamingFamilyProfile
{
    [ProfileKey(Required = true, Description = "Family id, e.g. cov; names the family in results and summaries.")]
    public string Id { get; set; } = "";

    [ProfileKey(Description = "What the family holds, for people.")]
    public string? Description { get; set; }

    [ProfileKey(Required = true, Description = "Patterns of the family, e.g. cov_{feature_type}_{variant}_{pair1}_{pair2}.")]
    public List<string> Patterns { get; set; } = new();

    [ProfileKey(Description = "Components whose values must be in ascending alphabetical order, e.g. [pair1, pair2]; empty: no ordering rule.")]
    public List<string> Alphabetical { get; set; } = new();

    [ProfileKey(Description = "Case rule of this family: 'lower' or 'any'; default: the mandate's.", Pattern = "^(lower|any)$")]
    public string? Case { get; set; }
}

/// <summary>Names a mandate does not govern: a pattern with '*' (any run of characters) and '?' (one character).</summary>
public sealed class NamingExemptionProfile
{
    [ProfileKey(Required = true, Description = "Table-name pattern: '*' any characters, '?' one character; compared ignoring case.")]
    public string Pattern { get; set; } = "";

    [ProfileKey(Description = "Why these tables are exempt.")]
    public string? Reason { get; set; }
}
