using System.Text;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// Paths as the shell analysis evaluates them. A value anchored at the audited root is written
/// <c>{Anchor}/scripts/x.sh</c> (the anchor alone is the root itself), so it never mixes with a
/// real absolute path such as <c>/opt/app</c>; a relative value stays relative.
/// </summary>
internal static class PathValue
{
    public const char Anchor = '\uE002';

    public static string Anchored(string rootRelative) => rootRelative.Length == 0 ? Anchor.ToString() : Anchor + "/" + rootRelative;

    public static bool IsAnchored(string value) => value.Length > 0 && value[0] == Anchor;

    /// <summary>The root-relative path of an anchored value; null when <c>..</c> climbs above the root.</summary>
    public static string? RootRelative(string anchored) => Collapse(anchored[1..]);

    /// <summary>Collapses <c>.</c>, <c>..</c> and duplicate slashes of a relative path; null when it climbs above its start.</summary>
    public static string? Collapse(string path)
    {
        var parts = new List<string>();
        foreach (var part in path.Replace('\\', '/').Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count == 0)
                {
                    return null;
                }

                parts.RemoveAt(parts.Count - 1);
                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }

    /// <summary><c>dirname</c>: the folder of a value (anchored, absolute or relative).</summary>
    public static string? Dirname(string value)
    {
        if (IsAnchored(value))
        {
            var rel = RootRelative(value);
            if (rel is null)
            {
                return null;
            }

            var slash = rel.LastIndexOf('/');
            return Anchored(slash < 0 ? "" : rel[..slash]);
        }

        var trimmed = value.Length > 1 ? value.TrimEnd('/') : value;
        var i = trimmed.LastIndexOf('/');
        return i < 0 ? "." : i == 0 ? "/" : trimmed[..i];
    }

    /// <summary><paramref name="child"/> against <paramref name="folder"/> (an anchored value), unless it is absolute.</summary>
    public static string? Join(string folder, string child)
    {
        if (IsAnchored(child) || child.StartsWith('/'))
        {
            return child;
        }

        var rel = RootRelative(folder);
        if (rel is null)
        {
            return null;
        }

        var joined = Collapse(rel.Length == 0 ? child : rel + "/" + child);
        return joined is null ? null : Anchored(joined);
    }
}

/// <summary>
/// Evaluates shell words statically, as far as they can be: variables assigned earlier in the
/// script (and <c>${VAR:-default}</c>), <c>$0</c> / <c>${BASH_SOURCE[0]}</c> (the script itself),
/// and command substitutions made of <c>dirname</c>, <c>cd … &amp;&amp; pwd</c>, <c>realpath</c>,
/// <c>readlink -f</c>, <c>basename</c> and <c>echo</c>. Anything else (positional parameters,
/// environment variables, other commands) is unknown and evaluates to null.
/// </summary>
internal sealed class ShellExpander
{
    private const int MaxDepth = 6;

    private readonly Dictionary<string, string> variables;
    private readonly string? self;

    /// <param name="scriptPath">Root-relative path of the script (what <c>$0</c> means), or null when there is no script file.</param>
    /// <param name="variables">Known values, shared (not copied): a Dockerfile stage's ARG/ENV values.</param>
    public ShellExpander(string? scriptPath, Dictionary<string, string>? variables = null)
    {
        self = scriptPath is null ? null : PathValue.Anchored(scriptPath);
        this.variables = variables ?? new Dictionary<string, string>(StringComparer.Ordinal);
    }

    /// <summary>The working directory when known (anchored); null when it is the caller's.</summary>
    public string? Cwd { get; set; }

    public void Set(string name, string? value)
    {
        if (value is null)
        {
            variables.Remove(name);
        }
        else
        {
            variables[name] = value;
        }
    }

    public string? Expand(ShellWord word) => word.Dynamic ? Evaluate(word.Expr, 0) : word.Text;

    private string? Evaluate(string expr, int depth)
    {
        // ${V:-${V:-…}} nests an evaluation per level, each copying the rest of the word: beyond a few
        // levels the value is unknown, which keeps the work linear in the word's length.
        if (depth > MaxDepth || expr.StartsWith('~'))
        {
            return null; // the home folder of whoever runs it
        }

        var sb = new StringBuilder(expr.Length);
        var i = 0;
        while (i < expr.Length)
        {
            var c = expr[i];
            if (c == ShellWord.LiteralDollar)
            {
                sb.Append('$');
                i++;
                continue;
            }

            if (c == ShellWord.LiteralBacktick)
            {
                sb.Append('`');
                i++;
                continue;
            }

            if (c == '`')
            {
                var close = expr.IndexOf('`', i + 1);
                if (close < 0)
                {
                    return null;
                }

                var value = Substitute(expr[(i + 1)..close], depth + 1);
                if (value is null)
                {
                    return null;
                }

                sb.Append(value);
                i = close + 1;
                continue;
            }

            if (c != '$' || i + 1 >= expr.Length)
            {
                sb.Append(c);
                i++;
                continue;
            }

            var next = expr[i + 1];
            if (next == '(')
            {
                if (i + 2 < expr.Length && expr[i + 2] == '(')
                {
                    return null; // arithmetic
                }

                var close = FindClose(expr, i + 1, '(', ')');
                var value = close < 0 ? null : Substitute(expr[(i + 2)..close], depth + 1);
                if (value is null)
                {
                    return null;
                }

                sb.Append(value);
                i = close + 1;
            }
            else if (next == '{')
            {
                var close = FindClose(expr, i + 1, '{', '}');
                var value = close < 0 ? null : Parameter(expr[(i + 2)..close], depth);
                if (value is null)
                {
                    return null;
                }

                sb.Append(value);
                i = close + 1;
            }
            else if (char.IsAsciiLetter(next) || next == '_')
            {
                var j = i + 1;
                while (j < expr.Length && (char.IsAsciiLetterOrDigit(expr[j]) || expr[j] == '_'))
                {
                    j++;
                }

                var value = Lookup(expr[(i + 1)..j]);
                if (value is null)
                {
                    return null;
                }

                sb.Append(value);
                i = j;
            }
            else if (next == '0' && self is not null)
            {
                sb.Append(self);
                i += 2;
            }
            else
            {
                return null; // $1, $@, $$ …
            }
        }

        return sb.ToString();
    }

    private string? Lookup(string name) =>
        name == "BASH_SOURCE" ? self : variables.TryGetValue(name, out var v) ? v : null;

    /// <summary>The inside of <c>${…}</c>.</summary>
    private string? Parameter(string content, int depth)
    {
        if (content.Length == 0 || content[0] is '#' or '!')
        {
            return null;
        }

        string name;
        int k;
        if (content.StartsWith("BASH_SOURCE[0]", StringComparison.Ordinal))
        {
            name = "BASH_SOURCE";
            k = 14;
        }
        else if (content[0] == '0')
        {
            name = "0";
            k = 1;
        }
        else
        {
            k = 0;
            while (k < content.Length && (char.IsAsciiLetterOrDigit(content[k]) || content[k] == '_'))
            {
                k++;
            }

            name = content[..k];
        }

        var value = name == "0" ? self : Lookup(name);
        var rest = content[k..];
        if (rest.Length == 0)
        {
            return value;
        }

        foreach (var op in new[] { ":-", ":=", "-", "=" })
        {
            if (rest.StartsWith(op, StringComparison.Ordinal))
            {
                return value ?? Evaluate(rest[op.Length..], depth + 1);
            }
        }

        if (rest == "%/*" && value is not null)
        {
            return PathValue.Dirname(value);
        }

        if (rest == "##*/" && value is not null)
        {
            return value[(value.LastIndexOf('/') + 1)..];
        }

        return null;
    }

    /// <summary>The output of a command substitution, for the few commands whose output is a path.</summary>
    private string? Substitute(string inner, int depth)
    {
        if (depth > MaxDepth)
        {
            return null;
        }

        var script = ShellScript.Parse(inner);
        var cwd = Cwd;
        string? result = null;
        foreach (var command in script.Commands.Where(c => c.TopLevel))
        {
            var words = command.Words;
            var name = words[0].Dynamic ? null : words[0].Text;
            var args = words.Skip(1).Where(w => !w.Text.StartsWith('-')).ToList();
            string? Arg(int n) => n < args.Count ? ExpandAt(args[n], depth) : null;
            switch (name)
            {
                case "cd":
                    var target = Arg(0);
                    cwd = target is null ? null : cwd is null ? (PathValue.IsAnchored(target) ? target : null) : PathValue.Join(cwd, target);
                    if (cwd is null)
                    {
                        return null;
                    }

                    break;
                case "pwd":
                    result = cwd;
                    break;
                case "dirname":
                    var d = Arg(0);
                    result = d is null ? null : PathValue.Dirname(d);
                    break;
                case "realpath":
                case "readlink":
                    var r = Arg(0);
                    result = r is null ? null : PathValue.IsAnchored(r) ? PathValue.RootRelative(r) is { } rel ? PathValue.Anchored(rel) : null
                        : cwd is not null ? PathValue.Join(cwd, r) : null;
                    break;
                case "basename":
                    var b = Arg(0);
                    result = b?[(b.TrimEnd('/').LastIndexOf('/') + 1)..].TrimEnd('/');
                    break;
                case "echo":
                    var parts = args.Select(a => ExpandAt(a, depth)).ToList();
                    result = parts.Any(p => p is null) ? null : string.Join(' ', parts);
                    break;
                default:
                    return null;
            }

            if (result is null && name != "cd")
            {
                return null;
            }
        }

        return result;
    }

    private string? ExpandAt(ShellWord word, int depth) => word.Dynamic ? Evaluate(word.Expr, depth) : word.Text;

    /// <summary>The index of the bracket closing the one at <paramref name="open"/>, minding quotes; -1 if none.</summary>
    private static int FindClose(string s, int open, char o, char c)
    {
        var level = 0;
        for (var i = open; i < s.Length; i++)
        {
            var ch = s[i];
            if (ch == '\\')
            {
                i++;
            }
            else if (ch == '\'' && o == '(')
            {
                var q = s.IndexOf('\'', i + 1);
                if (q < 0)
                {
                    return -1;
                }

                i = q;
            }
            else if (ch == o)
            {
                level++;
            }
            else if (ch == c && --level == 0)
            {
                return i;
            }
        }

        return -1;
    }
}

/// <summary>Maps offsets of a text to 1-based lines, starting at a given line.</summary>
internal sealed class LineMap
{
    private readonly int[] starts;
    private readonly int firstLine;

    public LineMap(string text, int firstLine)
    {
        this.firstLine = firstLine;
        var list = new List<int> { 0 };
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            list.Add(i + 1);
        }

        starts = list.ToArray();
    }

    public int LineAt(int offset)
    {
        var i = Array.BinarySearch(starts, offset);
        return firstLine + (i >= 0 ? i : ~i - 1);
    }
}
