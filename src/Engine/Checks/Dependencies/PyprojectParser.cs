using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Reads the dependencies of a pyproject.toml: <c>[project] dependencies</c> (PEP 621),
/// <c>[project.optional-dependencies]</c> per group, and Poetry's
/// <c>[tool.poetry.dependencies]</c>, <c>[tool.poetry.dev-dependencies]</c> and
/// <c>[tool.poetry.group.&lt;name&gt;.dependencies]</c> (the <c>python</c> entry is the interpreter,
/// not a distribution, and is skipped). Poetry constraints are translated to PEP 440:
/// <c>^1.2.3</c> → <c>&gt;=1.2.3,&lt;2.0.0</c> (the first non-zero number is the one that may not
/// change), <c>~1.2.3</c> → <c>&gt;=1.2.3,&lt;1.3.0</c>, <c>1.2.3</c> → <c>==1.2.3</c>, <c>*</c> →
/// any; an <c>||</c> alternative has no PEP 440 form and is kept as text only. TOML syntax errors
/// are diagnostics with line and column; whatever the TOML reader kept is still read.
/// </summary>
public static partial class PyprojectParser
{
    /// <summary>Reads a pyproject.toml under <paramref name="root"/>.</summary>
    public static ManifestResult ParseFile(string root, string relativePath, Func<string, byte[]>? readAllBytes = null)
    {
        var diagnostics = new List<DependencyDiagnostic>();
        var file = relativePath.Replace('\\', '/');
        var text = ManifestFiles.ReadText(readAllBytes ?? ManifestFiles.ReadAllBytes, Path.Combine(root, relativePath), file, diagnostics);
        if (text is null)
        {
            return new ManifestResult(Array.Empty<DeclaredRequirement>(), diagnostics, Array.Empty<string>());
        }

        var result = Parse(text, file);
        return new ManifestResult(result.Requirements, diagnostics.Concat(result.Diagnostics).ToList(), new[] { file });
    }

    /// <summary>Reads pyproject.toml text; <paramref name="file"/> names it in results and diagnostics.</summary>
    public static ManifestResult Parse(string text, string file)
    {
        var doc = TomlDocument.Parse(text, file);
        var requirements = new List<DeclaredRequirement>();
        var diagnostics = new List<DependencyDiagnostic>(doc.Diagnostics);

        if (doc.Root.Find("project") is { } project && project is not TomlTable)
        {
            diagnostics.Add(Invalid(file, project, "'project' must be a table"));
        }

        if (doc.Root.Find("project", "dependencies") is { } deps)
        {
            ReadPep508Array(deps, "project.dependencies", file, RequirementSource.Pyproject, null, requirements, diagnostics);
        }

        switch (doc.Root.Find("project", "optional-dependencies"))
        {
            case TomlTable groups:
                foreach (var group in groups.Keys)
                {
                    ReadPep508Array(groups[group]!, $"project.optional-dependencies.{group}", file, RequirementSource.PyprojectOptional, group, requirements, diagnostics);
                }

                break;
            case { } other:
                diagnostics.Add(Invalid(file, other, "'project.optional-dependencies' must be a table of arrays"));
                break;
        }

        if (doc.Root.Find("tool", "poetry") is TomlTable poetry)
        {
            ReadPoetryTable(poetry["dependencies"], null, file, requirements, diagnostics);
            ReadPoetryTable(poetry["dev-dependencies"], "dev", file, requirements, diagnostics);
            if (poetry["group"] is TomlTable poetryGroups)
            {
                foreach (var group in poetryGroups.Keys)
                {
                    ReadPoetryTable((poetryGroups[group] as TomlTable)?["dependencies"], group, file, requirements, diagnostics);
                }
            }
        }

        return new ManifestResult(requirements, diagnostics, new[] { file });
    }

    private static void ReadPep508Array(TomlValue value, string key, string file, RequirementSource source, string? group, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        if (value is not TomlArray array)
        {
            diagnostics.Add(Invalid(file, value, $"'{key}' must be an array of requirement strings"));
            return;
        }

        foreach (var item in array.Items)
        {
            if (item is not TomlString s)
            {
                diagnostics.Add(Invalid(file, item, $"'{key}' entries must be strings"));
                continue;
            }

            if (Pep508Requirement.TryParse(s.Value, out var r, out var error))
            {
                requirements.Add(DeclaredRequirement.From(r, file, s.Line, source, group, s.Value));
            }
            else
            {
                // +1 for the opening quote (exact unless the string holds escapes).
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, s.Line,
                    $"cannot read requirement '{s.Value}' in {key}: {error.Message}", s.Column + error.Column));
            }
        }
    }

    private static void ReadPoetryTable(TomlValue? value, string? group, string file, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        if (value is null)
        {
            return;
        }

        if (value is not TomlTable table)
        {
            diagnostics.Add(Invalid(file, value, "poetry dependencies must be a table"));
            return;
        }

        foreach (var rawName in table.Keys)
        {
            if (rawName.Equals("python", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var entry = table[rawName]!;
            var entries = entry is TomlArray multiple ? multiple.Items : new[] { entry };
            foreach (var e in entries)
            {
                ReadPoetryEntry(rawName, e, group, file, requirements, diagnostics);
            }
        }
    }

    private static void ReadPoetryEntry(string rawName, TomlValue entry, string? group, string file, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        if (!PackageName.IsValid(rawName))
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, entry.Line, $"'{rawName}' is not a valid distribution name"));
            return;
        }

        string? constraint = null;
        string? marker = null;
        string? url = null;
        var editable = false;
        var extras = Array.Empty<string>();
        switch (entry)
        {
            case TomlString s:
                constraint = s.Value;
                break;
            case TomlTable t:
                constraint = (t["version"] as TomlString)?.Value;
                marker = (t["markers"] as TomlString)?.Value;
                url = (t["git"] ?? t["url"] ?? t["path"]) is TomlString location ? location.Value : null;
                editable = t["develop"] is TomlBoolean { Value: true };
                extras = t["extras"] is TomlArray e ? e.Items.OfType<TomlString>().Select(x => PackageName.Normalize(x.Value)).ToArray() : extras;
                break;
            default:
                diagnostics.Add(Invalid(file, entry, $"poetry dependency '{rawName}' must be a version string or a table"));
                return;
        }

        SpecifierSet? set = SpecifierSet.Empty;
        var specifier = string.Empty;
        if (constraint is not null)
        {
            var translated = PoetryToPep440(constraint);
            if (translated is not null && SpecifierSet.TryParse(translated, out var parsed, out _))
            {
                set = parsed;
                specifier = parsed.ToString();
            }
            else
            {
                set = null;
                specifier = constraint;
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.VersionNotPep440, file, entry.Line,
                    $"poetry constraint '{constraint}' of '{rawName}' has no PEP 440 form; kept as text, not compared", entry.Column,
                    DependencyDiagnosticSeverity.Warning));
            }
        }

        MarkerExpression? parsedMarker = null;
        if (marker is not null && !MarkerExpression.TryParse(marker, out parsedMarker, out var markerError))
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, entry.Line,
                $"cannot read the markers of '{rawName}': {markerError.Message}", entry.Column));
            return;
        }

        requirements.Add(new DeclaredRequirement
        {
            Name = PackageName.Normalize(rawName),
            RawName = rawName,
            Extras = extras,
            Specifier = specifier,
            SpecifierSet = set,
            Marker = marker,
            ParsedMarker = parsedMarker,
            Url = url,
            Editable = editable,
            File = file,
            Line = entry.Line,
            Source = RequirementSource.Poetry,
            Group = group,
            Text = entry is TomlString str ? $"{rawName} = \"{str.Value}\"" : rawName,
        });
    }

    /// <summary>A Poetry constraint in PEP 440 terms, or null when it has none (<c>||</c>, unknown syntax).</summary>
    public static string? PoetryToPep440(string constraint)
    {
        var c = constraint.Trim();
        if (c.Length == 0 || c == "*")
        {
            return string.Empty;
        }

        if (c.Contains("||", StringComparison.Ordinal))
        {
            return null;
        }

        var parts = new List<string>();
        foreach (var raw in PoetrySeparators().Split(c))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }

            if (part[0] == '^' || (part[0] == '~' && !part.StartsWith("~=", StringComparison.Ordinal)))
            {
                var caret = part[0] == '^';
                if (!Pep440Version.TryParse(part[1..], out var v) || v.Epoch != 0)
                {
                    return null;
                }

                var release = v.Release.ToList();
                int bumpAt;
                if (caret)
                {
                    bumpAt = release.FindIndex(n => n != 0);
                    bumpAt = bumpAt < 0 ? Math.Max(0, release.Count - 1) : bumpAt;
                }
                else
                {
                    bumpAt = release.Count >= 2 ? 1 : 0;
                }

                var upper = release.Take(bumpAt).Append(release[bumpAt] + 1).ToList();
                while (upper.Count < Math.Min(release.Count, 3))
                {
                    upper.Add(0);
                }

                parts.Add($">={part[1..].Trim()}");
                parts.Add($"<{string.Join('.', upper)}");
            }
            else if (char.IsAsciiDigit(part[0]) || part[0] is 'v' or 'V')
            {
                parts.Add("==" + part);
            }
            else if (part[0] == '=' && !part.StartsWith("==", StringComparison.Ordinal))
            {
                parts.Add("=" + part);
            }
            else
            {
                parts.Add(part);
            }
        }

        return string.Join(',', parts);
    }

    private static DependencyDiagnostic Invalid(string file, TomlValue value, string message) =>
        new(DependencyDiagnosticCode.ManifestInvalid, file, value.Line, message, value.Column);

    // Poetry separates AND-ed constraints with commas or spaces ("&gt;=1.2, &lt;2" or "&gt;=1.2 &lt;2").
    [GeneratedRegex(@"\s*,\s*|(?<=[0-9*])\s+(?=[<>=!~^])")]
    private static partial Regex PoetrySeparators();
}
