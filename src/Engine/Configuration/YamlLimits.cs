using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace BqxAudit.Configuration;

/// <summary>
/// Bounds a YAML text while the representation model (which recurses once per nesting level and
/// expands nothing, but whose readers walk every alias) is built from it: nesting depth, and the number of
/// nodes the document holds once every alias is expanded (a "billion laughs" file of 70 KB can
/// stand for millions). Counted on the parser's events as the model consumes them; the anchors' sizes
/// are remembered, so the count costs no expansion.
/// </summary>
internal static class YamlLimits
{
    /// <summary>No profile, environment file or build config nests deeper.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Nodes the aliases of a document may stand for, all together: far beyond any real use of anchors.</summary>
    public const long DefaultMaxNodes = 200_000;

    /// <summary>
    /// Parses the text into a representation model in one pass, the bounds checked on each event as the model
    /// consumes it (a second pass over the parser's events cost a profile's load as much as the model itself):
    /// the model, or where a bound was passed and why. Throws <see cref="YamlException"/> for bad syntax.
    /// </summary>
    public static (YamlDotNet.RepresentationModel.YamlStream? Stream, (Mark Start, string Message)? Bound) Load(string text, int maxDepth = DefaultMaxDepth, long maxNodes = DefaultMaxNodes)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        try
        {
            stream.Load(new Checking(new Parser(new StringReader(text)), maxDepth, maxNodes));
            return (stream, null);
        }
        catch (Exceeded e)
        {
            return (null, (e.Start, e.Message));
        }
    }

    /// <summary>A bound passed; not a <see cref="YamlException"/>, so no caller's syntax handler takes it for one.</summary>
    private sealed class Exceeded(Mark start, string message) : Exception(message)
    {
        public Mark Start { get; } = start;
    }

    /// <summary>Passes the parser's events on and counts them: depth, anchors' sizes, what the aliases stand for. Iterative; the
    /// anchors' sizes are remembered, so the count costs no expansion.</summary>
    private sealed class Checking(IParser inner, int maxDepth, long maxNodes) : IParser
    {
        private readonly Dictionary<string, long> anchors = new(StringComparer.Ordinal);
        private readonly Stack<(string? Anchor, long ExpandedAtStart)> open = new();
        private long expanded;
        private long viaAliases;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            switch (inner.Current)
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
                        throw new Exceeded(start.Start, $"nesting deeper than {maxDepth} levels; not read further");
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
                throw new Exceeded(inner.Current!.Start,
                    $"aliases expand the document beyond {maxNodes.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} nodes (an alias bomb); not read further");
            }

            return true;
        }
    }
}
