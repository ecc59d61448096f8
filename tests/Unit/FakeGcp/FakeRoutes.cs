using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace BqxAudit.Tests.FakeGcp;

/// <summary>
/// One route of the fake: the discovery method id it serves, verb, path template (servicePath included,
/// discovery syntax: <c>{+reserved}</c> keeps '/', <c>{simple}</c> does not), parameter patterns copied from
/// the discovery document, the service that must be enabled, the IAM permission the caller needs, and the
/// handler. Adding a method is one entry in <see cref="FakeRoutes.All"/>.
/// </summary>
public sealed class FakeRoute
{
    private Regex? regex;

    public FakeRoute(string id, string method, string template, string? document, ErrorStyle style, string? service,
        Func<FakeRequest, FakeGcpState, FakeResponse> handler)
    {
        Id = id;
        Method = method;
        Template = template;
        Document = document;
        Style = style;
        Service = service;
        Handler = handler;
    }

    public string Id { get; }
    public string Method { get; }
    public string Template { get; }

    /// <summary>The discovery document (<c>bigquery.v2</c>); null for token and metadata routes, which have none.</summary>
    public string? Document { get; }

    public ErrorStyle Style { get; }
    public string? Service { get; }
    public Func<FakeRequest, FakeGcpState, FakeResponse> Handler { get; }

    public string? Permission { get; init; }

    /// <summary>Discovery <c>pattern</c> of path parameters that have one.</summary>
    public Dictionary<string, string> Patterns { get; init; } = new(StringComparer.Ordinal);

    /// <summary>The resources (besides the project) a grant of <see cref="Permission"/> may sit on.</summary>
    public Func<FakeRequest, FakeGcpState, string[]> Resources { get; init; } = (_, _) => Array.Empty<string>();

    public bool TryMatch(string path, out Dictionary<string, string> values)
    {
        values = new Dictionary<string, string>(StringComparer.Ordinal);
        regex ??= Compile();
        var m = regex.Match(path);
        if (!m.Success)
        {
            return false;
        }

        foreach (var name in regex.GetGroupNames().Where(n => !int.TryParse(n, out _)))
        {
            var raw = m.Groups[name].Value;
            if (Patterns.TryGetValue(name, out var pattern) && !Regex.IsMatch(raw, pattern))
            {
                return false;
            }

            values[name] = Uri.UnescapeDataString(raw);
        }

        return true;
    }

    private Regex Compile()
    {
        var sb = new StringBuilder("^");
        var i = 0;
        foreach (Match m in Regex.Matches(Template, @"\{(\+?)([A-Za-z0-9_]+)\}"))
        {
            sb.Append(Regex.Escape(Template[i..m.Index]));
            var name = m.Groups[2].Value;
            sb.Append(m.Groups[1].Value == "+" && Patterns.ContainsKey(name) ? $"(?<{name}>.+?)" : $"(?<{name}>[^/]+?)");
            i = m.Index + m.Length;
        }

        sb.Append(Regex.Escape(Template[i..])).Append('$');
        return new Regex(sb.ToString(), RegexOptions.CultureInvariant);
    }
}

/// <summary>The fake's route table and handlers: every method this issue and the next one call.</summary>
public static class FakeRoutes
{
    public const string TokenRoute = "oauth2.token";
    public const string MetadataPingRoute = "metadata.ping";
    public const string MetadataTokenRoute = "metadata.token";
    public const string MetadataEmailRoute = "metadata.email";

    private const string Bq = "bigquery.googleapis.com";
    private const string Gcs = "storage.googleapis.com";
    private const string Crm = "cloudresourcemanager.googleapis.com";
    private const string Su = "serviceusage.googleapis.com";

    /// <summary>BigQuery's id parameters: one path segment each (bigquery.v2.json rev 20260811 declares <c>^[^/]+$</c>).</summary>
    private static Dictionary<string, string> Ids(params string[] names) => names.ToDictionary(n => n, _ => "^[^/]+$", StringComparer.Ordinal);

    private static readonly Dictionary<string, string> TableResource = new() { ["resource"] = "^projects/[^/]+/datasets/[^/]+/tables/[^/]+$" };
    private static readonly Dictionary<string, string> ProjectName = new() { ["name"] = "^projects/[^/]+$" };
    private static readonly Dictionary<string, string> ProjectResource = new() { ["resource"] = "^projects/[^/]+$" };

    public static bool IsAuthRoute(string routeId) => routeId is TokenRoute or MetadataPingRoute or MetadataTokenRoute or MetadataEmailRoute;

    public static IReadOnlyList<FakeRoute> All { get; } = new FakeRoute[]
    {
        // --- BigQuery v2 ---
        new("bigquery.datasets.get", "GET", "bigquery/v2/projects/{+projectId}/datasets/{+datasetId}", "bigquery.v2", ErrorStyle.BigQuery, Bq, DatasetsGet)
            { Patterns = Ids("projectId", "datasetId"), Permission = "bigquery.datasets.get", Resources = (r, _) => new[] { $"datasets/{r.Path("datasetId")}" } },
        new("bigquery.datasets.list", "GET", "bigquery/v2/projects/{+projectId}/datasets", "bigquery.v2", ErrorStyle.BigQuery, Bq, DatasetsList)
            { Patterns = Ids("projectId"), Permission = "bigquery.datasets.get" },
        new("bigquery.tables.list", "GET", "bigquery/v2/projects/{+projectId}/datasets/{+datasetId}/tables", "bigquery.v2", ErrorStyle.BigQuery, Bq, TablesList)
            { Patterns = Ids("projectId", "datasetId"), Permission = "bigquery.tables.list", Resources = (r, _) => new[] { $"datasets/{r.Path("datasetId")}" } },
        new("bigquery.tables.get", "GET", "bigquery/v2/projects/{+projectId}/datasets/{+datasetId}/tables/{+tableId}", "bigquery.v2", ErrorStyle.BigQuery, Bq, TablesGet)
            { Patterns = Ids("projectId", "datasetId", "tableId"), Permission = "bigquery.tables.get", Resources = (r, _) => new[] { $"datasets/{r.Path("datasetId")}", $"projects/{r.Path("projectId")}/datasets/{r.Path("datasetId")}/tables/{r.Path("tableId")}" } },
        new("bigquery.tables.insert", "POST", "bigquery/v2/projects/{+projectId}/datasets/{+datasetId}/tables", "bigquery.v2", ErrorStyle.BigQuery, Bq, TablesInsert)
            { Patterns = Ids("projectId", "datasetId"), Permission = "bigquery.tables.create", Resources = (r, _) => new[] { $"datasets/{r.Path("datasetId")}" } },
        new("bigquery.tables.delete", "DELETE", "bigquery/v2/projects/{+projectId}/datasets/{+datasetId}/tables/{+tableId}", "bigquery.v2", ErrorStyle.BigQuery, Bq, TablesDelete)
            { Patterns = Ids("projectId", "datasetId", "tableId"), Permission = "bigquery.tables.delete", Resources = (r, _) => new[] { $"datasets/{r.Path("datasetId")}" } },
        new("bigquery.tables.testIamPermissions", "POST", "bigquery/v2/{+resource}:testIamPermissions", "bigquery.v2", ErrorStyle.BigQuery, Bq, TablesTestIamPermissions)
            { Patterns = TableResource },
        new("bigquery.tables.getIamPolicy", "POST", "bigquery/v2/{+resource}:getIamPolicy", "bigquery.v2", ErrorStyle.BigQuery, Bq, GetIamPolicy)
            { Patterns = TableResource, Permission = "bigquery.tables.getIamPolicy" },
        new("bigquery.jobs.query", "POST", "bigquery/v2/projects/{+projectId}/queries", "bigquery.v2", ErrorStyle.BigQuery, Bq, JobsQuery)
            { Patterns = Ids("projectId"), Permission = "bigquery.jobs.create" },
        new("bigquery.jobs.getQueryResults", "GET", "bigquery/v2/projects/{+projectId}/queries/{+jobId}", "bigquery.v2", ErrorStyle.BigQuery, Bq, JobsGetQueryResults)
            { Patterns = Ids("projectId", "jobId") },
        new("bigquery.jobs.get", "GET", "bigquery/v2/projects/{+projectId}/jobs/{+jobId}", "bigquery.v2", ErrorStyle.BigQuery, Bq, JobsGet)
            { Patterns = Ids("projectId", "jobId") },

        // --- Cloud Storage v1 ---
        new("storage.buckets.get", "GET", "storage/v1/b/{bucket}", "storage.v1", ErrorStyle.Storage, Gcs, BucketsGet)
            { Permission = "storage.buckets.get", Resources = (r, _) => new[] { $"projects/_/buckets/{r.Path("bucket")}" } },
        new("storage.buckets.testIamPermissions", "GET", "storage/v1/b/{bucket}/iam/testPermissions", "storage.v1", ErrorStyle.Storage, Gcs, BucketsTestIamPermissions),
        new("storage.buckets.getIamPolicy", "GET", "storage/v1/b/{bucket}/iam", "storage.v1", ErrorStyle.Storage, Gcs, BucketsGetIamPolicy)
            { Permission = "storage.buckets.getIamPolicy", Resources = (r, _) => new[] { $"projects/_/buckets/{r.Path("bucket")}" } },
        new("storage.objects.list", "GET", "storage/v1/b/{bucket}/o", "storage.v1", ErrorStyle.Storage, Gcs, ObjectsList)
            { Permission = "storage.objects.list", Resources = (r, _) => new[] { $"projects/_/buckets/{r.Path("bucket")}" } },

        // --- Resource Manager v3 ---
        new("cloudresourcemanager.projects.get", "GET", "v3/{+name}", "cloudresourcemanager.v3", ErrorStyle.Aip, Crm, ProjectsGet)
            { Patterns = ProjectName, Permission = "resourcemanager.projects.get" },
        new("cloudresourcemanager.projects.testIamPermissions", "POST", "v3/{+resource}:testIamPermissions", "cloudresourcemanager.v3", ErrorStyle.Aip, Crm, ProjectsTestIamPermissions)
            { Patterns = ProjectResource },
        new("cloudresourcemanager.projects.getIamPolicy", "POST", "v3/{+resource}:getIamPolicy", "cloudresourcemanager.v3", ErrorStyle.Aip, Crm, GetIamPolicy)
            { Patterns = ProjectResource, Permission = "resourcemanager.projects.getIamPolicy" },

        // --- Service Usage v1 and v1beta1 ---
        new("serviceusage.services.batchGet", "GET", "v1/{+parent}/services:batchGet", "serviceusage.v1", ErrorStyle.Aip, Su, ServicesBatchGet)
            { Patterns = new() { ["parent"] = "^[^/]+/[^/]+$" }, Permission = "serviceusage.services.get" },
        new("serviceusage.services.get", "GET", "v1/{+name}", "serviceusage.v1", ErrorStyle.Aip, Su, ServicesGet)
            { Patterns = new() { ["name"] = "^[^/]+/[^/]+/services/[^/]+$" }, Permission = "serviceusage.services.get" },
        new("serviceusage.services.list", "GET", "v1/{+parent}/services", "serviceusage.v1", ErrorStyle.Aip, Su, ServicesList)
            { Patterns = new() { ["parent"] = "^[^/]+/[^/]+$" }, Permission = "serviceusage.services.list" },
        new("serviceusage.services.consumerQuotaMetrics.list", "GET", "v1beta1/{+parent}/consumerQuotaMetrics", "serviceusage.v1beta1", ErrorStyle.Aip, Su, QuotaMetricsList)
            { Patterns = new() { ["parent"] = "^[^/]+/[^/]+/services/[^/]+$" }, Permission = "serviceusage.quotas.get" },

        // --- Cloud Billing and Budgets ---
        new("cloudbilling.projects.getBillingInfo", "GET", "v1/{+name}/billingInfo", "cloudbilling.v1", ErrorStyle.Aip, "cloudbilling.googleapis.com", GetBillingInfo)
            { Patterns = ProjectName, Permission = "resourcemanager.projects.get" },
        new("billingbudgets.billingAccounts.budgets.list", "GET", "v1/{+parent}/budgets", "billingbudgets.v1", ErrorStyle.Aip, "billingbudgets.googleapis.com", BudgetsList)
            { Patterns = new() { ["parent"] = "^billingAccounts/[^/]+$" }, Permission = "billing.budgets.list" },

        // --- Cloud Run v2 ---
        new("run.projects.locations.jobs.list", "GET", "v2/{+parent}/jobs", "run.v2", ErrorStyle.Aip, "run.googleapis.com", RunJobsList)
            { Patterns = new() { ["parent"] = "^projects/[^/]+/locations/[^/]+$" }, Permission = "run.jobs.list" },
        new("run.projects.locations.jobs.get", "GET", "v2/{+name}", "run.v2", ErrorStyle.Aip, "run.googleapis.com", RunJobsGet)
            { Patterns = new() { ["name"] = "^projects/[^/]+/locations/[^/]+/jobs/[^/]+$" }, Permission = "run.jobs.get" },
        new("run.projects.locations.jobs.executions.list", "GET", "v2/{+parent}/executions", "run.v2", ErrorStyle.Aip, "run.googleapis.com", RunExecutionsList)
            { Patterns = new() { ["parent"] = "^projects/[^/]+/locations/[^/]+/jobs/[^/]+$" }, Permission = "run.executions.list" },
        new("run.projects.locations.jobs.executions.get", "GET", "v2/{+name}", "run.v2", ErrorStyle.Aip, "run.googleapis.com", RunExecutionsGet)
            { Patterns = new() { ["name"] = "^projects/[^/]+/locations/[^/]+/jobs/[^/]+/executions/[^/]+$" }, Permission = "run.executions.get" },

        // --- IAM v1 ---
        new("iam.projects.serviceAccounts.keys.list", "GET", "v1/{+name}/keys", "iam.v1", ErrorStyle.Aip, "iam.googleapis.com", KeysList)
            { Patterns = new() { ["name"] = "^projects/[^/]+/serviceAccounts/[^/]+$" }, Permission = "iam.serviceAccountKeys.list" },

        // --- tokens and the metadata server (no discovery documents) ---
        new(TokenRoute, "POST", "token", null, ErrorStyle.Aip, null, (_, _) => throw new InvalidOperationException("served by the server")),
        new(MetadataPingRoute, "GET", "", null, ErrorStyle.Aip, null, (_, _) => throw new InvalidOperationException("served by the server")),
        new(MetadataTokenRoute, "GET", "computeMetadata/v1/instance/service-accounts/default/token", null, ErrorStyle.Aip, null, (_, _) => throw new InvalidOperationException("served by the server")),
        new(MetadataEmailRoute, "GET", "computeMetadata/v1/instance/service-accounts/default/email", null, ErrorStyle.Aip, null, (_, _) => throw new InvalidOperationException("served by the server")),
    };

    /// <summary>The route for a verb and raw path, with its decoded values; ambiguous when two routes match (a fake bug).</summary>
    public static (FakeRoute? Route, Dictionary<string, string>? Values, bool Ambiguous) Match(string method, string path)
    {
        FakeRoute? found = null;
        Dictionary<string, string>? values = null;
        foreach (var route in All)
        {
            if (route.Method == method && route.TryMatch(path, out var v))
            {
                if (found is not null)
                {
                    return (null, null, true);
                }

                found = route;
                values = v;
            }
        }

        return (found, values, false);
    }

    // ---------------------------------------------------------------- helpers

    private static string Str(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static FakeRoute Route(string id) => All.First(r => r.Id == id);

    /// <summary>An opaque page token: the offset of the next item.</summary>
    private static (int Start, int End, string? Next) Page(int total, string? token, int size)
    {
        var start = 0;
        if (!string.IsNullOrEmpty(token))
        {
            var text = Encoding.UTF8.GetString(Convert.FromBase64String(token));
            start = int.Parse(text["o:".Length..], CultureInfo.InvariantCulture);
        }

        var end = Math.Min(total, start + Math.Max(1, size));
        return (start, end, end < total ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"o:{end}")) : null);
    }

    private static int Size(FakeRequest r, string name, int fallback, int max) =>
        r.Query(name) is { } s && int.TryParse(s, out var n) && n > 0 ? Math.Min(n, max) : Math.Min(fallback, max);

    private static FakeResponse? CheckProject(FakeRequest r, FakeGcpState s, string routeId) =>
        s.IsProject(r.Path("projectId")) ? null : new FakeResponse(404, FakeErrors.NotFound(Route(routeId), $"Project {r.Path("projectId")}"));

    private static JsonArray Strings(IEnumerable<string> values) => new(values.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray());

    private static string Rfc3339(DateTimeOffset t) => t.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    // ---------------------------------------------------------------- BigQuery

    private static FakeResponse DatasetsGet(FakeRequest r, FakeGcpState s)
    {
        if (CheckProject(r, s, "bigquery.datasets.get") is { } e)
        {
            return e;
        }

        var id = r.Path("datasetId");
        if (!s.Datasets.TryGetValue(id, out var d))
        {
            return new FakeResponse(404, FakeErrors.NotFound(Route("bigquery.datasets.get"), $"Dataset {s.ProjectId}:{id}"));
        }

        return FakeResponse.Ok(new JsonObject
        {
            ["kind"] = "bigquery#dataset",
            ["etag"] = "\"etag-" + id + "\"",
            ["id"] = $"{s.ProjectId}:{id}",
            ["datasetReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["datasetId"] = id },
            ["location"] = d.Location,
            ["creationTime"] = "1700000000000",
            ["lastModifiedTime"] = "1765584000000",
            ["type"] = "DEFAULT",
        });
    }

    private static FakeResponse DatasetsList(FakeRequest r, FakeGcpState s)
    {
        if (CheckProject(r, s, "bigquery.datasets.list") is { } e)
        {
            return e;
        }

        var all = s.Datasets.Values.OrderBy(d => d.Id, StringComparer.Ordinal).ToList();
        var (start, end, next) = Page(all.Count, r.Query("pageToken"), Size(r, "maxResults", 50, 1000));
        var body = new JsonObject { ["kind"] = "bigquery#datasetList", ["etag"] = "\"list\"" };
        if (end > start)
        {
            body["datasets"] = new JsonArray(all.Skip(start).Take(end - start).Select(d => (JsonNode)new JsonObject
            {
                ["kind"] = "bigquery#dataset",
                ["id"] = $"{s.ProjectId}:{d.Id}",
                ["datasetReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["datasetId"] = d.Id },
                ["location"] = d.Location,
                ["type"] = "DEFAULT",
            }).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse TablesList(FakeRequest r, FakeGcpState s)
    {
        if (CheckProject(r, s, "bigquery.tables.list") is { } e)
        {
            return e;
        }

        var id = r.Path("datasetId");
        if (!s.Datasets.TryGetValue(id, out var d))
        {
            return new FakeResponse(404, FakeErrors.NotFound(Route("bigquery.tables.list"), $"Dataset {s.ProjectId}:{id}"));
        }

        var tables = d.Tables;
        var (start, end, next) = Page(tables.Count, r.Query("pageToken"), Size(r, "maxResults", 50, s.TablesListMaxPageSize));
        var body = new JsonObject { ["kind"] = "bigquery#tableList", ["etag"] = "\"tables\"", ["totalItems"] = tables.Count };
        if (end > start)
        {
            var items = new JsonNode[end - start];
            for (var i = start; i < end; i++)
            {
                var t = tables[i];
                items[i - start] = new JsonObject
                {
                    ["kind"] = "bigquery#table",
                    ["id"] = $"{s.ProjectId}:{id}.{t.Id}",
                    ["tableReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["datasetId"] = id, ["tableId"] = t.Id },
                    ["type"] = t.Type,
                    ["creationTime"] = Str(t.CreationTime),
                };
                if (t.ExpirationTime is { } expires)
                {
                    items[i - start]!["expirationTime"] = Str(expires);
                }
            }

            body["tables"] = new JsonArray(items);
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    private static JsonObject TableJson(FakeGcpState s, FakeDataset d, FakeTable t, bool stats)
    {
        var body = new JsonObject
        {
            ["kind"] = "bigquery#table",
            ["etag"] = "\"t-" + t.Id + "\"",
            ["id"] = $"{s.ProjectId}:{d.Id}.{t.Id}",
            ["tableReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["datasetId"] = d.Id, ["tableId"] = t.Id },
            ["type"] = t.Type,
            ["location"] = d.Location,
            ["creationTime"] = Str(t.CreationTime),
            ["lastModifiedTime"] = Str(t.CreationTime + 1000),
        };
        if (t.ExpirationTime is { } expires)
        {
            body["expirationTime"] = Str(expires);
        }

        if (t.Description is { } description)
        {
            body["description"] = description;
        }

        if (stats && t.HasStorage)
        {
            body["numBytes"] = Str(t.NumBytes);
            body["numRows"] = Str(t.NumRows);
            body["numLongTermBytes"] = Str(t.NumLongTermBytes);
            body["numPhysicalBytes"] = Str(t.NumPhysicalBytes);
            body["numTotalLogicalBytes"] = Str(t.NumBytes);
            body["numActiveLogicalBytes"] = Str(t.NumBytes - t.NumLongTermBytes);
            body["numLongTermLogicalBytes"] = Str(t.NumLongTermBytes);
            body["numTotalPhysicalBytes"] = Str(t.NumPhysicalBytes);
        }

        return body;
    }

    private static FakeResponse TablesGet(FakeRequest r, FakeGcpState s)
    {
        if (CheckProject(r, s, "bigquery.tables.get") is { } e)
        {
            return e;
        }

        var route = Route("bigquery.tables.get");
        if (!s.Datasets.TryGetValue(r.Path("datasetId"), out var d))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Dataset {s.ProjectId}:{r.Path("datasetId")}"));
        }

        var t = d.Find(r.Path("tableId"));
        return t is null
            ? new FakeResponse(404, FakeErrors.NotFound(route, $"Table {s.ProjectId}:{d.Id}.{r.Path("tableId")}"))
            : FakeResponse.Ok(TableJson(s, d, t, r.Query("view") != "BASIC"));
    }

    private static FakeResponse TablesInsert(FakeRequest r, FakeGcpState s)
    {
        var route = Route("bigquery.tables.insert");
        if (!s.Datasets.TryGetValue(r.Path("datasetId"), out var d))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Dataset {s.ProjectId}:{r.Path("datasetId")}"));
        }

        var id = r.Json?["tableReference"]?["tableId"]?.GetValue<string>();
        if (string.IsNullOrEmpty(id))
        {
            return new FakeResponse(400, FakeErrors.Invalid(route, "tableReference.tableId is required", "required"));
        }

        if (d.Find(id) is not null)
        {
            return new FakeResponse(409, FakeErrors.Error(route, 409, "duplicate", $"Already Exists: Table {s.ProjectId}:{d.Id}.{id}", "ALREADY_EXISTS"));
        }

        return FakeResponse.Ok(TableJson(s, d, d.Add(new FakeTable(id)), true));
    }

    private static FakeResponse TablesDelete(FakeRequest r, FakeGcpState s)
    {
        var route = Route("bigquery.tables.delete");
        return s.Datasets.TryGetValue(r.Path("datasetId"), out var d) && d.Remove(r.Path("tableId"))
            ? new FakeResponse(204, null)
            : new FakeResponse(404, FakeErrors.NotFound(route, $"Table {s.ProjectId}:{r.Path("datasetId")}.{r.Path("tableId")}"));
    }

    private static FakeResponse TablesTestIamPermissions(FakeRequest r, FakeGcpState s)
    {
        var resource = r.Path("resource");
        var parts = resource.Split('/');
        var wanted = r.Json?["permissions"]?.AsArray().Select(p => p!.GetValue<string>()).ToArray() ?? Array.Empty<string>();
        var exists = s.Datasets.TryGetValue(parts[3], out var d) && d.Find(parts[5]) is not null;
        var granted = exists ? wanted.Where(p => s.Iam.Allows(p, resource, $"datasets/{parts[3]}")).ToArray() : Array.Empty<string>();
        var body = new JsonObject();
        if (granted.Length > 0)
        {
            body["permissions"] = Strings(granted);
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse GetIamPolicy(FakeRequest r, FakeGcpState s) => FakeResponse.Ok(new JsonObject
    {
        ["version"] = 1,
        ["etag"] = "BwYAAAAAAAA=",
        ["bindings"] = new JsonArray(s.Iam.Bindings.Select(b => (JsonNode)new JsonObject { ["role"] = b.Role, ["members"] = Strings(b.Members) }).ToArray()),
    });

    private static readonly Regex StorageQuery = new(@"`(?<project>[^`]+)`\.`region-(?<region>[a-z0-9-]+)`\.INFORMATION_SCHEMA\.TABLE_STORAGE", RegexOptions.CultureInvariant);
    private static readonly Regex ReadOnlySql = new(@"^\s*(SELECT|WITH)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    private static FakeResponse JobsQuery(FakeRequest r, FakeGcpState s)
    {
        var route = Route("bigquery.jobs.query");
        if (CheckProject(r, s, route.Id) is { } e)
        {
            return e;
        }

        var body = r.Json?.AsObject() ?? new JsonObject();
        var sql = body["query"]?.GetValue<string>() ?? "";
        var legacy = body["useLegacySql"]?.GetValue<bool>() ?? true;
        var location = body["location"]?.GetValue<string>() ?? "US";
        var requestId = body["requestId"]?.GetValue<string>();
        if (requestId is not null && s.Jobs.Values.FirstOrDefault(j => j.Id == "job_" + requestId) is { } again)
        {
            return FakeResponse.Ok(QueryBody(s, again, null, Size(r, "maxResults", int.MaxValue, s.QueryResultPageSize), isQuery: true));
        }

        var m = StorageQuery.Match(sql);
        if (legacy && sql.Contains('`'))
        {
            return new FakeResponse(400, FakeErrors.Invalid(route, "Invalid table name: `...` [Try using standard SQL (https://cloud.google.com/bigquery/docs/reference/standard-sql/enabling-standard-sql)]", "invalidQuery"));
        }

        if (Ddl(route, s, sql, location, requestId, r) is { } ddl)
        {
            return ddl;
        }

        if (body["dryRun"]?.GetValue<bool>() == true)
        {
            return FakeResponse.Ok(new JsonObject { ["kind"] = "bigquery#queryResponse", ["jobComplete"] = true, ["totalBytesProcessed"] = "10485760", ["cacheHit"] = false });
        }

        if (!m.Success || !ReadOnlySql.IsMatch(sql))
        {
            return new FakeResponse(400, FakeErrors.Invalid(route, "The fake understands only SELECTs from INFORMATION_SCHEMA.TABLE_STORAGE and CREATE / ALTER … RENAME TO / DROP TABLE", "invalidQuery"));
        }

        var region = m.Groups["region"].Value;
        if (!string.Equals(region, location, StringComparison.OrdinalIgnoreCase))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Dataset {s.ProjectId}:region-{region} was not found in location {location}"));
        }

        if (!s.Iam.Allows("bigquery.tables.list"))
        {
            var message = $"Access Denied: Table {s.ProjectId}:region-{region}.INFORMATION_SCHEMA.TABLE_STORAGE: User does not have permission to query table {s.ProjectId}:region-{region}.INFORMATION_SCHEMA.TABLE_STORAGE, or perhaps it does not exist.";
            if (s.StorageQueryDeniedAsJobError)
            {
                return FakeResponse.Ok(new JsonObject
                {
                    ["kind"] = "bigquery#queryResponse",
                    ["jobComplete"] = true,
                    ["jobReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["jobId"] = "job_denied", ["location"] = location },
                    ["errors"] = new JsonArray(new JsonObject { ["reason"] = "accessDenied", ["message"] = message }),
                });
            }

            return new FakeResponse(403, FakeErrors.Error(route, 403, "accessDenied", message, "PERMISSION_DENIED"));
        }

        var wanted = (body["queryParameters"] as JsonArray)?
            .FirstOrDefault(p => p?["name"]?.GetValue<string>() == "datasets")?["parameterValue"]?["arrayValues"]?.AsArray()
            .Select(v => v!["value"]!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
        var rows = new List<string?[]>();
        foreach (var d in s.Datasets.Values.Where(d => string.Equals(d.Location, region, StringComparison.OrdinalIgnoreCase)
                     && (wanted is null || wanted.Contains(d.Id))).OrderBy(d => d.Id, StringComparer.Ordinal))
        {
            var stored = d.Tables.Where(t => t.HasStorage).ToList();
            if (stored.Count == 0)
            {
                continue;
            }

            rows.Add(new string?[]
            {
                d.Id, Str(stored.Count), Str(stored.Sum(t => t.NumRows)), Str(stored.Sum(t => t.NumBytes)),
                Str(stored.Sum(t => t.NumBytes - t.NumLongTermBytes)), Str(stored.Sum(t => t.NumLongTermBytes)), Str(stored.Sum(t => t.NumPhysicalBytes)),
            });
        }

        var job = new FakeJob
        {
            Id = "job_" + (requestId ?? Guid.NewGuid().ToString("N")),
            Location = location,
            Schema = new[]
            {
                ("table_schema", "STRING"), ("table_count", "INTEGER"), ("total_rows", "INTEGER"), ("total_logical_bytes", "INTEGER"),
                ("active_logical_bytes", "INTEGER"), ("long_term_logical_bytes", "INTEGER"), ("total_physical_bytes", "INTEGER"),
            },
            Rows = rows,
            IncompleteRemaining = s.QueryIncompleteResponses,
        };
        s.Jobs[job.Id] = job;
        return FakeResponse.Ok(QueryBody(s, job, null, Size(r, "maxResults", int.MaxValue, s.QueryResultPageSize), isQuery: true));
    }

    private const string TablePath = @"`(?<p>[^`.]+)\.(?<d>[^`.]+)\.(?<t>[^`.]+)`";
    private static readonly Regex CreateTable = new(@"^\s*CREATE\s+TABLE\s+" + TablePath + @"\s*\((?<columns>[^)]*)\)\s*(OPTIONS\s*\((?<options>.*)\))?\s*$", RegexOptions.Singleline | RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex RenameTable = new(@"^\s*ALTER\s+TABLE\s+" + TablePath + @"\s+RENAME\s+TO\s+`(?<new>[^`.]+)`\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex DropTable = new(@"^\s*DROP\s+TABLE\s+(?<ifExists>IF\s+EXISTS\s+)?" + TablePath + @"\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex ExpirationOption = new(@"expiration_timestamp\s*=\s*TIMESTAMP_ADD\(\s*CURRENT_TIMESTAMP\(\)\s*,\s*INTERVAL\s+(?<n>\d+)\s+(?<unit>SECOND|MINUTE|HOUR|DAY)\s*\)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex DescriptionOption = new("description\\s*=\\s*\"(?<text>[^\"]*)\"", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    /// <summary>
    /// The DDL the write probe sends: CREATE TABLE (with OPTIONS expiration_timestamp / description), ALTER TABLE …
    /// RENAME TO, DROP TABLE [IF EXISTS]. Checked like BigQuery: project, dataset, the job's location, the caller's
    /// permission on the dataset, existence; applied to the state at once; the job then answers like a query's.
    /// Null when the statement is not DDL.
    /// </summary>
    private static FakeResponse? Ddl(FakeRoute route, FakeGcpState s, string sql, string location, string? requestId, FakeRequest r)
    {
        Match match;
        string statement, permission;
        if ((match = CreateTable.Match(sql)).Success)
        {
            (statement, permission) = ("CREATE_TABLE", "bigquery.tables.create");
        }
        else if ((match = RenameTable.Match(sql)).Success)
        {
            (statement, permission) = ("ALTER_TABLE", "bigquery.tables.update");
        }
        else if ((match = DropTable.Match(sql)).Success)
        {
            (statement, permission) = ("DROP_TABLE", "bigquery.tables.delete");
        }
        else
        {
            return null;
        }

        var (project, datasetId, tableId) = (match.Groups["p"].Value, match.Groups["d"].Value, match.Groups["t"].Value);
        if (!s.IsProject(project) || !s.Datasets.TryGetValue(datasetId, out var dataset))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Dataset {project}:{datasetId}"));
        }

        if (!string.Equals(dataset.Location, location, StringComparison.OrdinalIgnoreCase))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Dataset {project}:{datasetId} was not found in location {location}"));
        }

        if (!s.Iam.Allows(permission, $"datasets/{datasetId}"))
        {
            return new FakeResponse(403, FakeErrors.Error(route, 403, "accessDenied",
                $"Access Denied: Dataset {project}:{datasetId}: Permission {permission} denied on dataset {project}:{datasetId} (or it may not exist).", "PERMISSION_DENIED"));
        }

        var existing = dataset.Find(tableId);
        switch (statement)
        {
            case "CREATE_TABLE":
                if (existing is not null)
                {
                    return new FakeResponse(409, FakeErrors.Error(route, 409, "duplicate", $"Already Exists: Table {project}:{datasetId}.{tableId}", "ALREADY_EXISTS"));
                }

                var options = match.Groups["options"].Value;
                var table = new FakeTable(tableId) { CreationTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() };
                if (ExpirationOption.Match(options) is { Success: true } expiration)
                {
                    var n = int.Parse(expiration.Groups["n"].Value, CultureInfo.InvariantCulture);
                    var span = expiration.Groups["unit"].Value.ToUpperInvariant() switch
                    {
                        "SECOND" => TimeSpan.FromSeconds(n),
                        "MINUTE" => TimeSpan.FromMinutes(n),
                        "HOUR" => TimeSpan.FromHours(n),
                        _ => TimeSpan.FromDays(n),
                    };
                    table.ExpirationTime = table.CreationTime + (long)span.TotalMilliseconds;
                }

                if (DescriptionOption.Match(options) is { Success: true } description)
                {
                    table.Description = description.Groups["text"].Value;
                }

                dataset.Add(table);
                break;
            case "ALTER_TABLE":
                var newId = match.Groups["new"].Value;
                if (existing is null)
                {
                    return new FakeResponse(404, FakeErrors.NotFound(route, $"Table {project}:{datasetId}.{tableId}"));
                }

                if (dataset.Find(newId) is not null)
                {
                    return new FakeResponse(409, FakeErrors.Error(route, 409, "duplicate", $"Already Exists: Table {project}:{datasetId}.{newId}", "ALREADY_EXISTS"));
                }

                dataset.Remove(tableId);
                dataset.Add(existing.RenamedTo(newId));
                break;
            default:
                if (existing is null && !match.Groups["ifExists"].Success)
                {
                    return new FakeResponse(404, FakeErrors.NotFound(route, $"Table {project}:{datasetId}.{tableId}"));
                }

                dataset.Remove(tableId);
                break;
        }

        var job = new FakeJob
        {
            Id = "job_" + (requestId ?? Guid.NewGuid().ToString("N")),
            Location = dataset.Location,
            Schema = Array.Empty<(string, string)>(),
            Rows = Array.Empty<string?[]>(),
            IncompleteRemaining = s.QueryIncompleteResponses,
            BytesProcessed = 0,
            StatementType = statement,
        };
        s.Jobs[job.Id] = job;
        return FakeResponse.Ok(QueryBody(s, job, null, Size(r, "maxResults", int.MaxValue, s.QueryResultPageSize), isQuery: true));
    }

    private static JsonObject QueryBody(FakeGcpState s, FakeJob job, string? pageToken, int pageSize, bool isQuery)
    {
        var body = new JsonObject
        {
            ["kind"] = isQuery ? "bigquery#queryResponse" : "bigquery#getQueryResultsResponse",
            ["jobReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["jobId"] = job.Id, ["location"] = job.Location },
        };
        if (job.IncompleteRemaining > 0)
        {
            job.IncompleteRemaining--;
            body["jobComplete"] = false;
            return body;
        }

        body["jobComplete"] = true;
        if (!job.ReturnsRows)
        {
            // DDL: no schema, no rows, no totalRows (what BigQuery answers for CREATE / ALTER / DROP).
            body["totalBytesProcessed"] = "0";
            body["cacheHit"] = false;
            if (isQuery)
            {
                body["location"] = job.Location;
                body["queryId"] = job.Id;
                body["statementType"] = job.StatementType;
            }
            else
            {
                body["etag"] = "\"results\"";
            }

            return body;
        }

        body["schema"] = new JsonObject
        {
            ["fields"] = new JsonArray(job.Schema.Select(f => (JsonNode)new JsonObject { ["name"] = f.Name, ["type"] = f.Type, ["mode"] = "NULLABLE" }).ToArray()),
        };
        var (start, end, next) = Page(job.Rows.Count, pageToken, pageSize);
        if (end > start)
        {
            body["rows"] = new JsonArray(job.Rows.Skip(start).Take(end - start).Select(row =>
                (JsonNode)new JsonObject { ["f"] = new JsonArray(row.Select(v => (JsonNode)new JsonObject { ["v"] = v }).ToArray()) }).ToArray());
        }

        body["totalRows"] = Str(job.Rows.Count);
        body["totalBytesProcessed"] = Str(job.BytesProcessed);
        body["cacheHit"] = false;
        if (next is not null)
        {
            body["pageToken"] = next;
        }

        if (isQuery)
        {
            body["location"] = job.Location;
            body["queryId"] = job.Id;
            body["statementType"] = "SELECT";
        }
        else
        {
            body["etag"] = "\"results\"";
        }

        return body;
    }

    private static FakeResponse JobsGetQueryResults(FakeRequest r, FakeGcpState s)
    {
        var route = Route("bigquery.jobs.getQueryResults");
        if (!s.Jobs.TryGetValue(r.Path("jobId"), out var job) || !LocationMatches(job, r.Query("location")))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Job {s.ProjectId}:{r.Path("jobId")}"));
        }

        return FakeResponse.Ok(QueryBody(s, job, r.Query("pageToken"), Size(r, "maxResults", int.MaxValue, s.QueryResultPageSize), isQuery: false));
    }

    /// <summary>BigQuery finds a job outside the US and EU multi-regions only when the call names its location.</summary>
    private static bool LocationMatches(FakeJob job, string? location) =>
        location is null ? job.Location is "US" or "EU" : string.Equals(job.Location, location, StringComparison.OrdinalIgnoreCase);

    private static FakeResponse JobsGet(FakeRequest r, FakeGcpState s)
    {
        var route = Route("bigquery.jobs.get");
        if (!s.Jobs.TryGetValue(r.Path("jobId"), out var job) || !LocationMatches(job, r.Query("location")))
        {
            return new FakeResponse(404, FakeErrors.NotFound(route, $"Job {s.ProjectId}:{r.Path("jobId")}"));
        }

        return FakeResponse.Ok(new JsonObject
        {
            ["kind"] = "bigquery#job",
            ["id"] = $"{s.ProjectId}:{job.Location}.{job.Id}",
            ["jobReference"] = new JsonObject { ["projectId"] = s.ProjectId, ["jobId"] = job.Id, ["location"] = job.Location },
            ["status"] = new JsonObject { ["state"] = job.IncompleteRemaining > 0 ? "RUNNING" : "DONE" },
        });
    }

    // ---------------------------------------------------------------- Cloud Storage

    private static FakeResponse BucketsGet(FakeRequest r, FakeGcpState s)
    {
        var route = Route("storage.buckets.get");
        if (!s.Buckets.TryGetValue(r.Path("bucket"), out var b))
        {
            return new FakeResponse(404, FakeErrors.Error(route, 404, "notFound", "The specified bucket does not exist.", "NOT_FOUND"));
        }

        return FakeResponse.Ok(new JsonObject
        {
            ["kind"] = "storage#bucket",
            ["id"] = b.Name,
            ["name"] = b.Name,
            ["projectNumber"] = Str(s.ProjectNumber),
            ["metageneration"] = "3",
            ["location"] = b.Location,
            ["locationType"] = b.LocationType,
            ["storageClass"] = b.StorageClass,
            ["timeCreated"] = "2024-03-01T10:00:00.000Z",
            ["updated"] = "2025-12-01T10:00:00.000Z",
            ["iamConfiguration"] = new JsonObject { ["uniformBucketLevelAccess"] = new JsonObject { ["enabled"] = true }, ["publicAccessPrevention"] = "enforced" },
        });
    }

    private static FakeResponse BucketsTestIamPermissions(FakeRequest r, FakeGcpState s)
    {
        var route = Route("storage.buckets.testIamPermissions");
        var bucket = r.Path("bucket");
        if (!s.Buckets.ContainsKey(bucket))
        {
            return new FakeResponse(404, FakeErrors.Error(route, 404, "notFound", "The specified bucket does not exist.", "NOT_FOUND"));
        }

        var wanted = r.QueryAll("permissions");
        if (wanted.Count == 0)
        {
            return new FakeResponse(400, FakeErrors.Error(route, 400, "required", "Required parameter: permissions", "INVALID_ARGUMENT"));
        }

        var body = new JsonObject { ["kind"] = "storage#testIamPermissionsResponse" };
        var granted = wanted.Where(p => s.Iam.Allows(p, $"projects/_/buckets/{bucket}")).ToArray();
        if (granted.Length > 0)
        {
            body["permissions"] = Strings(granted);
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse BucketsGetIamPolicy(FakeRequest r, FakeGcpState s) => FakeResponse.Ok(new JsonObject
    {
        ["kind"] = "storage#policy",
        ["resourceId"] = $"projects/_/buckets/{r.Path("bucket")}",
        ["version"] = 1,
        ["etag"] = "CAE=",
        ["bindings"] = new JsonArray(s.Iam.Bindings.Select(b => (JsonNode)new JsonObject { ["role"] = b.Role, ["members"] = Strings(b.Members) }).ToArray()),
    });

    private static FakeResponse ObjectsList(FakeRequest r, FakeGcpState s)
    {
        var route = Route("storage.objects.list");
        if (!s.Buckets.TryGetValue(r.Path("bucket"), out var b))
        {
            return new FakeResponse(404, FakeErrors.Error(route, 404, "notFound", "The specified bucket does not exist.", "NOT_FOUND"));
        }

        var prefix = r.Query("prefix") ?? "";
        var matching = b.Objects.Where(o => o.Name.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        var (start, end, next) = Page(matching.Count, r.Query("pageToken"), Size(r, "maxResults", 1000, 1000));
        var body = new JsonObject { ["kind"] = "storage#objects" };
        if (end > start)
        {
            body["items"] = new JsonArray(matching.Skip(start).Take(end - start).Select(o => (JsonNode)new JsonObject
            {
                ["kind"] = "storage#object",
                ["id"] = $"{b.Name}/{o.Name}/{Str(o.Generation)}",
                ["name"] = o.Name,
                ["bucket"] = b.Name,
                ["generation"] = Str(o.Generation),
                ["contentType"] = "application/octet-stream",
                ["storageClass"] = b.StorageClass,
                ["size"] = Str(o.Size),
                ["timeCreated"] = Rfc3339(o.Updated),
                ["updated"] = Rfc3339(o.Updated),
            }).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    // ---------------------------------------------------------------- Resource Manager, Service Usage, Billing

    private static FakeResponse ProjectsGet(FakeRequest r, FakeGcpState s)
    {
        var id = r.Path("name")["projects/".Length..];
        if (!s.IsProject(id))
        {
            // Resource Manager answers 403 for projects the caller cannot see, existing or not.
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        return FakeResponse.Ok(new JsonObject
        {
            ["name"] = $"projects/{Str(s.ProjectNumber)}",
            ["parent"] = s.ProjectParent,
            ["projectId"] = s.ProjectId,
            ["state"] = s.ProjectState,
            ["displayName"] = s.ProjectDisplayName,
            ["createTime"] = "2024-01-15T10:00:00.123456Z",
            ["etag"] = "W/\"project\"",
        });
    }

    private static FakeResponse ProjectsTestIamPermissions(FakeRequest r, FakeGcpState s)
    {
        if (!s.IsProject(r.Path("resource")["projects/".Length..]))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        var wanted = r.Json?["permissions"]?.AsArray().Select(p => p!.GetValue<string>()).ToArray() ?? Array.Empty<string>();
        var granted = wanted.Where(p => s.Iam.Allows(p)).ToArray();
        var body = new JsonObject();
        if (granted.Length > 0)
        {
            body["permissions"] = Strings(granted);
        }

        return FakeResponse.Ok(body);
    }

    private static JsonObject ServiceJson(FakeGcpState s, string service) => new()
    {
        ["name"] = $"projects/{Str(s.ProjectNumber)}/services/{service}",
        ["parent"] = $"projects/{Str(s.ProjectNumber)}",
        ["state"] = s.Services.GetValueOrDefault(service, "DISABLED"),
        ["config"] = new JsonObject { ["name"] = service, ["title"] = service.Split('.')[0] + " API" },
    };

    private static FakeResponse ServicesBatchGet(FakeRequest r, FakeGcpState s)
    {
        var route = Route("serviceusage.services.batchGet");
        var parent = r.Path("parent");
        if (!parent.StartsWith("projects/", StringComparison.Ordinal) || !s.IsProject(parent["projects/".Length..]))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "Permission denied to get service", "PERMISSION_DENIED", "AUTH_PERMISSION_DENIED"));
        }

        var names = r.QueryAll("names");
        if (names.Count > 30)
        {
            return new FakeResponse(400, FakeErrors.Invalid(route, "Request contains more than 30 names"));
        }

        var services = new List<JsonNode>();
        foreach (var name in names)
        {
            var parts = name.Split('/');
            if (parts.Length != 4 || parts[0] != "projects" || parts[2] != "services" || !s.IsProject(parts[1]))
            {
                return new FakeResponse(400, FakeErrors.Invalid(route, $"Invalid service name {name}"));
            }

            services.Add(ServiceJson(s, parts[3]));
        }

        var body = new JsonObject();
        if (services.Count > 0)
        {
            body["services"] = new JsonArray(services.ToArray());
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse ServicesGet(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("name").Split('/');
        return s.IsProject(parts[1])
            ? FakeResponse.Ok(ServiceJson(s, parts[3]))
            : new FakeResponse(403, FakeErrors.Aip(403, "Permission denied to get service", "PERMISSION_DENIED"));
    }

    private static FakeResponse ServicesList(FakeRequest r, FakeGcpState s)
    {
        var state = r.Query("filter") switch { "state:ENABLED" => "ENABLED", "state:DISABLED" => "DISABLED", _ => null };
        var all = s.Services.Where(kv => state is null || kv.Value == state).Select(kv => kv.Key).OrderBy(k => k, StringComparer.Ordinal).ToList();
        var (start, end, next) = Page(all.Count, r.Query("pageToken"), Size(r, "pageSize", 50, 200));
        var body = new JsonObject();
        if (end > start)
        {
            body["services"] = new JsonArray(all.Skip(start).Take(end - start).Select(n => (JsonNode)ServiceJson(s, n)).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse QuotaMetricsList(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("parent").Split('/');
        if (parts[0] != "projects" || !s.IsProject(parts[1]))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "Permission denied to list quota metrics", "PERMISSION_DENIED"));
        }

        var metrics = s.QuotaMetrics.GetValueOrDefault(parts[3]) ?? new List<JsonObject>();
        var (start, end, next) = Page(metrics.Count, r.Query("pageToken"), Size(r, "pageSize", s.QuotaMetricsPageSize, s.QuotaMetricsPageSize));
        var body = new JsonObject();
        if (end > start)
        {
            body["metrics"] = new JsonArray(metrics.Skip(start).Take(end - start).Select(m => (JsonNode)m.DeepClone()).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse GetBillingInfo(FakeRequest r, FakeGcpState s)
    {
        var id = r.Path("name")["projects/".Length..];
        if (!s.IsProject(id))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        var body = new JsonObject { ["name"] = $"projects/{s.ProjectId}/billingInfo", ["projectId"] = s.ProjectId };
        if (s.BillingEnabled)
        {
            // proto3 JSON leaves out false booleans and empty strings.
            body["billingAccountName"] = s.BillingAccount;
            body["billingEnabled"] = true;
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse BudgetsList(FakeRequest r, FakeGcpState s)
    {
        if (r.Path("parent") != s.BillingAccount)
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        // scope=projects/{id or number}: budgets whose filter names the project (by number, as the API stores
        // it), or that name no project and so track every project of the account.
        var scope = r.Query("scope");
        if (scope is not null && (!scope.StartsWith("projects/", StringComparison.Ordinal) || !s.IsProject(scope["projects/".Length..])))
        {
            return new FakeResponse(400, FakeErrors.Aip(400, $"Invalid scope {scope}", "INVALID_ARGUMENT"));
        }

        var tracked = s.Budgets.Where(b =>
        {
            var projects = b["budgetFilter"]?["projects"]?.AsArray().Select(p => p!.GetValue<string>()).ToList() ?? new List<string>();
            return scope is null || projects.Count == 0 || projects.Contains($"projects/{Str(s.ProjectNumber)}");
        }).ToList();
        var (start, end, next) = Page(tracked.Count, r.Query("pageToken"), Size(r, "pageSize", 100, 100));
        var body = new JsonObject();
        if (end > start)
        {
            body["budgets"] = new JsonArray(tracked.Skip(start).Take(end - start).Select(b => (JsonNode)b.DeepClone()).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    // ---------------------------------------------------------------- Cloud Run, IAM

    private static JsonObject RunJobJson(FakeGcpState s, FakeRunJob job)
    {
        var name = $"projects/{s.ProjectId}/locations/{job.Location}/jobs/{job.Name}";
        var task = new JsonObject
        {
            ["containers"] = new JsonArray(new JsonObject { ["image"] = job.Image }),
            ["timeout"] = "600s",
            ["maxRetries"] = 3,
        };
        if (job.ServiceAccount is not null)
        {
            task["serviceAccount"] = job.ServiceAccount;
        }

        var body = new JsonObject
        {
            ["name"] = name,
            ["uid"] = Guid.NewGuid().ToString(),
            ["generation"] = "2",
            ["createTime"] = "2025-11-01T10:00:00.000000Z",
            ["updateTime"] = "2025-12-10T10:00:00.000000Z",
            ["launchStage"] = "GA",
            ["template"] = new JsonObject { ["taskCount"] = 1, ["parallelism"] = 1, ["template"] = task },
            ["terminalCondition"] = Condition("Ready", job.ReadyState, job.ReadyReason, job.ReadyMessage),
            ["executionCount"] = job.Executions.Count,
            ["etag"] = "\"run\"",
        };
        if (job.Executions.Count > 0)
        {
            var last = job.Executions.OrderBy(e => e.CreateTime).Last();
            var latest = new JsonObject { ["name"] = job.ShortExecutionName ? last.Name : $"{name}/executions/{last.Name}", ["createTime"] = Rfc3339(last.CreateTime) };
            if (last.CompletionTime is { } done)
            {
                latest["completionTime"] = Rfc3339(done);
            }

            body["latestCreatedExecution"] = latest;
        }

        return body;
    }

    private static JsonObject Condition(string type, string state, string? reason = null, string? message = null, string? executionReason = null)
    {
        var condition = new JsonObject { ["type"] = type, ["state"] = state, ["lastTransitionTime"] = "2025-12-10T10:00:00.000000Z" };
        if (reason is not null)
        {
            condition["reason"] = reason;
        }

        if (executionReason is not null)
        {
            condition["executionReason"] = executionReason;
        }

        if (message is not null)
        {
            condition["message"] = message;
        }

        return condition;
    }

    private static JsonObject ExecutionJson(string jobName, string parent, FakeRunExecution e)
    {
        var o = new JsonObject
        {
            ["name"] = $"{parent}/executions/{e.Name}",
            ["job"] = jobName,
            ["createTime"] = Rfc3339(e.CreateTime),
            ["taskCount"] = e.TaskCount,
            ["succeededCount"] = e.SucceededCount,
            ["failedCount"] = e.FailedCount,
            ["cancelledCount"] = e.CancelledCount,
            ["runningCount"] = e.RunningCount,
            ["logUri"] = $"https://console.cloud.google.com/logs/viewer?executionName={e.Name}",
        };
        if (e.StartTime is { } started)
        {
            o["startTime"] = Rfc3339(started);
        }

        JsonObject completed;
        if (e.CompletionTime is { } done)
        {
            o["completionTime"] = Rfc3339(done);
            completed = e.CancelledCount > 0 ? Condition("Completed", "CONDITION_FAILED", executionReason: "CANCELLED", message: "The execution was cancelled.")
                : e.FailedCount > 0 ? Condition("Completed", "CONDITION_FAILED", executionReason: "NON_ZERO_EXIT_CODE", message: $"Task {e.Name}-task0 failed with exit code 1.")
                : Condition("Completed", "CONDITION_SUCCEEDED");
        }
        else
        {
            completed = Condition("Completed", "CONDITION_PENDING");
        }

        o["conditions"] = new JsonArray(completed);
        return o;
    }

    private static FakeResponse RunJobsList(FakeRequest r, FakeGcpState s)
    {
        var location = r.Path("parent").Split('/')[3];
        var jobs = s.RunJobs.Where(j => j.Location == location).OrderBy(j => j.Name, StringComparer.Ordinal).ToList();
        var (start, end, next) = Page(jobs.Count, r.Query("pageToken"), Size(r, "pageSize", 100, 1000));
        var body = new JsonObject();
        if (end > start)
        {
            body["jobs"] = new JsonArray(jobs.Skip(start).Take(end - start).Select(j => (JsonNode)RunJobJson(s, j)).ToArray());
        }

        if (next is not null)
        {
            body["nextPageToken"] = next;
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse RunJobsGet(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("name").Split('/');
        if (!s.IsProject(parts[1]))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        var job = s.RunJobs.FirstOrDefault(j => j.Location == parts[3] && j.Name == parts[5]);
        return job is null
            ? new FakeResponse(404, FakeErrors.Aip(404, $"Resource '{parts[5]}' of kind 'JOB' in region '{parts[3]}' in project '{parts[1]}' does not exist.", "NOT_FOUND"))
            : FakeResponse.Ok(RunJobJson(s, job));
    }

    private static FakeResponse RunExecutionsList(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("parent").Split('/');
        var job = s.RunJobs.FirstOrDefault(j => j.Location == parts[3] && j.Name == parts[5]);
        if (job is null)
        {
            return new FakeResponse(404, FakeErrors.Aip(404, $"Job {parts[5]} not found", "NOT_FOUND"));
        }

        var body = new JsonObject();
        if (job.Executions.Count > 0)
        {
            body["executions"] = new JsonArray(job.Executions.OrderByDescending(e => e.CreateTime).Select(e => (JsonNode)ExecutionJson(job.Name, r.Path("parent"), e)).ToArray());
        }

        return FakeResponse.Ok(body);
    }

    private static FakeResponse RunExecutionsGet(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("name").Split('/');
        if (!s.IsProject(parts[1]))
        {
            return new FakeResponse(403, FakeErrors.Aip(403, "The caller does not have permission", "PERMISSION_DENIED"));
        }

        var job = s.RunJobs.FirstOrDefault(j => j.Location == parts[3] && j.Name == parts[5]);
        var execution = job?.Executions.FirstOrDefault(e => e.Name == parts[7]);
        return job is null || execution is null
            ? new FakeResponse(404, FakeErrors.Aip(404, $"Resource '{parts[7]}' of kind 'EXECUTION' in region '{parts[3]}' in project '{parts[1]}' does not exist.", "NOT_FOUND"))
            : FakeResponse.Ok(ExecutionJson(job.Name, string.Join('/', parts.Take(6)), execution));
    }

    private static FakeResponse KeysList(FakeRequest r, FakeGcpState s)
    {
        var parts = r.Path("name").Split('/');
        var email = parts[3];
        if (!s.ServiceAccountKeys.TryGetValue(email, out var keys))
        {
            return new FakeResponse(404, FakeErrors.Aip(404, $"Unknown service account {email}", "NOT_FOUND"));
        }

        var types = r.QueryAll("keyTypes");
        var body = new JsonObject();
        var selected = keys.Where(k => types.Count == 0 || types.Contains(k.KeyType)).ToList();
        if (selected.Count > 0)
        {
            body["keys"] = new JsonArray(selected.Select(k => (JsonNode)new JsonObject
            {
                ["name"] = $"projects/{s.ProjectId}/serviceAccounts/{email}/keys/{k.KeyId}",
                ["validAfterTime"] = Rfc3339(k.ValidAfter),
                ["validBeforeTime"] = "9999-12-31T23:59:59Z",
                ["keyAlgorithm"] = "KEY_ALG_RSA_2048",
                ["keyOrigin"] = "GOOGLE_PROVIDED",
                ["keyType"] = k.KeyType,
                ["disabled"] = k.Disabled,
            }).ToArray());
        }

        return FakeResponse.Ok(body);
    }
}
