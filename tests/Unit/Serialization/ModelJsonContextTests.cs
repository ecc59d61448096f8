using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using BqxAudit.Model;
using BqxAudit.Serialization;
using BqxAudit.Tests.Reporting;

namespace BqxAudit.Tests.Serialization;

/// <summary>The compiled JSON metadata of the object model (ModelJsonContext) writes the same text as reflection did.</summary>
public class ModelJsonContextTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonOutput.Options) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };

    [Fact]
    public void AuditResult_OfTheExample_ShouldSerializeAsByReflection()
    {
        var result = ReportTestKit.ExampleResult;

        var compiled = JsonOutput.Serialize(result);

        Assert.Equal(JsonSerializer.Serialize(result, Reflection), compiled);
        Assert.True(compiled.Length > 100_000, $"{compiled.Length} characters"); // the whole model, not an empty shell
    }

    [Fact]
    public void InfraCheck_WithDetailsOfEveryKind_ShouldSerializeAsByReflection()
    {
        var check = new InfraCheck
        {
            Kind = InfraCheckKind.BigQueryDataset,
            Target = "bigquery:p.d",
            Check = "exists",
            Status = InfraCheckStatus.Ready,
            Details = { ["Tables"] = 5817, ["Bytes"] = 1L << 40, ["Location"] = "US", ["ByType"] = new SortedDictionary<string, int> { ["TABLE"] = 5000, ["VIEW"] = 817 }, ["Names"] = new List<string> { "a", "b" } },
        };
        check.Evidence.Add(new Evidence("api", "GET bigquery.datasets.get 200", "location US"));

        Assert.Equal(JsonSerializer.Serialize(check, Reflection), JsonOutput.Serialize(check));
        Assert.Equal(JsonSerializer.Serialize(new[] { check }, Reflection), JsonOutput.Serialize<IReadOnlyList<InfraCheck>>(new[] { check }));
    }

    [Fact]
    public void Context_ShouldHoldCompiledMetadataForTheReportRoots()
    {
        foreach (var type in new[] { typeof(AuditResult), typeof(ScriptRecord), typeof(InfraCheck), typeof(DependencyRecord), typeof(Blocker), typeof(PhaseReadiness) })
        {
            Assert.NotNull(ModelJsonContext.Default.GetTypeInfo(type));
        }
    }
}
