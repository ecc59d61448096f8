namespace BqxAudit.Inventory.Analyzers.Python;

/// <summary>
/// The shipped data tables: standard-library module names (CPython 3.8–3.13) and the import →
/// distribution map. Read once from the embedded resources; immutable afterwards.
/// </summary>
internal static partial class PythonModuleData
{
    public const string StdlibResource = "BqxAudit.Data.python-stdlib-modules.txt";
    public const string DistributionResource = "BqxAudit.Data.python-import-distributions.txt";

    private static readonly Lazy<HashSet<string>> Stdlib = new(() => new HashSet<string>(ReadLines(StdlibResource), StringComparer.Ordinal));

    private static readonly Lazy<Dictionary<string, string>> Distributions = new(LoadDistributions);

    public static IReadOnlyCollection<string> StdlibModules => Stdlib.Value;

    public static IReadOnlyDictionary<string, string> DistributionMap => Distributions.Value;

    /// <summary>True when the top-level name of <paramref name="module"/> is a standard-library module.</summary>
    public static bool IsStdlib(string module)
    {
        var dot = module.IndexOf('.');
        return Stdlib.Value.Contains(dot < 0 ? module : module[..dot]);
    }

    /// <summary>Module paths that documentation and templates use as stand-ins (<c>from path.to.proto import x</c>).</summary>
    private static readonly string[] Placeholders = { "path.to", "your_module", "your_package", "my_module", "my_package", "yourmodule", "mymodule" };

    /// <summary>True for a placeholder module path such as <c>path.to.proto</c>: not a module anyone can install.</summary>
    public static bool IsPlaceholder(string module)
    {
        foreach (var p in Placeholders)
        {
            if (module == p || (module.StartsWith(p, StringComparison.Ordinal) && module.Length > p.Length && module[p.Length] == '.'))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The longest dotted prefix of <paramref name="module"/> that the map lists, or null.</summary>
    public static string? MappedPrefix(string module)
    {
        var map = Distributions.Value;
        for (var candidate = module; candidate.Length > 0;)
        {
            if (map.ContainsKey(candidate))
            {
                return candidate;
            }

            var dot = candidate.LastIndexOf('.');
            if (dot < 0)
            {
                return null;
            }

            candidate = candidate[..dot];
        }

        return null;
    }

    /// <summary>
    /// The PyPI distribution that provides <paramref name="module"/>: the map's entry for the longest
    /// listed dotted prefix, else the top-level name itself (the PyPI convention).
    /// </summary>
    public static string DistributionOf(string module)
    {
        var prefix = MappedPrefix(module);
        if (prefix == "google.cloud" && module.Length > prefix.Length + 1)
        {
            // Google's convention for a sub-package the table does not list: google.cloud.foo_bar_v2 -> google-cloud-foo-bar.
            var rest = module[(prefix.Length + 1)..];
            var sub = rest.Contains('.') ? rest[..rest.IndexOf('.')] : rest;
            sub = VersionSuffix().Replace(sub, "");
            return sub.Length == 0 ? Distributions.Value[prefix] : "google-cloud-" + sub.Replace('_', '-');
        }

        if (prefix is not null)
        {
            return Distributions.Value[prefix];
        }

        var dot = module.IndexOf('.');
        return dot < 0 ? module : module[..dot];
    }

    private static Dictionary<string, string> LoadDistributions()
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in ReadLines(DistributionResource))
        {
            var eq = line.IndexOf('=');
            if (eq <= 0)
            {
                throw new InvalidDataException($"{DistributionResource}: '{line}' is not 'module = distribution'");
            }

            var module = line[..eq].Trim();
            var distribution = line[(eq + 1)..].Trim();
            if (module.Length == 0 || distribution.Length == 0 || !map.TryAdd(module, distribution))
            {
                throw new InvalidDataException($"{DistributionResource}: '{line}' is empty or listed twice");
            }
        }

        return map;
    }

    /// <summary>Non-blank lines of an embedded table, without <c>#</c> comments.</summary>
    internal static IEnumerable<string> ReadLines(string resource)
    {
        using var stream = typeof(PythonModuleData).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"embedded resource {resource} is missing from {typeof(PythonModuleData).Assembly.GetName().Name}");
        using var reader = new StreamReader(stream);
        var lines = new List<string>();
        while (reader.ReadLine() is { } line)
        {
            var hash = line.IndexOf('#');
            var content = (hash >= 0 ? line[..hash] : line).Trim();
            if (content.Length > 0)
            {
                lines.Add(content);
            }
        }

        return lines;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"_v\d+((alpha|beta|p)\d*)*$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex VersionSuffix();
}
