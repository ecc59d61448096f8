using System.Net;
using BqxAudit.Model;
using Markdig;
using Markdig.Renderers;
using Markdig.Renderers.Html;
using Markdig.Syntax;

namespace BqxAudit.Reporting;

/// <summary>
/// A deliverable as one self-contained HTML file: the Markdown rendered with Markdig (pipe tables, one field per
/// line), each Mermaid chart replaced by the SVG the engine draws, and a small inline style sheet. Raw HTML in
/// the Markdown is not passed through, and nothing is loaded from anywhere: no script, no external asset.
/// </summary>
public static class HtmlReportWriter
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseSoftlineBreakAsHardlineBreak()
        .DisableHtml()
        .Build();

    private const string Style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#1b1b1b;line-height:1.45}
        h1{border-bottom:2px solid #444;padding-bottom:.2em}h2{border-bottom:1px solid #ccc;padding-bottom:.15em;margin-top:1.6em}
        table{border-collapse:collapse;margin:.8em 0;font-size:.92em}th,td{border:1px solid #ccc;padding:.25em .5em;vertical-align:top}
        th{background:#f2f2f2}tr:nth-child(even) td{background:#fafafa}
        code{background:#f4f4f4;padding:0 .2em;border-radius:3px;font-size:.92em}pre{background:#f4f4f4;padding:.6em;overflow-x:auto}
        figure.chart{margin:1em 0;overflow-x:auto}
        svg.mark{vertical-align:-0.15em}
        @media print{body{max-width:none;margin:0}h2{break-after:avoid}table,figure.chart{break-inside:avoid}}
        """;

    /// <summary>One deliverable as HTML.</summary>
    public static string Write(AuditResult result, Deliverable deliverable) => Render(MarkdownReportWriter.Build(result, deliverable));

    /// <summary>Renders a deliverable's Markdown as a complete HTML page, its charts as inline SVG.</summary>
    public static string Render(ReportDocument document)
    {
        var ast = Markdig.Markdown.Parse(document.Markdown, Pipeline);
        using var writer = new StringWriter(new System.Text.StringBuilder((document.Markdown.Length * 3 / 2) + 4096), System.Globalization.CultureInfo.InvariantCulture);
        writer.NewLine = "\n";
        writer.Write("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
        writer.Write(WebUtility.HtmlEncode(document.Title));
        writer.Write("</title>\n<style>\n");
        writer.Write(Style.ReplaceLineEndings("\n"));
        writer.Write("\n</style>\n</head>\n<body>\n");
        var renderer = new HtmlRenderer(writer);
        Pipeline.Setup(renderer);
        var fallback = renderer.ObjectRenderers.FindExact<CodeBlockRenderer>();
        if (fallback is not null)
        {
            renderer.ObjectRenderers.Remove(fallback);
        }

        renderer.ObjectRenderers.Insert(0, new ChartRenderer(document.Charts, fallback ?? new CodeBlockRenderer()));
        var bodyStart = writer.GetStringBuilder().Length;
        renderer.Render(ast);
        ReplaceMarks(writer.GetStringBuilder(), bodyStart);
        writer.Write("</body>\n</html>\n");
        return writer.ToString();
    }

    /// <summary>
    /// The status marks as inline SVG: the emoji the Markdown uses (✅ ⚠️ ❌ 🔴 ❔ ❗ ➖) need an emoji font, and a
    /// browser without one (a headless Chromium on a server) draws empty boxes. Each SVG carries its meaning as
    /// <c>aria-label</c> and <c>title</c>; the word next to it (READY, PARTIAL …) stays text.
    /// </summary>
    internal static readonly (string Emoji, string Name, string Svg)[] Marks =
    {
        ("✅", "ok", Mark("ok", "passed", "<circle cx='8' cy='8' r='8' fill='#1a7f37'/><path d='M4.2 8.4l2.6 2.6 5-5.4' stroke='#fff' stroke-width='2' fill='none'/>")),
        ("⚠️", "warn", Mark("warn", "warning", "<path d='M8 1l7.5 13.5h-15z' fill='#bf8700'/><rect x='7.1' y='5.5' width='1.8' height='5' fill='#fff'/><rect x='7.1' y='11.6' width='1.8' height='1.8' fill='#fff'/>")),
        ("⚠", "warn", Mark("warn", "warning", "<path d='M8 1l7.5 13.5h-15z' fill='#bf8700'/><rect x='7.1' y='5.5' width='1.8' height='5' fill='#fff'/><rect x='7.1' y='11.6' width='1.8' height='1.8' fill='#fff'/>")),
        ("❌", "fail", Mark("fail", "failed", "<rect width='16' height='16' rx='3' fill='#cf222e'/><path d='M4.5 4.5l7 7M11.5 4.5l-7 7' stroke='#fff' stroke-width='2'/>")),
        ("🔴", "blocked", Mark("blocked", "blocked", "<circle cx='8' cy='8' r='7' fill='#a40e26'/>")),
        ("❔", "unknown", Mark("unknown", "not verified", "<circle cx='8' cy='8' r='7.5' fill='none' stroke='#6e7781' stroke-width='1.5'/><path d='M5.8 6.2a2.3 2.3 0 1 1 3.3 2.1c-.7.4-1.1.8-1.1 1.7v.6' stroke='#6e7781' stroke-width='1.6' fill='none'/><rect x='7.2' y='11.4' width='1.6' height='1.6' fill='#6e7781'/>")),
        ("❗", "error", Mark("error", "error", "<circle cx='8' cy='8' r='8' fill='#cf222e'/><rect x='7.1' y='3.5' width='1.8' height='6.5' fill='#fff'/><rect x='7.1' y='11.2' width='1.8' height='1.8' fill='#fff'/>")),
        ("➖", "none", Mark("none", "not applicable", "<rect x='2' y='7' width='12' height='2' fill='#6e7781'/>")),
    };

    /// <summary>A mark is a <c>use</c> of a symbol defined once per page (see <see cref="ReplaceMarks"/>).</summary>
    private static string Mark(string name, string label, string shapes) =>
        $"<symbol id=\"mark-{name}\" viewBox=\"0 0 16 16\">{shapes.Replace('\'', '"')}</symbol>\u0000" +
        $"<svg class=\"mark mark-{name}\" width=\"1em\" height=\"1em\" role=\"img\" aria-label=\"{label}\"><title>{label}</title><use href=\"#mark-{name}\"/></svg>";

    private static void ReplaceMarks(System.Text.StringBuilder html, int from)
    {
        var used = new List<string>();
        foreach (var (emoji, _, mark) in Marks)
        {
            var cut = mark.IndexOf('\u0000');
            var text = html.ToString(from, html.Length - from);
            if (!text.Contains(emoji, StringComparison.Ordinal))
            {
                continue;
            }

            html.Replace(emoji, mark[(cut + 1)..], from, html.Length - from);
            if (!used.Contains(mark[..cut]))
            {
                used.Add(mark[..cut]);
            }
        }

        if (used.Count > 0)
        {
            html.Insert(from, "<svg width=\"0\" height=\"0\" style=\"position:absolute\" aria-hidden=\"true\">" + string.Concat(used) + "</svg>\n");
        }
    }

    /// <summary>Draws a <c>mermaid</c> block as the chart's SVG; every other code block as Markdig would.</summary>
    private sealed class ChartRenderer : HtmlObjectRenderer<CodeBlock>
    {
        private readonly IReadOnlyList<ReportChart> charts;
        private readonly CodeBlockRenderer fallback;
        private int next;

        public ChartRenderer(IReadOnlyList<ReportChart> charts, CodeBlockRenderer fallback)
        {
            this.charts = charts;
            this.fallback = fallback;
        }

        protected override void Write(HtmlRenderer renderer, CodeBlock block)
        {
            if (block is FencedCodeBlock { Info: "mermaid" } && next < charts.Count)
            {
                renderer.EnsureLine();
                renderer.Write("<figure class=\"chart\">").Write(charts[next++].Svg).Write("</figure>");
                renderer.WriteLine();
                return;
            }

            fallback.Write(renderer, block);
        }
    }
}
