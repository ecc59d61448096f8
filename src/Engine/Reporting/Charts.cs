using System.Globalization;
using System.Net;
using System.Text;

namespace BqxAudit.Reporting;

/// <summary>One bar of a Gantt chart: a label in a section, from Start to End.</summary>
public sealed record GanttItem(string Section, string Label, DateTimeOffset Start, DateTimeOffset End, bool Critical);

/// <summary>One slice of a pie chart.</summary>
public sealed record PieSlice(string Label, double Value);

/// <summary>
/// The two charts of the reports, each in two forms: Mermaid text for the Markdown files and an
/// inline SVG the engine draws itself for the HTML files (no scripts, no external assets).
/// </summary>
public static class Charts
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] Palette = { "#2e7d32", "#c62828", "#9e9e9e", "#1565c0", "#f9a825", "#6a1b9a", "#00838f", "#ef6c00" };

    public static string GanttMermaid(string title, IReadOnlyList<GanttItem> items)
    {
        var sb = new StringBuilder();
        sb.Append("gantt\n");
        sb.Append("    title ").Append(MermaidText(title)).Append('\n');
        sb.Append("    dateFormat YYYY-MM-DD HH:mm\n");
        sb.Append("    axisFormat %m-%d %H:%M\n");
        var n = 0;
        foreach (var section in items.GroupBy(i => i.Section))
        {
            sb.Append("    section ").Append(MermaidText(section.Key)).Append('\n');
            foreach (var item in section)
            {
                n++;
                sb.Append("    ").Append(MermaidText(item.Label)).Append(" :")
                  .Append(item.Critical ? "crit, " : "")
                  .Append("t").Append(n.ToString(Inv)).Append(", ")
                  .Append(item.Start.ToString("yyyy-MM-dd HH:mm", Inv)).Append(", ")
                  .Append(item.End.ToString("yyyy-MM-dd HH:mm", Inv)).Append('\n');
            }
        }

        return sb.ToString();
    }

    public static string PieMermaid(string title, IReadOnlyList<PieSlice> slices)
    {
        var sb = new StringBuilder();
        sb.Append("pie showData\n");
        sb.Append("    title ").Append(MermaidText(title)).Append('\n');
        foreach (var s in slices)
        {
            sb.Append("    \"").Append(MermaidText(s.Label).Replace("\"", "'", StringComparison.Ordinal)).Append("\" : ")
              .Append(s.Value.ToString("0.##", Inv)).Append('\n');
        }

        return sb.ToString();
    }

    public static string GanttSvg(string title, IReadOnlyList<GanttItem> items)
    {
        const int labelWidth = 360, chartWidth = 520, rowHeight = 22, top = 44;
        var width = labelWidth + chartWidth + 20;
        var height = top + (Math.Max(items.Count, 1) * rowHeight) + 30;
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<title>").Append(Xml(title)).Append("</title>");
        sb.Append(Inv, $"<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{Xml(title)}</text>");
        if (items.Count == 0)
        {
            sb.Append(Inv, $"<text x=\"8\" y=\"{top + 14}\">Nothing to resolve.</text></svg>");
            return sb.ToString();
        }

        var start = items.Min(i => i.Start);
        var end = items.Max(i => i.End);
        var span = Math.Max((end - start).TotalHours, 1);
        double X(DateTimeOffset t) => labelWidth + ((t - start).TotalHours / span * chartWidth);
        sb.Append(Inv, $"<text x=\"{labelWidth}\" y=\"{top - 6}\" fill=\"#555\">{Xml(start.ToString("yyyy-MM-dd HH:mm", Inv))}</text>");
        sb.Append(Inv, $"<text x=\"{labelWidth + chartWidth}\" y=\"{top - 6}\" fill=\"#555\" text-anchor=\"end\">{Xml(end.ToString("yyyy-MM-dd HH:mm", Inv))}</text>");
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var y = top + (i * rowHeight);
            var x0 = X(item.Start);
            var w = Math.Max(X(item.End) - x0, 2);
            var label = Truncate($"{item.Section} · {item.Label}", 58);
            sb.Append(Inv, $"<text x=\"8\" y=\"{y + 15}\">{Xml(label)}</text>");
            sb.Append(Inv, $"<rect x=\"{x0:0.#}\" y=\"{y + 3}\" width=\"{w:0.#}\" height=\"{rowHeight - 6}\" rx=\"3\" fill=\"{(item.Critical ? "#c62828" : "#1565c0")}\"><title>{Xml(item.Label)}: {Xml(item.Start.ToString("yyyy-MM-dd HH:mm", Inv))} to {Xml(item.End.ToString("yyyy-MM-dd HH:mm", Inv))}</title></rect>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    public static string PieSvg(string title, IReadOnlyList<PieSlice> slices)
    {
        const double cx = 120, cy = 140, r = 100;
        var total = slices.Sum(s => Math.Max(s.Value, 0));
        var height = Math.Max(260, 60 + (slices.Count * 22));
        var sb = new StringBuilder();
        sb.Append(Inv, $"<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"520\" height=\"{height}\" viewBox=\"0 0 520 {height}\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<title>").Append(Xml(title)).Append("</title>");
        sb.Append(Inv, $"<text x=\"8\" y=\"20\" font-size=\"15\" font-weight=\"bold\">{Xml(title)}</text>");
        if (total <= 0)
        {
            sb.Append("<text x=\"8\" y=\"60\">No data.</text></svg>");
            return sb.ToString();
        }

        var angle = -Math.PI / 2;
        for (var i = 0; i < slices.Count; i++)
        {
            var value = Math.Max(slices[i].Value, 0);
            var color = Palette[i % Palette.Length];
            var tip = $"{slices[i].Label}: {value.ToString("0.##", Inv)} ({(value / total).ToString("P1", Inv)})";
            if (value >= total)
            {
                sb.Append(Inv, $"<circle cx=\"{cx}\" cy=\"{cy}\" r=\"{r}\" fill=\"{color}\"><title>{Xml(tip)}</title></circle>");
            }
            else if (value > 0)
            {
                var sweep = value / total * 2 * Math.PI;
                var (x1, y1) = (cx + (r * Math.Cos(angle)), cy + (r * Math.Sin(angle)));
                var (x2, y2) = (cx + (r * Math.Cos(angle + sweep)), cy + (r * Math.Sin(angle + sweep)));
                var large = sweep > Math.PI ? 1 : 0;
                sb.Append(Inv, $"<path d=\"M{cx:0.##},{cy:0.##} L{x1:0.##},{y1:0.##} A{r},{r} 0 {large} 1 {x2:0.##},{y2:0.##} Z\" fill=\"{color}\"><title>{Xml(tip)}</title></path>");
                angle += sweep;
            }

            var ly = 50 + (i * 22);
            sb.Append(Inv, $"<rect x=\"250\" y=\"{ly}\" width=\"14\" height=\"14\" fill=\"{color}\"/>");
            sb.Append(Inv, $"<text x=\"270\" y=\"{ly + 12}\">{Xml(tip)}</text>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    /// <summary>Text safe inside a Mermaid statement: no colons (<c>a: b</c> reads <c>a - b</c>), semicolons, hashes or line breaks.</summary>
    public static string MermaidText(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text.Replace(": ", " - ", StringComparison.Ordinal))
        {
            sb.Append(c switch
            {
                ':' => '-',
                ';' => ',',
                '#' => ' ',
                '\r' or '\n' or '\t' => ' ',
                _ => c,
            });
        }

        return Truncate(sb.ToString().Trim(), 80);
    }

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..(max - 1)] + "…";

    private static string Xml(string s) => WebUtility.HtmlEncode(s);
}
