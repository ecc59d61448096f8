using System.Globalization;
using System.Text;

namespace BqxAudit.Reporting;

/// <summary>
/// Builds one Markdown report: headings, field lines, pipe tables and Mermaid charts. Text from the audit
/// goes through <see cref="Text"/> or <see cref="Code"/>, so a pipe, a newline, an angle bracket or a
/// bracket in a table name, a message or evidence can never break a table, open a link or inject HTML.
/// Lines end in <c>\n</c>; the output is deterministic.
/// </summary>
public sealed class MarkdownBuilder
{
    private readonly StringBuilder sb;
    private readonly List<ReportChart> charts = new();

    public MarkdownBuilder(int capacity = 4096) => sb = new StringBuilder(capacity);

    /// <summary>The charts added, in document order (the HTML writer draws them as SVG where the Mermaid blocks are).</summary>
    public IReadOnlyList<ReportChart> Charts => charts;

    public int Length => sb.Length;

    public MarkdownBuilder Heading(int level, string text) => HeadingMarkdown(level, Text(text));

    /// <summary>A heading of Markdown the caller already escaped (e.g. a label and a code span).</summary>
    public MarkdownBuilder HeadingMarkdown(int level, string markdown)
    {
        EnsureBlankLine();
        sb.Append('#', level).Append(' ').Append(markdown).Append("\n\n");
        return this;
    }

    /// <summary>A paragraph of Markdown the caller already escaped.</summary>
    public MarkdownBuilder Paragraph(string markdown)
    {
        EnsureBlankLine();
        sb.Append(markdown).Append("\n\n");
        return this;
    }

    /// <summary>
    /// A <c>**Label**: value</c> line (the directive's field blocks). Consecutive fields form one block, one
    /// field per line (the HTML renders soft line breaks as breaks). <paramref name="markdown"/> is escaped by the caller.
    /// </summary>
    public MarkdownBuilder Field(string label, string markdown)
    {
        sb.Append("**").Append(Text(label)).Append("**: ").Append(markdown).Append('\n');
        return this;
    }

    /// <summary>A bullet; <paramref name="markdown"/> is escaped by the caller.</summary>
    public MarkdownBuilder Bullet(string markdown)
    {
        sb.Append("- ").Append(markdown).Append('\n');
        return this;
    }

    /// <summary>Ends the current block (a field block, a list) with a blank line.</summary>
    public MarkdownBuilder EndBlock()
    {
        EnsureBlankLine();
        return this;
    }

    /// <summary>A pipe table; cells are Markdown the caller escaped (<see cref="Text"/>, <see cref="Code"/>). Right-aligns columns marked <c>true</c>.</summary>
    public MarkdownBuilder Table(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows, IReadOnlyList<bool>? rightAligned = null)
    {
        EnsureBlankLine();
        sb.Append('|');
        foreach (var h in headers)
        {
            sb.Append(' ').Append(Text(h)).Append(" |");
        }

        sb.Append("\n|");
        for (var i = 0; i < headers.Count; i++)
        {
            sb.Append(rightAligned is not null && i < rightAligned.Count && rightAligned[i] ? "---:|" : "---|");
        }

        sb.Append('\n');
        foreach (var row in rows)
        {
            sb.Append('|');
            for (var i = 0; i < headers.Count; i++)
            {
                var cell = i < row.Count ? row[i] : "";
                sb.Append(' ').Append(cell.Length == 0 ? " " : cell).Append(" |");
            }

            sb.Append('\n');
        }

        sb.Append('\n');
        return this;
    }

    /// <summary>A chart: a fenced <c>mermaid</c> block here, the matching SVG in the HTML.</summary>
    public MarkdownBuilder Chart(ReportChart chart)
    {
        EnsureBlankLine();
        charts.Add(chart);
        sb.Append("```mermaid\n").Append(chart.Mermaid);
        if (!chart.Mermaid.EndsWith('\n'))
        {
            sb.Append('\n');
        }

        sb.Append("```\n\n");
        return this;
    }

    public override string ToString() => sb.ToString();

    private void EnsureBlankLine()
    {
        if (sb.Length == 0)
        {
            return;
        }

        if (sb[^1] != '\n')
        {
            sb.Append("\n\n");
        }
        else if (sb.Length < 2 || sb[^2] != '\n')
        {
            sb.Append('\n');
        }
    }

    /// <summary>
    /// Prose from the audit, inline-safe: one line, with the characters that would start emphasis, links, HTML or a
    /// table cell escaped. An underscore inside a word (<c>bqx_ml_v3</c>) stays as it is, since it cannot start
    /// emphasis there; a one-line <c>`code span`</c> without a pipe stays a code span.
    /// </summary>
    public static string Text(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        StringBuilder? sb = null;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '`' && CodeSpanLength(text, i) is var span and > 0)
            {
                // `a command` in a message stays a code span: its content cannot start a link, HTML or a cell.
                sb?.Append(text, i, span);
                i += span - 1;
                continue;
            }

            string? replacement = c switch
            {
                '\r' or '\n' or '\t' => " ",
                '\\' or '`' or '*' or '[' or ']' or '<' or '|' => "\\" + c,
                '_' when !(i > 0 && char.IsLetterOrDigit(text[i - 1]) && i + 1 < text.Length && char.IsLetterOrDigit(text[i + 1])) => "\\_",
                '&' when LooksLikeEntity(text, i) => "\\&",
                _ => null,
            };
            if (replacement is null)
            {
                sb?.Append(c);
                continue;
            }

            sb ??= new StringBuilder(text.Length + 16).Append(text, 0, i);
            sb.Append(replacement);
        }

        return sb?.ToString() ?? text;
    }

    /// <summary>True when an ampersand starts something HTML would read as a character reference (<c>&amp;amp;</c>, <c>&amp;#60;</c>).</summary>
    private static bool LooksLikeEntity(string text, int at)
    {
        var j = at + 1;
        while (j < text.Length && (char.IsAsciiLetterOrDigit(text[j]) || text[j] == '#'))
        {
            j++;
        }

        return j > at + 1 && j < text.Length && text[j] == ';';
    }

    /// <summary>The length of a one-line code span (with its backticks) starting at <paramref name="start"/>, or 0.</summary>
    private static int CodeSpanLength(string text, int start)
    {
        var end = text.IndexOf('`', start + 1);
        if (end <= start + 1)
        {
            return 0;
        }

        return text.AsSpan(start + 1, end - start - 1).IndexOfAny("|\r\n\t`") >= 0 ? 0 : end - start + 1;
    }

    /// <summary>
    /// An identifier (path, table, id, command) as a code span. Text with a backtick, a pipe or a line break is
    /// escaped prose instead: a pipe inside a code span would still split a table cell.
    /// </summary>
    public static string Code(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        return text.AsSpan().IndexOfAny("`|\r\n\t") >= 0 ? Text(text) : "`" + text + "`";
    }

    /// <summary>Text cut to <paramref name="max"/> characters with an ellipsis (for one-line cells of the summary).</summary>
    public static string Truncate(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var oneLine = text.ReplaceLineEndings(" ");
        return oneLine.Length <= max ? oneLine : oneLine[..(max - 1)].TrimEnd() + "…";
    }

    /// <summary>An integer with thousands separators (<c>5,817</c>), invariant.</summary>
    public static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary>A chart of a report: Mermaid text for the Markdown, an inline SVG for the HTML.</summary>
public sealed record ReportChart(string Mermaid, string Svg);
