namespace BqxAudit.Cloud;

/// <summary>
/// Names the discovery-document schema a DTO mirrors: <c>("bigquery.v2", "TableList")</c>, or for an
/// inline item schema the property path <c>("bigquery.v2", "TableList.tables[]")</c>. JSON property
/// names are the camelCase of the C# names; 64-bit integers (JSON strings) carry
/// <c>[JsonNumberHandling(AllowReadingFromString | WriteAsString)]</c>. The contract test checks both.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class DiscoverySchemaAttribute : Attribute
{
    public DiscoverySchemaAttribute(string document, string schema)
    {
        Document = document;
        Schema = schema;
    }

    public string Document { get; }

    public string Schema { get; }
}
