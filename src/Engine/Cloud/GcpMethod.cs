using System.Text;

namespace BqxAudit.Cloud;

/// <summary>
/// One REST method as its discovery document describes it: id, verb, path template (relative to
/// root + servicePath, with <c>{+reserved}</c> and <c>{simple}</c> expansions), the query parameters
/// the tool sends, and the request and response DTOs. The contract test compares every one of these
/// with <c>../shared/gcp-discovery/</c>.
/// </summary>
public sealed record GcpMethod(
    string Id,
    GcpApi Api,
    string Document,
    string HttpMethod,
    string Path,
    IReadOnlyList<string> QueryParameters,
    Type? Request,
    Type Response)
{
    /// <summary>The IAM permission the call needs (Google's per-method documentation), named when it is denied.</summary>
    public string? Permission { get; init; }

    /// <summary>Parameters every Google API accepts (discovery top-level <c>parameters</c>).</summary>
    public static IReadOnlyList<string> StandardParameters { get; } = new[] { "fields", "prettyPrint", "quotaUser", "alt" };

    /// <summary>
    /// True for calls that change nothing by their method: GETs, testIamPermissions, getIamPolicy, and jobs.query,
    /// whose statements the checks keep to SELECTs (the fake server's log proves it). The one exception is the
    /// opt-in write probe, which sends DDL through jobs.query only after -ProbeWrite and ShouldProcess.
    /// </summary>
    public bool ReadOnly => HttpMethod == "GET" || Id.EndsWith(".testIamPermissions", StringComparison.Ordinal)
        || Id.EndsWith(".getIamPolicy", StringComparison.Ordinal) || Id == "bigquery.jobs.query";

    /// <summary>Expands the path template: <c>{+name}</c> keeps '/' (reserved expansion), <c>{name}</c> percent-encodes everything.</summary>
    public string ExpandPath(IReadOnlyDictionary<string, string> values)
    {
        var result = new StringBuilder(Api.ServicePath);
        var i = 0;
        while (i < Path.Length)
        {
            var open = Path.IndexOf('{', i);
            if (open < 0)
            {
                result.Append(Path, i, Path.Length - i);
                break;
            }

            result.Append(Path, i, open - i);
            var close = Path.IndexOf('}', open);
            var reserved = Path[open + 1] == '+';
            var name = Path[(open + (reserved ? 2 : 1))..close];
            if (!values.TryGetValue(name, out var value) || string.IsNullOrEmpty(value))
            {
                throw new ArgumentException($"{Id}: path parameter '{name}' has no value");
            }

            result.Append(reserved ? EscapeReserved(value) : Uri.EscapeDataString(value));
            i = close + 1;
        }

        return result.ToString();
    }

    /// <summary>RFC 6570 reserved expansion: unreserved and reserved characters and existing %XX triplets stay; the rest is encoded.</summary>
    internal static string EscapeReserved(string value)
    {
        const string keep = "-._~:/?#[]@!$&'()*+,;=";
        var bytes = Encoding.UTF8.GetBytes(value);
        var sb = new StringBuilder(bytes.Length);
        for (var i = 0; i < bytes.Length; i++)
        {
            var b = bytes[i];
            var c = (char)b;
            if (b < 0x80 && (char.IsAsciiLetterOrDigit(c) || keep.Contains(c)))
            {
                sb.Append(c);
            }
            else if (c == '%' && i + 2 < bytes.Length && Uri.IsHexDigit((char)bytes[i + 1]) && Uri.IsHexDigit((char)bytes[i + 2]))
            {
                sb.Append('%');
            }
            else
            {
                sb.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    public override string ToString() => $"{HttpMethod} {Id}";
}

/// <summary>
/// Every REST method the tool calls. Nothing outside this list is ever requested. The Cloud Storage methods
/// are sent by Google.Cloud.Storage.V1 (their responses are Google.Apis.Storage.v1's types, named after the
/// discovery schemas); the rest by <see cref="GcpSession.SendAsync{T}"/>.
/// </summary>
public static class GcpMethods
{
    private static readonly string[] None = Array.Empty<string>();

    public static readonly GcpMethod DatasetsGet = new("bigquery.datasets.get", GcpApi.BigQuery, "bigquery.v2", "GET",
        "projects/{+projectId}/datasets/{+datasetId}", new[] { "datasetView" }, null, typeof(BigQuery.Dataset))
    { Permission = "bigquery.datasets.get" };

    public static readonly GcpMethod TablesList = new("bigquery.tables.list", GcpApi.BigQuery, "bigquery.v2", "GET",
        "projects/{+projectId}/datasets/{+datasetId}/tables", new[] { "maxResults", "pageToken" }, null, typeof(BigQuery.TableList))
    { Permission = "bigquery.tables.list" };

    public static readonly GcpMethod TablesGet = new("bigquery.tables.get", GcpApi.BigQuery, "bigquery.v2", "GET",
        "projects/{+projectId}/datasets/{+datasetId}/tables/{+tableId}", new[] { "view", "selectedFields" }, null, typeof(BigQuery.Table))
    { Permission = "bigquery.tables.get" };

    public static readonly GcpMethod JobsQuery = new("bigquery.jobs.query", GcpApi.BigQuery, "bigquery.v2", "POST",
        "projects/{+projectId}/queries", None, typeof(BigQuery.QueryRequest), typeof(BigQuery.QueryResponse))
    { Permission = "bigquery.jobs.create" };

    public static readonly GcpMethod JobsGetQueryResults = new("bigquery.jobs.getQueryResults", GcpApi.BigQuery, "bigquery.v2", "GET",
        "projects/{+projectId}/queries/{+jobId}", new[] { "location", "pageToken", "maxResults", "timeoutMs", "formatOptions.useInt64Timestamp" },
        null, typeof(BigQuery.GetQueryResultsResponse))
    { Permission = "bigquery.jobs.get" };

    public static readonly GcpMethod TablesTestIamPermissions = new("bigquery.tables.testIamPermissions", GcpApi.BigQuery, "bigquery.v2", "POST",
        "{+resource}:testIamPermissions", None, typeof(BigQuery.TestIamPermissionsRequest), typeof(BigQuery.TestIamPermissionsResponse));

    public static readonly GcpMethod BucketsGet = new("storage.buckets.get", GcpApi.Storage, "storage.v1", "GET",
        "b/{bucket}", new[] { "projection" }, null, typeof(Google.Apis.Storage.v1.Data.Bucket))
    { Permission = "storage.buckets.get" };

    public static readonly GcpMethod BucketsTestIamPermissions = new("storage.buckets.testIamPermissions", GcpApi.Storage, "storage.v1", "GET",
        "b/{bucket}/iam/testPermissions", new[] { "permissions" }, null, typeof(Google.Apis.Storage.v1.Data.TestIamPermissionsResponse));

    public static readonly GcpMethod ObjectsList = new("storage.objects.list", GcpApi.Storage, "storage.v1", "GET",
        "b/{bucket}/o", new[] { "prefix", "pageToken", "maxResults", "projection" }, null, typeof(Google.Apis.Storage.v1.Data.Objects))
    { Permission = "storage.objects.list" };

    public static readonly GcpMethod ProjectsGet = new("cloudresourcemanager.projects.get", GcpApi.CloudResourceManager, "cloudresourcemanager.v3", "GET",
        "v3/{+name}", None, null, typeof(ResourceManager.Project))
    { Permission = "resourcemanager.projects.get" };

    public static readonly GcpMethod ProjectsTestIamPermissions = new("cloudresourcemanager.projects.testIamPermissions", GcpApi.CloudResourceManager, "cloudresourcemanager.v3", "POST",
        "v3/{+resource}:testIamPermissions", None, typeof(ResourceManager.TestIamPermissionsRequest), typeof(ResourceManager.TestIamPermissionsResponse));

    public static readonly GcpMethod ServicesBatchGet = new("serviceusage.services.batchGet", GcpApi.ServiceUsage, "serviceusage.v1", "GET",
        "v1/{+parent}/services:batchGet", new[] { "names" }, null, typeof(ServiceUsage.BatchGetServicesResponse))
    { Permission = "serviceusage.services.get" };

    public static readonly GcpMethod GetBillingInfo = new("cloudbilling.projects.getBillingInfo", GcpApi.CloudBilling, "cloudbilling.v1", "GET",
        "v1/{+name}/billingInfo", None, null, typeof(Billing.ProjectBillingInfo))
    { Permission = "resourcemanager.projects.get" };

    public static readonly GcpMethod RunJobsGet = new("run.projects.locations.jobs.get", GcpApi.Run, "run.v2", "GET",
        "v2/{+name}", None, null, typeof(CloudRun.GoogleCloudRunV2Job))
    { Permission = "run.jobs.get" };

    public static readonly GcpMethod RunExecutionsGet = new("run.projects.locations.jobs.executions.get", GcpApi.Run, "run.v2", "GET",
        "v2/{+name}", None, null, typeof(CloudRun.GoogleCloudRunV2Execution))
    { Permission = "run.executions.get" };

    public static readonly GcpMethod ServiceAccountKeysList = new("iam.projects.serviceAccounts.keys.list", GcpApi.Iam, "iam.v1", "GET",
        "v1/{+name}/keys", new[] { "keyTypes" }, null, typeof(Iam.ListServiceAccountKeysResponse))
    { Permission = "iam.serviceAccountKeys.list" };

    public static readonly GcpMethod ConsumerQuotaMetricsList = new("serviceusage.services.consumerQuotaMetrics.list", GcpApi.ServiceUsage, "serviceusage.v1beta1", "GET",
        "v1beta1/{+parent}/consumerQuotaMetrics", new[] { "view", "pageToken" }, null, typeof(ServiceUsage.ListConsumerQuotaMetricsResponse))
    { Permission = "serviceusage.quotas.get" };

    public static readonly GcpMethod BudgetsList = new("billingbudgets.billingAccounts.budgets.list", GcpApi.BillingBudgets, "billingbudgets.v1", "GET",
        "v1/{+parent}/budgets", new[] { "scope", "pageToken" }, null, typeof(Billing.GoogleCloudBillingBudgetsV1ListBudgetsResponse))
    { Permission = "billing.budgets.list" };

    public static IReadOnlyList<GcpMethod> All { get; } = new[]
    {
        DatasetsGet, TablesList, TablesGet, JobsQuery, JobsGetQueryResults, TablesTestIamPermissions,
        BucketsGet, BucketsTestIamPermissions, ObjectsList,
        ProjectsGet, ProjectsTestIamPermissions, ServicesBatchGet, GetBillingInfo,
        RunJobsGet, RunExecutionsGet, ServiceAccountKeysList, ConsumerQuotaMetricsList, BudgetsList,
    };
}
