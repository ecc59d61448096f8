using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Reporting;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Reporting;

public class ReportExporterTests
{
    private static readonly ReportFormat[] All = Enum.GetValues<ReportFormat>();

    private static AuditResult Small() => SyntheticAudit.Create(blockers: 40, findings: 20, checks: 20);

    private static string[] Files(string folder) =>
        Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).OrderBy(f => f, StringComparer.Ordinal).ToArray();

    /// <summary>The file names the folder's manifest lists (<c>HASH  NAME</c> lines), after checking each hash.</summary>
    private static string[] ManifestNames(string folder) =>
        File.ReadAllLines(Path.Combine(folder, ".bqx-audit-manifest-20251213.sha256")).Select(line =>
        {
            var (hash, name) = (line[..64], line[66..]);
            Assert.Equal(hash, Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(folder, name)))).ToLowerInvariant());
            return name;
        }).ToArray();

    [Fact]
    public void Export_WhenDefaultFormats_ShouldWriteTheSixMarkdownReportsAndTheJson()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "docs");
        var host = new ExportHost();

        var files = ReportExporter.Export(Small(), new ExportOptions { OutputPath = output }, host);

        Assert.Equal(new[]
        {
            ".bqx-audit-manifest-20251213.sha256",
            "AUDIT_RESULT_20251213.json", "BA_AUDIT_SUMMARY_20251213.md", "DEPENDENCY_ANALYSIS_20251213.md", "EXECUTION_BLOCKER_ANALYSIS_20251213.md",
            "IMPLEMENTATION_SCRIPT_INVENTORY_20251213.md", "INFRASTRUCTURE_READINESS_REPORT_20251213.md", "M008_PHASE4C_READINESS_REPORT_20251213.md",
        }, Files(output));
        Assert.Equal(Files(output).Skip(1), ManifestNames(output)); // the manifest names every file the export wrote
        Assert.Equal(7, files.Count);
        Assert.All(files, f => Assert.True(f.Exists && f.Length > 0));
        Assert.Equal(files.Select(f => f.FullName), host.Asked.Select(a => a.Target));
        Assert.Contains(host.Asked, a => a.Action == "Write Markdown report");
    }

    [Fact]
    public void Export_WhenAllFormats_ShouldWriteFifteenFilesWithTheTextsTheWritersReturn()
    {
        using var dir = new TempDir();
        var result = Small();

        var files = ReportExporter.Export(result, new ExportOptions { OutputPath = dir.Path, Formats = All }, new ExportHost());

        Assert.Equal(15, files.Count);
        var rendered = ReportExporter.Render(result, All);
        Assert.Equal(rendered.Select(r => r.FileName), files.Select(f => f.Name));
        foreach (var r in rendered)
        {
            Assert.Equal(r.Content, File.ReadAllText(Path.Combine(dir.Path, r.FileName)));
        }

        Assert.Equal(SarifReportWriter.Write(result), File.ReadAllText(Path.Combine(dir.Path, "AUDIT_20251213.sarif")));
        Assert.DoesNotContain(Directory.GetFiles(dir.Path), f => f.EndsWith(".tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Export_WhenAReportExistsWithoutForce_ShouldThrowAndWriteNothing()
    {
        using var dir = new TempDir();
        var existing = dir.Write("EXECUTION_BLOCKER_ANALYSIS_20251213.md", "keep me");

        var e = Assert.Throws<BqxException>(() => ReportExporter.Export(Small(), new ExportOptions { OutputPath = dir.Path, Formats = All }, new ExportHost()));

        Assert.Equal(ErrorIds.OutputExists, e.Error.ErrorId);
        Assert.Contains("EXECUTION_BLOCKER_ANALYSIS_20251213.md", e.Error.Message);
        Assert.Equal(new[] { "EXECUTION_BLOCKER_ANALYSIS_20251213.md" }, Files(dir.Path));
        Assert.Equal("keep me", File.ReadAllText(existing));
    }

    [Fact]
    public void Export_WhenReportsExistWithForce_ShouldReplaceThem()
    {
        using var dir = new TempDir();
        dir.Write("BA_AUDIT_SUMMARY_20251213.md", "old");
        var result = Small();

        var files = ReportExporter.Export(result, new ExportOptions { OutputPath = dir.Path, Force = true }, new ExportHost());

        Assert.Equal(7, files.Count);
        Assert.Equal(MarkdownReportWriter.Write(result, Deliverable.Summary), File.ReadAllText(Path.Combine(dir.Path, "BA_AUDIT_SUMMARY_20251213.md")));
    }

    [Fact]
    public void Export_WhenShouldProcessDeclines_ShouldWriteNothingAndReturnNothing()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "reports");
        var host = new ExportHost(approve: false);

        var files = ReportExporter.Export(Small(), new ExportOptions { OutputPath = output, Formats = All }, host);

        Assert.Empty(files);
        Assert.Equal(15, host.Asked.Count);
        Assert.False(Directory.Exists(output));
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Export_WhenShouldProcessApprovesSome_ShouldWriteOnlyThose()
    {
        using var dir = new TempDir();
        var host = new ExportHost(target => target.EndsWith(".json", StringComparison.Ordinal));

        var files = ReportExporter.Export(Small(), new ExportOptions { OutputPath = dir.Path }, host);

        Assert.Equal(new[] { "AUDIT_RESULT_20251213.json" }, files.Select(f => f.Name));
        Assert.Equal(new[] { ".bqx-audit-manifest-20251213.sha256", "AUDIT_RESULT_20251213.json" }, Files(dir.Path));
        Assert.Equal(new[] { "AUDIT_RESULT_20251213.json" }, ManifestNames(dir.Path)); // the set is what was approved
    }

    [Theory]
    [InlineData("../ESCAPED")]
    [InlineData("../../tmp/ESCAPED")]
    [InlineData("/etc/ESCAPED")]
    public void Export_WhenSummaryNameWouldLeaveTheFolder_ShouldRefuseAndWriteNothing(string summaryName)
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out");
        var result = Small();
        result.Run.SummaryName = summaryName;

        var e = Assert.Throws<BqxException>(() => ReportExporter.Export(result, new ExportOptions { OutputPath = output }, new ExportHost()));

        Assert.Equal(ErrorIds.InputInvalid, e.Error.ErrorId);
        Assert.Contains("outside the output folder", e.Error.Message);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Export_WhenASymbolicLinkInsideLeadsOutside_ShouldRefuse()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out");
        var elsewhere = Path.Combine(dir.Path, "elsewhere");
        Directory.CreateDirectory(output);
        Directory.CreateDirectory(elsewhere);
        Directory.CreateSymbolicLink(Path.Combine(output, "link"), elsewhere);
        var result = Small();
        result.Run.SummaryName = "link/SUMMARY";

        var e = Assert.Throws<BqxException>(() => ReportExporter.Export(result, new ExportOptions { OutputPath = output }, new ExportHost()));

        Assert.Equal(ErrorIds.InputInvalid, e.Error.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(elsewhere));
        Assert.Equal(new[] { "link" }, Directory.GetFileSystemEntries(output).Select(Path.GetFileName));
    }

    [Fact]
    public void Export_WhenSummaryNameIsASubfolder_ShouldWriteItThere()
    {
        using var dir = new TempDir();
        var result = Small();
        result.Run.SummaryName = "summary/BA_AUDIT_SUMMARY";

        ReportExporter.Export(result, new ExportOptions { OutputPath = dir.Path, Formats = new[] { ReportFormat.Markdown } }, new ExportHost());

        Assert.True(File.Exists(Path.Combine(dir.Path, "summary", "BA_AUDIT_SUMMARY_20251213.md")));
    }

    [Fact]
    public void Export_WhenSummaryNameEqualsAnotherReport_ShouldRefuse()
    {
        using var dir = new TempDir();
        var result = Small();
        result.Run.SummaryName = "DEPENDENCY_ANALYSIS";

        var e = Assert.Throws<BqxException>(() => ReportExporter.Export(result, new ExportOptions { OutputPath = dir.Path }, new ExportHost()));

        Assert.Equal(ErrorIds.InputInvalid, e.Error.ErrorId);
        Assert.Empty(Directory.GetFileSystemEntries(dir.Path));
    }

    [Fact]
    public void Export_WhenDateGiven_ShouldNameAndDateTheReportsWithIt()
    {
        using var dir = new TempDir();
        var result = Small();

        var files = ReportExporter.Export(result, new ExportOptions { OutputPath = dir.Path, Date = new DateOnly(2026, 1, 2) }, new ExportHost());

        Assert.All(files, f => Assert.Contains("_20260102.", f.Name, StringComparison.Ordinal));
        Assert.Contains("**Report date**: 2026-01-02", File.ReadAllText(Path.Combine(dir.Path, "BA_AUDIT_SUMMARY_20260102.md")));
        Assert.Equal("2025-12-13", result.Run.ReportDate);
    }

    [Fact]
    public void Export_WhenATargetIsAFolder_ShouldThrowEvenWithForce()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "AUDIT_RESULT_20251213.json"));

        var e = Assert.Throws<BqxException>(() => ReportExporter.Export(Small(), new ExportOptions { OutputPath = dir.Path, Force = true }, new ExportHost()));

        Assert.Equal(ErrorIds.OutputExists, e.Error.ErrorId);
        Assert.Equal(new[] { "AUDIT_RESULT_20251213.json" }, Directory.GetFileSystemEntries(dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void SafeFileWriter_WhenContentWritten_ShouldLeaveNoTemporaryFileAndUseUtf8WithoutBom()
    {
        using var dir = new TempDir();
        var path = Path.Combine(dir.Path, "a", "report.md");

        var file = SafeFileWriter.WriteText(path, "é ✅\n", new ExportHost(), force: false, "Write");

        Assert.NotNull(file);
        Assert.Equal(new byte[] { 0xC3, 0xA9, 0x20, 0xE2, 0x9C, 0x85, 0x0A }, File.ReadAllBytes(path));
        Assert.Equal(new[] { "report.md" }, Directory.GetFiles(Path.Combine(dir.Path, "a")).Select(Path.GetFileName));
    }
}
