using BqxAudit.Cloud;
using BqxAudit.Configuration;
using BqxAudit.Hosting;

namespace BqxAudit.Checks.Naming;

/// <summary>A dataset's live table names from BigQuery (tables.list, fully paged), as a naming source.</summary>
public sealed class BigQueryTableNameSource : ITableNameSource
{
    private readonly BigQueryTableNameLister lister;
    private readonly string dataset;

    public BigQueryTableNameSource(BigQueryTableNameLister lister, string dataset)
    {
        this.lister = lister;
        this.dataset = dataset;
    }

    public string Name => lister.SourceName(dataset);

    public IEnumerable<TableNameEntry> Read(IAuditHost host)
    {
        var place = 0;
        foreach (var (ds, table) in lister.List(dataset, host))
        {
            place++;
            yield return new TableNameEntry(table, $"{Name}[{place}]", ds, lister.Project);
        }
    }
}

/// <summary>What the online naming audit needs to list live tables.</summary>
public sealed class LiveListingOptions
{
    public string? CredentialPath { get; init; }
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;
    public GcpHttpOptions Http { get; init; } = GcpHttpOptions.Default;
}

/// <summary>
/// Chooses the live listing of the mandate's datasets when credentials exist, else says why not, so the
/// naming audit falls back to the profile's table listings instead of classifying nothing.
/// </summary>
public static class LiveTableNames
{
    /// <summary>Live sources for the mandate's datasets (or every profile dataset), or null with the reason.</summary>
    public static (IReadOnlyList<ITableNameSource>? Sources, GcpSession? Session, string Reason) Open(AuditProfile profile, MandateProfile mandate, LiveListingOptions options, IAuditHost host)
    {
        var project = profile.Gcp.Project;
        if (string.IsNullOrWhiteSpace(project))
        {
            return (null, null, "the profile names no gcp.project");
        }

        var datasets = mandate.Datasets.Count > 0 ? mandate.Datasets : profile.Datasets.Select(d => d.Name).ToList();
        if (datasets.Count == 0)
        {
            return (null, null, "neither the mandate nor the profile names a dataset");
        }

        var session = GcpSession.Create(new GcpSessionOptions
        {
            Endpoints = profile.Gcp.Endpoints,
            ProfileSource = profile.Source,
            CredentialPath = options.CredentialPath,
            Environment = options.Environment,
            Http = options.Http,
            Host = host,
        });
        try
        {
            session.CredentialForAsync(GcpApi.BigQuery).GetAwaiter().GetResult();
        }
        catch (GcpException e)
        {
            session.Dispose();
            return (null, null, $"no credentials for BigQuery ({e.Message})");
        }

        var lister = new BigQueryTableNameLister(session, project!);
        return (datasets.Select(d => (ITableNameSource)new BigQueryTableNameSource(lister, d)).ToList(), session, "live listing");
    }
}
