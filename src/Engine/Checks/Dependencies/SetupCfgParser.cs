using System.Text.RegularExpressions;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Reads <c>[options] install_requires</c> and <c>[options.extras_require]</c> of a setup.cfg, as
/// setuptools does: the file is INI (Python's configparser: <c>key = value</c> or
/// <c>key: value</c>, keys case-insensitive, <c>#</c>/<c>;</c> comment lines, a value continues
/// on lines indented deeper than its key). A value over several lines has one requirement per
/// line (markers after <c>;</c> allowed); a single-line value is split on <c>;</c>, so a marker
/// there is a mistake setuptools also makes — the fragment is reported. <c>file:</c> directives
/// are reported, not followed (requirements files are read on their own).
/// </summary>
public static partial class SetupCfgParser
{
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

    public static ManifestResult Parse(string text, string file)
    {
        var requirements = new List<DeclaredRequirement>();
        var diagnostics = new List<DependencyDiagnostic>();
        var sections = ReadIni(text, file, diagnostics);

        if (sections.TryGetValue("options", out var options) && options.TryGetValue("install_requires", out var install))
        {
            ReadList(install, "install_requires", null, file, requirements, diagnostics);
        }

        if (sections.TryGetValue("options.extras_require", out var extras))
        {
            foreach (var (group, value) in extras)
            {
                ReadList(value, $"extras_require[{group}]", group, file, requirements, diagnostics);
            }
        }

        return new ManifestResult(requirements, diagnostics, new[] { file });
    }

    private static void ReadList(IniValue value, string label, string? group, string file, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        var lines = value.Lines.Where(l => l.Text.Trim().Length > 0).ToList();
        if (lines.Count == 0)
        {
            return;
        }

        if (lines[0].Text.TrimStart().StartsWith("file:", StringComparison.Ordinal))
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.NotFollowed, file, lines[0].Line,
                $"{label} = {lines[0].Text.Trim()}: the 'file:' directive is not followed here; requirements files are read on their own",
                Severity: DependencyDiagnosticSeverity.Warning));
            return;
        }

        IEnumerable<(int Line, string Text)> entries = lines.Count == 1 && lines[0].Line == value.Lines[0].Line
            ? lines[0].Text.Split(';').Select(part => (lines[0].Line, part))
            : lines;
        foreach (var (line, raw) in entries)
        {
            var entry = raw.Trim();
            if (entry.Length == 0 || entry.StartsWith('#'))
            {
                continue;
            }

            if (Pep508Requirement.TryParse(entry, out var r, out var error))
            {
                requirements.Add(DeclaredRequirement.From(r, file, line, RequirementSource.SetupCfg, group, entry));
                continue;
            }

            var hint = MarkerExpression.TryParse(entry, out _, out _)
                ? " (it looks like an environment marker: on one line setuptools splits at ';' — put the requirement on its own indented line)"
                : string.Empty;
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line,
                $"cannot read requirement '{entry}' in {label}: {error.Message}{hint}"));
        }
    }

    private sealed class IniValue
    {
        public List<(int Line, string Text)> Lines { get; } = new();
    }

    private static Dictionary<string, Dictionary<string, IniValue>> ReadIni(string text, string file, List<DependencyDiagnostic> diagnostics)
    {
        var sections = new Dictionary<string, Dictionary<string, IniValue>>(StringComparer.Ordinal);
        Dictionary<string, IniValue>? section = null;
        IniValue? current = null;
        var currentIndent = 0;
        var skipSection = false;
        foreach (var (n, raw) in ManifestFiles.Lines(text))
        {
            var trimmed = raw.Trim();
            var indent = raw.Length - raw.TrimStart().Length;
            if (trimmed.StartsWith('#') || trimmed.StartsWith(';'))
            {
                continue;
            }

            if (trimmed.Length == 0)
            {
                current?.Lines.Add((n, string.Empty));
                continue;
            }

            if (current is not null && indent > currentIndent)
            {
                current.Lines.Add((n, trimmed));
                continue;
            }

            current = null;
            var header = Header().Match(trimmed);
            if (header.Success)
            {
                var name = header.Groups[1].Value;
                skipSection = sections.ContainsKey(name);
                if (skipSection)
                {
                    diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.ManifestInvalid, file, n,
                        $"section [{name}] appears twice (configparser refuses this); the second one is ignored"));
                    section = null;
                    continue;
                }

                section = new Dictionary<string, IniValue>(StringComparer.Ordinal);
                sections[name] = section;
                continue;
            }

            if (skipSection)
            {
                continue;
            }

            var option = Option().Match(trimmed);
            if (section is null || !option.Success)
            {
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.ManifestInvalid, file, n,
                    section is null && option.Success ? "a key before any [section]" : $"'{trimmed}' is neither a [section], a key = value, nor an indented continuation",
                    Severity: DependencyDiagnosticSeverity.Warning));
                continue;
            }

            var key = option.Groups["key"].Value.Trim().ToLowerInvariant();
            if (section.ContainsKey(key))
            {
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.ManifestInvalid, file, n,
                    $"key '{key}' appears twice in its section (configparser refuses this); the second one is ignored"));
                current = new IniValue(); // swallow its continuation lines
                currentIndent = indent;
                continue;
            }

            current = new IniValue();
            currentIndent = indent;
            current.Lines.Add((n, option.Groups["value"].Value.Trim()));
            section[key] = current;
        }

        return sections;
    }

    [GeneratedRegex(@"^\[(.+)\]$")]
    private static partial Regex Header();

    [GeneratedRegex(@"^(?<key>[^=:]+?)\s*[=:]\s*(?<value>.*)$")]
    private static partial Regex Option();
}
