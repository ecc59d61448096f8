using System.Collections.Concurrent;
using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>
/// BigQueryDataset: location (datasets.get), table count by type (tables.list, fully paged at 1000),
/// storage and row totals (one TABLE_STORAGE query per region; tables.get for each table only when
/// that query is denied), and the measured table count against the profile's expectation.
/// </summary>
internal sealed class DatasetCheck : CheckUnit
{
    /// <summary>Table types that hold storage (views and external tables do not).</summary>
    private static readonly HashSet<string> StoredTypes = new(StringComparer.Ordinal) { "TABLE", "MATERIALIZED_VIEW", "SNAPSHOT" };

    private readonly DatasetProfile dataset;

    public DatasetCheck(string project, DatasetProfile dataset)
        : base(new PlannedCheck(InfraCheckKind.BigQueryDataset, $"bigquery:{project}.{dataset.Name}", "dataset: location, tables by type, storage and rows",
            dataset.ExpectedTables is { } n ? $"{Format.Count(n)} tables" : "exists")
        {
            MissingRemedy = $"bq mk --dataset --location=LOCATION {project}:{dataset.Name}  (or correct datasets[].name in the profile)",
        }) =>
        this.dataset = dataset;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var bigquery = new BigQueryApi(context.Session, calls);
        var meta = await bigquery.GetDatasetAsync(context.Project, dataset.Name, context.Cancellation).ConfigureAwait(false);
        var location = GcpMalformedResponseException.Require(meta.Location, GcpMethods.DatasetsGet, "location");
        var listing = await context.Shared.ListingAsync(dataset.Name).ConfigureAwait(false);
        foreach (var call in listing.Calls)
        {
            calls.Add(call);
        }

        var byType = listing.ByType();
        var evidence = new List<Evidence>
        {
            new("api", "GET bigquery.datasets.get 200", $"location {location}"),
            new("api", "GET bigquery.tables.list 200", $"{Format.Count(listing.Count)} tables in {listing.Pages} page(s) of up to {BigQueryApi.TablesPageSize}: "
                + string.Join(", ", byType.Select(t => $"{Format.Count(t.Value)} {t.Key}"))),
        };

        var (storage, storageNote) = await MeasureStorageAsync(context, location, listing, calls, evidence).ConfigureAwait(false);

        var plan = Plan[0];
        var problems = new List<string>();
        string? remedy = null;
        if (dataset.ExpectedTables is { } expected && expected != listing.Count)
        {
            problems.Add($"expected {Format.Count(expected)} tables, measured {Format.Count(listing.Count)}");
            remedy = $"The dataset holds {Format.Count(listing.Count)} tables where the plan expects {Format.Count(expected)}: find the missing or extra tables (Test-BqxNamingCompliance lists them), or correct datasets[].expectedTables.";
        }

        if (storage is null)
        {
            problems.Add($"storage not measured ({storageNote})");
            remedy ??= "Retry; storage totals need INFORMATION_SCHEMA.TABLE_STORAGE (bigquery.tables.list + bigquery.jobs.create) or tables.get on each table.";
        }

        var types = string.Join(", ", byType.Select(t => $"{Format.Count(t.Value)} {t.Key}"));
        var actual = $"{Format.Count(listing.Count)} tables{(types.Length > 0 ? $" ({types})" : "")}"
            + (storage is null ? "" : $", {Format.Gb(storage.LogicalBytes)} logical, {Format.Count(storage.Rows)} rows")
            + $", {location}"
            + (problems.Count > 0 ? $"; {string.Join("; ", problems)}" : "");
        var row = plan.Row(problems.Count == 0 ? InfraCheckStatus.Ready : InfraCheckStatus.Partial, actual, remedy);
        row.Details["Location"] = location;
        row.Details["Tables"] = listing.Count;
        row.Details["TablesByType"] = byType;
        if (dataset.ExpectedTables is { } e)
        {
            row.Details["ExpectedTables"] = e;
        }

        if (storage is not null)
        {
            row.Details["LogicalBytes"] = storage.LogicalBytes;
            row.Details["ActiveLogicalBytes"] = storage.ActiveLogicalBytes;
            row.Details["LongTermLogicalBytes"] = storage.LongTermLogicalBytes;
            row.Details["PhysicalBytes"] = storage.PhysicalBytes;
            row.Details["Rows"] = storage.Rows;
            row.Details["StorageTables"] = storage.Tables;
            row.Details["StorageSource"] = storageNote;
        }

        row.Evidence.AddRange(evidence);
        return new[] { row };
    }

    /// <summary>Storage totals from the region's TABLE_STORAGE query, or from tables.get when the query is denied.</summary>
    private async Task<(DatasetStorage? Storage, string Note)> MeasureStorageAsync(CheckContext context, string location, DatasetListing listing, CallRecorder calls, List<Evidence> evidence)
    {
        var region = await context.Shared.StorageAsync(location).ConfigureAwait(false);
        foreach (var call in region.Calls)
        {
            calls.Add(call);
        }

        if (region.Result is not null)
        {
            evidence.Add(SharedLookups.StorageEvidence(region, dataset.Name));
            var stats = region.ByDataset.GetValueOrDefault(dataset.Name) ?? new DatasetStorage(0, 0, 0, 0, 0, 0);
            return (stats, $"INFORMATION_SCHEMA.TABLE_STORAGE (region-{region.Region})");
        }

        if (region.Failed is { } failed)
        {
            evidence.Add(new Evidence("api", failed.Location, $"the TABLE_STORAGE query failed: {CheckErrors.Describe(failed)}"));
            return (null, $"the TABLE_STORAGE query failed: {failed.Kind}");
        }

        var denied = region.Denied!;
        evidence.Add(new Evidence("api", denied.Location, $"the TABLE_STORAGE query was denied ({CheckErrors.Describe(denied)}); falling back to tables.get per table"));
        try
        {
            var stats = await TablesGetAsync(context, listing, calls).ConfigureAwait(false);
            evidence.Add(new Evidence("api", "GET bigquery.tables.get 200", $"{Format.Count(stats.Tables)} tables read with view=STORAGE_STATS, at most {context.ThrottleLimit} at a time"));
            return (stats, "tables.get (STORAGE_STATS) per table");
        }
        catch (GcpException e) when (e.Kind is not GcpErrorKind.CredentialsMissing)
        {
            evidence.Add(new Evidence("api", e.Location, $"the tables.get fallback failed: {CheckErrors.Describe(e)}"));
            return (null, $"the TABLE_STORAGE query was denied and tables.get failed: {e.Kind}");
        }
    }

    private async Task<DatasetStorage> TablesGetAsync(CheckContext context, DatasetListing listing, CallRecorder calls)
    {
        var api = new BigQueryApi(context.Session, calls);
        var stored = Enumerable.Range(0, listing.Count).Where(i => StoredTypes.Contains(listing.Types[i])).Select(i => listing.Names[i]).ToArray();
        long rows = 0, bytes = 0, longTerm = 0, physical = 0, tables = 0;
        var gate = new object();
        await Parallel.ForEachAsync(stored, new ParallelOptions { MaxDegreeOfParallelism = context.ThrottleLimit, CancellationToken = context.Cancellation }, async (name, token) =>
        {
            Cloud.BigQuery.Table table;
            try
            {
                table = await api.GetTableAsync(context.Project, dataset.Name, name, token).ConfigureAwait(false);
            }
            catch (GcpNotFoundException)
            {
                return; // deleted since it was listed
            }

            lock (gate)
            {
                tables++;
                rows += (long)Math.Min(table.NumRows ?? 0, long.MaxValue);
                bytes += table.NumTotalLogicalBytes ?? table.NumBytes ?? 0;
                longTerm += table.NumLongTermLogicalBytes ?? table.NumLongTermBytes ?? 0;
                physical += table.NumTotalPhysicalBytes ?? table.NumPhysicalBytes ?? 0;
            }
        }).ConfigureAwait(false);
        return new DatasetStorage(tables, rows, bytes, Math.Max(0, bytes - longTerm), longTerm, physical);
    }
}

/// <summary>GcsBucket: location and class (buckets.get), and per prefix the object count, bytes and newest update (objects.list, fully paged).</summary>
internal sealed class BucketCheck : CheckUnit
{
    private readonly BucketProfile bucket;

    public BucketCheck(BucketProfile bucket)
        : base(new PlannedCheck(InfraCheckKind.GcsBucket, $"gcs:{bucket.Name}", "bucket: location, class, objects under each prefix",
            bucket.Prefixes.Count == 0 ? "exists" : "objects under " + string.Join(", ", bucket.Prefixes))
        {
            MissingRemedy = $"gcloud storage buckets create gs://{bucket.Name} --location=LOCATION  (or correct buckets[].name in the profile)",
        }) =>
        this.bucket = bucket;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var storage = new StorageApi(context.Session, calls);
        var meta = await storage.GetBucketAsync(bucket.Name, context.Cancellation).ConfigureAwait(false);
        var location = GcpMalformedResponseException.Require(meta?.Location, GcpMethods.BucketsGet, "location");
        var storageClass = GcpMalformedResponseException.Require(meta!.StorageClass, GcpMethods.BucketsGet, "storageClass");
        var locationType = meta.LocationType is { Length: > 0 } lt ? lt : "location type not given";
        var evidence = new List<Evidence>
        {
            new("api", "GET storage.buckets.get 200", $"location {location} ({locationType}), class {storageClass}"),
        };
        var prefixes = new SortedDictionary<string, object>(StringComparer.Ordinal);
        var parts = new List<string>();
        var empty = new List<string>();
        foreach (var prefix in bucket.Prefixes)
        {
            long count = 0, bytes = 0;
            DateTimeOffset? newest = null;
            string? newestName = null;
            var pages = 0;
            await foreach (var page in storage.ListObjectPagesAsync(bucket.Name, prefix, context.Cancellation).ConfigureAwait(false))
            {
                pages++;
                foreach (var item in page)
                {
                    count++;
                    var name = GcpMalformedResponseException.Require(item.Name, GcpMethods.ObjectsList, "items[].name");
                    bytes += (long)Math.Min(GcpMalformedResponseException.Require(item.Size, GcpMethods.ObjectsList, "items[].size", name), long.MaxValue);
                    var updated = item.UpdatedDateTimeOffset ?? item.TimeCreatedDateTimeOffset;
                    if (updated is { } u && (newest is null || u > newest))
                    {
                        newest = u;
                        newestName = name;
                    }
                }
            }

            var facts = new Dictionary<string, object> { ["Objects"] = count, ["Bytes"] = bytes };
            if (newest is { } n)
            {
                facts["NewestUpdate"] = n;
                facts["NewestObject"] = newestName ?? "";
            }

            prefixes[prefix] = facts;
            evidence.Add(new Evidence("api", "GET storage.objects.list 200",
                $"prefix {prefix}: {Format.Count(count)} objects in {pages} page(s){(newest is { } t ? $", newest {newestName} updated {Format.Time(t)}" : "")}"));
            parts.Add(count == 0 ? $"{prefix}: no objects" : $"{prefix}: {Format.Count(count)} objects, {Format.Gb(bytes)}, newest {Format.Time(newest!.Value)}");
            if (count == 0)
            {
                empty.Add(prefix);
            }
        }

        var plan = Plan[0];
        var actual = $"{location} ({locationType}), {storageClass}" + (parts.Count > 0 ? "; " + string.Join("; ", parts) : "");
        var row = empty.Count == 0
            ? plan.Row(InfraCheckStatus.Ready, actual)
            : plan.Row(InfraCheckStatus.Partial, actual,
                $"Nothing under {string.Join(", ", empty.Select(p => $"gs://{bucket.Name}/{p}"))}: the objects the pipeline reads there are missing; check buckets[].prefixes or that the job writing them ran.");
        row.Details["Location"] = location;
        row.Details["LocationType"] = meta.LocationType ?? "";
        row.Details["StorageClass"] = storageClass;
        row.Details["Prefixes"] = prefixes;
        row.Evidence.AddRange(evidence);
        return new[] { row };
    }
}
