using System.Text.Json.Serialization;

// Cloud Storage JSON API v1 bodies, named and shaped as in storage.v1.json.
namespace BqxAudit.Cloud.Storage;

[DiscoverySchema("storage.v1", "Bucket")]
public sealed class Bucket
{
    public string? Kind { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Location { get; set; }
    public string? LocationType { get; set; }
    public string? StorageClass { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? ProjectNumber { get; set; }

    public DateTimeOffset? TimeCreated { get; set; }
    public DateTimeOffset? Updated { get; set; }
}

/// <summary>The discovery schema <c>Object</c> (renamed: <c>Object</c> would shadow System.Object).</summary>
[DiscoverySchema("storage.v1", "Object")]
public sealed class StorageObject
{
    public string? Kind { get; set; }
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Bucket { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public ulong? Size { get; set; }

    [JsonNumberHandling(JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.WriteAsString)]
    public long? Generation { get; set; }

    public DateTimeOffset? Updated { get; set; }
    public DateTimeOffset? TimeCreated { get; set; }
    public string? StorageClass { get; set; }
}

[DiscoverySchema("storage.v1", "Objects")]
public sealed class Objects
{
    public string? Kind { get; set; }
    public List<StorageObject> Items { get; set; } = new();
    public List<string> Prefixes { get; set; } = new();
    public string? NextPageToken { get; set; }
}

[DiscoverySchema("storage.v1", "TestIamPermissionsResponse")]
public sealed class TestIamPermissionsResponse
{
    public string? Kind { get; set; }
    public List<string> Permissions { get; set; } = new();
}
