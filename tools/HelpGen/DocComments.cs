using System.Reflection;
using System.Text;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace BqxAudit.HelpGen;

/// <summary>
/// The compiler's XML documentation files, by member id (<c>T:…</c>, <c>P:…</c>), with <c>&lt;inheritdoc/&gt;</c>
/// on a property resolved to the same property of a base type, and doc markup flattened to plain text.
/// </summary>
public sealed partial class DocComments
{
    private readonly Dictionary<string, XElement> members = new(StringComparer.Ordinal);

    public DocComments(IEnumerable<string> files)
    {
        foreach (var file in files.Where(File.Exists))
        {
            foreach (var member in XDocument.Load(file).Descendants("member"))
            {
                members[(string)member.Attribute("name")!] = member;
            }
        }
    }

    public XElement? Type(Type type) => members.GetValueOrDefault("T:" + type.FullName);

    /// <summary>The doc element of a property, following <c>&lt;inheritdoc/&gt;</c> (or no docs at all) up the base types.</summary>
    public XElement? Property(PropertyInfo property)
    {
        for (var type = property.DeclaringType; type is not null; type = type.BaseType)
        {
            if (members.GetValueOrDefault($"P:{type.FullName}.{property.Name}") is { } doc && doc.Element("inheritdoc") is null)
            {
                return doc;
            }
        }

        return null;
    }

    /// <summary>A doc element's text: <c>&lt;c&gt;</c> and <c>&lt;see cref&gt;</c> become their words, whitespace collapses.</summary>
    public static string Text(XElement? element)
    {
        if (element is null)
        {
            return "";
        }

        var text = new StringBuilder();
        foreach (var node in element.Nodes())
        {
            switch (node)
            {
                case XText t:
                    text.Append(t.Value);
                    break;
                case XElement { Name.LocalName: "see" or "seealso" } see:
                    text.Append(see.Value.Length > 0 ? see.Value : ShortName((string?)see.Attribute("cref") ?? (string?)see.Attribute("langword") ?? ""));
                    break;
                case XElement { Name.LocalName: "paramref" or "typeparamref" } reference:
                    text.Append((string?)reference.Attribute("name"));
                    break;
                case XElement inner:
                    text.Append(Text(inner));
                    break;
            }
        }

        return Whitespace().Replace(text.ToString(), " ").Trim();
    }

    /// <summary><c>T:BqxAudit.Model.Blocker</c> → <c>Blocker</c>; <c>P:…ScriptRecord.Path</c> → <c>ScriptRecord.Path</c>.</summary>
    public static string ShortName(string cref)
    {
        var name = cref.Contains(':', StringComparison.Ordinal) ? cref[(cref.IndexOf(':', StringComparison.Ordinal) + 1)..] : cref;
        var parts = name.Split('(')[0].Split('.');
        return cref.StartsWith("T:", StringComparison.Ordinal) || parts.Length < 2 ? parts[^1] : $"{parts[^2]}.{parts[^1]}";
    }

    /// <summary>The code of an example: its lines with the comment's common indentation removed.</summary>
    public static string Code(XElement code)
    {
        var lines = code.Value.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n').ToList();
        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[0]))
        {
            lines.RemoveAt(0);
        }

        while (lines.Count > 0 && string.IsNullOrWhiteSpace(lines[^1]))
        {
            lines.RemoveAt(lines.Count - 1);
        }

        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
