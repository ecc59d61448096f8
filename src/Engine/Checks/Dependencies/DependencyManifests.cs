using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>Which parser reads a manifest file.</summary>
public enum ManifestKind
{
    RequirementsTxt,
    Pyproject,
    SetupCfg,
    CondaEnvironment,
}

/// <summary>One distribution constrained in two places so that no version can satisfy both.</summary>
public sealed class VersionConflict
{
    public VersionConflict(string name, DeclaredRequirement first, DeclaredRequirement second, string reason)
    {
        Name = name;
        First = first;
        Second = second;
        Reason = reason;
    }

    /// <summary>The normalised distribution name.</summary>
    public string Name { get; }

    /// <summary>The declaration that comes first (by file, then line).</summary>
    public DeclaredRequirement First { get; }

    public DeclaredRequirement Second { get; }

    /// <summary>Why they conflict, naming both <c>file:line</c>s.</summary>
    public string Reason { get; }

    public override string ToString() => $"{Name}: {Reason}";
}

/// <summary>Finds and reads every dependency manifest of a repository, and finds version conflicts between them.</summary>
public static partial class DependencyManifests
{
    /// <summary>
    /// The kind of manifest a root-relative path is, by file name in any folder:
    /// <c>requirements*.txt</c>, <c>pyproject.toml</c>, <c>setup.cfg</c>,
    /// <c>environment.yml</c>/<c>environment.yaml</c> (names compared case-insensitively); else null.
    /// </summary>
    public static ManifestKind? Classify(string relativePath)
    {
        var name = relativePath.Replace('\\', '/').Split('/')[^1];
        if (RequirementsName().IsMatch(name))
        {
            return ManifestKind.RequirementsTxt;
        }

        return name.ToLowerInvariant() switch
        {
            "pyproject.toml" => ManifestKind.Pyproject,
            "setup.cfg" => ManifestKind.SetupCfg,
            "environment.yml" or "environment.yaml" => ManifestKind.CondaEnvironment,
            _ => null,
        };
    }

    /// <summary>
    /// Parses every manifest among <paramref name="files"/> (root-relative, '/'-separated), in
    /// ordinal order, and returns all requirements and diagnostics. A requirements file that is
    /// both found on its own and included by another is read twice; each declaration is listed
    /// once, with the kind it has as an include (a <c>-c</c> constraint stays a constraint).
    /// </summary>
    public static ManifestResult Discover(string root, IEnumerable<string> files, Func<string, byte[]>? readAllBytes = null)
    {
        var requirements = new List<DeclaredRequirement>();
        var diagnostics = new List<DependencyDiagnostic>();
        var filesRead = new List<string>();
        var requirementsParser = new RequirementsFileParser(root, readAllBytes);
        foreach (var file in files.Select(f => f.Replace('\\', '/')).Distinct(StringComparer.Ordinal).OrderBy(f => f, StringComparer.Ordinal))
        {
            var result = Classify(file) switch
            {
                ManifestKind.RequirementsTxt => requirementsParser.Parse(file),
                ManifestKind.Pyproject => PyprojectParser.ParseFile(root, file, readAllBytes),
                ManifestKind.SetupCfg => SetupCfgParser.ParseFile(root, file, readAllBytes),
                ManifestKind.CondaEnvironment => CondaEnvironmentParser.ParseFile(root, file, readAllBytes),
                _ => null,
            };
            if (result is null)
            {
                continue;
            }

            requirements.AddRange(result.Requirements);
            diagnostics.AddRange(result.Diagnostics);
            filesRead.AddRange(result.FilesRead);
        }

        var unique = requirements
            .GroupBy(r => (r.File, r.Line, r.Name))
            .Select(g => g.FirstOrDefault(r => r.Source != RequirementSource.Requirements) ?? g.First())
            .OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line).ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new ManifestResult(unique, diagnostics.Distinct().ToList(), filesRead.Distinct(StringComparer.Ordinal).ToList());
    }

    /// <summary>
    /// Finds distributions constrained differently in two places (two manifests, or two lines of
    /// one) so that no version satisfies both. Compared are declarations with a parsed, non-empty
    /// specifier and no URL. Two exact pins (<c>==</c>/<c>===</c>) conflict when their versions
    /// differ (<c>==1.0</c> and <c>==1.0.0</c> do not; <c>==1.0</c> and <c>==1.0+local</c> do not
    /// either, as 1.0+local satisfies both). Generally the two specifier sets are tried on candidate versions built from the
    /// versions they name — each named version, the next and previous release (last number ±1),
    /// the release with <c>.1</c> appended, the next pre/post/dev number, and 0 — with
    /// pre-releases allowed; a conflict is reported only when no candidate satisfies both. This is
    /// a heuristic that covers ordinary ranges; it can miss a conflict only between exotic ranges
    /// and never reports one that a candidate disproves. With an <paramref name="environment"/>,
    /// declarations whose marker is false there are left out; without one, two declarations with
    /// different markers are not compared (they may never apply together).
    /// </summary>
    public static IReadOnlyList<VersionConflict> FindConflicts(IEnumerable<DeclaredRequirement> requirements, IReadOnlyDictionary<string, string>? environment = null)
    {
        var conflicts = new List<VersionConflict>();
        var comparable = requirements
            .Where(r => r.SpecifierSet is { IsEmpty: false } && r.Url is null)
            .Where(r => environment is null || r.AppliesTo(environment) != false)
            .OrderBy(r => r.File, StringComparer.Ordinal).ThenBy(r => r.Line)
            .GroupBy(r => r.Name)
            .OrderBy(g => g.Key, StringComparer.Ordinal);
        foreach (var group in comparable)
        {
            // One representative (the first by file and line) per distinct specifier and marker: a pin repeated in
            // thousands of Dockerfiles is compared once, so the pairwise loop runs over distinct pins only.
            var list = group.DistinctBy(r => (r.File, r.Line)).DistinctBy(r => (r.Specifier, r.Marker)).ToList();
            for (var i = 0; i < list.Count; i++)
            {
                for (var j = i + 1; j < list.Count; j++)
                {
                    var (a, b) = (list[i], list[j]);
                    if (environment is null && a.Marker is not null && b.Marker is not null && a.Marker != b.Marker)
                    {
                        continue;
                    }

                    if (Conflict(a, b) is { } reason)
                    {
                        conflicts.Add(new VersionConflict(group.Key, a, b, reason));
                    }
                }
            }
        }

        return conflicts;
    }

    private static string? Conflict(DeclaredRequirement a, DeclaredRequirement b)
    {
        var setA = a.SpecifierSet!;
        var setB = b.SpecifierSet!;
        var pinA = setA.ExactPin;
        var pinB = setB.ExactPin;
        if (pinA?.Version is null && pinB?.Version is null && pinA is not null && pinB is not null)
        {
            // Two === pins of text that is not PEP 440: compare the text.
            return string.Equals(pinA.VersionText, pinB.VersionText, StringComparison.OrdinalIgnoreCase)
                ? null
                : $"pinned {pinA} at {a.Location} and {pinB} at {b.Location}";
        }

        var candidates = Candidates(setA).Concat(Candidates(setB)).Distinct().ToList();
        if (candidates.Any(v => setA.Contains(v, prereleases: true) && setB.Contains(v, prereleases: true)))
        {
            return null;
        }

        return pinA is not null && pinB is not null
            ? $"pinned {pinA} at {a.Location} and {pinB} at {b.Location}"
            : $"no version satisfies both {setA} at {a.Location} and {setB} at {b.Location}";
    }

    private static IEnumerable<Pep440Version> Candidates(SpecifierSet set)
    {
        foreach (var spec in set.Specifiers)
        {
            if (spec.Version is not { } v)
            {
                continue;
            }

            var release = v.Release.ToList();
            yield return v;
            yield return v.Public;
            yield return Pep440Version.Create(v.Epoch, new long[] { 0 });
            yield return Pep440Version.Create(v.Epoch, release.Take(release.Count - 1).Append(release[^1] + 1));
            yield return Pep440Version.Create(v.Epoch, release.Append(1));
            if (release[^1] > 0)
            {
                yield return Pep440Version.Create(v.Epoch, release.Take(release.Count - 1).Append(release[^1] - 1));
            }

            if (v.Dev is { } dev)
            {
                yield return Pep440Version.Create(v.Epoch, release, v.PreLabel, v.PreNumber, v.Post, dev + 1);
            }
            else if (v.Post is { } post)
            {
                yield return Pep440Version.Create(v.Epoch, release, v.PreLabel, v.PreNumber, post + 1);
            }
            else if (v.PreLabel is not null)
            {
                yield return Pep440Version.Create(v.Epoch, release, v.PreLabel, (v.PreNumber ?? 0) + 1);
            }
        }
    }

    [GeneratedRegex(@"^requirements.*\.txt$", RegexOptions.IgnoreCase)]
    private static partial Regex RequirementsName();
}
