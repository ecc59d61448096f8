using System.Text.Json.Serialization;

namespace BqxAudit.Model;

/// <summary>What an infrastructure check looks at.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<InfraCheckKind>))]
public enum InfraCheckKind : long
{
    Project,
    Billing,
    Api,
    Permission,
    BigQueryDataset,
    GcsBucket,
    CloudRunJob,
    ServiceAccount,
    Quota,
    CostMonitoring,
    WriteProbe,
}

/// <summary>
/// The verdict of one check. NotVerified means nothing was measured (offline, no credentials, the
/// service could not be reached); Error means the answer could not be understood.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<InfraCheckStatus>))]
public enum InfraCheckStatus : long
{
    Ready,
    Partial,
    Blocked,
    Missing,
    NotVerified,
    Error,
}

/// <summary>
/// One measured fact about the cloud project: what was checked on which target, what was expected,
/// what was measured, the verdict, and the API calls that measured it.
/// </summary>
public sealed class InfraCheck
{
    /// <summary>
    /// <c>project:bqx-ml</c>, <c>api:bigquery.googleapis.com</c>, <c>bigquery:bqx-ml.dataset</c>, <c>gcs:bucket</c>,
    /// <c>run:us-central1/job</c>, <c>serviceAccount:email</c>, <c>quota:bigquery.googleapis.com/quota/query/usage</c> …
    /// </summary>
    public string Target { get; set; } = "";

    public InfraCheckKind Kind { get; set; }

    /// <summary>What was checked, in words (<c>tables, storage and location</c>).</summary>
    public string Check { get; set; } = "";

    public InfraCheckStatus Status { get; set; }

    public string? Expected { get; set; }

    public string? Actual { get; set; }

    /// <summary>Measured values by name (<c>Tables</c>, <c>LogicalBytes</c>, <c>Location</c>, <c>Missing</c> …).</summary>
    public Dictionary<string, object> Details { get; set; } = new();

    /// <summary>What to do when the status is not Ready: a command where there is one.</summary>
    public string? Remedy { get; set; }

    public List<Evidence> Evidence { get; set; } = new();

    public long DurationMs { get; set; }

    /// <summary>The audited root (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>Details as <c>name=value</c> pairs on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string DetailsText => Flat.Join(Details.OrderBy(kv => kv.Key, StringComparer.Ordinal));

    /// <summary>The evidence on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string EvidenceText => Flat.Join(Evidence);

    public override string ToString() => $"{Status} {Kind} {Target}: {Actual}";
}
