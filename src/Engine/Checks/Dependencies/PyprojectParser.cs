using System.Text.RegularExpressions;
using Tomlyn;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// Reads the dependencies of a pyproject.toml: <c>[project] dependencies</c> (PEP 621),
/// <c>[project.optional-dependencies]</c> per group, and Poetry's
/// <c>[tool.poetry.dependencies]</c>, <c>[tool.poetry.dev-dependencies]</c> and
/// <c>[tool.poetry.group.&lt;name&gt;.dependencies]</c> (the <c>python</c> entry is the interpreter,
/// not a distribution, and is skipped). Poetry constraints are translated to PEP 440:
/// <c>^1.2.3</c> → <c>&gt;=1.2.3,&lt;2.0.0</c> (the first non-zero number is the one that may not
/// change), <c>~1.2.3</c> → <c>&gt;=1.2.3,&lt;1.3.0</c>, <c>1.2.3</c> → <c>==1.2.3</c>, <c>*</c> →
/// any; an <c>||</c> alternative has no PEP 440 form and is kept as text only. The TOML is read by
/// Tomlyn's syntax parser (TOML 1.1, lossless tree with positions): each syntax error is a diagnostic
/// with line and column, and whatever the tree kept is still read; dates are kept as text. Tomlyn's
/// parser recurses on nested arrays and inline tables (and throws past 64 levels), so nesting is
/// bounded before it parses: a statement nested deeper than <see cref="MaxNesting"/> is a diagnostic
/// and the file is read up to the line it starts on.
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

    /// <summary>The deepest nesting of arrays and inline tables read (Tomlyn's own limit is 64).</summary>
    public const int MaxNesting = 32;

    /// <summary>Reads pyproject.toml text; <paramref name="file"/> names it in results and diagnostics.</summary>
    public static ManifestResult Parse(string text, string file)
    {
        var (root, diagnostics) = TomlTree.Read(text, file);
        var found = new List<DeclaredRequirement>();

        if (root.Find("project") is { } project && project is not TomlTree.Table)
        {
            diagnostics.Add(Invalid(file, project, "'project' must be a table"));
        }

        if (root.Find("project", "dependencies") is { } deps)
        {
            ReadPep508Array(deps, "project.dependencies", file, RequirementSource.Pyproject, null, found, diagnostics);
        }

        switch (root.Find("project", "optional-dependencies"))
        {
            case TomlTree.Table groups:
                foreach (var group in groups.Keys)
                {
                    ReadPep508Array(groups[group]!, $"project.optional-dependencies.{group}", file, RequirementSource.PyprojectOptional, group, found, diagnostics);
                }

                break;
            case { } other:
                diagnostics.Add(Invalid(file, other, "'project.optional-dependencies' must be a table of arrays"));
                break;
        }

        if (root.Find("tool", "poetry") is TomlTree.Table poetry)
        {
            ReadPoetryTable(poetry["dependencies"], null, file, found, diagnostics);
            ReadPoetryTable(poetry["dev-dependencies"], "dev", file, found, diagnostics);
            if (poetry["group"] is TomlTree.Table poetryGroups)
            {
                foreach (var group in poetryGroups.Keys)
                {
                    ReadPoetryTable((poetryGroups[group] as TomlTree.Table)?["dependencies"], group, file, found, diagnostics);
                }
            }
        }

        return new ManifestResult(found, diagnostics, new[] { file });
    }

    private static void ReadPep508Array(TomlTree.Value value, string key, string file, RequirementSource source, string? group, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        if (value is not TomlTree.Array array)
        {
            diagnostics.Add(Invalid(file, value, $"'{key}' must be an array of requirement strings"));
            return;
        }

        foreach (var item in array.Items)
        {
            if (item is not TomlTree.String s)
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

    private static void ReadPoetryTable(TomlTree.Value? value, string? group, string file, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
    {
        if (value is null)
        {
            return;
        }

        if (value is not TomlTree.Table table)
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
            IReadOnlyList<TomlTree.Value> entries = entry is TomlTree.Array multiple ? multiple.Items : new[] { entry };
            foreach (var e in entries)
            {
                ReadPoetryEntry(rawName, e, group, file, requirements, diagnostics);
            }
        }
    }

    private static void ReadPoetryEntry(string rawName, TomlTree.Value entry, string? group, string file, List<DeclaredRequirement> requirements, List<DependencyDiagnostic> diagnostics)
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
            case TomlTree.String s:
                constraint = s.Value;
                break;
            case TomlTree.Table t:
                constraint = (t["version"] as TomlTree.String)?.Value;
                marker = (t["markers"] as TomlTree.String)?.Value;
                url = (t["git"] ?? t["url"] ?? t["path"]) is TomlTree.String location ? location.Value : null;
                editable = t["develop"] is TomlTree.Boolean { Value: true };
                extras = t["extras"] is TomlTree.Array e ? e.Items.OfType<TomlTree.String>().Select(x => PackageName.Normalize(x.Value)).ToArray() : extras;
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
            Text = entry is TomlTree.String str ? $"{rawName} = \"{str.Value}\"" : rawName,
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

    private static DependencyDiagnostic Invalid(string file, TomlTree.Value value, string message) =>
        new(DependencyDiagnosticCode.ManifestInvalid, file, value.Line, message, value.Column);

    // Poetry separates AND-ed constraints with commas or spaces ("&gt;=1.2, &lt;2" or "&gt;=1.2 &lt;2").
    [GeneratedRegex(@"\s*,\s*|(?<=[0-9*])\s+(?=[<>=!~^])")]
    private static partial Regex PoetrySeparators();
}

/// <summary>
/// The part of Tomlyn's syntax tree pyproject.toml is read from: tables (from headers, dotted keys and inline
/// tables, merged), arrays, strings, booleans, and every other scalar as its source text (dates stay text).
/// Keys Tomlyn reports as redefined keep their first value.
/// </summary>
internal static class TomlTree
{
    public abstract class Value
    {
        protected Value(SourceSpan span)
        {
            Line = span.Start.Line + 1;
            Column = span.Start.Column + 1;
        }

        public int Line { get; }

        public int Column { get; }
    }

    public sealed class String : Value
    {
        public String(string value, SourceSpan span) : base(span) => Value = value;

        public string Value { get; }
    }

    public sealed class Boolean : Value
    {
        public Boolean(bool value, SourceSpan span) : base(span) => Value = value;

        public bool Value { get; }
    }

    /// <summary>Numbers, dates and times, as written.</summary>
    public sealed class Scalar : Value
    {
        public Scalar(string text, SourceSpan span) : base(span) => Text = text;

        public string Text { get; }
    }

    public sealed class Array : Value
    {
        public Array(SourceSpan span) : base(span) { }

        public List<Value> Items { get; } = new();
    }

    public sealed class Table : Value
    {
        private readonly Dictionary<string, Value> values = new(StringComparer.Ordinal);
        private readonly List<string> order = new();

        public Table(SourceSpan span) : base(span) { }

        public IReadOnlyList<string> Keys => order;

        public Value? this[string key] => values.TryGetValue(key, out var v) ? v : null;

        /// <summary>The value at a path of keys, or null.</summary>
        public Value? Find(params string[] path)
        {
            Value? current = this;
            foreach (var key in path)
            {
                current = (current as Table)?[key];
            }

            return current;
        }

        public bool TryAdd(string key, Value value)
        {
            if (!values.TryAdd(key, value))
            {
                return false;
            }

            order.Add(key);
            return true;
        }
    }

    /// <summary>Parses <paramref name="text"/> with Tomlyn (nesting bounded first) and builds the tree with its diagnostics.</summary>
    public static (Table Root, List<DependencyDiagnostic> Diagnostics) Read(string text, string file)
    {
        var diagnostics = new List<DependencyDiagnostic>();
        if (TooDeep(text, PyprojectParser.MaxNesting) is { } deep)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.TomlSyntax, file, deep.Line,
                $"arrays or inline tables nested deeper than {PyprojectParser.MaxNesting} levels; the file is read up to line {deep.StatementLine}", deep.Column));
            text = text[..deep.StatementStart];
        }

        var root = new Table(default);
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, file, validate: true);
        }
        catch (TomlException e)
        {
            // Tomlyn's own limits (nesting past 64): nothing of the file is read.
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.TomlSyntax, file, Math.Max(1, e.Line ?? 1), e.Message, Math.Max(1, e.Column ?? 1)));
            return (root, diagnostics);
        }

        // Tomlyn reports what one mistake sets off line by line (an unterminated string runs on to the next quote):
        // in file order, one error per line, so a typo is a few lines of output, not dozens.
        foreach (var message in document.Diagnostics.Where(m => m.Kind == DiagnosticMessageKind.Error)
            .OrderBy(m => m.Span.Start.Line).ThenBy(m => m.Span.Start.Column)
            .GroupBy(m => m.Span.Start.Line).Select(g => g.First()))
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.TomlSyntax, file, message.Span.Start.Line + 1, message.Message, message.Span.Start.Column + 1));
        }

        foreach (var pair in document.KeyValues)
        {
            Add(root, pair);
        }

        foreach (var header in document.Tables)
        {
            if (header.Name is null || Path(header.Name) is not { Count: > 0 } path)
            {
                continue;
            }

            Table? table;
            if (header is TableArraySyntax)
            {
                var parent = Walk(root, path.Take(path.Count - 1), header.Span);
                var array = parent?[path[^1]] as Array;
                if (parent is not null && array is null && parent.TryAdd(path[^1], array = new Array(header.Span)) is false)
                {
                    continue;
                }

                table = array is null ? null : new Table(header.Span);
                array?.Items.Add(table!);
            }
            else
            {
                table = Walk(root, path, header.Span);
            }

            if (table is null)
            {
                continue;
            }

            foreach (var pair in header.Items)
            {
                Add(table, pair);
            }
        }

        return (root, diagnostics);
    }

    private static void Add(Table table, KeyValueSyntax pair)
    {
        if (pair.Key is null || Path(pair.Key) is not { Count: > 0 } path || Convert(pair.Value) is not { } value)
        {
            return;
        }

        Walk(table, path.Take(path.Count - 1), pair.Span)?.TryAdd(path[^1], value);
    }

    /// <summary>The table at <paramref name="path"/> under <paramref name="table"/>, made on the way; null through a non-table (Tomlyn reports it).</summary>
    private static Table? Walk(Table table, IEnumerable<string> path, SourceSpan span)
    {
        var current = table;
        foreach (var key in path)
        {
            switch (current[key])
            {
                case Table next:
                    current = next;
                    break;
                case Array { Items.Count: > 0 } tables when tables.Items[^1] is Table last:
                    current = last;
                    break;
                case null:
                    var made = new Table(span);
                    current.TryAdd(key, made);
                    current = made;
                    break;
                default:
                    return null;
            }
        }

        return current;
    }

    private static Value? Convert(ValueSyntax? syntax)
    {
        switch (syntax)
        {
            case StringValueSyntax s when s.Value is not null:
                return new String(s.Value, s.Span);
            case BooleanValueSyntax b:
                return new Boolean(b.Value, b.Span);
            case ArraySyntax a:
                var array = new Array(a.Span);
                foreach (var item in a.Items)
                {
                    if (Convert(item.Value) is { } v)
                    {
                        array.Items.Add(v);
                    }
                }

                return array;
            case InlineTableSyntax t:
                var table = new Table(t.Span);
                foreach (var item in t.Items)
                {
                    if (item.KeyValue is { } pair)
                    {
                        Add(table, pair);
                    }
                }

                return table;
            case IntegerValueSyntax or FloatValueSyntax or DateTimeValueSyntax:
                return new Scalar(syntax.ToString()?.Trim() ?? "", syntax.Span);
            default:
                return null;
        }
    }

    private static List<string>? Path(KeySyntax key)
    {
        var parts = new List<string>();
        if (Name(key.Key) is not { } first)
        {
            return null;
        }

        parts.Add(first);
        foreach (var dotted in key.DotKeys)
        {
            if (Name(dotted.Key) is not { } next)
            {
                return null;
            }

            parts.Add(next);
        }

        return parts;
    }

    private static string? Name(BareKeyOrStringValueSyntax? key) => key switch
    {
        BareKeySyntax bare => bare.Key?.Text,
        StringValueSyntax quoted => quoted.Value,
        _ => null,
    };

    /// <summary>
    /// Where nesting first passes <paramref name="limit"/> (outside strings and comments), and where the statement
    /// holding it starts; null when it never does. Linear, no recursion.
    /// </summary>
    internal static (int Line, int Column, int StatementLine, int StatementStart)? TooDeep(string text, int limit)
    {
        var depth = 0;
        int line = 1, lineStart = 0, statementLine = 1, statementStart = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    lineStart = i + 1;
                    break;
                case '#':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"' or '\'':
                    var triple = i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c;
                    i += triple ? 3 : 1;
                    for (; i < text.Length; i++)
                    {
                        if (text[i] == '\\' && c == '"')
                        {
                            i++;
                            continue;
                        }

                        if (text[i] == '\n')
                        {
                            if (!triple)
                            {
                                break; // an unterminated one-line string ends at the line (Tomlyn reports it)
                            }

                            line++;
                            lineStart = i + 1;
                        }
                        else if (text[i] == c && (!triple || (i + 2 < text.Length && text[i + 1] == c && text[i + 2] == c)))
                        {
                            i += triple ? 2 : 0;
                            break;
                        }
                    }

                    if (i < text.Length && text[i] == '\n')
                    {
                        i--; // let the newline be counted above
                    }

                    break;
                case '[' or '{':
                    if (depth == 0)
                    {
                        statementLine = line;
                        statementStart = lineStart;
                    }

                    if (++depth > limit)
                    {
                        return (line, i - lineStart + 1, statementLine, statementStart);
                    }

                    break;
                case ']' or '}':
                    depth = Math.Max(0, depth - 1);
                    break;
            }
        }

        return null;
    }
}
