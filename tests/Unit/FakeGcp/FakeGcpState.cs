namespace BqxAudit.Tests.FakeGcp;

/// <summary>
/// Everything the fake GCP server knows, in memory and of any size: one project with its services,
/// billing, IAM grants, BigQuery datasets and tables, buckets and objects, query and DDL jobs, Cloud Run
/// jobs and executions, service-account keys, quota metrics and budgets. Tests set it up before a run;
/// handlers read (and DDL statements change) it under <see cref="Gate"/>.
/// </summary>
public sealed class FakeGcpState
{
    public object Gate { get; } = new();

    public string ProjectId { get; set; } = "bqx-ml";
    public long ProjectNumber { get; set; } = 415104041262;
    public string ProjectState { get; set; } = "ACTIVE";
    public string? ProjectParent { get; set; } = "organizations/123456789012";
    public string ProjectDisplayName { get; set; } = "BQX ML";

    public bool BillingEnabled { get; set; } = true;
    public string BillingAccount { get; set; } = "billingAccounts/012345-567890-ABCDEF";

    /// <summary>Service name → ENABLED / DISABLED. Services not listed are DISABLED.</summary>
    public Dictionary<string, string> Services { get; } = new(StringComparer.Ordinal)
    {
        ["bigquery.googleapis.com"] = "ENABLED",
        ["storage.googleapis.com"] = "ENABLED",
        ["run.googleapis.com"] = "ENABLED",
        ["serviceusage.googleapis.com"] = "ENABLED",
        ["cloudresourcemanager.googleapis.com"] = "ENABLED",
        ["cloudbilling.googleapis.com"] = "ENABLED",
        ["iam.googleapis.com"] = "ENABLED",
        ["billingbudgets.googleapis.com"] = "ENABLED",
    };

    public FakeIam Iam { get; } = new();

    public Dictionary<string, FakeDataset> Datasets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, FakeBucket> Buckets { get; } = new(StringComparer.Ordinal);

    /// <summary>How many responses of a query say <c>jobComplete: false</c> (jobs.query's included) before it completes.</summary>
    public int QueryIncompleteResponses { get; set; }

    /// <summary>Rows per page of query results (the server's page limit).</summary>
    public int QueryResultPageSize { get; set; } = 10_000;

    /// <summary>The most tables tables.list returns per page, whatever maxResults asks.</summary>
    public int TablesListMaxPageSize { get; set; } = 1000;

    /// <summary>When true, the TABLE_STORAGE query fails as a job (HTTP 200, errors[accessDenied]) instead of HTTP 403.</summary>
    public bool StorageQueryDeniedAsJobError { get; set; }

    public Dictionary<string, FakeJob> Jobs { get; } = new(StringComparer.Ordinal);

    // --- Cloud Run, IAM keys, quotas, budgets ---

    public List<FakeRunJob> RunJobs { get; } = new();

    /// <summary>Service-account email → its keys.</summary>
    public Dictionary<string, List<FakeServiceAccountKey>> ServiceAccountKeys { get; } = new(StringComparer.Ordinal);

    /// <summary>Metrics per page of consumerQuotaMetrics.list.</summary>
    public int QuotaMetricsPageSize { get; set; } = 50;

    /// <summary>Service name → its consumer quota metrics (v1beta1 JSON objects, as returned).</summary>
    public Dictionary<string, List<System.Text.Json.Nodes.JsonObject>> QuotaMetrics { get; } = new(StringComparer.Ordinal);

    /// <summary>Budgets of the billing account (JSON objects, as returned).</summary>
    public List<System.Text.Json.Nodes.JsonObject> Budgets { get; } = new();

    public FakeDataset AddDataset(string id, string location = "us-central1")
    {
        var dataset = new FakeDataset(id, location);
        Datasets[id] = dataset;
        return dataset;
    }

    public FakeBucket AddBucket(string name, string location = "US-CENTRAL1", string storageClass = "STANDARD")
    {
        var bucket = new FakeBucket(name, location, storageClass);
        Buckets[name] = bucket;
        return bucket;
    }

    public bool IsProject(string idOrNumber) =>
        idOrNumber == ProjectId || idOrNumber == ProjectNumber.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>The caller's IAM grants: all by default; else project-level grants plus per-resource ones.</summary>
public sealed class FakeIam
{
    public bool GrantAll { get; set; } = true;

    public HashSet<string> ProjectGrants { get; } = new(StringComparer.Ordinal);

    /// <summary>Resource (<c>projects/p/datasets/d/tables/t</c>, <c>projects/_/buckets/b</c>, <c>datasets/d</c>) → extra grants.</summary>
    public Dictionary<string, HashSet<string>> ResourceGrants { get; } = new(StringComparer.Ordinal);

    /// <summary>Bindings getIamPolicy returns.</summary>
    public List<(string Role, string[] Members)> Bindings { get; } = new() { ("roles/owner", new[] { "user:owner@example.com" }) };

    /// <summary>Grants only these permissions at the project (turns GrantAll off).</summary>
    public void Only(params string[] permissions)
    {
        GrantAll = false;
        ProjectGrants.Clear();
        ProjectGrants.UnionWith(permissions);
    }

    public void Revoke(params string[] permissions)
    {
        if (GrantAll)
        {
            throw new InvalidOperationException("call Only(...) first: with GrantAll every permission is granted");
        }

        ProjectGrants.ExceptWith(permissions);
    }

    public bool Allows(string permission, params string[] resources) =>
        GrantAll || ProjectGrants.Contains(permission) || resources.Any(r => ResourceGrants.TryGetValue(r, out var g) && g.Contains(permission));
}

public sealed class FakeDataset
{
    private readonly List<FakeTable> tables = new();
    private bool sorted = true;

    public FakeDataset(string id, string location)
    {
        Id = id;
        Location = location;
    }

    public string Id { get; }

    public string Location { get; set; }

    /// <summary>Tables in tables.list order (by id).</summary>
    public IReadOnlyList<FakeTable> Tables
    {
        get
        {
            if (!sorted)
            {
                tables.Sort((a, b) => string.CompareOrdinal(a.Id, b.Id));
                sorted = true;
            }

            return tables;
        }
    }

    public FakeTable Add(FakeTable table)
    {
        tables.Add(table);
        sorted = false;
        return table;
    }

    public bool Remove(string id)
    {
        var removed = tables.RemoveAll(t => t.Id == id) > 0;
        sorted = false;
        return removed;
    }

    /// <summary>Adds <paramref name="count"/> tables named <c>{prefix}{i:D6}</c>: every tenth a VIEW, the rest TABLEs with deterministic sizes.</summary>
    public FakeDataset Generate(int count, string prefix = "t_", int viewEvery = 10)
    {
        for (var i = 0; i < count; i++)
        {
            var view = viewEvery > 0 && i % viewEvery == viewEvery - 1;
            Add(new FakeTable($"{prefix}{i:D6}", view ? "VIEW" : "TABLE")
            {
                NumRows = view ? 0 : 1000 + i,
                NumBytes = view ? 0 : 1_000_000L + i * 10L,
                NumLongTermBytes = view ? 0 : 400_000L,
                NumPhysicalBytes = view ? 0 : 300_000L + i,
            });
        }

        return this;
    }

    public FakeTable? Find(string id) => Tables.FirstOrDefault(t => t.Id == id);
}

public sealed class FakeTable
{
    public FakeTable(string id, string type = "TABLE")
    {
        Id = id;
        Type = type;
    }

    public string Id { get; }
    public string Type { get; set; }
    public long NumRows { get; set; }
    public long NumBytes { get; set; }
    public long NumLongTermBytes { get; set; }
    public long NumPhysicalBytes { get; set; }
    public long CreationTime { get; set; } = 1_765_584_000_000; // 2025-12-13T00:00:00Z in ms

    /// <summary>When the table expires (ms since the epoch), as a CREATE's <c>expiration_timestamp</c> set it.</summary>
    public long? ExpirationTime { get; set; }

    public string? Description { get; set; }

    public bool HasStorage => Type is "TABLE" or "MATERIALIZED_VIEW" or "SNAPSHOT";

    /// <summary>The same table under another id (ALTER TABLE … RENAME TO).</summary>
    public FakeTable RenamedTo(string id) => new(id, Type)
    {
        NumRows = NumRows,
        NumBytes = NumBytes,
        NumLongTermBytes = NumLongTermBytes,
        NumPhysicalBytes = NumPhysicalBytes,
        CreationTime = CreationTime,
        ExpirationTime = ExpirationTime,
        Description = Description,
    };
}

public sealed class FakeBucket
{
    private readonly List<FakeObject> objects = new();
    private bool sorted = true;

    public FakeBucket(string name, string location, string storageClass)
    {
        Name = name;
        Location = location;
        StorageClass = storageClass;
    }

    public string Name { get; }
    public string Location { get; set; }
    public string LocationType { get; set; } = "region";
    public string StorageClass { get; set; }

    public IReadOnlyList<FakeObject> Objects
    {
        get
        {
            if (!sorted)
            {
                objects.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                sorted = true;
            }

            return objects;
        }
    }

    public FakeBucket Add(string name, long size, DateTimeOffset updated)
    {
        objects.Add(new FakeObject(name, size, updated));
        sorted = false;
        return this;
    }
}

public sealed record FakeObject(string Name, long Size, DateTimeOffset Updated)
{
    public long Generation { get; init; } = 1_700_000_000_000_000;
}

/// <summary>A query job: its location, its rows (strings), and how many more polls say it is still running.</summary>
public sealed class FakeJob
{
    public required string Id { get; init; }
    public required string Location { get; init; }
    public required IReadOnlyList<(string Name, string Type)> Schema { get; init; }
    public required IReadOnlyList<string?[]> Rows { get; init; }
    public int IncompleteRemaining { get; set; }
    public long BytesProcessed { get; init; } = 10_485_760;

    /// <summary>SELECT for queries; CREATE_TABLE, ALTER_TABLE, DROP_TABLE for DDL, which answers without schema or rows.</summary>
    public string StatementType { get; init; } = "SELECT";

    public bool ReturnsRows => StatementType == "SELECT";
}

public sealed record FakeRunJob(string Name, string Location)
{
    public string Image { get; init; } = "us-central1-docker.pkg.dev/bqx-ml/pipeline/extract:latest";

    /// <summary>Null: the template names none (the project's default service account runs it).</summary>
    public string? ServiceAccount { get; init; }
    public string ReadyState { get; init; } = "CONDITION_SUCCEEDED";

    /// <summary>The terminal condition's reason and message (e.g. CONTAINER_MISSING when the image is gone).</summary>
    public string? ReadyReason { get; init; }
    public string? ReadyMessage { get; init; }

    /// <summary>Report <c>latestCreatedExecution.name</c> as the execution's short name (<c>bqx-ml-extract-7x2kq</c>), not its resource name.</summary>
    public bool ShortExecutionName { get; init; }
    public List<FakeRunExecution> Executions { get; } = new();
}

/// <summary>An execution: completed when <see cref="CompletionTime"/> is set (succeeded unless a task failed or was cancelled).</summary>
public sealed record FakeRunExecution(string Name, DateTimeOffset CreateTime)
{
    public DateTimeOffset? StartTime { get; init; }
    public DateTimeOffset? CompletionTime { get; init; }
    public int TaskCount { get; init; } = 1;
    public int SucceededCount { get; init; } = 1;
    public int FailedCount { get; init; }
    public int CancelledCount { get; init; }
    public int RunningCount { get; init; }
}

public sealed record FakeServiceAccountKey(string KeyId, DateTimeOffset ValidAfter)
{
    public string KeyType { get; init; } = "USER_MANAGED";
    public bool Disabled { get; init; }
}
