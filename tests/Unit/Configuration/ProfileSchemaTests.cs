using System.Text.Json;
using BqxAudit.Configuration;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Configuration;

public class ProfileSchemaTests
{
    [Fact]
    public void ShippedSchema_WhenComparedWithTheProfileClasses_ShouldBeIdentical()
    {
        var shipped = File.ReadAllText(Path.Combine(RepoPaths.Root, "schemas", "bqxaudit.schema.json"));
        Assert.Equal(ProfileSchema.Generate().ReplaceLineEndings("\n"), shipped.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void Generate_WhenRead_ShouldForbidUnknownKeysEverywhere()
    {
        using var doc = JsonDocument.Parse(ProfileSchema.Generate());
        var objects = 0;
        Walk(doc.RootElement);
        Assert.True(objects > 5);

        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "object" && e.TryGetProperty("properties", out _))
                {
                    objects++;
                    Assert.False(e.GetProperty("additionalProperties").GetBoolean());
                }

                foreach (var p in e.EnumerateObject())
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var i in e.EnumerateArray())
                {
                    Walk(i);
                }
            }
        }
    }
}
