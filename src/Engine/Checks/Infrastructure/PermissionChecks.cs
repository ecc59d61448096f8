using BqxAudit.Cloud;
using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>How permission rows are worded and judged, whatever the resource.</summary>
internal static class PermissionRows
{
    public const string Advisory =
        "advisory: testIamPermissions reports what IAM allow policies grant the caller; deny policies, IAM conditions, " +
        "VPC Service Controls and organization policies can still refuse a call";

    public static string Expected(IReadOnlyList<string> permissions) => "granted: " + string.Join(", ", permissions);

    /// <summary>Fills a row from the granted subset: Ready when nothing is missing, else <paramref name="whenMissing"/> with each missing permission named.</summary>
    public static InfraCheck Judge(PlannedCheck plan, IReadOnlyList<string> wanted, IReadOnlyList<string> granted, string location,
        InfraCheckStatus whenMissing, Func<IReadOnlyList<string>, string> remedy, string? note = null)
    {
        var grantedSet = new HashSet<string>(granted, StringComparer.Ordinal);
        var missing = wanted.Where(p => !grantedSet.Contains(p)).ToList();
        var have = wanted.Where(grantedSet.Contains).ToList();
        var row = missing.Count == 0
            ? plan.Row(InfraCheckStatus.Ready, $"all {wanted.Count} granted")
            : plan.Row(whenMissing, $"{have.Count} of {wanted.Count} granted; missing: {string.Join(", ", missing)}{(note is null ? "" : $" ({note})")}", remedy(missing));
        row.Details["Granted"] = have;
        row.Details["Missing"] = missing;
        row.Details["Advisory"] = true;
        row.Evidence.Add(new Evidence("api", location, $"{Advisory}; granted {have.Count} of {wanted.Count}"));
        return row;
    }

    public static bool ResourceScoped(string permission) =>
        permission.StartsWith("bigquery.tables.", StringComparison.Ordinal) || permission.StartsWith("storage.objects.", StringComparison.Ordinal)
        || permission.StartsWith("storage.buckets.", StringComparison.Ordinal);
}

/// <summary>Permission on the project: the profile's whole list (Resource Manager projects.testIamPermissions).</summary>
internal sealed class ProjectPermissionCheck : CheckUnit
{
    private readonly IReadOnlyList<string> permissions;

    public ProjectPermissionCheck(string project, IReadOnlyList<string> permissions)
        : base(new PlannedCheck(InfraCheckKind.Permission, $"project:{project}", "caller's permissions on the project", PermissionRows.Expected(permissions))) =>
        this.permissions = permissions;

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var granted = await new ProjectApi(context.Session, calls).TestProjectPermissionsAsync(context.Project, permissions, context.Cancellation).ConfigureAwait(false);
        var missing = permissions.Where(p => !granted.Contains(p, StringComparer.Ordinal)).ToList();

        // Table and object permissions may be granted on the dataset or bucket instead: those rows decide.
        var resourcesCover = missing.All(p =>
            (p.StartsWith("bigquery.tables.", StringComparison.Ordinal) && context.Profile.Datasets.Count > 0)
            || (p.StartsWith("storage.", StringComparison.Ordinal) && context.Profile.Buckets.Count > 0));
        var status = resourcesCover ? InfraCheckStatus.Partial : InfraCheckStatus.Blocked;
        var note = resourcesCover ? "may be granted on the datasets or buckets; see their permission checks" : null;
        var row = PermissionRows.Judge(Plan[0], permissions, granted, "POST cloudresourcemanager.projects.testIamPermissions 200", status,
            m => string.Join("; ", m.GroupBy(Roles.For).Select(g =>
                $"gcloud projects add-iam-policy-binding {context.Project} --member={context.Member} --role={g.Key}  # {string.Join(", ", g)}")),
            note);
        return new[] { row };
    }
}

/// <summary>Permission on a bucket: the profile's <c>storage.*</c> permissions (GET b/{bucket}/iam/testPermissions).</summary>
internal sealed class BucketPermissionCheck : CheckUnit
{
    private readonly string bucket;
    private readonly IReadOnlyList<string> permissions;

    public BucketPermissionCheck(string bucket, IReadOnlyList<string> permissions)
        : base(new PlannedCheck(InfraCheckKind.Permission, $"gcs:{bucket}", "caller's permissions on the bucket", PermissionRows.Expected(permissions))
        {
            MissingRemedy = $"gcloud storage buckets create gs://{bucket}",
        })
    {
        this.bucket = bucket;
        this.permissions = permissions;
    }

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var granted = await new StorageApi(context.Session, calls).TestBucketPermissionsAsync(bucket, permissions, context.Cancellation).ConfigureAwait(false);
        var row = PermissionRows.Judge(Plan[0], permissions, granted, "GET storage.buckets.testIamPermissions 200", InfraCheckStatus.Blocked,
            m => string.Join("; ", m.GroupBy(Roles.For).Select(g =>
                $"gcloud storage buckets add-iam-policy-binding gs://{bucket} --member={context.Member} --role={g.Key}  # {string.Join(", ", g)}")));
        return new[] { row };
    }
}

/// <summary>
/// Permission on a table: the profile's <c>bigquery.tables.*</c> permissions, tested on the first table
/// the dataset lists (tables.testIamPermissions; BigQuery has no dataset-level test).
/// </summary>
internal sealed class TablePermissionCheck : CheckUnit
{
    private readonly string dataset;
    private readonly IReadOnlyList<string> permissions;

    public TablePermissionCheck(string project, string dataset, IReadOnlyList<string> permissions)
        : base(new PlannedCheck(InfraCheckKind.Permission, $"bigquery:{project}.{dataset}", "caller's permissions on a table of the dataset", PermissionRows.Expected(permissions))
        {
            MissingRemedy = $"bq mk --dataset {project}:{dataset}",
        })
    {
        this.dataset = dataset;
        this.permissions = permissions;
    }

    /// <inheritdoc/>
    public override void Prefetch(CheckContext context) => _ = context.Shared.ListingAsync(dataset);

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        // The permissions are tested on the first table as soon as the listing's first page names it, while the
        // rest of the listing is paged (a long listing is the run's longest chain of calls); the row still waits for
        // the listing, whose count it cites and whose failure it reports.
        var first = await context.Shared.FirstTableAsync(dataset).ConfigureAwait(false);
        var testing = first is null ? null : new BigQueryApi(context.Session, calls)
            .TestTablePermissionsAsync(context.Project, dataset, first, permissions, context.Cancellation);
        DatasetListing listing;
        try
        {
            listing = await context.Shared.ListingAsync(dataset).ConfigureAwait(false);
        }
        catch
        {
            testing.ObserveFaults();
            throw;
        }

        var plan = Plan[0];
        if (testing is null || listing.Count == 0)
        {
            var empty = plan.Row(InfraCheckStatus.NotVerified, "not measured: the dataset has no table to test permissions on",
                $"Create a table in {context.Project}:{dataset}, or check the dataset-level roles with `bq show --format=prettyjson {context.Project}:{dataset}`.");
            empty.Evidence.Add(new Evidence("api", "GET bigquery.tables.list 200", "0 tables"));
            return new[] { empty };
        }

        var table = first!;
        var granted = await testing.ConfigureAwait(false);
        var row = PermissionRows.Judge(plan, permissions, granted, "POST bigquery.tables.testIamPermissions 200", InfraCheckStatus.Blocked,
            m => string.Join("; ", m.GroupBy(Roles.For).Select(g =>
                $"Grant {context.Member} {g.Key} on dataset {context.Project}:{dataset} (or the project: gcloud projects add-iam-policy-binding {context.Project} --member={context.Member} --role={g.Key})  # {string.Join(", ", g)}")));
        row.Details["Table"] = table;
        row.Evidence.Add(new Evidence("api", "GET bigquery.tables.list 200", $"tested on {context.Project}.{dataset}.{table}, the first of {Format.Count(listing.Count)} tables"));
        return new[] { row };
    }
}
