using System.Diagnostics.CodeAnalysis;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// A PEP 508 dependency specification: <c>name[extra1,extra2] (&gt;=1.0,&lt;2) ; marker</c> or
/// <c>name[extras] @ URL ; marker</c> (the <c>;</c> after a URL must follow whitespace, since a
/// URL may contain one). Names are normalised per PEP 503, extras per PEP 685. Version
/// specifiers may be parenthesised; a trailing comma is accepted as pip accepts it. The marker
/// is kept as text and parsed (<see cref="ParsedMarker"/>) so it can be evaluated.
/// </summary>
public sealed class Pep508Requirement
{
    private Pep508Requirement(string rawName, IReadOnlyList<string> extras, SpecifierSet specifiers, string? url, string? marker, MarkerExpression? parsedMarker)
    {
        RawName = rawName;
        Name = PackageName.Normalize(rawName);
        Extras = extras;
        SpecifierSet = specifiers;
        Url = url;
        Marker = marker;
        ParsedMarker = parsedMarker;
    }

    /// <summary>The PEP 503 normalised name (<c>Foo_Bar.baz</c> → <c>foo-bar-baz</c>).</summary>
    public string Name { get; }

    /// <summary>The name as written.</summary>
    public string RawName { get; }

    /// <summary>The extras, normalised, in the order written.</summary>
    public IReadOnlyList<string> Extras { get; }

    /// <summary>The specifiers as text (<c>&gt;=1.0,&lt;2</c>), empty when none.</summary>
    public string Specifier => SpecifierSet.ToString();

    public SpecifierSet SpecifierSet { get; }

    /// <summary>The URL of a <c>name @ URL</c> requirement, else null.</summary>
    public string? Url { get; }

    /// <summary>The environment marker as written (after <c>;</c>, trimmed), else null.</summary>
    public string? Marker { get; }

    public MarkerExpression? ParsedMarker { get; }

    public static Pep508Requirement Parse(string text) =>
        TryParse(text, out var r, out var error) ? r : throw new FormatException($"column {error.Column}: {error.Message}");

    /// <summary>Parses one requirement; on failure <paramref name="error"/> holds the 1-based column and the reason.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out Pep508Requirement? requirement, [NotNullWhen(false)] out ParseError? error)
    {
        requirement = null;
        error = null;
        var pos = 0;

        bool Fail(int at, string message, out ParseError? e)
        {
            e = new ParseError(at + 1, message);
            return false;
        }

        void SkipWs()
        {
            while (pos < text.Length && char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }
        }

        SkipWs();
        var nameStart = pos;
        while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '-' or '_' or '.'))
        {
            pos++;
        }

        var rawName = text[nameStart..pos];
        if (rawName.Length == 0)
        {
            return Fail(nameStart, pos < text.Length ? $"expected a distribution name, found '{text[pos]}'" : "expected a distribution name", out error);
        }

        if (!PackageName.IsValid(rawName))
        {
            return Fail(nameStart, $"'{rawName}' is not a valid distribution name (letters and digits at both ends; '-', '_', '.' inside)", out error);
        }

        SkipWs();
        var extras = new List<string>();
        if (pos < text.Length && text[pos] == '[')
        {
            pos++;
            while (true)
            {
                SkipWs();
                if (pos < text.Length && text[pos] == ']' && extras.Count == 0)
                {
                    pos++;
                    break;
                }

                var start = pos;
                while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '-' or '_' or '.'))
                {
                    pos++;
                }

                var extra = text[start..pos];
                if (!PackageName.IsValid(extra))
                {
                    return Fail(start, extra.Length == 0 ? "expected an extra name" : $"'{extra}' is not a valid extra name", out error);
                }

                extras.Add(PackageName.Normalize(extra));
                SkipWs();
                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    continue;
                }

                if (pos < text.Length && text[pos] == ']')
                {
                    pos++;
                    break;
                }

                return Fail(pos, "expected ',' or ']' after an extra", out error);
            }

            SkipWs();
        }

        string? url = null;
        var specifiers = SpecifierSet.Empty;
        if (pos < text.Length && text[pos] == '@')
        {
            pos++;
            SkipWs();
            var start = pos;
            while (pos < text.Length && !char.IsWhiteSpace(text[pos]))
            {
                pos++;
            }

            url = text[start..pos];
            if (url.Length == 0)
            {
                return Fail(start, "expected a URL after '@'", out error);
            }

            if (!url.Contains(':', StringComparison.Ordinal))
            {
                return Fail(start, $"'{url}' is not a URL (expected a scheme like https: or file:)", out error);
            }

            var beforeWs = pos;
            SkipWs();
            if (pos < text.Length && text[pos] != ';')
            {
                return Fail(pos, "expected ';' and a marker or the end after the URL", out error);
            }

            if (pos < text.Length && pos == beforeWs)
            {
                return Fail(pos, "a ';' after a URL must follow whitespace", out error);
            }
        }
        else if (pos < text.Length && text[pos] != ';')
        {
            var parens = text[pos] == '(';
            if (parens)
            {
                pos++;
            }

            var list = new List<Pep440Specifier>();
            while (true)
            {
                SkipWs();
                var start = pos;
                if (pos >= text.Length || !IsOperatorChar(text[pos]))
                {
                    if (list.Count > 0)
                    {
                        break; // trailing comma
                    }

                    return Fail(pos, pos < text.Length
                        ? $"expected a version specifier (==, >=, ~= …), '[', '@' or ';' after the name, found '{text[pos]}'"
                        : "expected a version specifier", out error);
                }

                while (pos < text.Length && IsOperatorChar(text[pos]))
                {
                    pos++;
                }

                SkipWs();
                while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && text[pos] is not (',' or ';' or ')'))
                {
                    pos++;
                }

                if (!Pep440Specifier.TryParse(text[start..pos], out var spec, out var specError))
                {
                    return Fail(start, specError, out error);
                }

                list.Add(spec);
                SkipWs();
                if (pos < text.Length && text[pos] == ',')
                {
                    pos++;
                    continue;
                }

                break;
            }

            if (parens)
            {
                SkipWs();
                if (pos >= text.Length || text[pos] != ')')
                {
                    return Fail(pos, "expected ')' after the version specifiers", out error);
                }

                pos++;
            }

            specifiers = new SpecifierSet(list);
            SkipWs();
        }

        string? marker = null;
        MarkerExpression? parsedMarker = null;
        if (pos < text.Length && text[pos] == ';')
        {
            var markerStart = pos + 1;
            marker = text[markerStart..].Trim();
            if (!MarkerExpression.TryParse(text[markerStart..], out parsedMarker, out var markerError))
            {
                return Fail(markerStart + markerError.Column - 1, markerError.Message, out error);
            }

            pos = text.Length;
        }

        if (pos < text.Length)
        {
            return Fail(pos, $"unexpected '{text[pos]}' (expected ';' and a marker or the end)", out error);
        }

        requirement = new Pep508Requirement(rawName, extras, specifiers, url, marker, parsedMarker);
        return true;
    }

    /// <summary>
    /// Whether the marker holds in <paramref name="environment"/>: true without a marker, null
    /// when the marker reads a variable the environment does not define.
    /// </summary>
    public bool? AppliesTo(IReadOnlyDictionary<string, string> environment) => ParsedMarker?.Evaluate(environment) ?? true;

    public override string ToString()
    {
        var s = RawName + (Extras.Count > 0 ? $"[{string.Join(',', Extras)}]" : string.Empty);
        s += Url is not null ? $" @ {Url}" : Specifier;
        return Marker is null ? s : $"{s} ; {Marker}";
    }

    private static bool IsOperatorChar(char c) => c is '=' or '<' or '>' or '!' or '~';
}
