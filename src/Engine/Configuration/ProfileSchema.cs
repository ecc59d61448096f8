using System.Reflection;
using System.Text;
using System.Text.Json;

namespace BqxAudit.Configuration;

/// <summary>
/// Generates the JSON schema of bqxaudit.yaml from the profile classes, so the schema shipped in
/// <c>schemas/bqxaudit.schema.json</c> can never drift from what the loader accepts (a test compares them).
/// </summary>
public static class ProfileSchema
{
    public static string Generate()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            w.WriteStartObject();
            w.WriteString("$schema", "http://json-schema.org/draft-07/schema#");
            w.WriteString("$id", "https://bqxaudit.invalid/schemas/bqxaudit.schema.json");
            w.WriteString("title", "BqxAudit profile (bqxaudit.yaml)");
            WriteObjectBody(w, typeof(AuditProfile));
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()).ReplaceLineEndings("\n") + "\n";
    }

    private static void WriteType(Utf8JsonWriter w, Type type, ProfileKeyAttribute? key)
    {
        w.WriteStartObject();
        if (key is { Description.Length: > 0 })
        {
            w.WriteString("description", key.Description + (key.Glob ? " (globs: '*' and '**', relative to the audited root)" : ""));
        }

        WriteTypeBody(w, type, key);
        w.WriteEndObject();
    }

    private static void WriteTypeBody(Utf8JsonWriter w, Type type, ProfileKeyAttribute? key)
    {
        var nullable = Nullable.GetUnderlyingType(type);
        type = nullable ?? type;
        if (type == typeof(string))
        {
            w.WriteString("type", "string");
            if (key?.Pattern is { } pattern)
            {
                w.WriteString("pattern", pattern);
            }
        }
        else if (type == typeof(int) || type == typeof(long))
        {
            w.WriteString("type", "integer");
        }
        else if (type == typeof(double))
        {
            w.WriteString("type", "number");
        }
        else if (type == typeof(bool))
        {
            w.WriteString("type", "boolean");
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>))
        {
            w.WriteString("type", "array");
            w.WritePropertyName("items");
            WriteType(w, type.GetGenericArguments()[0], key is { Glob: true } ? key : null);
        }
        else if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>))
        {
            w.WriteString("type", "object");
            w.WritePropertyName("additionalProperties");
            WriteType(w, type.GetGenericArguments()[1], key is { Glob: true } ? key : null);
        }
        else if (typeof(IProfileScalar).IsAssignableFrom(type))
        {
            w.WriteStartArray("oneOf");
            w.WriteStartObject();
            w.WriteString("type", "integer");
            w.WriteEndObject();
            w.WriteStartObject();
            WriteObjectBody(w, type);
            w.WriteEndObject();
            w.WriteEndArray();
        }
        else
        {
            WriteObjectBody(w, type);
        }
    }

    private static void WriteObjectBody(Utf8JsonWriter w, Type type)
    {
        w.WriteString("type", "object");
        var keys = ProfileBinder.KeysOf(type);
        // Declaration order: the metadata token where the runtime keeps one, else the order reflection lists the
        // properties in (the native CLI keeps no tokens; it lists them in declaration order).
        var ordered = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select((p, i) => (Name: ProfileBinder.CamelCase(p.Name), Property: p, Order: p.HasMetadataToken() ? p.MetadataToken : i))
            .Where(p => keys.ContainsKey(p.Name))
            .OrderBy(p => p.Order)
            .Select(p => (p.Name, p.Property))
            .ToList();
        var required = ordered.Where(p => p.Property.GetCustomAttribute<ProfileKeyAttribute>()?.Required == true).Select(p => p.Name).ToList();
        if (required.Count > 0)
        {
            w.WriteStartArray("required");
            foreach (var r in required)
            {
                w.WriteStringValue(r);
            }

            w.WriteEndArray();
        }

        w.WriteBoolean("additionalProperties", false);
        w.WriteStartObject("properties");
        foreach (var (name, property) in ordered)
        {
            w.WritePropertyName(name);
            WriteType(w, property.PropertyType, property.GetCustomAttribute<ProfileKeyAttribute>());
        }

        w.WriteEndObject();
    }
}
