using BqxAudit.Checks.Dependencies;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Reporting;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Reporting;

/// <summary>The inventory and dependency reports as a person reads them: what they open with, what they show once, exact lines.</summary>
public sealed class ReadableReportTests
{
    private static AuditResult Audit(params ScriptRecord[] scripts)
    {
        var result = new AuditResult
        {
            Run = { ToolVersion = "1", ProfileName = "t", Root = "repo", ReportDate = "2025-12-13", Reproducible = true, Offline = true },
            Readiness = new PhaseReadiness { Phase = "P1", PhaseName = "Phase 1", Decision = Decision.NoGo },
        };
        result.Scripts.AddRange(scripts);
        return result;
    }

    [Fact]
    public void Inventory_WhenWritten_ShouldOpenWithTotalsPerKindAndThePhasesScriptsWithWhatEachDoes()
    {
        var md = MarkdownReportWriter.Write(Audit(
            new ScriptRecord { Path = "scripts/rename_cov.py", Name = "rename_cov.py", Kind = ScriptKind.Python, Status = ScriptStatus.Ready, Lines = 120, Purpose = "Rename the COV tables", PhaseTasks = { new PhaseTaskRef { Phase = "P1", Task = "COV rename" } } },
            new ScriptRecord { Path = "run.sh", Name = "run.sh", Kind = ScriptKind.Shell, Status = ScriptStatus.Ready, Lines = 10 }), Deliverable.ScriptInventory);

        var headings = md.Split('\n').Where(l => l.StartsWith("## ", StringComparison.Ordinal)).ToList();
        Assert.Equal("## Totals per kind", headings[0]);
        Assert.Equal("## Phase 1: its scripts", headings[2]);
        var totals = ReportTestKit.Table(md, "## Totals per kind");
        Assert.Equal(new[] { "Python", "Shell" }, totals.Select(r => r[0]));
        var phase = Assert.Single(ReportTestKit.Table(md, "## Phase 1: its scripts"));
        Assert.Equal(new[] { "COV rename", "`scripts/rename_cov.py`" }, phase.Take(2));
        Assert.Contains("Rename the COV tables", phase[3]);
        Assert.Equal("`run.sh`", Assert.Single(ReportTestKit.Table(md, "## Other scripts"))[0]); // one row, no block
    }

    [Fact]
    public void Inventory_WhenDockerfilesExist_ShouldShowEachBaseImagePinsAndEnv()
    {
        var docker = new ScriptRecord
        {
            Path = "Dockerfile.extract", Name = "Dockerfile.extract", Kind = ScriptKind.Dockerfile, Status = ScriptStatus.Ready, Lines = 40,
            BaseImages = { "python:3.10-slim" },
            PipInstalls = { new PackageInstall { Requirement = "polars==0.19.19", Line = 26 }, new PackageInstall { Requirement = "-r requirements.txt", Line = 30 } },
            Invocations = { new Invocation { Tool = "bash", Script = "/workspace/scripts/extract_only.sh", ResolvedScript = "scripts/extract_only.sh", Line = 53 } },
            Evidence = { new Evidence("file", "Dockerfile.extract:48", "ENV settings: PROJECT_ID=bqx-ml (line 48) · EXTRACTION_WORKERS=25 (line 50)") },
        };

        var md = MarkdownReportWriter.Write(Audit(docker), Deliverable.ScriptInventory);

        var row = Assert.Single(ReportTestKit.Table(md, "## Container images"));
        Assert.Equal("`python:3.10-slim`", row[2]);
        Assert.Equal("`polars==0.19.19`, `-r requirements.txt`", row[3]);
        Assert.Contains("/workspace/scripts/extract_only.sh", row[4]);
        Assert.Contains("`Dockerfile.extract`: PROJECT_ID=bqx-ml (line 48) · EXTRACTION_WORKERS=25 (line 50)", md);
    }

    [Fact]
    public void Inventory_WhenScriptsShareAFindingWordForWord_ShouldStateItOnceAndNameEachLocation()
    {
        const string message = "no set -e (or set -o errexit): a failing command does not stop the script";
        var scripts = Enumerable.Range(1, 4).Select(i => new ScriptRecord
        {
            Path = $"scripts/run_{i}.sh", Name = $"run_{i}.sh", Kind = ScriptKind.Shell, Status = ScriptStatus.Partial, Lines = 10,
            Findings = { new Finding("shell.no-errexit", FindingSeverity.Warning, message, $"scripts/run_{i}.sh:1"), new Finding("shell.other", FindingSeverity.Warning, $"only in run_{i}.sh", $"scripts/run_{i}.sh:{i + 2}") },
        }).ToArray();

        var md = MarkdownReportWriter.Write(Audit(scripts), Deliverable.ScriptInventory);

        Assert.Single(System.Text.RegularExpressions.Regex.Matches(md, System.Text.RegularExpressions.Regex.Escape(MarkdownBuilder.Text(message))));
        Assert.Contains($"- `shell.no-errexit` (Warning), 4 scripts: {MarkdownBuilder.Text(message)}", md);
        Assert.All(scripts, s =>
        {
            Assert.Contains($"- `{s.Path}:1` `shell.no-errexit` (Warning): as stated above the blocks", md);
            Assert.Contains($"only in {s.Name}", md); // a finding of one script keeps its message in its block
        });
    }

    [Fact]
    public void Inventory_WhenAPhaseScriptPrompts_ShouldPointAtTheInputLineNotLineOne()
    {
        using var dir = new TempDir();
        dir.Write("scripts/rename_cov.py", "import sys\n\n\ndef main():\n    if input('Proceed? ') != 'y':\n        sys.exit(1)\n");
        var profile = ProfileLoader.Parse("name: t\nphases:\n  - id: P1\n    tasks: [ { name: COV rename, scriptGlobs: [ \"scripts/rename_cov*\" ] } ]\n", "t.yaml");

        var record = new InventoryService(NullHost.Instance).Run(new InventoryOptions { Root = dir.Path, Profile = profile }).Records.Single(r => r.Path == "scripts/rename_cov.py");
        var md = MarkdownReportWriter.Write(Audit(record), Deliverable.ScriptInventory);

        Assert.Equal("scripts/rename_cov.py:5", Assert.Single(record.Findings, f => f.Rule == "python.interactive-in-phase").Location);
        Assert.Contains("**Interactive**: yes: waits for input at `scripts/rename_cov.py:5`", md);
    }

    [Fact]
    public void Dependencies_WhenNameTemplatesAreRead_ShouldGroupThemInsteadOfCountingEachAsData()
    {
        using var dir = new TempDir();
        dir.Write("jobs/read.py", string.Join("\n",
            "from google.cloud import bigquery",
            "client = bigquery.Client()",
            "for pair in PAIRS:",
            "    client.query(f'SELECT * FROM `bqx-ml.features.cov_{pair}`')",
            "    client.query(f'SELECT * FROM `bqx-ml.features.lag_{pair}_{w}`')",
            "client.query('SELECT * FROM `bqx-ml.features.targets`')") + "\n");

        var data = new DependencyService(new RecordingHost()).Analyze(new DependencyOptions
        {
            Root = dir.Path, Profile = ProfileLoader.Parse("name: t\ngcp: { project: bqx-ml }\n", "t.yaml"), Offline = true, Types = new[] { DependencyType.Data },
        });

        Assert.Equal(new[] { "bqx-ml.features.*", "bqx-ml.features.targets" }, data.Select(d => d.Name));
        var group = data[0];
        Assert.StartsWith("2 table-name templates", group.Purpose);
        Assert.Contains(group.Evidence, e => e.Detail.StartsWith("template bqx-ml.features.cov_{pair}", StringComparison.Ordinal));
    }

    [Fact]
    public void Dependencies_WhenAnOptionalImportIsUndeclared_ShouldNotSayDeclaredInAnEmptyList()
    {
        using var dir = new TempDir();
        dir.Write("job.py", "try:\n    import ujson as json\nexcept ImportError:\n    import json\n");

        var records = new DependencyService(new RecordingHost()).Analyze(new DependencyOptions
        {
            Root = dir.Path, Profile = ProfileLoader.Parse("name: t\n", "t.yaml"), Offline = true, Types = new[] { DependencyType.PythonPackage },
        });

        var ujson = Assert.Single(records);
        Assert.DoesNotContain(ujson.Evidence, e => e.Detail.Contains("declared in ;", StringComparison.Ordinal));
        Assert.Contains(ujson.Evidence, e => e.Detail.StartsWith("not declared; installation not checked", StringComparison.Ordinal));
    }
}
