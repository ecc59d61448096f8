using BqxAudit.Inventory;
using BqxAudit.Inventory.Analyzers.Docker;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using BqxAudit.Tests.Support;
using Py = BqxAudit.Tests.Analyzers.Python.Py;

namespace BqxAudit.Tests.Analyzers;

public sealed class PythonFlagCheckTests
{
    private static ScriptRecord PythonScript(string path, bool byHand = false, params FlagRecord[] flags) =>
        new() { Name = path[(path.LastIndexOf('/') + 1)..], Path = path, Kind = ScriptKind.Python, ParsesArgvByHand = byHand, Flags = flags.ToList() };

    private static FlagRecord Flag(string name, int line, params string[] aliases) => new() { Name = name, Line = line, Aliases = aliases.ToList() };

    private static ScriptRecord Caller(string path, ScriptKind kind, params Invocation[] calls) =>
        new() { Name = path, Path = path, Kind = kind, Invocations = calls.ToList() };

    private static Invocation Call(string tool, string resolved, int line, params string[] flags) =>
        new() { Tool = tool, Script = resolved, ResolvedScript = resolved, Line = line, Flags = flags.ToList() };

    private static void Check(params ScriptRecord[] records) =>
        new PythonFlagCheck().Check(records, new RepositoryIndex("/repo", records.Select(r => r.Path)));

    [Fact]
    public void Check_WhenAnArgvByHandScriptNeverMentionsAPassedFlag_ShouldWarnThatItIsIgnored()
    {
        var target = Py.AnalyzeAt("pipelines/features.py", Py.Lines(
            "import sys",
            "gcs = None",
            "for i, arg in enumerate(sys.argv):",
            "    if arg == \"--gcs-output\" and i + 1 < len(sys.argv):",
            "        gcs = sys.argv[i + 1]",
            "print('use --workers to go faster')"));
        var shell = Caller("scripts/extract.sh", ScriptKind.Shell, Call("python3", "pipelines/features.py", 35, "--gcs-output", "--workers"));

        Check(shell, target);

        Assert.True(target.ParsesArgvByHand);
        var finding = Assert.Single(shell.Findings);
        Assert.Equal(("shell.unknown-flag", "scripts/extract.sh:35"), (finding.Rule, finding.Location));
        Assert.Contains("passes --workers to pipelines/features.py, which reads sys.argv by hand and never mentions it (it knows --gcs-output)", finding.Message);
    }

    [Fact]
    public void Check_WhenAFlagIsNotDefined_ShouldWarnNamingBothFilesAndLines()
    {
        var target = PythonScript("scripts/x.py", false, Flag("--workers", 20, "-w"), Flag("--pair", 24));
        var shell = Caller("scripts/run.sh", ScriptKind.Shell, Call("python3", "scripts/x.py", 12, "--workers", "--dry-run"));

        Check(shell, target);

        var finding = Assert.Single(shell.Findings);
        Assert.Equal("shell.unknown-flag", finding.Rule);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("scripts/run.sh:12", finding.Location);
        Assert.Equal("scripts/run.sh:12 passes --dry-run to scripts/x.py, which does not define it (its flags: --workers/-w, --pair at scripts/x.py:20-24)",
            finding.Message);
        Assert.Empty(target.Findings);
        Assert.Contains(target.Evidence, e => e.Location == "scripts/run.sh:12" && e.Detail.Contains("--dry-run"));
    }

    [Fact]
    public void Check_WhenFlagsMatchNamesAliasesPrefixesOrAttachedValues_ShouldAcceptThem()
    {
        var target = PythonScript("x.py", false, Flag("--workers", 3, "-w"), Flag("--verbose", 4, "-v"), Flag("--pair", 5));
        var shell = Caller("run.sh", ScriptKind.Shell, Call("python3", "x.py", 1, "--workers", "-w", "-w8", "-vw", "--verb", "--pair", "-h", "--help"));

        Check(shell, target);

        Assert.Empty(shell.Findings);
    }

    [Fact]
    public void Check_WhenAPrefixIsAmbiguous_ShouldWarn()
    {
        var target = PythonScript("x.py", false, Flag("--day", 3), Flag("--days-back", 4));
        var shell = Caller("run.sh", ScriptKind.Shell, Call("python", "x.py", 7, "--da"));

        Check(shell, target);

        Assert.Equal("shell.unknown-flag", Assert.Single(shell.Findings).Rule);
    }

    [Fact]
    public void Check_WhenTheTargetReadsArgvByHand_ShouldWarnOnceAboutAnyFlag()
    {
        var target = PythonScript("scripts/y.py", byHand: true);
        var shell = Caller("run.sh", ScriptKind.Shell, Call("python3", "scripts/y.py", 5, "--date", "--force"));

        Check(shell, target);

        var finding = Assert.Single(shell.Findings);
        Assert.Equal("shell.flag-to-argv-script", finding.Rule);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Contains("run.sh:5 passes --date, --force to scripts/y.py", finding.Message);
        Assert.Contains("sys.argv", finding.Message);
    }

    [Fact]
    public void Check_WhenTheTargetDeclaresOnlyPositionals_ShouldSaySo()
    {
        var target = PythonScript("x.py", false, new FlagRecord { Name = "table", Positional = true, Line = 9 });
        var shell = Caller("run.sh", ScriptKind.Shell, Call("python3", "x.py", 2, "--table"));

        Check(shell, target);

        Assert.Contains("it declares no flags, only the positional arguments table", Assert.Single(shell.Findings).Message);
    }

    [Fact]
    public void Check_WhenCallsAreNotToInventoriedPythonScriptsOrPassNoFlags_ShouldStayQuiet()
    {
        var target = PythonScript("x.py", false, Flag("--a", 1));
        var shell = Caller("run.sh", ScriptKind.Shell,
            Call("python3", "x.py", 1),
            Call("python3", "elsewhere.py", 2, "--b"),
            Call("bash", "x.py", 3, "--b"),
            new Invocation { Tool = "python3", Script = "$1/x.py", Line = 4, Flags = { "--b" } });

        Check(shell, target);

        Assert.Empty(shell.Findings);
    }

    [Fact]
    public void Check_WhenADockerfileCmdPassesFlagsToACopiedScript_ShouldCheckThemToo()
    {
        const string dockerfile = "FROM python:3.11-slim\nWORKDIR /app\nCOPY pipeline/ ./pipeline/\nENTRYPOINT [\"python3\", \"pipeline/extract.py\"]\nCMD [\"--workers\", \"4\", \"--region\", \"us\"]\n";
        var docker = AnalyzerHarness.Run(new DockerfileAnalyzer(), "Dockerfile", dockerfile, "pipeline/extract.py");
        var target = PythonScript("pipeline/extract.py", false, Flag("--workers", 10));

        Check(docker, target);

        var finding = Assert.Single(docker.Findings, f => f.Rule == "shell.unknown-flag");
        Assert.Equal("Dockerfile:5", finding.Location);
        Assert.StartsWith("Dockerfile:5 passes --region to pipeline/extract.py", finding.Message);
    }

    [Fact]
    public void Check_WhenACloudBuildStepPassesFlags_ShouldCheckDirectArgsAndBashStrings()
    {
        const string yaml = """
            steps:
              - name: python:3.11
                entrypoint: python3
                args: ['scripts/x.py', '--workers', '2', '--fast']
              - name: python:3.11
                entrypoint: bash
                args: ['-c', 'python3 scripts/x.py --slow']
            """;
        var build = AnalyzerHarness.Run(new BqxAudit.Inventory.Analyzers.CloudBuild.CloudBuildAnalyzer(), "cloudbuild.yaml", yaml, "scripts/x.py");
        var target = PythonScript("scripts/x.py", false, Flag("--workers", 8));

        Check(build, target);

        var findings = build.Findings.Where(f => f.Rule == "shell.unknown-flag").ToList();
        Assert.Equal(new[] { "cloudbuild.yaml:4", "cloudbuild.yaml:7" }, findings.Select(f => f.Location));
        Assert.StartsWith("cloudbuild.yaml:4 passes --fast to scripts/x.py", findings[0].Message);
        Assert.StartsWith("cloudbuild.yaml:7 passes --slow to scripts/x.py", findings[1].Message);
    }

    [Fact]
    public void Check_WhenAShellScriptIsAnalyzedThenChecked_ShouldUseTheResolvedPath()
    {
        var shell = AnalyzerHarness.Run(new ShellAnalyzer(), "scripts/run.sh",
            "set -e\nDIR=\"$(cd \"$(dirname \"$0\")\" && pwd)\"\npython3 \"$DIR/x.py\" --workers 4 --dry-run\n", "scripts/x.py");
        var target = PythonScript("scripts/x.py", false, Flag("--workers", 20));

        Check(shell, target);

        var finding = Assert.Single(shell.Findings);
        Assert.Equal("scripts/run.sh:3 passes --dry-run to scripts/x.py, which does not define it (its flags: --workers at scripts/x.py:20)", finding.Message);
    }
}
