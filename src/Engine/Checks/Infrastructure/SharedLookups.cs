using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using BqxAudit.Cloud;
using BqxAudit.Cloud.BigQuery;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>A dataset's full table listing: names and types only (a few bytes per table, so 100,000 tables stay small).</summary>
internal sealed class DatasetListing
{
    public required string Dataset { get; init; }
    public required IReadOnlyList<string> Names { get; init; }
    public required IReadOnlyList<string> Types { get; init; }
    public required int Pages { get; init; }
    public required IReadOnlyCollection<ApiCall> Calls { get; init; }

    public int Count => Names.Count;

    public SortedDictionary<string, int> ByType()
    {
        var result = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var t in Types)
        {
            result[t] = result.GetValueOrDefault(t) + 1;
        }

        return result;
    }
}

/// <summary>Storage and row totals of one dataset, from TABLE_STORAGE or from tables.get.</summary>
internal sealed record DatasetStorage(long Tables, long Rows, long LogicalBytes, long ActiveLogicalBytes, long LongTermLogicalBytes, long PhysicalBytes);

/// <summary>The outcome of one region's TABLE_STORAGE query: totals per dataset, or why there are none.</summary>
internal sealed class RegionStorage
{
    public required string Region { get; init; }
    public IReadOnlyDictionary<string, DatasetStorage> ByDataset { get; init; } = new Dictionary<string, DatasetStorage>();

    /// <summary>The query was denied: the caller falls back to tables.get.</summary>
    public GcpException? Denied { get; init; }

    /// <summary>The query failed otherwise: storage is not measured.</summary>
    public GcpException? Failed { get; init; }

    public QueryResult? Result { get; init; }
    public required IReadOnlyCollection<ApiCall> Calls { get; init; }
}

/// <summary>
/// Lookups several checks need, each made once per run: a dataset's listing (the dataset check and
/// the table-permission check share it) and one TABLE_STORAGE query per region covering every
/// profile dataset.
/// </summary>
internal sealed partial class SharedLookups
{
    private readonly ConcurrentDictionary<string, Lazy<Task<DatasetListing>>> listings = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Lazy<Task<RegionStorage>>> regions = new(StringComparer.Ordinal);
    private readonly GcpSession session;
    private readonly string project;
    private readonly IReadOnlyList<string> datasets;
    private readonly CancellationToken cancellation;

    public SharedLookups(GcpSession session, string project, IReadOnlyList<string> datasets, CancellationToken cancellation)
    {
        this.session = session;
        this.project = project;
        this.datasets = datasets;
        this.cancellation = cancellation;
    }

    /// <summary>The table names of every dataset whose listing completed, for checks after the run (data dependencies).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<string>> CompletedListings() =>
        listings.Where(l => l.Value.IsValueCreated && l.Value.Value.IsCompletedSuccessfully)
            .ToDictionary(l => l.Key, l => (IReadOnlySet<string>)l.Value.Value.Result.Names.ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    public Task<DatasetListing> ListingAsync(string dataset) =>
        listings.GetOrAdd(dataset, d => new Lazy<Task<DatasetListing>>(() => ListAsync(d, FirstOf(d)))).Value;

    /// <summary>
    /// The dataset's first table, as soon as the listing's first page holds one (the permission check tests a table
    /// while the rest of a long listing is paged); null when the listing ends without a table. Faults as the listing does.
    /// Starts the listing.
    /// </summary>
    public Task<string?> FirstTableAsync(string dataset)
    {
        var first = FirstOf(dataset);
        _ = ListingAsync(dataset);
        return first.Task;
    }

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string?>> firsts = new(StringComparer.Ordinal);

    private TaskCompletionSource<string?> FirstOf(string dataset) =>
        firsts.GetOrAdd(dataset, _ => new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously));

    /// <summary>The region's storage totals; <paramref name="location"/> is a dataset location (<c>US</c>, <c>us-central1</c>).</summary>
    public Task<RegionStorage> StorageAsync(string location) =>
        regions.GetOrAdd(location.ToLowerInvariant(), r => new Lazy<Task<RegionStorage>>(() => QueryRegionAsync(r, location))).Value;

    /// <summary>Pages through the dataset's tables; <paramref name="first"/> gets the first name as soon as a page holds one (null for none), or the listing's failure.</summary>
    private async Task<DatasetListing> ListAsync(string dataset, TaskCompletionSource<string?> first)
    {
        try
        {
            var calls = new CallRecorder();
            var api = new BigQueryApi(session, calls);
            var names = new List<string>();
            var types = new List<string>();
            var pages = 0;
            await foreach (var page in api.ListTablePagesAsync(project, dataset, cancellation).ConfigureAwait(false))
            {
                pages++;
                foreach (var table in page.Tables)
                {
                    // A table without a name or type cannot be counted or checked: an error, not "" or TABLE.
                    names.Add(GcpMalformedResponseException.Require(table.TableReference?.TableId, GcpMethods.TablesList, "tables[].tableReference.tableId"));
                    types.Add(string.Intern(GcpMalformedResponseException.Require(table.Type, GcpMethods.TablesList, "tables[].type", names[^1])));
                }

                if (names.Count > 0)
                {
                    first.TrySetResult(names[0]);
                }
            }

            first.TrySetResult(null);
            return new DatasetListing { Dataset = dataset, Names = names, Types = types, Pages = pages, Calls = calls.Calls };
        }
        catch (OperationCanceledException e)
        {
            first.TrySetCanceled(e.CancellationToken);
            throw;
        }
        catch (Exception e)
        {
            first.TrySetException(e);
            throw;
        }
    }

    /// <summary>The GoogleSQL of the storage query for one region; the datasets are a query parameter.</summary>
    public static string StorageSql(string project, string region)
    {
        if (!SafeProject().IsMatch(project) || !SafeRegion().IsMatch(region))
        {
            throw new ArgumentException($"unsafe project or region for SQL: {project} / {region}");
        }

        return $"""
            SELECT table_schema,
              COUNT(*) AS table_count,
              SUM(total_rows) AS total_rows,
              SUM(total_logical_bytes) AS total_logical_bytes,
              SUM(active_logical_bytes) AS active_logical_bytes,
              SUM(long_term_logical_bytes) AS long_term_logical_bytes,
              SUM(total_physical_bytes) AS total_physical_bytes
            FROM `{project}`.`region-{region}`.INFORMATION_SCHEMA.TABLE_STORAGE
            WHERE table_schema IN UNNEST(@datasets) AND NOT deleted
            GROUP BY table_schema
            """;
    }

    /// <param name="region">The lower-case region of the <c>region-…</c> qualifier.</param>
    /// <param name="location">The dataset location as BigQuery reports it, which the job runs in.</param>
    private async Task<RegionStorage> QueryRegionAsync(string region, string location)
    {
        var calls = new CallRecorder();
        var request = new QueryRequest
        {
            Query = StorageSql(project, region),
            Location = location,
            ParameterMode = "NAMED",
            QueryParameters =
            {
                new QueryParameter
                {
                    Name = "datasets",
                    ParameterType = new QueryParameterType { Type = "ARRAY", ArrayType = new QueryParameterType { Type = "STRING" } },
                    ParameterValue = new QueryParameterValue { ArrayValues = datasets.Select(d => new QueryParameterValue { Value = d }).ToList() },
                },
            },
            // INFORMATION_SCHEMA bills 10 MB at least; 1 GiB is a guard, not an expectation.
            MaximumBytesBilled = 1L << 30,
            UseQueryCache = false,
            FormatOptions = new DataFormatOptions { UseInt64Timestamp = true },
            Labels = { ["bqx-audit"] = "table-storage" },
        };
        try
        {
            var result = await new BigQueryQueryRunner(session, calls).RunAsync(project, request, cancellation).ConfigureAwait(false);
            return new RegionStorage { Region = region, ByDataset = Parse(result), Result = result, Calls = calls.Calls };
        }
        catch (GcpException e) when (e.Kind == GcpErrorKind.PermissionDenied)
        {
            return new RegionStorage { Region = region, Denied = e, Calls = calls.Calls };
        }
        catch (GcpException e) when (e.Kind != GcpErrorKind.CredentialsMissing)
        {
            return new RegionStorage { Region = region, Failed = e, Calls = calls.Calls };
        }
    }

    private static Dictionary<string, DatasetStorage> Parse(QueryResult result)
    {
        int Col(string name) => result.ColumnIndex(name) is var i and >= 0 ? i
            : throw new GcpMalformedResponseException($"the storage query's result has no column {name}", GcpMethods.JobsQuery, 200);

        var schema = Col("table_schema");
        var count = Col("table_count");
        var rows = Col("total_rows");
        var logical = Col("total_logical_bytes");
        var active = Col("active_logical_bytes");
        var longTerm = Col("long_term_logical_bytes");
        var physical = Col("total_physical_bytes");
        var byDataset = new Dictionary<string, DatasetStorage>(StringComparer.Ordinal);
        foreach (var row in result.Rows)
        {
            if (row[schema] is not { } name)
            {
                continue;
            }

            byDataset[name] = new DatasetStorage(Number(row[count]), Number(row[rows]), Number(row[logical]), Number(row[active]), Number(row[longTerm]), Number(row[physical]));
        }

        return byDataset;

        static long Number(string? value) =>
            value is null ? 0
            : long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n) ? n
            : throw new GcpMalformedResponseException($"the storage query returned '{value}' where a number belongs", GcpMethods.JobsGetQueryResults, 200);
    }

    [GeneratedRegex(@"^[a-z0-9.:-]+$")]
    private static partial Regex SafeProject();

    [GeneratedRegex(@"^[a-z0-9-]+$")]
    private static partial Regex SafeRegion();

    public static Evidence StorageEvidence(RegionStorage storage, string dataset) =>
        new("api", "POST bigquery.jobs.query 200", storage.Result is { } r
            ? $"INFORMATION_SCHEMA.TABLE_STORAGE in region-{storage.Region} (job {r.JobId}, {r.Polls} polls, {r.Pages} result page(s)); covers {dataset}; the view lags table changes by seconds to minutes"
            : $"INFORMATION_SCHEMA.TABLE_STORAGE in region-{storage.Region}");
}
