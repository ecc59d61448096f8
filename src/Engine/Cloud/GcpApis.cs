using System.Globalization;
using System.Runtime.CompilerServices;
using BqxAudit.Cloud.BigQuery;
using BqxAudit.Cloud.Billing;
using BqxAudit.Cloud.ResourceManager;
using BqxAudit.Cloud.ServiceUsage;
using BqxAudit.Hosting;

namespace BqxAudit.Cloud;

// Small typed requests, one per REST method in GcpMethods. Each class takes the session and an
// optional recorder that collects the calls made as evidence. Paging loops check cancellation.

/// <summary>BigQuery v2: datasets, tables, queries and table IAM.</summary>
public sealed class BigQueryApi
{
    /// <summary>The page size of tables.list (the issue fixes it at 1000).</summary>
    public const int TablesPageSize = 1000;

    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public BigQueryApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    /// <summary>datasets.get with <c>datasetView=METADATA</c> (location, type; no ACL).</summary>
    public Task<Dataset> GetDatasetAsync(string project, string dataset, CancellationToken cancellation) =>
        session.SendAsync<Dataset>(new GcpRequest(GcpMethods.DatasetsGet)
            .WithPath("projectId", project).WithPath("datasetId", dataset)
            .WithQuery("datasetView", "METADATA"), recorder, cancellation);

    public Task<TableList> ListTablesPageAsync(string project, string dataset, string? pageToken, CancellationToken cancellation) =>
        session.SendAsync<TableList>(new GcpRequest(GcpMethods.TablesList)
            .WithPath("projectId", project).WithPath("datasetId", dataset)
            .WithQuery("maxResults", TablesPageSize.ToString(CultureInfo.InvariantCulture))
            .WithQuery("pageToken", pageToken), recorder, cancellation);

    /// <summary>Every table of a dataset, page by page (<c>maxResults=1000</c>) until there is no <c>nextPageToken</c>.</summary>
    public async IAsyncEnumerable<TableList> ListTablePagesAsync(string project, string dataset, [EnumeratorCancellation] CancellationToken cancellation)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        Task<TableList>? pending = ListTablesPageAsync(project, dataset, null, cancellation);
        try
        {
            while (pending is not null)
            {
                var page = await pending.ConfigureAwait(false);
                pending = null;
                if (StartupTrace.Enabled)
                {
                    StartupTrace.Mark($"cloud: {dataset} tables page {seen.Count + 1} read");
                }

                var token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
                if (token is not null && !seen.Add(token))
                {
                    throw new GcpMalformedResponseException($"{GcpMethods.TablesList.Id}: the server repeated page token '{token}'", GcpMethods.TablesList, 200);
                }

                if (token is not null)
                {
                    // The next page is asked for before this one is handed on: pages are the run's longest chain of
                    // calls, and the consumer's work on a page then overlaps the next round trip.
                    cancellation.ThrowIfCancellationRequested();
                    pending = ListTablesPageAsync(project, dataset, token, cancellation);
                }

                yield return page;
            }
        }
        finally
        {
            // A consumer that stops early leaves the next page in flight: its outcome is observed, not thrown.
            pending.ObserveFaults();
        }
    }

    /// <summary>tables.get with <c>view=STORAGE_STATS</c> (numBytes, numRows).</summary>
    public Task<Table> GetTableAsync(string project, string dataset, string table, CancellationToken cancellation) =>
        session.SendAsync<Table>(new GcpRequest(GcpMethods.TablesGet)
            .WithPath("projectId", project).WithPath("datasetId", dataset).WithPath("tableId", table)
            .WithQuery("view", "STORAGE_STATS"), recorder, cancellation);

    public Task<QueryResponse> QueryAsync(string project, QueryRequest request, CancellationToken cancellation) =>
        session.SendAsync<QueryResponse>(new GcpRequest(GcpMethods.JobsQuery).WithPath("projectId", project).WithBody(request), recorder, cancellation);

    public Task<GetQueryResultsResponse> GetQueryResultsAsync(string project, string jobId, string? location, string? pageToken, TimeSpan wait, CancellationToken cancellation) =>
        session.SendAsync<GetQueryResultsResponse>(new GcpRequest(GcpMethods.JobsGetQueryResults)
            .WithPath("projectId", project).WithPath("jobId", jobId)
            .WithQuery("location", location)
            .WithQuery("pageToken", pageToken)
            .WithQuery("timeoutMs", ((long)wait.TotalMilliseconds).ToString(CultureInfo.InvariantCulture))
            .WithQuery("formatOptions.useInt64Timestamp", "true"), recorder, cancellation);

    /// <summary>The subset of <paramref name="permissions"/> the caller holds on a table (POST <c>…:testIamPermissions</c>).</summary>
    public async Task<IReadOnlyList<string>> TestTablePermissionsAsync(string project, string dataset, string table, IEnumerable<string> permissions, CancellationToken cancellation)
    {
        var response = await session.SendAsync<BigQuery.TestIamPermissionsResponse>(new GcpRequest(GcpMethods.TablesTestIamPermissions)
            .WithPath("resource", $"projects/{project}/datasets/{dataset}/tables/{table}")
            .WithBody(new BigQuery.TestIamPermissionsRequest { Permissions = permissions.ToList() }), recorder, cancellation).ConfigureAwait(false);
        return response.Permissions;
    }
}

/// <summary>Cloud Storage: buckets, bucket IAM, object listings, through Google.Cloud.Storage.V1 (see <see cref="GcpStorage"/>).</summary>
public sealed class StorageApi
{
    public const int ObjectsPageSize = 1000;

    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public StorageApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    /// <summary>buckets.get with <c>projection=noAcl</c>.</summary>
    public Task<Google.Apis.Storage.v1.Data.Bucket> GetBucketAsync(string bucket, CancellationToken cancellation) =>
        session.Storage.GetBucketAsync(bucket, recorder, cancellation);

    /// <summary>GET <c>b/{bucket}/iam/testPermissions?permissions=a&amp;permissions=b</c>.</summary>
    public Task<IReadOnlyList<string>> TestBucketPermissionsAsync(string bucket, IEnumerable<string> permissions, CancellationToken cancellation) =>
        session.Storage.TestBucketPermissionsAsync(bucket, permissions.ToList(), recorder, cancellation);

    /// <summary>Every page of objects under a prefix (<c>maxResults=1000</c>), until there is no <c>nextPageToken</c>.</summary>
    public IAsyncEnumerable<IReadOnlyList<Google.Apis.Storage.v1.Data.Object>> ListObjectPagesAsync(string bucket, string? prefix, CancellationToken cancellation) =>
        session.Storage.ListObjectPagesAsync(bucket, prefix, recorder, cancellation);
}

/// <summary>Resource Manager v3, Service Usage v1 and Cloud Billing v1: the project, its services, its billing.</summary>
public sealed class ProjectApi
{
    /// <summary>services.batchGet takes at most 30 names.</summary>
    public const int BatchGetLimit = 30;

    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public ProjectApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    public Task<Project> GetProjectAsync(string project, CancellationToken cancellation) =>
        session.SendAsync<Project>(new GcpRequest(GcpMethods.ProjectsGet).WithPath("name", $"projects/{project}"), recorder, cancellation);

    public async Task<IReadOnlyList<string>> TestProjectPermissionsAsync(string project, IEnumerable<string> permissions, CancellationToken cancellation)
    {
        var response = await session.SendAsync<ResourceManager.TestIamPermissionsResponse>(new GcpRequest(GcpMethods.ProjectsTestIamPermissions)
            .WithPath("resource", $"projects/{project}")
            .WithBody(new ResourceManager.TestIamPermissionsRequest { Permissions = permissions.ToList() }), recorder, cancellation).ConfigureAwait(false);
        return response.Permissions;
    }

    /// <summary>The state of each service, batched by 30 (GET <c>services:batchGet?names=…</c>).</summary>
    public async Task<IReadOnlyList<GoogleApiServiceusageV1Service>> GetServicesAsync(string project, IReadOnlyList<string> services, CancellationToken cancellation)
    {
        var result = new List<GoogleApiServiceusageV1Service>();
        foreach (var chunk in services.Chunk(BatchGetLimit))
        {
            cancellation.ThrowIfCancellationRequested();
            var request = new GcpRequest(GcpMethods.ServicesBatchGet).WithPath("parent", $"projects/{project}");
            foreach (var service in chunk)
            {
                request.WithQuery("names", $"projects/{project}/services/{service}");
            }

            var response = await session.SendAsync<BatchGetServicesResponse>(request, recorder, cancellation).ConfigureAwait(false);
            result.AddRange(response.Services);
        }

        return result;
    }

    public Task<ProjectBillingInfo> GetBillingInfoAsync(string project, CancellationToken cancellation) =>
        session.SendAsync<ProjectBillingInfo>(new GcpRequest(GcpMethods.GetBillingInfo).WithPath("name", $"projects/{project}"), recorder, cancellation);
}

/// <summary>Cloud Run Admin v2: a job and one of its executions.</summary>
public sealed class RunApi
{
    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public RunApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    /// <summary>GET <c>v2/projects/{p}/locations/{region}/jobs/{job}</c>.</summary>
    public Task<CloudRun.GoogleCloudRunV2Job> GetJobAsync(string project, string region, string job, CancellationToken cancellation) =>
        session.SendAsync<CloudRun.GoogleCloudRunV2Job>(new GcpRequest(GcpMethods.RunJobsGet)
            .WithPath("name", $"projects/{project}/locations/{region}/jobs/{job}"), recorder, cancellation);

    /// <summary>GET <c>v2/{execution name}</c>, the name as the job reported it.</summary>
    public Task<CloudRun.GoogleCloudRunV2Execution> GetExecutionAsync(string name, CancellationToken cancellation) =>
        session.SendAsync<CloudRun.GoogleCloudRunV2Execution>(new GcpRequest(GcpMethods.RunExecutionsGet).WithPath("name", name), recorder, cancellation);
}

/// <summary>IAM v1: a service account's keys.</summary>
public sealed class IamApi
{
    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public IamApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    /// <summary>The user-managed keys of a service account (<c>keyTypes=USER_MANAGED</c>; the method has no paging).</summary>
    public async Task<IReadOnlyList<Iam.ServiceAccountKey>> ListUserManagedKeysAsync(string project, string email, CancellationToken cancellation)
    {
        var response = await session.SendAsync<Iam.ListServiceAccountKeysResponse>(new GcpRequest(GcpMethods.ServiceAccountKeysList)
            .WithPath("name", $"projects/{project}/serviceAccounts/{email}")
            .WithQuery("keyTypes", "USER_MANAGED"), recorder, cancellation).ConfigureAwait(false);
        return response.Keys;
    }
}

/// <summary>Service Usage v1beta1 (consumer quota metrics) and Cloud Billing Budgets v1.</summary>
public sealed class QuotaAndBudgetApi
{
    private readonly GcpSession session;
    private readonly CallRecorder? recorder;

    public QuotaAndBudgetApi(GcpSession session, CallRecorder? recorder = null)
    {
        this.session = session;
        this.recorder = recorder;
    }

    /// <summary>
    /// Every consumer quota metric of a service, page by page (<c>view=FULL</c>, so limits without overrides
    /// still show their buckets). These are limits; Service Usage reports no usage.
    /// </summary>
    public async Task<IReadOnlyList<ServiceUsage.ConsumerQuotaMetric>> ListQuotaMetricsAsync(string project, string service, CancellationToken cancellation)
    {
        var metrics = new List<ServiceUsage.ConsumerQuotaMetric>();
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var page = await session.SendAsync<ServiceUsage.ListConsumerQuotaMetricsResponse>(new GcpRequest(GcpMethods.ConsumerQuotaMetricsList)
                .WithPath("parent", $"projects/{project}/services/{service}")
                .WithQuery("view", "FULL")
                .WithQuery("pageToken", token), recorder, cancellation).ConfigureAwait(false);
            metrics.AddRange(page.Metrics);
            token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
            if (token is not null && !seen.Add(token))
            {
                throw new GcpMalformedResponseException($"{GcpMethods.ConsumerQuotaMetricsList.Id}: the server repeated page token '{token}'", GcpMethods.ConsumerQuotaMetricsList, 200);
            }
        }
        while (token is not null);

        return metrics;
    }

    /// <summary>The budgets of a billing account that track the project's costs (<c>scope=projects/{p}</c>), every page.</summary>
    public async Task<IReadOnlyList<Billing.GoogleCloudBillingBudgetsV1Budget>> ListProjectBudgetsAsync(string billingAccount, string project, CancellationToken cancellation)
    {
        var budgets = new List<Billing.GoogleCloudBillingBudgetsV1Budget>();
        string? token = null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        do
        {
            cancellation.ThrowIfCancellationRequested();
            var page = await session.SendAsync<Billing.GoogleCloudBillingBudgetsV1ListBudgetsResponse>(new GcpRequest(GcpMethods.BudgetsList)
                .WithPath("parent", billingAccount)
                .WithQuery("scope", $"projects/{project}")
                .WithQuery("pageToken", token), recorder, cancellation).ConfigureAwait(false);
            budgets.AddRange(page.Budgets);
            token = string.IsNullOrEmpty(page.NextPageToken) ? null : page.NextPageToken;
            if (token is not null && !seen.Add(token))
            {
                throw new GcpMalformedResponseException($"{GcpMethods.BudgetsList.Id}: the server repeated page token '{token}'", GcpMethods.BudgetsList, 200);
            }
        }
        while (token is not null);

        return budgets;
    }
}
