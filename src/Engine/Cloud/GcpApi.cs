namespace BqxAudit.Cloud;

/// <summary>
/// A Google API the tool calls: its name (the key of <c>gcp.endpoints</c> in the profile), the
/// discovery document's <c>rootUrl</c> and <c>servicePath</c>, and the service name that enables it.
/// A request URL is root + servicePath + the method's expanded path (ENDPOINTS.md §0).
/// </summary>
public sealed record GcpApi(string Name, string DefaultRootUrl, string ServicePath, string ServiceName)
{
    public static readonly GcpApi BigQuery = new("bigquery", "https://bigquery.googleapis.com/", "bigquery/v2/", "bigquery.googleapis.com");
    public static readonly GcpApi Storage = new("storage", "https://storage.googleapis.com/", "storage/v1/", "storage.googleapis.com");
    public static readonly GcpApi Run = new("run", "https://run.googleapis.com/", "", "run.googleapis.com");
    public static readonly GcpApi ServiceUsage = new("serviceusage", "https://serviceusage.googleapis.com/", "", "serviceusage.googleapis.com");
    public static readonly GcpApi CloudResourceManager = new("cloudresourcemanager", "https://cloudresourcemanager.googleapis.com/", "", "cloudresourcemanager.googleapis.com");
    public static readonly GcpApi Iam = new("iam", "https://iam.googleapis.com/", "", "iam.googleapis.com");
    public static readonly GcpApi CloudBilling = new("cloudbilling", "https://cloudbilling.googleapis.com/", "", "cloudbilling.googleapis.com");
    public static readonly GcpApi BillingBudgets = new("billingbudgets", "https://billingbudgets.googleapis.com/", "", "billingbudgets.googleapis.com");
    public static readonly GcpApi OAuth2 = new("oauth2", "https://www.googleapis.com/", "", "oauth2.googleapis.com");

    /// <summary>Every API whose root URL <c>gcp.endpoints.&lt;name&gt;</c> may replace.</summary>
    public static IReadOnlyList<GcpApi> All { get; } = new[] { BigQuery, Storage, Run, ServiceUsage, CloudResourceManager, Iam, CloudBilling, BillingBudgets, OAuth2 };

    public static GcpApi? Find(string name) => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.Ordinal));

    public override string ToString() => Name;
}
