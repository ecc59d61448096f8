using System.Diagnostics;
using System.Text.Json;
using BqxAudit.Cloud.BigQuery;

namespace BqxAudit.Cloud;

/// <summary>The rows of a finished query, as strings by column name, and what it took to get them.</summary>
public sealed class QueryResult
{
    public required IReadOnlyList<string> Columns { get; init; }

    /// <summary>Each row's cells in column order; scalars as BigQuery sends them (strings), NULL as null.</summary>
    public required IReadOnlyList<string?[]> Rows { get; init; }

    public string? JobId { get; init; }

    public string? Location { get; init; }

    public long? TotalBytesProcessed { get; init; }

    /// <summary>What BigQuery says the statement was (<c>SELECT</c>, <c>CREATE_TABLE</c>, <c>DROP_TABLE</c> …).</summary>
    public string? StatementType { get; init; }

    /// <summary>getQueryResults calls made while <c>jobComplete</c> was false.</summary>
    public int Polls { get; init; }

    /// <summary>Result pages read (the first included).</summary>
    public int Pages { get; init; }

    public int ColumnIndex(string name)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>
/// Runs one read-only GoogleSQL query the way ENDPOINTS.md §1 describes: POST jobs.query
/// (<c>useLegacySql:false</c>, a <c>requestId</c> so a retried POST returns the same job, the job's
/// location); while <c>jobComplete</c> is false, GET jobs.getQueryResults with the job id and
/// <c>location=jobReference.location</c>; then follow <c>pageToken</c> (not nextPageToken) to the last page.
/// Job errors, which arrive with HTTP 200, become typed exceptions.
/// </summary>
public sealed class BigQueryQueryRunner
{
    private readonly BigQueryApi api;
    private readonly GcpHttpOptions options;

    public BigQueryQueryRunner(GcpSession session, CallRecorder? recorder = null)
    {
        api = new BigQueryApi(session, recorder);
        options = session.Options;
    }

    public Task<QueryResult> RunAsync(string project, QueryRequest request, CancellationToken cancellation) =>
        RunCoreAsync(project, request, requireSchema: true, cancellation);

    /// <summary>
    /// Runs a statement that returns no rows (DDL: CREATE, ALTER, DROP) the same way — one POST, polls while
    /// incomplete — and returns its job; a completed job without a schema is its success, errors its failure.
    /// </summary>
    public Task<QueryResult> ExecuteStatementAsync(string project, QueryRequest request, CancellationToken cancellation) =>
        RunCoreAsync(project, request, requireSchema: false, cancellation);

    private async Task<QueryResult> RunCoreAsync(string project, QueryRequest request, bool requireSchema, CancellationToken cancellation)
    {
        request.UseLegacySql = false;
        request.TimeoutMs ??= (uint)Math.Clamp(options.QueryWait.TotalMilliseconds, 1, uint.MaxValue);
        request.RequestId ??= Guid.NewGuid().ToString("N");
        var watch = Stopwatch.StartNew();

        var first = await api.QueryAsync(project, request, cancellation).ConfigureAwait(false);
        var job = first.JobReference;
        var location = job?.Location ?? first.Location ?? request.Location;
        var complete = first.JobComplete == true;
        TableSchema? schema = first.Schema;
        IReadOnlyList<TableRow> rows = first.Rows;
        var pageToken = first.PageToken;
        long? bytes = first.TotalBytesProcessed;
        ThrowOnJobFailure(GcpMethods.JobsQuery, complete, schema, first.Errors);

        var polls = 0;
        while (!complete)
        {
            cancellation.ThrowIfCancellationRequested();
            if (job?.JobId is not { Length: > 0 } jobId)
            {
                throw new GcpMalformedResponseException($"{GcpMethods.JobsQuery.Id}: the job is not complete and has no jobReference to poll", GcpMethods.JobsQuery, 200);
            }

            if (watch.Elapsed > options.QueryMaxDuration)
            {
                throw new GcpTransientException($"{GcpMethods.JobsGetQueryResults.Id}: job {jobId} did not complete within {options.QueryMaxDuration.TotalSeconds:0} s ({polls} polls)",
                    GcpMethods.JobsGetQueryResults, 200, "jobIncomplete");
            }

            var poll = await api.GetQueryResultsAsync(project, jobId, location, null, options.QueryWait, cancellation).ConfigureAwait(false);
            polls++;
            complete = poll.JobComplete == true;
            schema = poll.Schema;
            rows = poll.Rows;
            pageToken = poll.PageToken;
            bytes = poll.TotalBytesProcessed ?? bytes;
            ThrowOnJobFailure(GcpMethods.JobsGetQueryResults, complete, schema, poll.Errors);
        }

        if (schema is null)
        {
            if (!requireSchema)
            {
                return new QueryResult { Columns = Array.Empty<string>(), Rows = Array.Empty<string?[]>(), JobId = job?.JobId, Location = location, TotalBytesProcessed = bytes, StatementType = first.StatementType, Polls = polls, Pages = 1 };
            }

            throw new GcpMalformedResponseException($"{GcpMethods.JobsQuery.Id}: the completed query has no schema", GcpMethods.JobsQuery, 200);
        }

        var columns = schema.Fields.Select(f => f.Name ?? "").ToArray();
        var result = new List<string?[]>();
        Append(result, rows, columns.Length);
        var pages = 1;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        while (!string.IsNullOrEmpty(pageToken))
        {
            cancellation.ThrowIfCancellationRequested();
            if (!seen.Add(pageToken))
            {
                throw new GcpMalformedResponseException($"{GcpMethods.JobsGetQueryResults.Id}: the server repeated page token '{pageToken}'", GcpMethods.JobsGetQueryResults, 200);
            }

            var jobId = job?.JobId ?? throw new GcpMalformedResponseException($"{GcpMethods.JobsQuery.Id}: more pages but no jobReference", GcpMethods.JobsQuery, 200);
            var page = await api.GetQueryResultsAsync(project, jobId, location, pageToken, options.QueryWait, cancellation).ConfigureAwait(false);
            pages++;
            Append(result, page.Rows, columns.Length);
            pageToken = page.PageToken;
        }

        return new QueryResult { Columns = columns, Rows = result, JobId = job?.JobId, Location = location, TotalBytesProcessed = bytes, StatementType = first.StatementType, Polls = polls, Pages = pages };
    }

    /// <summary>A completed job with errors and no schema failed; errors beside a result are warnings.</summary>
    private static void ThrowOnJobFailure(GcpMethod method, bool complete, TableSchema? schema, List<ErrorProto> errors)
    {
        if (errors.Count > 0 && complete && schema is null)
        {
            throw GcpErrorMapper.FromJobErrors(method, errors);
        }
    }

    private static void Append(List<string?[]> into, IReadOnlyList<TableRow> rows, int width)
    {
        foreach (var row in rows)
        {
            var cells = new string?[width];
            for (var i = 0; i < width && i < row.F.Count; i++)
            {
                cells[i] = row.F[i].V is { } v ? v.ValueKind switch
                {
                    JsonValueKind.String => v.GetString(),
                    JsonValueKind.Null or JsonValueKind.Undefined => null,
                    _ => v.GetRawText(),
                } : null;
            }

            into.Add(cells);
        }
    }
}
