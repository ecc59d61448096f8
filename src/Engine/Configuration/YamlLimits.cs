using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BqxAudit.Configuration;

/// <summary>
/// Bounds a YAML text before the representation model (which recurses once per nesting level and
/// expands nothing, but whose readers walk every alias) is built: nesting depth, and the number of
/// nodes the document holds once every alias is expanded (a "billion laughs" file of 70 KB can
/// stand for millions). One pass over the parser's events, which is iterative; the anchors' sizes
/// are remembered, so the count costs no expansion.
/// </summary>
internal static class YamlLimits
{
    /// <summary>No profile, environment file or build config nests deeper.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Nodes the aliases of a document may stand for, all together: far beyond any real use of anchors.</summary>
    public const long DefaultMaxNodes = 200_000;

    /// <summary>Where the text goes beyond a bound (the nesting depth, or the nodes its aliases stand for) and a sentence saying which, or null. Throws <see cref="YamlException"/> for bad syntax.</summary>
    public static (Mark Start, string Message)? Check(string text, int maxDepth = DefaultMaxDepth, long maxNodes = DefaultMaxNodes)
    {
        var parser = new Parser(new StringReader(text));
        var anchors = new Dictionary<string, long>(StringComparer.Ordinal);
        var open = new Stack<(string? Anchor, long ExpandedAtStart)>();
        long expanded = 0;
        long viaAliases = 0;
        while (parser.MoveNext())
        {
            switch (parser.Current)
            {
                case Scalar scalar:
                    expanded++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = 1;
                    }

                    break;
                case NodeEvent start and (SequenceStart or MappingStart):
                    if (open.Count >= maxDepth)
                    {
                        return (start.Start, $"nesting deeper than {maxDepth} levels; not read further");
                    }

                    open.Push((start.Anchor.IsEmpty ? null : start.Anchor.Value, expanded));
                    expanded++;
                    break;
                case SequenceEnd or MappingEnd:
                    if (open.Count > 0)
                    {
                        var (anchor, atStart) = open.Pop();
                        if (anchor is not null)
                        {
                            anchors[anchor] = expanded - atStart;
                        }
                    }

                    break;
                case AnchorAlias alias:
                    var size = anchors.TryGetValue(alias.Value.Value, out var known) ? known : 1;
                    expanded += size;
                    viaAliases += size;
                    break;
            }

            if (viaAliases > maxNodes)
            {
                return (parser.Current!.Start,
                    $"aliases expand the document beyond {maxNodes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} nodes (an alias bomb); not read further");
            }
        }

        return null;
    }
}
