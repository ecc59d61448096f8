using System.Text;
using System.Text.RegularExpressions;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// Just enough of a .psd1 reader for the manifest tests: <c>Key = 'value'</c> and
/// <c>Key = @( 'a', 'b' )</c> entries (single- or double-quoted, across lines, with comments).
/// Nested hashtables are read as if flat; keys inside them (PSData's Tags …) are listed too.
/// </summary>
public sealed partial class ModuleManifest
{
    private readonly Dictionary<string, IReadOnlyList<string>> entries = new(StringComparer.OrdinalIgnoreCase);

    public ModuleManifest(string text)
    {
        var code = StripComments(text);
        foreach (Match m in Entry().Matches(code))
        {
            var key = m.Groups["key"].Value;
            var values = m.Groups["list"].Success
                ? QuotedString().Matches(m.Groups["list"].Value).Select(Unquote).ToArray()
                : new[] { Unquote(m.Groups["single"].Value) };
            entries[key] = values;
        }
    }

    public static ModuleManifest Load(string path) => new(File.ReadAllText(path));

    public bool Contains(string key) => entries.ContainsKey(key);

    /// <summary>The key's values (one for a plain string); throws when the manifest lacks the key.</summary>
    public IReadOnlyList<string> List(string key) =>
        entries.TryGetValue(key, out var values) ? values : throw new KeyNotFoundException($"The manifest has no '{key} = …' entry");

    /// <summary>The key's single string value.</summary>
    public string Value(string key)
    {
        var values = List(key);
        return values.Count == 1 ? values[0] : throw new InvalidOperationException($"'{key}' has {values.Count} values, expected one string");
    }

    private static string Unquote(Match quoted) => Unquote(quoted.Value);

    private static string Unquote(string quoted) => quoted[0] == '\''
        ? quoted[1..^1].Replace("''", "'", StringComparison.Ordinal)
        : quoted[1..^1].Replace("`\"", "\"", StringComparison.Ordinal);

    /// <summary>Removes <c># …</c> line comments and <c>&lt;# … #&gt;</c> block comments outside strings.</summary>
    private static string StripComments(string text)
    {
        var result = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c is '\'' or '"')
            {
                var end = i + 1;
                while (end < text.Length)
                {
                    if (text[end] == c)
                    {
                        if (c == '\'' && end + 1 < text.Length && text[end + 1] == '\'')
                        {
                            end += 2; // '' inside a single-quoted string
                            continue;
                        }

                        break;
                    }

                    end++;
                }

                result.Append(text, i, Math.Min(end + 1, text.Length) - i);
                i = end;
            }
            else if (c == '<' && i + 1 < text.Length && text[i + 1] == '#')
            {
                var end = text.IndexOf("#>", i + 2, StringComparison.Ordinal);
                i = end < 0 ? text.Length : end + 1;
            }
            else if (c == '#')
            {
                while (i < text.Length && text[i] != '\n')
                {
                    i++;
                }

                result.Append('\n');
            }
            else
            {
                result.Append(c);
            }
        }

        return result.ToString();
    }

    [GeneratedRegex("""(?<key>\b[A-Za-z][A-Za-z0-9]*)\s*=\s*(?:@\((?<list>[^()]*)\)|(?<single>'(?:[^']|'')*'|"[^"]*"))""")]
    private static partial Regex Entry();

    [GeneratedRegex(@"'(?:[^']|'')*'|""[^""]*""")]
    private static partial Regex QuotedString();
}
