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
        renderer.Render(ast);
        writer.Write("</body>\n</html>\n");
        return writer.ToString();
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
