using System.Diagnostics;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

public sealed class ShellAnalyzerTests
{
    private static ScriptRecord Run(string path, string text, params string[] files) =>
        AnalyzerHarness.Run(new ShellAnalyzer(), path, text, files);

    private static IEnumerable<Finding> Rule(ScriptRecord r, string rule) => r.Findings.Where(f => f.Rule == rule);

    [Fact]
    public void Analyze_WhenACountFallsBackWithEcho_ShouldWarnThatItYieldsTwoLines()
    {
        var r = Run("scripts/count.sh", string.Join("\n",
            "#!/bin/bash",
            "set -euo pipefail",
            "ok=$(grep -c \"^SUCCESS:\" results.txt 2>/dev/null || echo \"0\")",
            "workers=$(echo \"$PIDS\" | grep -c . || echo 0)",
            "n=`grep --count x f || echo 0`",
            "m=$(grep -ic error log || printf 0)",
            "fine=$(grep -c x f || true)",
            "other=$(grep -v c f || echo none)",
            "if [ \"$ok\" -gt 0 ]; then echo ok; fi") + "\n");

        Assert.Equal(new[] { "scripts/count.sh:3", "scripts/count.sh:4", "scripts/count.sh:5", "scripts/count.sh:6" },
            Rule(r, "shell.grep-count-fallback").Select(f => f.Location));
        Assert.All(Rule(r, "shell.grep-count-fallback"), f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.Contains("two", Rule(r, "shell.grep-count-fallback").First().Message.Replace("second line", "two lines"));
    }

    [Fact]
    public void Analyze_WhenScriptRunsPythonWithFlags_ShouldRecordInvocationWithResolvedScriptAndFlags()
    {
        var r = Run("scripts/run.sh", "#!/bin/bash\nset -euo pipefail\npython3 scripts/x.py --workers 4 --pair=eurusd -v -- --not-a-flag\n", "scripts/x.py");

        var call = Assert.Single(r.Invocations);
        Assert.Equal("python3", call.Tool);
        Assert.Equal("scripts/x.py", call.Script);
        Assert.Equal("scripts/x.py", call.ResolvedScript);
        Assert.Equal(new[] { "--workers", "--pair", "-v" }, call.Flags);
        Assert.Equal(3, call.Line);
        Assert.Empty(r.Findings);
        Assert.Equal(new[] { "python3" }, r.ToolsInvoked);
    }

    [Fact]
    public void Analyze_WhenReferencedScriptIsMissing_ShouldReportErrorNamingPathAndLine()
    {
        var r = Run("scripts/run.sh", "set -e\necho start\npython3 scripts/gone.py --x 1\nbash deploy/missing.sh\n");

        var missing = Rule(r, "shell.missing-script").ToList();
        Assert.Equal(2, missing.Count);
        Assert.All(missing, f => Assert.Equal(FindingSeverity.Error, f.Severity));
        Assert.Equal("scripts/run.sh:3", missing[0].Location);
        Assert.Contains("scripts/gone.py", missing[0].Message);
        Assert.Equal("scripts/run.sh:4", missing[1].Location);
        Assert.Contains("deploy/missing.sh", missing[1].Message);
        Assert.All(r.Invocations, i => Assert.Null(i.ResolvedScript));
    }

    [Fact]
    public void Analyze_WhenPathsUseTheScriptFolder_ShouldResolveThemThere()
    {
        const string text = """
            #!/usr/bin/env bash
            set -euo pipefail
            SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
            ROOT="$(cd "$(dirname "$0")/.." && pwd)"
            HERE=$(dirname "$0")
            python3 "$SCRIPT_DIR/extract.py" --day 1
            bash "${ROOT}/deploy/go.sh"
            python3 $HERE/extract.py
            python3 "${0%/*}/extract.py"
            python3 extract.py
            """;
        var r = Run("pipeline/run.sh", text, "pipeline/extract.py", "deploy/go.sh");

        Assert.Empty(r.Findings);
        Assert.Equal(new[] { "pipeline/extract.py", "deploy/go.sh", "pipeline/extract.py", "pipeline/extract.py", "pipeline/extract.py" },
            r.Invocations.Select(i => i.ResolvedScript));
        Assert.Equal(new[] { 6, 7, 8, 9, 10 }, r.Invocations.Select(i => i.Line));
    }

    [Fact]
    public void Analyze_WhenPathDependsOnUnknownVariable_ShouldRecordInvocationWithInfoOnly()
    {
        var r = Run("run.sh", "set -e\npython3 \"$1/x.py\" --a\npython3 $HOME/y.py\npython3 ${DATA_DIR}/z.py\n");

        Assert.Equal(3, r.Invocations.Count);
        Assert.All(r.Invocations, i => Assert.Null(i.ResolvedScript));
        Assert.Equal("$1/x.py", r.Invocations[0].Script);
        Assert.Empty(Rule(r, "shell.missing-script"));
        var infos = Rule(r, "shell.unresolved-script").ToList();
        Assert.Equal(3, infos.Count);
        Assert.All(infos, f => Assert.Equal(FindingSeverity.Info, f.Severity));
        Assert.Equal(new[] { "run.sh:2", "run.sh:3", "run.sh:4" }, infos.Select(f => f.Location));
    }

    [Fact]
    public void Analyze_WhenScriptCallsItself_ShouldWarnAndFinish()
    {
        var r = Run("scripts/loop.sh", "set -e\nif [ -z \"${DONE:-}\" ]; then\n  DONE=1 bash \"$0\" again\nfi\n./scripts/loop.sh\n");

        var self = Rule(r, "shell.self-invocation").ToList();
        Assert.Equal(2, self.Count);
        Assert.All(self, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.Equal(new[] { "scripts/loop.sh:3", "scripts/loop.sh:5" }, self.Select(f => f.Location));
        Assert.All(r.Invocations, i => Assert.Equal("scripts/loop.sh", i.ResolvedScript));
        Assert.Empty(Rule(r, "shell.missing-script"));
    }

    [Theory]
    [InlineData("gcloud config list\nbq ls\n", true)]
    [InlineData("set -e\ngcloud config list\nbq ls\n", false)]
    [InlineData("set -o errexit\ngcloud config list\nbq ls\n", false)]
    [InlineData("set -Eeuo pipefail\ngcloud config list\nbq ls\n", false)]
    [InlineData("#!/bin/bash -e\ngcloud config list\nbq ls\n", false)]
    [InlineData("echo only-one-command\n", false)]
    [InlineData("echo 'set -e'\ngcloud config list\n", true)]
    public void Analyze_WhenErrexitIsOrIsNotSet_ShouldReportNoErrexitAccordingly(string text, bool expected)
    {
        var r = Run("run.sh", text);

        Assert.Equal(expected, Rule(r, "shell.no-errexit").Any());
        Assert.All(Rule(r, "shell.no-errexit"), f => Assert.Equal(FindingSeverity.Warning, f.Severity));
    }

    [Fact]
    public void Analyze_WhenPipeWithoutPipefail_ShouldWarnAtThePipeLine()
    {
        var bash = Run("run.sh", "#!/bin/bash\nset -e\nbq ls\nbq query 'select 1' | tee out.txt\n");
        var withOption = Run("run.sh", "#!/bin/bash\nset -eo pipefail\nbq query 'select 1' | tee out.txt\n");
        var orOnly = Run("run.sh", "#!/bin/bash\nset -e\nbq ls || echo failed\n");
        var sh = Run("run.sh", "#!/bin/sh\nset -e\nbq query 'select 1' | tee out.txt\n");

        var finding = Assert.Single(Rule(bash, "shell.no-pipefail"));
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("run.sh:4", finding.Location);
        Assert.Empty(Rule(withOption, "shell.no-pipefail"));
        Assert.Empty(Rule(orOnly, "shell.no-pipefail"));
        Assert.Equal(FindingSeverity.Info, Assert.Single(Rule(sh, "shell.no-pipefail")).Severity);
    }

    [Fact]
    public void Analyze_WhenCommandsAreJoinedByOperatorsAndContinuations_ShouldRecordEachTool()
    {
        const string text = "set -euo pipefail\ngcloud auth list && bq ls \\\n  --project_id=bqx-ml | gsutil cp - gs://b/x; docker build -t img . || jq . f.json\n";
        var r = Run("run.sh", text, "Dockerfile");

        Assert.Equal(new[] { "bq", "docker", "gcloud", "gsutil", "jq" }, r.ToolsInvoked);
        var bq = r.Invocations.Single(i => i.Tool == "bq");
        Assert.Equal(new[] { "--project_id" }, bq.Flags);
        Assert.Equal(2, bq.Line);
        Assert.Equal(3, r.Invocations.Single(i => i.Tool == "gsutil").Line);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenTextIsQuotedCommentedOrHeredoc_ShouldNotReadItAsCommands()
    {
        const string text = """
            set -e
            echo "python3 quoted.py" 'bash single.sh' # python3 comment.py
            cat <<EOF > notes.txt
            python3 in_heredoc.py
            EOF
            cat <<-'END'
            	bash also_heredoc.sh
            	END
            python3 real.py
            """;
        var r = Run("run.sh", text, "real.py");

        var call = Assert.Single(r.Invocations);
        Assert.Equal("real.py", call.ResolvedScript);
        Assert.Equal(9, call.Line);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenCommandSubstitutionOrBacktickRunsScripts_ShouldRecordThem()
    {
        var r = Run("run.sh", "set -euo pipefail\nCOUNT=$(python3 count.py --table t | wc -l)\necho \"n=`bash inner.sh`\"\n", "count.py", "inner.sh");

        Assert.Equal(new[] { "count.py", "inner.sh" }, r.Invocations.Select(i => i.ResolvedScript));
        Assert.Equal(new[] { "--table" }, r.Invocations[0].Flags);
        Assert.Equal(new[] { 2, 3 }, r.Invocations.Select(i => i.Line));
    }

    [Fact]
    public void Analyze_WhenSourcingScripts_ShouldCheckTheyExistButNotListThemAsTools()
    {
        var r = Run("bin/run.sh", "set -e\nsource lib/common.sh\n. ./env.sh\n", "lib/common.sh");

        Assert.Equal(new[] { "source", "source" }, r.Invocations.Select(i => i.Tool));
        Assert.Equal("lib/common.sh", r.Invocations[0].ResolvedScript);
        var missing = Assert.Single(Rule(r, "shell.missing-script"));
        Assert.Equal("bin/run.sh:3", missing.Location);
        Assert.Contains("./env.sh", missing.Message);
        Assert.Empty(r.ToolsInvoked);
    }

    [Fact]
    public void Analyze_WhenProgramsComeFromAVirtualenv_ShouldReadThemAsToolsNotScripts()
    {
        var r = Run("run.sh", "set -e\n.venv/bin/python scripts/x.py --a\nvenv/bin/gunicorn app:app --workers 2\n./bin/missing\n", "scripts/x.py");

        Assert.Equal(new[] { "gunicorn", "python" }, r.ToolsInvoked);
        Assert.Equal("scripts/x.py", r.Invocations[0].ResolvedScript);
        Assert.Equal(new[] { "--workers" }, r.Invocations[1].Flags);
        Assert.Equal("run.sh:4", Assert.Single(r.Findings).Location);
    }

    [Fact]
    public void Analyze_WhenSourcingMachineSetupFiles_ShouldWarnInsteadOfBlocking()
    {
        var r = Run("run.sh", "set -e\nsource .venv/bin/activate\n. ./.env\nsource config/settings.sh\n");

        var findings = Rule(r, "shell.missing-script").ToList();
        Assert.Equal(new[] { FindingSeverity.Warning, FindingSeverity.Warning, FindingSeverity.Error }, findings.Select(f => f.Severity));
        Assert.Contains("must be created on the machine", findings[0].Message);
        Assert.Equal("run.sh:4", findings[2].Location);
    }

    [Fact]
    public void Analyze_WhenCdChangesTheFolder_ShouldResolveAgainstItOrStopChecking()
    {
        const string text = """
            set -e
            cd "$(dirname "$0")/../pipeline"
            python3 step.py
            cd "$WORK_DIR"
            python3 other.py
            """;
        var r = Run("scripts/run.sh", text, "pipeline/step.py");

        Assert.Equal("pipeline/step.py", r.Invocations[0].ResolvedScript);
        Assert.Null(r.Invocations[1].ResolvedScript);
        Assert.Empty(Rule(r, "shell.missing-script"));
        var info = Assert.Single(Rule(r, "shell.unresolved-script"));
        Assert.Equal("scripts/run.sh:5", info.Location);
        Assert.Contains("cd $WORK_DIR at line 4", info.Message);
    }

    [Fact]
    public void Analyze_WhenWrappersPrefixTheCommand_ShouldSeeThroughThem()
    {
        const string text = "set -e\nnohup timeout 300 python3 -u scripts/x.py --a &\nsudo -u bob env FOO=1 python3 scripts/x.py --b\nexec poetry run python scripts/x.py --c\n";
        var r = Run("run.sh", text, "scripts/x.py");

        Assert.Equal(3, r.Invocations.Count);
        Assert.All(r.Invocations, i => Assert.Equal("scripts/x.py", i.ResolvedScript));
        Assert.Equal(new[] { "--a", "--b", "--c" }, r.Invocations.Select(i => Assert.Single(i.Flags)));
        Assert.Equal(new[] { "python", "python3" }, r.ToolsInvoked);
    }

    [Fact]
    public void Analyze_WhenFunctionsAndCaseStatementsAreUsed_ShouldNotMistakeThemForTools()
    {
        const string text = """
            set -e
            deploy() {
              gcloud run jobs deploy bqx-ml-extract
            }
            function cleanup {
              gsutil rm gs://b/tmp
            }
            case "$1" in
              deploy|all) deploy ;;
              clean)
                cleanup
                ;;
              *) echo usage ;;
            esac
            """;
        var r = Run("run.sh", text);

        Assert.Equal(new[] { "gcloud", "gsutil" }, r.ToolsInvoked);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenBashDashCRunsAString_ShouldReadTheCommandsInside()
    {
        var r = Run("run.sh", "set -e\nbash -c \"python3 scripts/x.py --dry-run && python3 scripts/gone.py\"\n", "scripts/x.py");

        Assert.Equal(new[] { "bash", "python3", "python3" }, r.Invocations.Select(i => i.Tool));
        Assert.Equal(new[] { "--dry-run" }, r.Invocations[1].Flags);
        Assert.Equal("run.sh:2", Assert.Single(Rule(r, "shell.missing-script")).Location);
    }

    [Fact]
    public void Analyze_WhenPythonRunsAModule_ShouldResolveItToAFile()
    {
        var r = Run("run.sh", "set -e\npython3 -m pipeline.extract --day 1\npython3 -m http.server\n", "pipeline/extract.py");

        Assert.Equal("pipeline.extract", r.Invocations[0].Script);
        Assert.Equal("pipeline/extract.py", r.Invocations[0].ResolvedScript);
        Assert.Equal(new[] { "--day" }, r.Invocations[0].Flags);
        Assert.Null(r.Invocations[1].ResolvedScript);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenDockerBuildsAndPushes_ShouldCheckTheDockerfileAndRecordTheImage()
    {
        const string text = "set -e\ndocker build -f docker/Dockerfile.gone -t gcr.io/p/app:1 .\ndocker build -t gcr.io/p/app:1 docker\ndocker push gcr.io/p/app:1\n";
        var r = Run("run.sh", text, "docker/Dockerfile");

        var missing = Assert.Single(Rule(r, "shell.missing-dockerfile"));
        Assert.Equal("run.sh:2", missing.Location);
        Assert.Contains("docker/Dockerfile.gone", missing.Message);
        Assert.Equal(new[] { "gcr.io/p/app:1" }, r.ImagesPushed);
    }

    [Fact]
    public void Analyze_WhenLineEndingsAreCrlf_ShouldReportAnErrorAndStillReadCommands()
    {
        var r = Run("run.sh", "set -e\r\npython3 x.py --a\r\n", "x.py");

        var crlf = Assert.Single(Rule(r, "shell.crlf-line-endings"));
        Assert.Equal(FindingSeverity.Error, crlf.Severity);
        Assert.Equal("run.sh:1", crlf.Location);
        Assert.Equal("x.py", Assert.Single(r.Invocations).ResolvedScript);
        Assert.Equal(new[] { "--a" }, r.Invocations[0].Flags);
    }

    [Fact]
    public void Analyze_WhenTextHoldsReplacementCharacters_ShouldNameThePathAndReadTheRest()
    {
        var r = Run("run.sh", "set -e\necho \"\uFFFD\uFFFD\"\npython3 scripts/\uFFFDbad.py\ngcloud config list\n");

        var missing = Assert.Single(Rule(r, "shell.missing-script"));
        Assert.Contains("scripts/\uFFFDbad.py", missing.Message);
        Assert.Equal("run.sh:3", missing.Location);
        Assert.Equal(new[] { "gcloud", "python3" }, r.ToolsInvoked);
    }

    [Fact]
    public void Analyze_WhenOneLineIsFiveMegabytes_ShouldFinishQuickly()
    {
        var big = "set -e; echo " + new string('a', 5_000_000) + " \"" + new string('b', 100_000) + "\"; python3 x.py --flag\n";
        var watch = Stopwatch.StartNew();

        var r = Run("run.sh", big, "x.py");

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal("x.py", Assert.Single(r.Invocations).ResolvedScript);
        Assert.Equal(1, r.Invocations[0].Line);
    }

    [Fact]
    public void Analyze_WhenSubstitutionsNestVeryDeeply_ShouldFinishWithoutOverflow()
    {
        var text = "set -e\nX=" + string.Concat(Enumerable.Repeat("$(", 100_000)) + "echo" + new string(')', 100_000) + "\npython3 after.py\n";

        var r = Run("run.sh", text, "after.py");

        Assert.Equal("after.py", Assert.Single(r.Invocations, i => i.Tool == "python3").ResolvedScript);
    }

    [Fact]
    public void Analyze_WhenQuotesAreUnterminated_ShouldNotThrow()
    {
        var r = Run("run.sh", "set -e\npython3 x.py \"--unterminated\n$(bq ls\n`gsutil\n${X\n");

        Assert.Contains(r.Invocations, i => i.Tool == "python3");
    }
}
