using System.Text.Json;
using System.Text.Json.Serialization;

namespace BqxAudit.Cloud;

/// <summary>
/// The JSON dialect of Google's REST APIs: camelCase names as in the discovery documents, nulls left
/// out of requests, 64-bit integers as strings (per property), and absent or null lists as empty lists.
/// </summary>
public static class GcpJson
{
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            PropertyNameCaseInsensitive = false,
            TypeInfoResolver = System.Text.Json.Serialization.Metadata.JsonTypeInfoResolver.Combine(GcpJsonContext.Default, new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver()),
        };
        options.Converters.Add(new NullAsEmptyListConverterFactory());
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }

    /// <summary>Reads JSON <c>null</c> as an empty list; writes empty lists as nothing is not needed (servers accept []).</summary>
    private sealed class NullAsEmptyListConverterFactory : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) =>
            typeToConvert.IsGenericType && typeToConvert.GetGenericTypeDefinition() == typeof(List<>);

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(ListConverter<>).MakeGenericType(typeToConvert.GetGenericArguments()[0]))!;
    }

    private sealed class ListConverter<T> : JsonConverter<List<T>>
    {
        public override bool HandleNull => true;

        public override List<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            var list = new List<T>();
            if (reader.TokenType == JsonTokenType.Null)
            {
                return list;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new JsonException($"expected an array of {typeof(T).Name}");
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                list.Add(JsonSerializer.Deserialize<T>(ref reader, options)!);
            }

            return list;
        }

        public override void Write(Utf8JsonWriter writer, List<T> value, JsonSerializerOptions options)
        {
            writer.WriteStartArray();
            foreach (var item in value)
            {
                JsonSerializer.Serialize(writer, item, options);
            }

            writer.WriteEndArray();
        }
    }
}
