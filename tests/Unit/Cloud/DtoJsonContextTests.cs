using System.Text.Json;
using BqxAudit.Cloud;

namespace BqxAudit.Tests.Cloud;

/// <summary>Every request and response body has compiled JSON metadata (GcpJsonContext), and reads as it did by reflection.</summary>
public class DtoJsonContextTests
{
    private static readonly string[] DtoNamespaces =
        { "BqxAudit.Cloud.BigQuery", "BqxAudit.Cloud.ResourceManager", "BqxAudit.Cloud.ServiceUsage", "BqxAudit.Cloud.Billing", "BqxAudit.Cloud.CloudRun", "BqxAudit.Cloud.Iam" };

    public static IEnumerable<object[]> Dtos() =>
        typeof(GcpSession).Assembly.GetTypes()
            .Where(t => t.IsClass && !t.IsAbstract && t.IsPublic | t.IsNestedPublic && DtoNamespaces.Contains(t.Namespace))
            .OrderBy(t => t.FullName, StringComparer.Ordinal)
            .Select(t => new object[] { t });

    [Fact]
    public void Dtos_ShouldBeFound()
    {
        Assert.True(Dtos().Count() >= 40, $"{Dtos().Count()} body types");
    }

    [Theory]
    [MemberData(nameof(Dtos))]
    public void Context_ShouldHoldCompiledMetadataFor(Type dto)
    {
        Assert.NotNull(GcpJsonContext.Default.GetTypeInfo(dto));
    }

    [Fact]
    public void Options_ShouldReadAPageOfTablesAsReflectionDid()
    {
        const string page = """{"kind":"bigquery#tableList","nextPageToken":"p2","tables":[{"tableReference":{"projectId":"p","datasetId":"d","tableId":"t1"},"type":"TABLE","creationTime":"1700000000000"},{"tableReference":{"tableId":"v"},"type":"VIEW"}],"totalItems":2}""";
        var reflection = new JsonSerializerOptions(GcpJson.Options) { TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver() };

        var compiled = JsonSerializer.Deserialize<BqxAudit.Cloud.BigQuery.TableList>(page, GcpJson.Options)!;
        var reflected = JsonSerializer.Deserialize<BqxAudit.Cloud.BigQuery.TableList>(page, reflection)!;

        Assert.Equal(JsonSerializer.Serialize(reflected, reflection), JsonSerializer.Serialize(compiled, GcpJson.Options));
        Assert.Equal("p2", compiled.NextPageToken);
        Assert.Equal(new[] { "t1", "v" }, compiled.Tables.Select(t => t.TableReference?.TableId));
    }

    [Fact]
    public void Options_ShouldReadANullListAsEmpty()
    {
        var compiled = JsonSerializer.Deserialize<BqxAudit.Cloud.BigQuery.TableList>("""{"tables":null}""", GcpJson.Options)!;

        Assert.Empty(compiled.Tables);
    }
}
