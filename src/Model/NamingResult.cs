using System.Text.Json.Serialization;

namespace BqxAudit.Model;

/// <summary>Where a table name stands against a naming mandate.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NamingStatus>))]
public enum NamingStatus : long
{
    /// <summary>The name fits a family of the mandate.</summary>
    Compliant,

    /// <summary>The name belongs to a family but breaks it (see Violations).</summary>
    NonCompliant,

    /// <summary>The mandate's exemptions leave the name out.</summary>
    Exempt,

    /// <summary>No family of the mandate applies to the name (or its dataset is outside the mandate).</summary>
    NoRule,
}

/// <summary>One way a name breaks its family.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NamingViolation>))]
public enum NamingViolation : long
{
    /// <summary>The name does not have the family's shape: wrong number of words, a wrong literal, components out of place.</summary>
    Pattern,

    /// <summary>The variant component (idx, bqx) is missing.</summary>
    MissingVariant,

    /// <summary>Components the family orders (pairs, currencies) are not in ascending alphabetical order.</summary>
    AlphabeticalOrder,

    /// <summary>Upper-case letters where the family requires lower case.</summary>
    Case,

    /// <summary>The window suffix is missing or not an allowed window.</summary>
    WindowSuffix,

    /// <summary>A component's value is not one of its allowed values.</summary>
    UnknownComponent,
}

/// <summary>The classification of one table name against one naming mandate.</summary>
public sealed class NamingResult
{
    /// <summary>The table name as given (unqualified).</summary>
    public string TableName { get; set; } = "";

    /// <summary>The dataset, when the name was qualified or came from a dataset's listing.</summary>
    public string? Dataset { get; set; }

    /// <summary>The project, when the name was qualified with one.</summary>
    public string? Project { get; set; }

    /// <summary>The family the name belongs to (e.g. <c>cov</c>); null for NoRule and Exempt.</summary>
    public string? Family { get; set; }

    public NamingStatus Status { get; set; }

    /// <summary>Every violation found, each kind once, in enum order; empty unless NonCompliant.</summary>
    public IReadOnlyList<NamingViolation> Violations { get; set; } = Array.Empty<NamingViolation>();

    private IReadOnlyList<string>? details;

    /// <summary>One sentence per problem found (which component, which value), in name order.</summary>
    public IReadOnlyList<string> Details
    {
        get
        {
            if (details is null)
            {
                // Classification defers the sentences until someone reads them: most runs only count.
                details = DeferredDetails?.Explain(TableName) ?? Array.Empty<string>();
                DeferredDetails = null;
            }

            return details;
        }
        set
        {
            details = value;
            DeferredDetails = null;
        }
    }

    /// <summary>Builds Details on first read (set by the naming engine).</summary>
    internal IDetailsSource? DeferredDetails { get; set; }

    /// <summary>The compliant name the violations lead to deterministically; null when none follows (see Reason).</summary>
    public string? SuggestedName { get; set; }

    /// <summary>Why there is no SuggestedName (NonCompliant, NoRule) or why the name is Exempt.</summary>
    public string? Reason { get; set; }

    /// <summary>The rule that decided: <c>M008/cov: cov_{feature_type}_{variant}_{pair1}_{pair2}</c>, an exemption, or the mandate.</summary>
    public string Rule { get; set; } = "";

    /// <summary>Where the name came from: <c>tables.txt:12</c>, <c>argument</c>, <c>scripts/x.py:42</c>.</summary>
    public string Source { get; set; } = "";

    /// <summary>How many times the input listed this name (duplicates are classified once).</summary>
    public int Count { get; set; } = 1;

    /// <summary>The BigQuery table type when the listing said (TABLE, VIEW, EXTERNAL …); null when unknown.</summary>
    public string? TableType { get; set; }

    /// <summary>The audited root whose profile classified the name (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>The violations on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string ViolationsText => Flat.Join(Violations, ",");

    /// <summary>The detail sentences on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string DetailsText => Flat.Join(Details);

    public override string ToString() => $"{TableName} {Status}";
}

/// <summary>Explains a classified name in sentences, when asked (shared by every name classified the same way).</summary>
internal interface IDetailsSource
{
    IReadOnlyList<string> Explain(string tableName);
}
