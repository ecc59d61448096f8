using System.Runtime.CompilerServices;

namespace BqxAudit.Cloud;

/// <summary>
/// Lists a dataset's live table names (tables.list, fully paged at 1000 per page) as
/// <c>(Dataset, TableName)</c> pairs, for the naming engine's table-name source interface
/// (<c>ITableNameSource</c>), so Test-BqxNamingCompliance and the rename plan run on the real dataset.
/// Adapting it takes a few lines:
/// <code>
/// sealed class BigQueryNameSource(BigQueryTableNameLister lister, string dataset) : ITableNameSource
/// {
///     public string Name => lister.SourceName(dataset);           // bigquery:project.dataset
///     public IEnumerable&lt;TableNameEntry&gt; Read(IAuditHost host) =>
///         lister.List(dataset, host).Select(t => new TableNameEntry(lister.Project, t.Dataset, t.TableName …));
/// }
/// </code>
/// Pages stream as they arrive; a failed call ends the listing with a <see cref="GcpException"/>
/// (the synchronous <see cref="List(string, Hosting.IAuditHost)"/> reports it through the host instead).
/// </summary>
public sealed class BigQueryTableNameLister
{
    private readonly BigQueryApi api;

    public BigQueryTableNameLister(GcpSession session, string project, CallRecorder? recorder = null)
    {
        api = new BigQueryApi(session, recorder);
        Project = project;
    }

    public string Project { get; }

    /// <summary>How the source is named in messages: <c>bigquery:project.dataset</c>.</summary>
    public string SourceName(string dataset) => $"bigquery:{Project}.{dataset}";

    /// <summary>The dataset's table names in the order BigQuery lists them (by table id), page by page.</summary>
    public async IAsyncEnumerable<(string Dataset, string TableName)> ListAsync(string dataset, [EnumeratorCancellation] CancellationToken cancellation = default)
    {
        await foreach (var page in api.ListTablePagesAsync(Project, dataset, cancellation).ConfigureAwait(false))
        {
            foreach (var table in page.Tables)
            {
                // A listed table without a name is an answer the naming check cannot judge: an error, not a skipped row.
                yield return (dataset, GcpMalformedResponseException.Require(table.TableReference?.TableId, GcpMethods.TablesList, "tables[].tableReference.tableId"));
            }
        }
    }

    /// <summary>Every table name of each dataset, in dataset order.</summary>
    public async Task<IReadOnlyList<(string Dataset, string TableName)>> ListAllAsync(IEnumerable<string> datasets, CancellationToken cancellation = default)
    {
        var result = new List<(string, string)>();
        foreach (var dataset in datasets)
        {
            await foreach (var pair in ListAsync(dataset, cancellation).ConfigureAwait(false))
            {
                result.Add(pair);
            }
        }

        return result;
    }

    /// <summary>
    /// The synchronous shape <c>ITableNameSource.Read(IAuditHost)</c> wants: names stream page by page;
    /// a failure is written as one error (with a stable id) and ends the listing.
    /// </summary>
    public IEnumerable<(string Dataset, string TableName)> List(string dataset, Hosting.IAuditHost host)
    {
        var enumerator = ListAsync(dataset, host.Cancellation).GetAsyncEnumerator(host.Cancellation);
        try
        {
            while (true)
            {
                (string, string) current;
                try
                {
                    if (!enumerator.MoveNextAsync().AsTask().GetAwaiter().GetResult())
                    {
                        yield break;
                    }

                    current = enumerator.Current;
                }
                catch (GcpException e)
                {
                    host.WriteError(CloudErrors.ToBqxError(e, SourceName(dataset)));
                    yield break;
                }

                yield return current;
            }
        }
        finally
        {
            enumerator.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }
}
