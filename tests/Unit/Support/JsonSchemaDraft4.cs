using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace BqxAudit.Tests.Support;

/// <summary>
/// A JSON Schema draft-04 validator for the keywords the SARIF 2.1.0 schema uses (type, $ref to
/// local definitions, properties, additionalProperties, required, items, minItems, uniqueItems,
/// enum, pattern, minimum, maximum, minLength, anyOf, oneOf, allOf, not, format uri/date-time).
/// NJsonSchema is not restorable from this environment's registry (its dependencies are absent),
/// so the report tests validate with this. Returns every violation with its JSON path.
/// </summary>
public sealed class JsonSchemaDraft4
{
    private readonly JsonElement root;

    public JsonSchemaDraft4(JsonElement schema) => root = schema;

    public static JsonSchemaDraft4 Load(string path) => new(JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone());

    public IReadOnlyList<string> Validate(JsonElement instance)
    {
        var errors = new List<string>();
        Check(root, instance, "$", errors);
        return errors;
    }

    private void Check(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.ValueKind == JsonValueKind.True || schema.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference))
        {
            Check(Resolve(reference.GetString()!), value, path, errors);
            return; // draft-04: siblings of $ref are ignored
        }

        if (schema.TryGetProperty("type", out var type) && !TypeMatches(type, value))
        {
            errors.Add($"{path}: expected type {type}, got {value.ValueKind}");
            return;
        }

        if (schema.TryGetProperty("enum", out var en) && !en.EnumerateArray().Any(e => JsonEquals(e, value)))
        {
            errors.Add($"{path}: {value} is not one of {en}");
        }

        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                CheckObject(schema, value, path, errors);
                break;
            case JsonValueKind.Array:
                CheckArray(schema, value, path, errors);
                break;
            case JsonValueKind.String:
                var s = value.GetString()!;
                if (schema.TryGetProperty("pattern", out var pattern) && !Regex.IsMatch(s, pattern.GetString()!))
                {
                    errors.Add($"{path}: '{s}' does not match {pattern}");
                }

                if (schema.TryGetProperty("minLength", out var minLength) && s.Length < minLength.GetInt32())
                {
                    errors.Add($"{path}: shorter than {minLength}");
                }

                if (schema.TryGetProperty("format", out var format))
                {
                    CheckFormat(format.GetString(), s, path, errors);
                }

                break;
            case JsonValueKind.Number:
                var n = value.GetDouble();
                if (schema.TryGetProperty("minimum", out var min) && n < min.GetDouble())
                {
                    errors.Add($"{path}: {n} < minimum {min}");
                }

                if (schema.TryGetProperty("maximum", out var max) && n > max.GetDouble())
                {
                    errors.Add($"{path}: {n} > maximum {max}");
                }

                break;
        }

        if (schema.TryGetProperty("allOf", out var allOf))
        {
            foreach (var sub in allOf.EnumerateArray())
            {
                Check(sub, value, path, errors);
            }
        }

        if (schema.TryGetProperty("anyOf", out var anyOf) && !anyOf.EnumerateArray().Any(sub => Passes(sub, value)))
        {
            errors.Add($"{path}: matches none of anyOf");
        }

        if (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Count(sub => Passes(sub, value)) != 1)
        {
            errors.Add($"{path}: does not match exactly one of oneOf");
        }

        if (schema.TryGetProperty("not", out var not) && Passes(not, value))
        {
            errors.Add($"{path}: matches 'not'");
        }
    }

    private void CheckObject(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        if (schema.TryGetProperty("required", out var required))
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()!))
            {
                if (!value.TryGetProperty(name, out _))
                {
                    errors.Add($"{path}: missing required property '{name}'");
                }
            }
        }

        schema.TryGetProperty("properties", out var properties);
        schema.TryGetProperty("additionalProperties", out var additional);
        foreach (var p in value.EnumerateObject())
        {
            if (properties.ValueKind == JsonValueKind.Object && properties.TryGetProperty(p.Name, out var sub))
            {
                Check(sub, p.Value, $"{path}.{p.Name}", errors);
            }
            else if (additional.ValueKind == JsonValueKind.False)
            {
                errors.Add($"{path}: property '{p.Name}' is not allowed");
            }
            else if (additional.ValueKind == JsonValueKind.Object)
            {
                Check(additional, p.Value, $"{path}.{p.Name}", errors);
            }
        }
    }

    private void CheckArray(JsonElement schema, JsonElement value, string path, List<string> errors)
    {
        var items = value.EnumerateArray().ToList();
        if (schema.TryGetProperty("minItems", out var minItems) && items.Count < minItems.GetInt32())
        {
            errors.Add($"{path}: fewer than {minItems} items");
        }

        if (schema.TryGetProperty("uniqueItems", out var unique) && unique.ValueKind == JsonValueKind.True)
        {
            for (var i = 0; i < items.Count; i++)
            {
                for (var j = i + 1; j < items.Count; j++)
                {
                    if (JsonEquals(items[i], items[j]))
                    {
                        errors.Add($"{path}: items {i} and {j} are equal but must be unique");
                    }
                }
            }
        }

        if (schema.TryGetProperty("items", out var itemSchema) && itemSchema.ValueKind == JsonValueKind.Object)
        {
            for (var i = 0; i < items.Count; i++)
            {
                Check(itemSchema, items[i], $"{path}[{i}]", errors);
            }
        }
    }

    private static void CheckFormat(string? format, string s, string path, List<string> errors)
    {
        if (format == "uri" && !Uri.TryCreate(s, UriKind.Absolute, out _))
        {
            errors.Add($"{path}: '{s}' is not an absolute URI");
        }
        else if (format == "date-time" && !DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add($"{path}: '{s}' is not a date-time");
        }
    }

    private bool Passes(JsonElement schema, JsonElement value)
    {
        var errors = new List<string>();
        Check(schema, value, "$", errors);
        return errors.Count == 0;
    }

    private JsonElement Resolve(string reference)
    {
        if (reference == "#")
        {
            return root;
        }

        if (!reference.StartsWith("#/", StringComparison.Ordinal))
        {
            throw new NotSupportedException($"only local $ref is supported: {reference}");
        }

        var e = root;
        foreach (var part in reference[2..].Split('/'))
        {
            e = e.GetProperty(part.Replace("~1", "/").Replace("~0", "~"));
        }

        return e;
    }

    private static bool TypeMatches(JsonElement type, JsonElement value)
    {
        if (type.ValueKind == JsonValueKind.Array)
        {
            return type.EnumerateArray().Any(t => TypeMatches(t, value));
        }

        return type.GetString() switch
        {
            "object" => value.ValueKind == JsonValueKind.Object,
            "array" => value.ValueKind == JsonValueKind.Array,
            "string" => value.ValueKind == JsonValueKind.String,
            "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
            "null" => value.ValueKind == JsonValueKind.Null,
            "number" => value.ValueKind == JsonValueKind.Number,
            "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
            _ => true,
        };
    }

    private static bool JsonEquals(JsonElement a, JsonElement b) => a.GetRawText() == b.GetRawText() ||
        (a.ValueKind == b.ValueKind && a.ValueKind == JsonValueKind.Number && a.GetDouble() == b.GetDouble()) ||
        (a.ValueKind == JsonValueKind.String && b.ValueKind == JsonValueKind.String && a.GetString() == b.GetString());
}
