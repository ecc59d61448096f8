using System.Text.Json;
using System.Text.Json.Serialization;

// BigQuery v2 request and response bodies, named and shaped as in bigquery.v2.json. Only the
// properties the audit reads or sends are declared; absent lists deserialize as empty.
namespace BqxAudit.Cloud.BigQuery;

[DiscoverySchema("bigquery.v2", "DatasetReference")]
public sealed class DatasetReference
{
    public string? ProjectId { get; set; }
    public string? DatasetId { get; set; }
}

[DiscoverySchema("bigquery.v2", "Dataset")]
public sealed class Dataset
{
    public string? Kind { get; set; }
    public string? Id { get; set; }
    public DatasetReference? DatasetReference { get; set; }
    public string? Location { get; set; }
    public string? Type { get; set; }
    public string? FriendlyName { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? CreationTime { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? LastModifiedTime { get; set; }

    public Dictionary<string, string> Labels { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "TableReference")]
public sealed class TableReference
{
    public string? ProjectId { get; set; }
    public string? DatasetId { get; set; }
    public string? TableId { get; set; }
}

[DiscoverySchema("bigquery.v2", "TableList")]
public sealed class TableList
{
    public string? Kind { get; set; }
    public string? Etag { get; set; }
    public string? NextPageToken { get; set; }
    public int? TotalItems { get; set; }
    public List<TablesData> Tables { get; set; } = new();

    /// <summary>An item of <c>tables</c> (an inline schema; the name follows the .NET client generator).</summary>
    [DiscoverySchema("bigquery.v2", "TableList.tables[]")]
    public sealed class TablesData
    {
        public string? Kind { get; set; }
        public string? Id { get; set; }
        public TableReference? TableReference { get; set; }

        /// <summary>TABLE, VIEW, EXTERNAL, MATERIALIZED_VIEW, SNAPSHOT.</summary>
        public string? Type { get; set; }

        [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
        public long? CreationTime { get; set; }
    }
}

[DiscoverySchema("bigquery.v2", "Table")]
public sealed class Table
{
    public string? Kind { get; set; }
    public string? Id { get; set; }
    public TableReference? TableReference { get; set; }
    public string? Type { get; set; }
    public string? Location { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? NumRows { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumLongTermBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumPhysicalBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumTotalLogicalBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumActiveLogicalBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumLongTermLogicalBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? NumTotalPhysicalBytes { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? LastModifiedTime { get; set; }
}

[DiscoverySchema("bigquery.v2", "QueryParameterType")]
public sealed class QueryParameterType
{
    public string? Type { get; set; }
    public QueryParameterType? ArrayType { get; set; }
}

[DiscoverySchema("bigquery.v2", "QueryParameterValue")]
public sealed class QueryParameterValue
{
    public string? Value { get; set; }
    public List<QueryParameterValue> ArrayValues { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "QueryParameter")]
public sealed class QueryParameter
{
    public string? Name { get; set; }
    public QueryParameterType? ParameterType { get; set; }
    public QueryParameterValue? ParameterValue { get; set; }
}

[DiscoverySchema("bigquery.v2", "DataFormatOptions")]
public sealed class DataFormatOptions
{
    public bool? UseInt64Timestamp { get; set; }
}

[DiscoverySchema("bigquery.v2", "QueryRequest")]
public sealed class QueryRequest
{
    public string? Kind { get; set; }
    public string Query { get; set; } = "";

    /// <summary>Defaults to true on the server: always send false (INFORMATION_SCHEMA is GoogleSQL only).</summary>
    public bool? UseLegacySql { get; set; }

    public bool? DryRun { get; set; }
    public string? Location { get; set; }
    public uint? TimeoutMs { get; set; }
    public uint? MaxResults { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? MaximumBytesBilled { get; set; }

    /// <summary>Makes a retried POST return the first attempt's job instead of starting another.</summary>
    public string? RequestId { get; set; }

    public string? ParameterMode { get; set; }
    public List<QueryParameter> QueryParameters { get; set; } = new();
    public DataFormatOptions? FormatOptions { get; set; }
    public bool? UseQueryCache { get; set; }
    public Dictionary<string, string> Labels { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "JobReference")]
public sealed class JobReference
{
    public string? ProjectId { get; set; }
    public string? JobId { get; set; }
    public string? Location { get; set; }
}

[DiscoverySchema("bigquery.v2", "TableFieldSchema")]
public sealed class TableFieldSchema
{
    public string? Name { get; set; }
    public string? Type { get; set; }
    public string? Mode { get; set; }
    public List<TableFieldSchema> Fields { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "TableSchema")]
public sealed class TableSchema
{
    public List<TableFieldSchema> Fields { get; set; } = new();
}

/// <summary>A cell: its value is positional (schema.fields[i]); scalars arrive as strings, NULL as null.</summary>
[DiscoverySchema("bigquery.v2", "TableCell")]
public sealed class TableCell
{
    public JsonElement? V { get; set; }
}

[DiscoverySchema("bigquery.v2", "TableRow")]
public sealed class TableRow
{
    public List<TableCell> F { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "ErrorProto")]
public sealed class ErrorProto
{
    public string? Reason { get; set; }
    public string? Location { get; set; }
    public string? Message { get; set; }
}

[DiscoverySchema("bigquery.v2", "QueryResponse")]
public sealed class QueryResponse
{
    public string? Kind { get; set; }
    public JobReference? JobReference { get; set; }
    public bool? JobComplete { get; set; }
    public TableSchema? Schema { get; set; }
    public List<TableRow> Rows { get; set; } = new();
    public string? PageToken { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? TotalRows { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? TotalBytesProcessed { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? TotalBytesBilled { get; set; }

    public bool? CacheHit { get; set; }
    public List<ErrorProto> Errors { get; set; } = new();
    public string? Location { get; set; }
    public string? QueryId { get; set; }
    public string? StatementType { get; set; }
}

[DiscoverySchema("bigquery.v2", "GetQueryResultsResponse")]
public sealed class GetQueryResultsResponse
{
    public string? Kind { get; set; }
    public string? Etag { get; set; }
    public JobReference? JobReference { get; set; }
    public bool? JobComplete { get; set; }
    public TableSchema? Schema { get; set; }
    public List<TableRow> Rows { get; set; } = new();
    public string? PageToken { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? TotalRows { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? TotalBytesProcessed { get; set; }

    public bool? CacheHit { get; set; }
    public List<ErrorProto> Errors { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "TestIamPermissionsRequest")]
public sealed class TestIamPermissionsRequest
{
    public List<string> Permissions { get; set; } = new();
}

[DiscoverySchema("bigquery.v2", "TestIamPermissionsResponse")]
public sealed class TestIamPermissionsResponse
{
    public List<string> Permissions { get; set; } = new();
}
