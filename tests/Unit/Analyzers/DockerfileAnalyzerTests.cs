using System.Diagnostics;
using BqxAudit.Inventory.Analyzers.Docker;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

public sealed class DockerfileAnalyzerTests
{
    private static ScriptRecord Run(string path, string text, params string[] files) =>
        AnalyzerHarness.Run(new DockerfileAnalyzer(), path, text, files);

    private static IEnumerable<Finding> Rule(ScriptRecord r, string rule) => r.Findings.Where(f => f.Rule == rule);

    [Fact]
    public void Analyze_WhenStagesBuildOnEachOther_ShouldListOnlyExternalBaseImages()
    {
        const string text = """
            # syntax=docker/dockerfile:1
            ARG PY=3.11
            FROM --platform=linux/amd64 python:${PY}-slim AS build
            RUN pip wheel -w /wheels polars
            FROM build AS test
            FROM gcr.io/distroless/python3-debian12
            COPY --from=build /wheels /wheels
            """;
        var r = Run("Dockerfile", text);

        Assert.Equal(new[] { "python:3.11-slim", "gcr.io/distroless/python3-debian12" }, r.BaseImages);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenRunInstallsWithPip_ShouldRecordRequirementsWithPinsAndLines()
    {
        const string text = """
            FROM python:3.11-slim
            ARG POLARS=0.20.3
            COPY requirements.txt /tmp/
            RUN pip install --no-cache-dir -q \
                # pinned data stack
                "polars==${POLARS}" 'google-cloud-bigquery>=3.11,<4' \
                --index-url https://pypi.org/simple -r /tmp/requirements.txt \
             && python -m pip install -U pip \
             && pip3 install --requirement=/tmp/requirements.txt apache-beam[gcp]~=2.50
            RUN apt-get update && apt-get install -y curl
            """;
        var r = Run("Dockerfile", text, "requirements.txt");

        Assert.Equal(new[] { "polars==0.20.3", "google-cloud-bigquery>=3.11,<4", "-r /tmp/requirements.txt", "pip", "-r /tmp/requirements.txt", "apache-beam[gcp]~=2.50" },
            r.PipInstalls.Select(p => p.Requirement));
        Assert.Equal(new[] { 6, 6, 7, 8, 9, 9 }, r.PipInstalls.Select(p => p.Line));
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenRequirementsFileIsNotInTheImageOrContext_ShouldReportErrors()
    {
        const string text = """
            FROM python:3.11-slim
            WORKDIR /app
            RUN pip install -r requirements.txt
            COPY requirements-dev.txt ./
            RUN pip install -r requirements-dev.txt
            """;
        var r = Run("Dockerfile", text, "requirements.txt");

        var findings = Rule(r, "docker.missing-requirements").ToList();
        Assert.Equal(2, findings.Count);
        Assert.All(findings, f => Assert.Equal(FindingSeverity.Error, f.Severity));
        Assert.Equal("Dockerfile:3", findings[0].Location);
        Assert.Contains("no COPY or ADD before this RUN puts /app/requirements.txt into the image; requirements.txt exists", findings[0].Message);
        Assert.Equal("Dockerfile:5", findings[1].Location);
        Assert.Contains("requirements-dev.txt, which does not exist", findings[1].Message);
        Assert.Equal("Dockerfile:4", Assert.Single(Rule(r, "docker.missing-source")).Location);
    }

    [Fact]
    public void Analyze_WhenCopySourcesAreMissing_ShouldReportEachButAcceptStagesUrlsAndMatchingWildcards()
    {
        const string text = """
            FROM python:3.11-slim AS base
            COPY pipeline/ /app/pipeline/
            COPY ["config/settings.yaml", "/app/config/"]
            COPY scripts/*.py /app/scripts/
            COPY sql/*.sql /app/sql/
            COPY --chown=app:app gone.txt /app/
            ADD https://example.com/tool.tar.gz /opt/
            COPY --from=base /app /app
            COPY <<EOF /app/inline.txt
            hello
            EOF
            COPY ../outside.txt /app/
            """;
        var r = Run("Dockerfile", text, "pipeline/a.py", "config/settings.yaml", "scripts/x.py");

        var missing = Rule(r, "docker.missing-source").OrderBy(f => int.Parse(f.Location.Split(':')[1])).ToList();
        Assert.Equal(new[] { "Dockerfile:5", "Dockerfile:6", "Dockerfile:12" }, missing.Select(f => f.Location));
        Assert.Contains("sql/*.sql matches nothing", missing[0].Message);
        Assert.Contains("gone.txt is not in the build context", missing[1].Message);
        Assert.Contains("outside the build context", missing[2].Message);
        Assert.Equal(3, r.Findings.Count);
    }

    [Fact]
    public void Analyze_WhenEntrypointScriptIsCopied_ShouldResolveItAndCombineCmdFlags()
    {
        const string text = """
            FROM python:3.11-slim
            WORKDIR /app
            COPY . .
            ENTRYPOINT ["python3", "-u", "pipeline/extract.py"]
            CMD ["--workers", "4"]
            """;
        var r = Run("Dockerfile", text, "pipeline/extract.py");

        var call = Assert.Single(r.Invocations);
        Assert.Equal("python3", call.Tool);
        Assert.Equal("pipeline/extract.py", call.Script);
        Assert.Equal("pipeline/extract.py", call.ResolvedScript);
        Assert.Equal(new[] { "--workers" }, call.Flags);
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenEntrypointScriptIsNotCopied_ShouldReportMissingEntrypointScript()
    {
        const string text = """
            FROM python:3.11-slim
            WORKDIR /app
            COPY pipeline/ ./pipeline/
            COPY run.sh /usr/local/bin/
            CMD python3 main.py --day 1 && /usr/local/bin/run.sh && /opt/tools/start.sh
            """;
        var r = Run("Dockerfile", text, "pipeline/a.py", "run.sh");

        var findings = Rule(r, "docker.missing-entrypoint-script").ToList();
        Assert.Equal(2, findings.Count);
        Assert.Equal(FindingSeverity.Error, findings[0].Severity);
        Assert.Contains("main.py (/app/main.py in the image), but no COPY or ADD puts it there", findings[0].Message);
        Assert.Equal("Dockerfile:5", findings[0].Location);
        Assert.Equal(FindingSeverity.Warning, findings[1].Severity);
        Assert.Contains("/opt/tools/start.sh", findings[1].Message);
        Assert.Equal("run.sh", r.Invocations.Single(i => i.Script == "/usr/local/bin/run.sh").ResolvedScript);
    }

    [Fact]
    public void Analyze_WhenFolderCopyLacksTheScript_ShouldNameTheMissingSourceFile()
    {
        var r = Run("Dockerfile", "FROM python:3.11\nCOPY app/ /srv/\nCMD [\"sh\", \"-c\", \"cd /srv && exec python3 /srv/serve.py\"]\n", "app/other.py");

        var finding = Assert.Single(Rule(r, "docker.missing-entrypoint-script"));
        Assert.Contains("would take it from app/serve.py, which does not exist", finding.Message);
        Assert.Equal("Dockerfile:3", finding.Location);
    }

    [Fact]
    public void Analyze_WhenOnlyCommentsOrEmpty_ShouldReportNoFrom()
    {
        var comments = Run("Dockerfile", "# just a comment\n\n   # another one\n");
        var empty = Run("docker/Dockerfile", "");

        var finding = Assert.Single(comments.Findings);
        Assert.Equal("docker.no-from", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("Dockerfile:1", finding.Location);
        Assert.Equal("docker.no-from", Assert.Single(empty.Findings).Rule);
        Assert.Empty(comments.BaseImages);
    }

    [Fact]
    public void Analyze_WhenInstructionsAreUnknownOrPrecedeFrom_ShouldReportThem()
    {
        var r = Run("Dockerfile", "ARG V=1\nRUN echo early\nFROM python:3.11\nCOPPY a b\nthis is not a dockerfile\n");

        Assert.Equal("Dockerfile:2", Assert.Single(Rule(r, "docker.instruction-before-from")).Location);
        Assert.Equal(new[] { "Dockerfile:4", "Dockerfile:5" }, Rule(r, "docker.unknown-instruction").Select(f => f.Location));
        Assert.Equal(new[] { "python:3.11" }, r.BaseImages);
    }

    [Fact]
    public void Analyze_WhenDockerfileInASubfolderCopiesRootPaths_ShouldTakeTheRootAsContext()
    {
        const string text = "FROM python:3.11\nWORKDIR /app\nCOPY requirements.txt .\nCOPY scripts/ scripts/\nRUN pip install -r requirements.txt\nCMD [\"python3\", \"scripts/x.py\"]\n";
        var r = Run("docker/Dockerfile", text, "requirements.txt", "scripts/x.py", "docker/entry.sh");

        var context = Assert.Single(Rule(r, "docker.build-context"));
        Assert.Equal(FindingSeverity.Info, context.Severity);
        Assert.Contains("docker build -f docker/Dockerfile .", context.Message);
        Assert.Equal("scripts/x.py", Assert.Single(r.Invocations).ResolvedScript);
        Assert.Single(r.Findings);
    }

    [Fact]
    public void Analyze_WhenDockerfileInASubfolderCopiesItsOwnFiles_ShouldKeepItsFolderAsContext()
    {
        var r = Run("services/api/Dockerfile", "FROM python:3.11\nCOPY main.py /app/\nCMD [\"python\", \"/app/main.py\"]\n", "services/api/main.py", "main.py");

        Assert.Empty(r.Findings);
        Assert.Equal("services/api/main.py", Assert.Single(r.Invocations).ResolvedScript);
    }

    [Fact]
    public void Analyze_WhenEscapeDirectiveIsBacktick_ShouldJoinContinuationsWithIt()
    {
        var r = Run("Dockerfile", "# escape=`\nFROM python:3.11\nRUN pip install `\n    polars==1.0\n");

        var pip = Assert.Single(r.PipInstalls);
        Assert.Equal("polars==1.0", pip.Requirement);
        Assert.Equal(4, pip.Line);
    }

    [Fact]
    public void Analyze_WhenRunUsesABindMountOrHeredoc_ShouldReadThem()
    {
        const string text = """
            FROM python:3.11
            RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt pip install -r /tmp/r.txt
            RUN <<EOF
            set -e
            pip install pandas==2.2.0
            EOF
            CMD ["python3"]
            """;
        var r = Run("Dockerfile", text, "requirements.txt");

        Assert.Equal(new[] { "-r /tmp/r.txt", "pandas==2.2.0" }, r.PipInstalls.Select(p => p.Requirement));
        Assert.Equal(new[] { 2, 5 }, r.PipInstalls.Select(p => p.Line));
        Assert.Empty(r.Findings);
    }

    [Fact]
    public void Analyze_WhenOneLineIsFiveMegabytes_ShouldFinishQuickly()
    {
        var text = "FROM python:3.11\nRUN echo " + new string('x', 5_000_000) + " && pip install polars==1.0\nCOPY gone.txt /app/\n";
        var watch = Stopwatch.StartNew();

        var r = Run("Dockerfile", text);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), $"took {watch.Elapsed}");
        Assert.Equal("polars==1.0", Assert.Single(r.PipInstalls).Requirement);
        Assert.Equal("Dockerfile:3", Assert.Single(Rule(r, "docker.missing-source")).Location);
    }

    [Fact]
    public void Analyze_WhenTextHoldsReplacementCharacters_ShouldStillReadInstructions()
    {
        var r = Run("Dockerfile", "FROM python:3.11\nLABEL note=\"\uFFFD\uFFFD\"\nCOPY \uFFFD.txt /app/\nRUN pip install polars\n");

        Assert.Contains("\uFFFD.txt", Assert.Single(Rule(r, "docker.missing-source")).Message);
        Assert.Equal("polars", Assert.Single(r.PipInstalls).Requirement);
    }
}
