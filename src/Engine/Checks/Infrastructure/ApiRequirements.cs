using System.Globalization;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>A service the project needs, and why: the profile's <c>apis</c>, or the scripts that imply it.</summary>
public sealed record ApiRequirement(string Service, IReadOnlyList<Evidence> Reasons);

/// <summary>
/// The services to check: the profile's <c>apis</c> plus those the inventory implies (imports such as
/// <c>google.cloud.bigquery</c>, tools such as <c>bq</c> and <c>gsutil</c>), from the data table
/// <c>api-map.txt</c>.
/// </summary>
public static class ApiRequirements
{
    private static readonly Lazy<Map> Table = new(Load);

    public static IReadOnlyList<ApiRequirement> From(AuditProfile profile, IEnumerable<ScriptRecord> scripts)
    {
        var reasons = new SortedDictionary<string, List<Evidence>>(StringComparer.Ordinal);
        void Add(string service, Evidence why)
        {
            if (!reasons.TryGetValue(service, out var list))
            {
                reasons[service] = list = new List<Evidence>();
            }

            if (list.Count < 10)
            {
                list.Add(why);
            }
        }

        foreach (var api in profile.Apis)
        {
            Add(api, new Evidence("profile", "apis", $"{api} is listed in the profile"));
        }

        var map = Table.Value;
        foreach (var script in scripts)
        {
            foreach (var import in script.Imports)
            {
                if (map.ForImport(import.Module) is { } service)
                {
                    Add(service, new Evidence("file", $"{script.Path}:{import.Line.ToString(CultureInfo.InvariantCulture)}", $"imports {import.Module}"));
                }
            }

            foreach (var tool in script.ToolsInvoked)
            {
                if (map.Tools.TryGetValue(tool, out var service))
                {
                    Add(service, new Evidence("file", script.Path, $"runs {tool}"));
                }
            }

            foreach (var invocation in script.Invocations.Where(i => i.Tool == "gcloud"))
            {
                var group = invocation.Flags.FirstOrDefault(f => !f.StartsWith('-'));
                if (group is not null && map.GcloudGroups.TryGetValue(group, out var service))
                {
                    Add(service, new Evidence("file", $"{script.Path}:{invocation.Line.ToString(CultureInfo.InvariantCulture)}", $"runs gcloud {group}"));
                }
            }
        }

        return reasons.Select(r => new ApiRequirement(r.Key, r.Value)).ToArray();
    }

    private sealed class Map
    {
        public List<(string Key, string Service)> Imports { get; } = new();
        public Dictionary<string, string> Tools { get; } = new(StringComparer.Ordinal);
        public Dictionary<string, string> GcloudGroups { get; } = new(StringComparer.Ordinal);

        public string? ForImport(string module) =>
            Imports.Where(i => module == i.Key || module.StartsWith(i.Key + ".", StringComparison.Ordinal))
                .OrderByDescending(i => i.Key.Length)
                .Select(i => i.Service)
                .FirstOrDefault();
    }

    private static Map Load()
    {
        var map = new Map();
        using var stream = typeof(ApiRequirements).Assembly.GetManifestResourceStream("BqxAudit.Data.api-map.txt")
            ?? throw new InvalidOperationException("embedded api-map.txt is missing");
        using var reader = new StreamReader(stream);
        while (reader.ReadLine() is { } line)
        {
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var parts = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 3)
            {
                throw new InvalidOperationException($"api-map.txt: bad line '{line}'");
            }

            switch (parts[0])
            {
                case "import": map.Imports.Add((parts[1], parts[2])); break;
                case "tool": map.Tools[parts[1]] = parts[2]; break;
                case "gcloud": map.GcloudGroups[parts[1]] = parts[2]; break;
                default: throw new InvalidOperationException($"api-map.txt: unknown kind '{parts[0]}'");
            }
        }

        return map;
    }
}
