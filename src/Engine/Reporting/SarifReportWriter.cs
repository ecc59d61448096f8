using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>
/// The file-located findings as SARIF 2.1.0 (one run, tool <c>BqxAudit</c>): each script finding at its
/// <c>path:line</c>, and each blocker whose evidence points into a file, at those files. Paths are relative URIs
/// against <c>%SRCROOT%</c> (the audited root). Levels: Error/P0/P1 → error, Warning/P2 → warning, Info/P3 → note.
/// Written with a streaming JSON writer: deterministic, and fast at tens of thousands of results.
/// </summary>
public static class SarifReportWriter
{
    /// <summary>The schema's own id (the OASIS errata 01 schema the shared copy is).</summary>
    public const string SchemaUri = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public const string SourceRoot = "%SRCROOT%";

    /// <summary>Blocker locations kept per result (the blocker analysis lists all its evidence).</summary>
    private const int MaxLocations = 10;

    public static string Write(AuditResult result)
    {
        using var stream = new MemoryStream();
        Write(stream, result);
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    public static void Write(Stream stream, AuditResult result)
    {
        var context = ReportContext.For(result);
        var findings = context.Scripts.SelectMany(s => s.Findings).Where(f => Location(f.Location) is not null).ToList();
        var blockers = context.Blockers
            .Select(b => (Blocker: b, Locations: b.Evidence.Where(e => e.Source == "file").Select(e => Location(e.Location)).OfType<(string Path, int? Line)>().Distinct().Take(MaxLocations).ToList()))
            .Where(x => x.Locations.Count > 0)
            .ToList();

        // One rule per finding rule and per blocker rule, in order of first use; a result points at its rule by index.
        var rules = new List<(string Id, string Description, string Level)>();
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var f in findings)
        {
            Rule(f.Rule, $"BqxAudit analyzer rule '{f.Rule}'", Level(f.Severity));
        }

        foreach (var (b, _) in blockers)
        {
            Rule(b.Rule, $"BqxAudit blocker rule '{b.Rule}' ({b.Category}, {b.Priority})", Level(b.Priority));
        }

        using var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        w.WriteStartObject();
        w.WriteString("$schema", SchemaUri);
        w.WriteString("version", "2.1.0");
        w.WriteStartArray("runs");
        w.WriteStartObject();

        w.WriteStartObject("tool");
        w.WriteStartObject("driver");
        w.WriteString("name", "BqxAudit");
        w.WriteString("version", result.Run.ToolVersion);
        w.WriteStartArray("rules");
        foreach (var (id, description, level) in rules)
        {
            w.WriteStartObject();
            w.WriteString("id", id);
            w.WriteStartObject("shortDescription");
            w.WriteString("text", description);
            w.WriteEndObject();
            w.WriteStartObject("defaultConfiguration");
            w.WriteString("level", level);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("originalUriBaseIds");
        w.WriteStartObject(SourceRoot);
        w.WriteStartObject("description");
        w.WriteString("text", $"The audited root: {result.Run.Root}");
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndObject();

        w.WriteStartObject("automationDetails");
        w.WriteString("id", $"bqx-audit/{result.Readiness.Phase}/{result.Run.ReportDate}");
        w.WriteEndObject();

        w.WriteStartArray("results");
        foreach (var f in findings)
        {
            var (path, line) = Location(f.Location)!.Value;
            w.WriteStartObject();
            w.WriteString("ruleId", f.Rule);
            w.WriteNumber("ruleIndex", index[f.Rule]);
            w.WriteString("level", Level(f.Severity));
            Message(w, f.Message);
            w.WriteStartArray("locations");
            PhysicalLocation(w, path, line);
            w.WriteEndArray();
            w.WriteStartObject("partialFingerprints");
            w.WriteString("bqxFinding/v1", $"{f.Rule}|{f.Location}");
            w.WriteEndObject();
            w.WriteEndObject();
        }

        foreach (var (b, locations) in blockers)
        {
            w.WriteStartObject();
            w.WriteString("ruleId", b.Rule);
            w.WriteNumber("ruleIndex", index[b.Rule]);
            w.WriteString("level", Level(b.Priority));
            Message(w, $"{b.Id} {b.Priority} {b.Title}: {b.Impact}");
            w.WriteStartArray("locations");
            foreach (var (path, line) in locations)
            {
                PhysicalLocation(w, path, line);
            }

            w.WriteEndArray();
            w.WriteStartObject("partialFingerprints");
            w.WriteString("bqxBlockerId/v1", b.Id);
            w.WriteEndObject();
            w.WriteStartObject("properties");
            w.WriteString("blockerId", b.Id);
            w.WriteString("priority", b.Priority.ToString());
            w.WriteString("category", b.Category);
            w.WriteString("recommendedAction", b.RecommendedAction);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        w.WriteEndArray();

        w.WriteStartObject("properties");
        w.WriteString("phase", result.Readiness.Phase);
        w.WriteString("decision", result.Readiness.Decision.ToString());
        w.WriteString("reportDate", result.Run.ReportDate);
        w.WriteBoolean("offline", result.Run.Offline);
        w.WriteEndObject();

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
        w.Flush();
        stream.WriteByte((byte)'\n');

        void Rule(string id, string description, string level)
        {
            if (index.TryAdd(id, rules.Count))
            {
                rules.Add((id, description, level));
            }
        }
    }

    /// <summary>A root-relative file location from <c>path</c> or <c>path:line</c>; null for what is not a file (a dataset, a profile key).</summary>
    internal static (string Path, int? Line)? Location(string? location)
    {
        if (string.IsNullOrWhiteSpace(location))
        {
            return null;
        }

        var path = location;
        int? line = null;
        var colon = location.LastIndexOf(':');
        if (colon > 0 && colon < location.Length - 1 && int.TryParse(location.AsSpan(colon + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            path = location[..colon];
            line = n > 0 ? n : null;
        }

        // A file path has a folder or an extension, or came with a line; a bare word (a dataset name) is not a file.
        var extension = Path.GetExtension(path);
        var looksLikeFile = line is not null || path.Contains('/') || (extension.Length > 1 && !extension.Any(char.IsWhiteSpace));
        if (!looksLikeFile || path.Contains("://", StringComparison.Ordinal) || path.StartsWith('/'))
        {
            return null;
        }

        return (path.Replace('\\', '/'), line);
    }

    private static void PhysicalLocation(Utf8JsonWriter w, string path, int? line)
    {
        w.WriteStartObject();
        w.WriteStartObject("physicalLocation");
        w.WriteStartObject("artifactLocation");
        w.WriteString("uri", string.Join('/', path.Split('/').Select(Uri.EscapeDataString)));
        w.WriteString("uriBaseId", SourceRoot);
        w.WriteEndObject();
        if (line is { } l)
        {
            w.WriteStartObject("region");
            w.WriteNumber("startLine", l);
            w.WriteEndObject();
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static void Message(Utf8JsonWriter w, string text)
    {
        w.WriteStartObject("message");
        w.WriteString("text", text);
        w.WriteEndObject();
    }

    private static string Level(FindingSeverity s) => s switch
    {
        FindingSeverity.Error => "error",
        FindingSeverity.Warning => "warning",
        _ => "note",
    };

    private static string Level(Priority p) => p switch
    {
        Priority.P0 or Priority.P1 => "error",
        Priority.P2 => "warning",
        _ => "note",
    };
}
