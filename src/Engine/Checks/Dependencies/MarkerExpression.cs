using System.Diagnostics.CodeAnalysis;

namespace BqxAudit.Checks.Dependencies;

/// <summary>
/// A PEP 508 environment marker (<c>python_version &lt; "3.10" and sys_platform == "linux"</c>),
/// parsed so it can be checked for syntax and evaluated. Evaluation is three-valued: a marker
/// that reads a variable the environment does not provide evaluates to null (unknown), and
/// <c>and</c>/<c>or</c> combine unknowns as Kleene logic does (<c>false and unknown</c> is false).
/// Comparisons follow <c>packaging</c>: when the right side reads as a PEP 440 specifier the left
/// side is compared as a version (pre-releases allowed), otherwise as text; <c>in</c> and
/// <c>not in</c> test substrings; <c>extra</c> values compare as normalised names.
/// </summary>
public abstract class MarkerExpression
{
    /// <summary>The variables PEP 508 (and its later amendments) define.</summary>
    public static readonly IReadOnlySet<string> KnownVariables = new HashSet<string>(StringComparer.Ordinal)
    {
        "python_version", "python_full_version", "os_name", "sys_platform", "platform_release",
        "platform_system", "platform_version", "platform_machine", "platform_python_implementation",
        "implementation_name", "implementation_version", "extra", "extras", "dependency_groups",
    };

    private protected MarkerExpression()
    {
    }

    /// <summary>The variables this marker reads.</summary>
    public abstract IEnumerable<string> Variables { get; }

    public static MarkerExpression Parse(string text) =>
        TryParse(text, out var m, out var error) ? m : throw new FormatException(error.Message);

    /// <summary>Parses a marker; on failure <paramref name="error"/> holds the 1-based column and the reason.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out MarkerExpression? marker, [NotNullWhen(false)] out ParseError? error)
    {
        var parser = new MarkerParser(text);
        try
        {
            marker = parser.ParseAll();
            error = null;
            return true;
        }
        catch (MarkerParser.SyntaxException e)
        {
            marker = null;
            error = new ParseError(e.Column, e.Message);
            return false;
        }
    }

    /// <summary>True or false when the environment decides it, null when it reads a variable the environment lacks.</summary>
    public abstract bool? Evaluate(IReadOnlyDictionary<string, string> environment);

    /// <summary>The marker in a normal form (single spaces, double quotes).</summary>
    public abstract override string ToString();
}

/// <summary>Where and why a requirement or marker did not parse (<see cref="Column"/> is 1-based).</summary>
public sealed record ParseError(int Column, string Message);

/// <summary>Marker environments for evaluation.</summary>
public static class MarkerEnvironment
{
    /// <summary>
    /// The environment of a CPython <paramref name="pythonVersion"/> (<c>3.11</c> or <c>3.11.7</c>)
    /// on <paramref name="sysPlatform"/> (<c>linux</c>, <c>darwin</c>, <c>win32</c>): python_version,
    /// python_full_version (only when three numbers are given), sys_platform, os_name,
    /// platform_system, implementation_name, platform_python_implementation. Other variables stay
    /// unknown, so markers reading them evaluate to null.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ForPython(string pythonVersion, string sysPlatform = "linux")
    {
        var parts = pythonVersion.Trim().Split('.');
        var env = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["python_version"] = string.Join('.', parts.Take(2)),
            ["sys_platform"] = sysPlatform,
            ["implementation_name"] = "cpython",
            ["platform_python_implementation"] = "CPython",
        };
        if (parts.Length >= 3)
        {
            env["python_full_version"] = pythonVersion.Trim();
        }

        switch (sysPlatform)
        {
            case "win32":
                env["os_name"] = "nt";
                env["platform_system"] = "Windows";
                break;
            case "darwin":
                env["os_name"] = "posix";
                env["platform_system"] = "Darwin";
                break;
            case var p when p.StartsWith("linux", StringComparison.Ordinal):
                env["os_name"] = "posix";
                env["platform_system"] = "Linux";
                break;
        }

        return env;
    }
}

internal sealed class MarkerAnd : MarkerExpression
{
    public MarkerAnd(MarkerExpression left, MarkerExpression right) => (Left, Right) = (left, right);

    public MarkerExpression Left { get; }

    public MarkerExpression Right { get; }

    public override IEnumerable<string> Variables => Left.Variables.Concat(Right.Variables);

    public override bool? Evaluate(IReadOnlyDictionary<string, string> environment)
    {
        var a = Left.Evaluate(environment);
        var b = Right.Evaluate(environment);
        return a == false || b == false ? false : a is null || b is null ? null : true;
    }

    public override string ToString() => $"{Wrap(Left)} and {Wrap(Right)}";

    private static string Wrap(MarkerExpression e) => e is MarkerOr ? $"({e})" : e.ToString();
}

internal sealed class MarkerOr : MarkerExpression
{
    public MarkerOr(MarkerExpression left, MarkerExpression right) => (Left, Right) = (left, right);

    public MarkerExpression Left { get; }

    public MarkerExpression Right { get; }

    public override IEnumerable<string> Variables => Left.Variables.Concat(Right.Variables);

    public override bool? Evaluate(IReadOnlyDictionary<string, string> environment)
    {
        var a = Left.Evaluate(environment);
        var b = Right.Evaluate(environment);
        return a == true || b == true ? true : a is null || b is null ? null : false;
    }

    public override string ToString() => $"{Left} or {Right}";
}

internal sealed class MarkerComparison : MarkerExpression
{
    public MarkerComparison(MarkerOperand left, string op, MarkerOperand right) => (Left, Operator, Right) = (left, op, right);

    public MarkerOperand Left { get; }

    public string Operator { get; }

    public MarkerOperand Right { get; }

    public override IEnumerable<string> Variables =>
        new[] { Left, Right }.Where(o => o.IsVariable).Select(o => o.Value);

    public override bool? Evaluate(IReadOnlyDictionary<string, string> environment)
    {
        if (!TryValue(Left, environment, out var lhs) || !TryValue(Right, environment, out var rhs))
        {
            return null;
        }

        var variable = Left.IsVariable ? Left.Value : Right.IsVariable ? Right.Value : null;
        if (variable is "extra" or "extras" or "dependency_groups")
        {
            lhs = PackageName.Normalize(lhs);
            rhs = PackageName.Normalize(rhs);
        }

        switch (Operator)
        {
            case "in":
                return rhs.Contains(lhs, StringComparison.Ordinal);
            case "not in":
                return !rhs.Contains(lhs, StringComparison.Ordinal);
        }

        if (Pep440Specifier.TryParse(Operator + rhs, out var spec, out _) && Pep440Version.TryParse(lhs, out var version))
        {
            return spec.Contains(version, prereleases: true);
        }

        var c = string.CompareOrdinal(lhs, rhs);
        return Operator switch
        {
            "==" => c == 0,
            "!=" => c != 0,
            "<" => c < 0,
            "<=" => c <= 0,
            ">" => c > 0,
            ">=" => c >= 0,
            "===" => c == 0,
            _ => null, // ~= on text has no meaning
        };
    }

    public override string ToString() => $"{Left} {Operator} {Right}";

    private static bool TryValue(MarkerOperand operand, IReadOnlyDictionary<string, string> environment, out string value)
    {
        if (!operand.IsVariable)
        {
            value = operand.Value;
            return true;
        }

        return environment.TryGetValue(operand.Value, out value!);
    }
}

internal sealed record MarkerOperand(bool IsVariable, string Value)
{
    public override string ToString() => IsVariable ? Value : Value.Contains('"') ? $"'{Value}'" : $"\"{Value}\"";
}

internal sealed class MarkerParser
{
    private readonly string text;
    private int pos;

    public MarkerParser(string text) => this.text = text;

    public MarkerExpression ParseAll()
    {
        SkipWs();
        if (pos >= text.Length)
        {
            throw Error("an environment marker is empty");
        }

        var e = ParseOr();
        SkipWs();
        if (pos < text.Length)
        {
            throw Error($"unexpected '{text[pos]}' in environment marker (expected 'and', 'or' or the end)");
        }

        return e;
    }

    private MarkerExpression ParseOr()
    {
        var left = ParseAnd();
        while (TryKeyword("or"))
        {
            left = new MarkerOr(left, ParseAnd());
        }

        return left;
    }

    private MarkerExpression ParseAnd()
    {
        var left = ParseAtom();
        while (TryKeyword("and"))
        {
            left = new MarkerAnd(left, ParseAtom());
        }

        return left;
    }

    private MarkerExpression ParseAtom()
    {
        SkipWs();
        if (pos < text.Length && text[pos] == '(')
        {
            pos++;
            var inner = ParseOr();
            SkipWs();
            if (pos >= text.Length || text[pos] != ')')
            {
                throw Error("expected ')' in environment marker");
            }

            pos++;
            return inner;
        }

        var left = ParseOperand();
        var op = ParseOperator();
        var right = ParseOperand();
        return new MarkerComparison(left, op, right);
    }

    private MarkerOperand ParseOperand()
    {
        SkipWs();
        if (pos >= text.Length)
        {
            throw Error("expected a marker variable or a quoted string");
        }

        var c = text[pos];
        if (c is '"' or '\'')
        {
            var end = text.IndexOf(c, pos + 1);
            if (end < 0)
            {
                throw Error("unterminated string in environment marker");
            }

            var value = text[(pos + 1)..end];
            pos = end + 1;
            return new MarkerOperand(false, value);
        }

        var start = pos;
        while (pos < text.Length && (char.IsAsciiLetterOrDigit(text[pos]) || text[pos] is '_' or '.'))
        {
            pos++;
        }

        if (start == pos)
        {
            throw Error($"expected a marker variable or a quoted string, found '{c}'");
        }

        var name = text[start..pos];
        if (!MarkerExpression.KnownVariables.Contains(name))
        {
            pos = start;
            throw Error($"'{name}' is not an environment marker variable");
        }

        return new MarkerOperand(true, name);
    }

    private string ParseOperator()
    {
        SkipWs();
        foreach (var op in new[] { "===", "==", "!=", "<=", ">=", "~=", "<", ">" })
        {
            if (string.CompareOrdinal(text, pos, op, 0, op.Length) == 0)
            {
                pos += op.Length;
                return op;
            }
        }

        if (TryKeyword("in"))
        {
            return "in";
        }

        var save = pos;
        if (TryKeyword("not"))
        {
            if (TryKeyword("in"))
            {
                return "not in";
            }

            pos = save;
        }

        throw Error("expected a comparison operator (==, !=, <, <=, >, >=, ~=, ===, in, not in)");
    }

    private bool TryKeyword(string word)
    {
        var save = pos;
        SkipWs();
        if (string.CompareOrdinal(text, pos, word, 0, word.Length) == 0
            && (pos + word.Length == text.Length || !(char.IsAsciiLetterOrDigit(text[pos + word.Length]) || text[pos + word.Length] == '_')))
        {
            pos += word.Length;
            return true;
        }

        pos = save;
        return false;
    }

    private void SkipWs()
    {
        while (pos < text.Length && char.IsWhiteSpace(text[pos]))
        {
            pos++;
        }
    }

    private SyntaxException Error(string message) => new(pos + 1, message);

    internal sealed class SyntaxException : Exception
    {
        public SyntaxException(int column, string message)
            : base(message) => Column = column;

        public int Column { get; }
    }
}
