using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Reads a conda environment.yml: every entry of <c>dependencies:</c> is a conda package spec
/// (<see cref="RequirementSource.Conda"/>), and the nested <c>- pip:</c> list holds pip
/// requirement lines (<see cref="RequirementSource.CondaPip"/>; <c>-r</c> includes resolve from the
/// environment file's folder, as conda runs pip there).
/// <para>
/// Conda specs are <c>[channel::]name[ version[ build]]</c>, <c>name=version[=build]</c>,
/// <c>name==version</c>, <c>name&gt;=a,&lt;b</c> or <c>name[version='…']</c>. Their versions are
/// translated to PEP 440: conda's fuzzy <c>=1.26</c> means "1.26 or any 1.26.x" and becomes
/// <c>==1.26.*</c> (also <c>1.26*</c> and <c>1.26.*</c>); <c>==1.26</c> and a bare version after
/// a space (<c>numpy 1.26</c>) are exact (<c>==1.26</c>), as is <c>=1.26=build</c> (a build string
/// pins the version); operators and commas pass through. An OR (<c>|</c>) or a version that is not
/// PEP 440 (<c>openssl=1.1.1w</c>) is kept as text with a null <see cref="DeclaredRequirement.SpecifierSet"/>
/// and a warning. Conda names are not always PyPI names (<c>pytorch</c> is <c>torch</c>); they are
/// normalised the same way and not mapped.
/// </para>
/// </summary>
public static partial class CondaEnvironmentParser
{
    public static ManifestResult ParseFile(string root, string relativePath, Func<string, byte[]>? readAllBytes = null)
    {
        var diagnostics = new List<DependencyDiagnostic>();
        var file = relativePath.Replace('\\', '/');
        var read = readAllBytes ?? ManifestFiles.ReadAllBytes;
        var text = ManifestFiles.ReadText(read, Path.Combine(root, relativePath), file, diagnostics);
        if (text is null)
        {
            return new ManifestResult(Array.Empty<DeclaredRequirement>(), diagnostics, Array.Empty<string>());
        }

        var result = Parse(text, root, relativePath, readAllBytes);
        return new ManifestResult(result.Requirements, diagnostics.Concat(result.Diagnostics).ToList(), result.FilesRead);
    }

    /// <summary>Reads environment.yml text as the file <paramref name="relativePath"/> under <paramref name="root"/>.</summary>
    public static ManifestResult Parse(string text, string root, string relativePath, Func<string, byte[]>? readAllBytes = null)
    {
        var file = relativePath.Replace('\\', '/');
        var requirements = new List<DeclaredRequirement>();
        var diagnostics = new List<DependencyDiagnostic>();
        var filesRead = new List<string> { file };
        YamlStream yaml;
        try
        {
            var (stream, bound) = Configuration.YamlLimits.Load(text);
            if (bound is { } b)
            {
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.YamlSyntax, file, (int)b.Start.Line, b.Message, (int)b.Start.Column));
                return new ManifestResult(requirements, diagnostics, filesRead);
            }

            yaml = stream!;
        }
        catch (YamlException e)
        {
            var inner = e.InnerException is YamlException ie ? ie.Message : null;
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.YamlSyntax, file, (int)e.Start.Line,
                inner is null ? e.Message : $"{e.Message} {inner}", (int)e.Start.Column));
            return new ManifestResult(requirements, diagnostics, filesRead);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.YamlSyntax, file, 0, e.Message));
            return new ManifestResult(requirements, diagnostics, filesRead);
        }

        if (yaml.Documents.Count == 0)
        {
            return new ManifestResult(requirements, diagnostics, filesRead);
        }

        if (yaml.Documents[0].RootNode is not YamlMappingNode rootNode)
        {
            diagnostics.Add(Invalid(file, yaml.Documents[0].RootNode, "an environment file must be a mapping with a 'dependencies:' list"));
            return new ManifestResult(requirements, diagnostics, filesRead);
        }

        var dependencies = rootNode.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode { Value: "dependencies" }).Value;
        if (dependencies is null || dependencies is YamlScalarNode { Value: null or "" })
        {
            return new ManifestResult(requirements, diagnostics, filesRead);
        }

        if (dependencies is not YamlSequenceNode list)
        {
            diagnostics.Add(Invalid(file, dependencies, "'dependencies' must be a list"));
            return new ManifestResult(requirements, diagnostics, filesRead);
        }

        foreach (var item in list.Children)
        {
            switch (item)
            {
                case YamlScalarNode { Value: { } spec } scalar:
                    ReadCondaSpec(spec, file, (int)scalar.Start.Line, requirements, diagnostics);
                    break;
                case YamlMappingNode map when map.Children.Count == 1 && map.Children.First().Key is YamlScalarNode { Value: "pip" }:
                    var pip = map.Children.First().Value;
                    if (pip is not YamlSequenceNode pipList)
                    {
                        diagnostics.Add(Invalid(file, pip, "'pip' must be a list of requirement lines"));
                        break;
                    }

                    var entries = new List<(int, string)>();
                    foreach (var p in pipList.Children)
                    {
                        if (p is YamlScalarNode { Value: { } line })
                        {
                            entries.Add(((int)p.Start.Line, line));
                        }
                        else
                        {
                            diagnostics.Add(Invalid(file, p, "a pip entry must be a string"));
                        }
                    }

                    var parser = new RequirementsFileParser(root, readAllBytes);
                    var state = new RequirementsFileParser.State();
                    parser.ParseEntries(entries, Path.GetFullPath(Path.Combine(root, relativePath)), RequirementSource.CondaPip, state);
                    var pipResult = state.ToResult();
                    requirements.AddRange(pipResult.Requirements);
                    diagnostics.AddRange(pipResult.Diagnostics);
                    filesRead.AddRange(pipResult.FilesRead.Where(f => f != file));
                    break;
                default:
                    diagnostics.Add(Invalid(file, item, "a dependency must be a conda spec string or a '- pip:' list"));
                    break;
            }
        }

        return new ManifestResult(requirements, diagnostics, filesRead);
    }

    /// <summary>A conda version spec (<c>=1.26</c>, <c>1.26.*</c>, <c>&gt;=1,&lt;2</c>, <c>==1.2</c>) in PEP 440 terms, or null when it has none.</summary>
    public static string? CondaVersionToPep440(string version, bool hasBuild = false)
    {
        var v = version.Trim();
        if (v.Length == 0 || v == "*")
        {
            return string.Empty;
        }

        if (v.Contains('|', StringComparison.Ordinal))
        {
            return null;
        }

        if (v[0] == '=' && (v.Length == 1 || v[1] != '='))
        {
            var body = v[1..].Trim();
            if (hasBuild && !body.EndsWith('*'))
            {
                return "==" + body;
            }

            return "==" + Prefix(body);
        }

        var parts = new List<string>();
        foreach (var raw in v.Split(','))
        {
            var part = raw.Trim();
            if (part.Length == 0)
            {
                return null;
            }

            if (part[0] is '<' or '>' or '!' or '~' || part.StartsWith("==", StringComparison.Ordinal))
            {
                parts.Add(part.EndsWith('*') && part.StartsWith("==", StringComparison.Ordinal) ? "==" + Prefix(part[2..]) : part);
            }
            else if (part[0] == '=')
            {
                parts.Add("==" + Prefix(part[1..]));
            }
            else
            {
                parts.Add(part.EndsWith('*') ? "==" + Prefix(part) : "==" + part);
            }
        }

        return string.Join(',', parts);
    }

    private static string Prefix(string version)
    {
        var body = version.TrimEnd('*').TrimEnd('.');
        return body + ".*";
    }

    private static void ReadCondaSpec(string spec, string file, int line, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        var text = spec.Trim();
        var m = CondaSpec().Match(text);
        if (!m.Success)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.RequirementInvalid, file, line, $"cannot read conda spec '{ManifestFiles.Quote(text)}'"));
            return;
        }

        var name = m.Groups["name"].Value;
        string version;
        var hasBuild = false;
        if (m.Groups["bracket"].Success)
        {
            var bracketVersion = BracketVersion().Match(m.Groups["bracket"].Value);
            version = bracketVersion.Success ? bracketVersion.Groups["v"].Value : string.Empty;
            hasBuild = BracketBuild().IsMatch(m.Groups["bracket"].Value);
        }
        else
        {
            var rest = m.Groups["rest"].Value;
            if (rest.Length > 0 && char.IsWhiteSpace(rest[0]))
            {
                // "name 1.26.* build": a version field, then a build field.
                var fields = rest.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
                version = fields.Length > 0 ? fields[0] : string.Empty;
                hasBuild = fields.Length > 1;
            }
            else if (rest.StartsWith('=') && !rest.StartsWith("==", StringComparison.Ordinal))
            {
                // "name=1.26[=build]"
                var pieces = rest[1..].Split('=', 2);
                version = "=" + pieces[0];
                hasBuild = pieces.Length > 1 && pieces[1].Length > 0;
            }
            else if (rest.StartsWith("==", StringComparison.Ordinal))
            {
                var pieces = rest[2..].Split('=', 2);
                version = "==" + pieces[0];
                hasBuild = pieces.Length > 1;
            }
            else
            {
                version = rest.Replace(" ", string.Empty, StringComparison.Ordinal);
            }
        }

        var translated = CondaVersionToPep440(version, hasBuild);
        SpecifierSet? set = null;
        if (translated is not null && SpecifierSet.TryParse(translated, out var parsed, out _))
        {
            set = parsed;
        }
        else
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.VersionNotPep440, file, line,
                $"conda spec '{ManifestFiles.Quote(text)}': version '{ManifestFiles.Quote(version)}' has no PEP 440 form; kept as text, not compared",
                Severity: DependencyDiagnosticSeverity.Warning));
        }

        requirements.Add(new DeclaredRequirement
        {
            Name = PackageName.Normalize(name),
            RawName = name,
            Specifier = set?.ToString() ?? version,
            SpecifierSet = set,
            File = file,
            Line = line,
            Source = RequirementSource.Conda,
            Text = text,
        });
    }

    private static DependencyDiagnostic Invalid(string file, YamlNode node, string message) =>
        new(DependencyDiagnosticCode.ManifestInvalid, file, (int)node.Start.Line, message, (int)node.Start.Column);

    [GeneratedRegex(@"^(?:[^\s:]+::)?(?<name>[A-Za-z0-9_][A-Za-z0-9._+-]*)(?:\[(?<bracket>[^\]]*)\]|(?<rest>.*))$")]
    private static partial Regex CondaSpec();

    [GeneratedRegex(@"version\s*=\s*(?<q>['""]?)(?<v>[^'"",\]]*(?:,[^'""\]]*)?)\k<q>")]
    private static partial Regex BracketVersion();

    [GeneratedRegex(@"\bbuild\s*=")]
    private static partial Regex BracketBuild();
}
