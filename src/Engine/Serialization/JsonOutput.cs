using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace BqxAudit.Serialization;

/// <summary>The JSON shape of every output: PascalCase property names, enums as names, nulls left out, indented.</summary>
public static class JsonOutput
{
    public static JsonSerializerOptions Options { get; } = Create();

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static void Write<T>(TextWriter writer, T value)
    {
        writer.Write(Serialize(value));
        writer.WriteLine();
    }

    /// <summary>
    /// Writes a JSON array one element at a time, so a large result never exists as one string;
    /// the text is the same as serializing the whole list with <see cref="Options"/>.
    /// </summary>
    public static void WriteArray<T>(TextWriter writer, IEnumerable<T> items)
    {
        var any = false;
        foreach (var item in items)
        {
            writer.Write(any ? ",\n  " : "[\n  ");
            writer.Write(Serialize(item).Replace("\n", "\n  ", StringComparison.Ordinal));
            any = true;
        }

        writer.Write(any ? "\n]\n" : "[]\n");
    }

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
            PropertyNamingPolicy = null,
            TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(ModelJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new JsonStringEnumConverter());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
