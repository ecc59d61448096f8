using System.Text;
using System.Text.RegularExpressions;

namespace BqxAudit.Inventory.Analyzers.Docker;

/// <summary>A here-document of a RUN/COPY/ADD instruction (BuildKit <c>&lt;&lt;EOF</c>).</summary>
internal sealed record DockerHeredoc(string Delimiter, string Body, int FirstLine);

/// <summary>One Dockerfile instruction: continuation lines joined, comment lines inside it dropped.</summary>
internal sealed class DockerInstruction
{
    private readonly int[] segmentOffsets;
    private readonly int[] segmentLines;

    public DockerInstruction(string keyword, string arguments, int line, int[] segmentOffsets, int[] segmentLines, int argumentsOffset)
    {
        Keyword = keyword;
        Arguments = arguments;
        Line = line;
        this.segmentOffsets = segmentOffsets;
        this.segmentLines = segmentLines;
        ArgumentsOffset = argumentsOffset;
    }

    /// <summary>Upper-case instruction name (<c>FROM</c>, <c>RUN</c> …).</summary>
    public string Keyword { get; }

    /// <summary>Everything after the keyword, on one logical line.</summary>
    public string Arguments { get; }

    /// <summary>The line of the keyword.</summary>
    public int Line { get; }

    private int ArgumentsOffset { get; }

    public List<DockerHeredoc> Heredocs { get; } = new();

    /// <summary>The source line of an offset in <see cref="Arguments"/>.</summary>
    public int LineAt(int argumentOffset)
    {
        var i = Array.BinarySearch(segmentOffsets, argumentOffset + ArgumentsOffset);
        return segmentLines[i >= 0 ? i : Math.Max(0, ~i - 1)];
    }
}

/// <summary>
/// Splits a Dockerfile into instructions: parser directives (<c># syntax=</c>, <c># escape=</c>,
/// <c># check=</c>) at the top, comments, line continuations with the escape character, and
/// BuildKit here-documents. Linear in the text.
/// </summary>
internal static class DockerfileParser
{
    private static readonly Regex Directive = new(@"^#\s*(syntax|escape|check)\s*=\s*(\S*)\s*$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);
    private static readonly Regex HeredocMarker = new(@"(?<!<)<<(-?)([""']?)([A-Za-z_][A-Za-z0-9_]*)\2", RegexOptions.CultureInvariant);

    public static List<DockerInstruction> Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var escape = '\\';
        var directives = true;
        var lineNo = 0;
        var pos = 0;
        while (pos < text.Length)
        {
            var line = ReadLine(text, ref pos);
            lineNo++;
            if (directives)
            {
                var m = Directive.Match(line);
                if (m.Success)
                {
                    if (m.Groups[1].Value.Equals("escape", StringComparison.OrdinalIgnoreCase) && m.Groups[2].Value is "`" or "\\")
                    {
                        escape = m.Groups[2].Value[0];
                    }

                    continue;
                }

                directives = false;
            }

            var trimmed = line.TrimStart(' ', '\t');
            if (trimmed.Length == 0 || trimmed[0] == '#')
            {
                continue;
            }

            var startLine = lineNo;
            var logical = new StringBuilder();
            var offsets = new List<int> { 0 };
            var lines = new List<int> { lineNo };
            var current = trimmed;
            while (true)
            {
                var end = current.TrimEnd(' ', '\t');
                if (end.Length == 0 || end[^1] != escape || pos >= text.Length)
                {
                    logical.Append(end.Length > 0 && end[^1] == escape && pos >= text.Length ? end[..^1] : current);
                    break;
                }

                logical.Append(end, 0, end.Length - 1);
                string next;
                do
                {
                    next = ReadLine(text, ref pos);
                    lineNo++;
                }
                while (pos < text.Length && IsBlankOrComment(next));

                if (IsBlankOrComment(next))
                {
                    break;
                }

                offsets.Add(logical.Length);
                lines.Add(lineNo);
                current = next;
            }

            var full = logical.ToString();
            var k = 0;
            while (k < full.Length && !char.IsWhiteSpace(full[k]))
            {
                k++;
            }

            var keyword = full[..k].ToUpperInvariant();
            var argsStart = k;
            while (argsStart < full.Length && char.IsWhiteSpace(full[argsStart]))
            {
                argsStart++;
            }

            var instruction = new DockerInstruction(keyword, full[argsStart..].TrimEnd(), startLine, offsets.ToArray(), lines.ToArray(), argsStart);
            if (keyword is "RUN" or "COPY" or "ADD")
            {
                foreach (Match marker in HeredocMarker.Matches(instruction.Arguments))
                {
                    var stripTabs = marker.Groups[1].Value == "-";
                    var delimiter = marker.Groups[3].Value;
                    var body = new StringBuilder();
                    var firstLine = lineNo + 1;
                    while (pos < text.Length)
                    {
                        var bodyLine = ReadLine(text, ref pos);
                        lineNo++;
                        var compare = stripTabs ? bodyLine.TrimStart('\t') : bodyLine;
                        if (compare == delimiter)
                        {
                            break;
                        }

                        body.Append(bodyLine).Append('\n');
                    }

                    instruction.Heredocs.Add(new DockerHeredoc(delimiter, body.ToString(), firstLine));
                }
            }

            instructions.Add(instruction);
        }

        return instructions;
    }

    private static bool IsBlankOrComment(string line)
    {
        var t = line.AsSpan().TrimStart(" \t");
        return t.Length == 0 || t[0] == '#';
    }

    private static string ReadLine(string text, ref int pos)
    {
        var newline = text.IndexOf('\n', pos);
        var end = newline < 0 ? text.Length : newline;
        var line = text.Substring(pos, end - pos);
        pos = newline < 0 ? text.Length : newline + 1;
        return line.EndsWith('\r') ? line[..^1] : line;
    }
}
