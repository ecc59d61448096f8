using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Tests.Serialization;

public class JsonOutputTests
{
    [Fact]
    public void WriteArray_WhenItemsStreamed_ShouldEqualSerializingTheWholeList()
    {
        var records = new List<ScriptRecord>
        {
            new() { Name = "a.py", Path = "a.py", Kind = ScriptKind.Python, Purpose = "multi\nline \"quoted\"", Findings = { new Finding("r", FindingSeverity.Warning, "m", "a.py:1") } },
            new() { Name = "b.sh", Path = "b.sh", Kind = ScriptKind.Shell, Status = ScriptStatus.Blocked },
        };
        var writer = new StringWriter();

        JsonOutput.WriteArray(writer, records);

        Assert.Equal(JsonOutput.Serialize(records) + "\n", writer.ToString().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void WriteArray_WhenEmpty_ShouldWriteAnEmptyArray()
    {
        var writer = new StringWriter();
        JsonOutput.WriteArray(writer, Array.Empty<ScriptRecord>());
        Assert.Equal(JsonOutput.Serialize(Array.Empty<ScriptRecord>()) + "\n", writer.ToString());
    }

    [Fact]
    public void Serialize_WhenEnumsAndNulls_ShouldWriteNamesAndLeaveNullsOut()
    {
        var json = JsonOutput.Serialize(new ScriptRecord { Path = "x", Status = ScriptStatus.Partial });
        Assert.Contains("\"Status\": \"Partial\"", json);
        Assert.DoesNotContain("\"Purpose\"", json);
    }
}
