using BqxAudit.Inventory.Analyzers.Python;
using BqxAudit.Model;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Which distribution provides a third-party import, by the strongest evidence there is: the installed
/// environment's own metadata (<c>top_level.txt</c>/<c>RECORD</c>, what <c>importlib.metadata.packages_distributions()</c>
/// reads) wins over the shipped table; for a name the table does not know, a distribution the repository declares
/// under a matching name (<c>ibis-framework</c> for <c>import ibis</c>, <c>psycopg2-binary</c> for <c>psycopg2</c>) is
/// taken. The inventory's import records are updated in place, with the evidence on the script.
/// </summary>
internal static class ImportDistributions
{
    private static readonly Lazy<HashSet<string>> PopularDistributions = new(() =>
        new HashSet<string>(PythonModuleData.ReadLines("BqxAudit.Data.pypi-top-distributions.txt"), StringComparer.Ordinal));

    public static void Refine(IEnumerable<ScriptRecord> scripts, InstalledEnvironment? installed, IReadOnlyCollection<DeclaredRequirement> declared)
    {
        var declaredNames = declared.Select(d => d.Name).Distinct(StringComparer.Ordinal).ToList();
        var byDeclaration = new Dictionary<string, (string Name, string Where)?>(StringComparer.Ordinal);
        foreach (var script in scripts.Where(s => s.Kind == ScriptKind.Python))
        {
            var changed = false;
            foreach (var import in script.Imports.Where(i => i.Kind == ImportKind.ThirdParty && i.Distribution is not null))
            {
                var current = PackageName.Normalize(import.Distribution!);
                if (installed is not null && installed.ProvidersOf(import.Module) is { Prefix: { } prefix, Providers.Count: 1 } found)
                {
                    var provider = found.Providers[0];
                    if (provider.Name != current)
                    {
                        script.Evidence.Add(new Evidence("command", provider.Location,
                            $"import {import.Module}: provided by the installed distribution {provider.RawName} {provider.Version} ({prefix} in its top_level.txt/RECORD), not {import.Distribution} as the import table says"));
                        import.Distribution = provider.RawName;
                        changed = true;
                    }

                    continue;
                }

                if (PythonModuleData.MappedPrefix(import.Module) is not null || declaredNames.Contains(current))
                {
                    continue;
                }

                var top = import.Module.Split('.')[0];
                if (!byDeclaration.TryGetValue(top, out var match))
                {
                    match = Match(top, declaredNames) is { } name
                        ? (name, declared.Where(d => d.Name == name).Select(d => d.Location).First())
                        : null;
                    byDeclaration[top] = match;
                }

                if (match is { } m)
                {
                    script.Evidence.Add(new Evidence("file", m.Where,
                        $"import {import.Module}: the repository declares {m.Name}, the distribution of that import name (the import table does not list it)"));
                    import.Distribution = m.Name;
                    changed = true;
                }
            }

            if (changed)
            {
                script.Distributions = script.Imports
                    .Where(i => i.Kind == ImportKind.ThirdParty && i.Distribution is not null)
                    .Select(i => i.Distribution!)
                    .Distinct(StringComparer.Ordinal)
                    .OrderBy(d => d, StringComparer.Ordinal)
                    .ToList();
            }
        }
    }

    /// <summary>
    /// True when nothing vouches for these imports' distribution: the table does not list the module, it is not one
    /// of the 15,000 most downloaded distributions (<c>pypi-top-distributions.txt</c>), no manifest declares it
    /// (checked by the caller), and the installed environment (when given) does not provide it.
    /// </summary>
    public static bool Unknown(IEnumerable<ImportRecord> imports, InstalledEnvironment? installed) =>
        imports.All(i => PythonModuleData.MappedPrefix(i.Module) is null &&
                         !PopularDistributions.Value.Contains(PackageName.Normalize(i.Distribution ?? i.Module.Split('.')[0])) &&
                         (installed is null || installed.ProvidersOf(i.Module).Providers.Count == 0) &&
                         (installed is null || installed.Find(i.Distribution ?? i.Module) is null));

    /// <summary>
    /// The one declared distribution whose name matches an import name, best tier first: the same name; the same
    /// letters without separators (kerastuner / keras-tuner); <c>python-x</c>, <c>pyx</c>, <c>x-python</c>,
    /// <c>xpy</c>; then <c>x-…</c> or <c>…-x</c> (ibis-framework, apache-airflow, psycopg2-binary). Null when no tier
    /// has exactly one candidate.
    /// </summary>
    internal static string? Match(string importName, IReadOnlyCollection<string> declared)
    {
        var x = PackageName.Normalize(importName);
        var squashed = x.Replace("-", "", StringComparison.Ordinal);
        var tiers = new Func<string, bool>[]
        {
            n => n == x,
            n => n.Replace("-", "", StringComparison.Ordinal) == squashed,
            n => n == "python-" + x || n == "py" + x || n == x + "-python" || n == x + "py",
            n => n.StartsWith(x + "-", StringComparison.Ordinal) || n.EndsWith("-" + x, StringComparison.Ordinal),
        };
        foreach (var tier in tiers)
        {
            var candidates = declared.Where(tier).Distinct(StringComparer.Ordinal).Take(2).ToList();
            if (candidates.Count == 1)
            {
                return candidates[0];
            }

            if (candidates.Count > 1)
            {
                return null;
            }
        }

        return null;
    }
}
