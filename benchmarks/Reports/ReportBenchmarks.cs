using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Reporting;
using BqxAudit.Tests.Reporting;

namespace BqxAudit.Benchmarks.Reports;

/// <summary>
/// Every report format for an audit of 10,000 findings — 4,000 blockers, 4,000 script findings, 2,000
/// infrastructure checks (plus 400 dependencies and 1,000 classified table names) — in memory and written to a
/// temporary folder. Budget: 1 s for all formats.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class ReportBenchmarks
{
    private static readonly ReportFormat[] All = Enum.GetValues<ReportFormat>();
    private AuditResult result = null!;
    private string folder = null!;

    [GlobalSetup]
    public void Setup()
    {
        result = SyntheticAudit.Create(blockers: 4_000, findings: 4_000, checks: 2_000, names: 1_000);
        folder = Path.Combine(Path.GetTempPath(), "bqx-bench-reports-" + Guid.NewGuid().ToString("N")[..8]);
        var files = ReportExporter.Render(result, All);
        Console.WriteLine($"// {result.Blockers.Count:N0} blockers, {result.Scripts.Sum(s => s.Findings.Count):N0} script findings, {result.Infrastructure.Count:N0} checks: "
                          + $"{files.Count} files, {files.Sum(f => (long)f.Content.Length):N0} characters");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Benchmark(Description = "All formats, 10,000 findings, in memory")]
    public long RenderAll() => ReportExporter.Render(result, All).Sum(f => (long)f.Content.Length);

    [Benchmark(Description = "All formats, 10,000 findings, to a folder (atomic writes)")]
    public int ExportAll() => ReportExporter.Export(result, new ExportOptions { OutputPath = folder, Formats = All, Force = true }, NullHost.Instance).Count;

    [Benchmark(Description = "Markdown: the six deliverables")]
    public long Markdown() => MarkdownReportWriter.BuildAll(result).Sum(d => (long)d.Markdown.Length);

    [Benchmark(Description = "HTML: the six deliverables (Markdig + SVG)")]
    public long Html() => MarkdownReportWriter.BuildAll(result).Sum(d => (long)HtmlReportWriter.Render(d).Length);

    [Benchmark(Description = "JSON: the AuditResult")]
    public int Json() => JsonReportWriter.Write(result).Length;

    [Benchmark(Description = "SARIF 2.1.0")]
    public int Sarif() => SarifReportWriter.Write(result).Length;

    [Benchmark(Description = "JUnit XML")]
    public int JUnit() => JUnitReportWriter.Write(result).Length;
}
