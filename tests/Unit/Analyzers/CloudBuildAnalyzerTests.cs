using System.Diagnostics;
using BqxAudit.Inventory.Analyzers.CloudBuild;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

public sealed class CloudBuildAnalyzerTests
{
    private static ScriptRecord Run(string text, params string[] files) =>
        AnalyzerHarness.Run(new CloudBuildAnalyzer(), "cloudbuild.yaml", text, files);

    private static IEnumerable<Finding> Rule(ScriptRecord r, string rule) => r.Findings.Where(f => f.Rule == rule);

    [Fact]
    public void Analyze_WhenStepsBuildAndPushAnImage_ShouldRecordStepsImagesAndPushes()
    {
        const string text = """
            steps:
              - name: gcr.io/cloud-builders/docker
                args: ['build', '-f', 'docker/Dockerfile', '-t', 'gcr.io/$PROJECT_ID/extract:$SHORT_SHA', '.']
              - name: gcr.io/cloud-builders/docker
                args: ['push', 'gcr.io/$PROJECT_ID/extract:$SHORT_SHA']
              - name: gcr.io/google.com/cloudsdktool/cloud-sdk:slim
                entrypoint: gcloud
                args: ['run', 'jobs', 'update', 'bqx-ml-extract', '--region=us-central1', '--image', 'gcr.io/$PROJECT_ID/extract:$SHORT_SHA']
            images:
              - gcr.io/$PROJECT_ID/extract:$SHORT_SHA
            """;
        var r = Run(text, "docker/Dockerfile");

        Assert.Empty(r.Findings);
        Assert.Equal(new[] { "gcr.io/cloud-builders/docker", "gcr.io/google.com/cloudsdktool/cloud-sdk:slim" }, r.BaseImages);
        Assert.Equal(new[] { "docker", "docker", "gcloud" }, r.Invocations.Select(i => i.Tool));
        Assert.Equal(new[] { 3, 5, 7 }, r.Invocations.Select(i => i.Line));
        Assert.Equal(new[] { "--region", "--image" }, r.Invocations[2].Flags);
        Assert.Equal(new[] { "gcr.io/$PROJECT_ID/extract:$SHORT_SHA" }, r.ImagesPushed);
    }

    [Fact]
    public void Analyze_WhenDockerBuildNamesAMissingDockerfile_ShouldReportIt()
    {
        const string text = """
            substitutions:
              _DOCKERFILE: docker/Dockerfile.prod
            steps:
              - name: gcr.io/cloud-builders/docker
                args: ['build', '-f', 'docker/Dockerfile.gone', '.']
              - name: gcr.io/cloud-builders/docker
                args: ['build', '--file=${_DOCKERFILE}', '.']
              - name: gcr.io/cloud-builders/docker
                dir: services/api
                args: ['build', '-t', 'x', '.']
              - name: gcr.io/cloud-builders/docker
                args: ['build', '-f', 'Dockerfile.$BRANCH_NAME', '.']
            """;
        var r = Run(text, "docker/Dockerfile");

        var missing = Rule(r, "cloudbuild.missing-dockerfile").ToList();
        Assert.Equal(3, missing.Count);
        Assert.All(missing, f => Assert.Equal(FindingSeverity.Error, f.Severity));
        Assert.Equal("cloudbuild.yaml:5", missing[0].Location);
        Assert.Contains("docker/Dockerfile.gone", missing[0].Message);
        Assert.Contains("docker/Dockerfile.prod", missing[1].Message);
        Assert.Equal("cloudbuild.yaml:7", missing[1].Location);
        Assert.Contains("services/api/Dockerfile", missing[2].Message);
        Assert.Equal("cloudbuild.yaml:10", missing[2].Location);
        Assert.Equal("cloudbuild.yaml:9", Assert.Single(Rule(r, "cloudbuild.missing-dir")).Location);
        Assert.Equal("cloudbuild.yaml:12", Assert.Single(Rule(r, "cloudbuild.unresolved-script")).Location);
    }

    [Fact]
    public void Analyze_WhenTheFileIsNotYaml_ShouldReportLineAndColumnAndKeepTheRecord()
    {
        const string text = "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '.'\n  - name: [unclosed\n";
        var r = Run(text);

        var finding = Assert.Single(r.Findings);
        Assert.Equal("cloudbuild.invalid-yaml", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Matches(@"^cloudbuild\.yaml:[34]$", finding.Location);
        Assert.Matches(@"not valid YAML at line [34], column \d+: ", finding.Message);
        Assert.Equal("cloudbuild.yaml", r.Path);
        Assert.Empty(r.Invocations);
    }

    [Theory]
    [InlineData("")]
    [InlineData("# only a comment\n")]
    [InlineData("- just\n- a list\n")]
    [InlineData("steps: not-a-list\n")]
    [InlineData("timeout: 600s\n")]
    public void Analyze_WhenThereAreNoSteps_ShouldReportNoSteps(string text)
    {
        var r = Run(text);

        var finding = Assert.Single(r.Findings);
        Assert.Equal("cloudbuild.no-steps", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
    }

    [Fact]
    public void Analyze_WhenSubstitutionsAreUsedButNotDefined_ShouldWarnOncePerName()
    {
        const string text = """
            substitutions:
              _REGION: us-central1
              _UNUSED: x
            steps:
              - name: gcr.io/cloud-builders/gcloud
                args: ['run', 'deploy', '--region', '$_REGION', '--tag', '${_TAG}', '--project', '$PROJECT_ID']
              - name: bash
                args: ['-c', 'echo $$HOME $_TAG $MY_VAR > out.txt']
            """;
        var r = Run(text);

        var undefined = Rule(r, "cloudbuild.undefined-substitution").ToList();
        Assert.Equal(2, undefined.Count);
        Assert.All(undefined, f => Assert.Equal(FindingSeverity.Warning, f.Severity));
        Assert.StartsWith("$_TAG is used (lines 6, 8)", undefined[0].Message);
        Assert.Equal("cloudbuild.yaml:6", undefined[0].Location);
        Assert.StartsWith("$MY_VAR is used (line 8) but is not a built-in substitution", undefined[1].Message);
        var unused = Assert.Single(Rule(r, "cloudbuild.unused-substitution"));
        Assert.Equal(FindingSeverity.Info, unused.Severity);
        Assert.Equal("cloudbuild.yaml:3", unused.Location);
    }

    [Fact]
    public void Analyze_WhenSubstitutionOptionIsAllowLoose_ShouldReportUndefinedAsInfo()
    {
        var r = Run("options:\n  substitutionOption: ALLOW_LOOSE\nsteps:\n  - name: ubuntu\n    args: ['echo', '$_MISSING']\n");

        Assert.Equal(FindingSeverity.Info, Assert.Single(Rule(r, "cloudbuild.undefined-substitution")).Severity);
    }

    [Fact]
    public void Analyze_WhenAStepRunsPython_ShouldResolveTheScriptFromTheStepDir()
    {
        const string text = """
            steps:
              - name: python:3.11-slim
                entrypoint: python
                dir: pipeline
                args: ['extract.py', '--workers', '4']
              - name: python:3.11-slim
                entrypoint: bash
                args:
                  - -c
                  - |
                    pip install -r requirements.txt
                    python3 scripts/load.py --dry-run
                    python3 scripts/gone.py
              - name: python:3.11-slim
                script: |
                  #!/usr/bin/env bash
                  python3 /workspace/scripts/load.py --day "$DAY"
            """;
        var r = Run(text, "pipeline/extract.py", "scripts/load.py", "requirements.txt");

        var python = r.Invocations.Where(i => i.Tool.StartsWith("python", StringComparison.Ordinal)).ToList();
        Assert.Equal(new[] { "pipeline/extract.py", "scripts/load.py", null, "scripts/load.py" }, python.Select(i => i.ResolvedScript));
        Assert.Equal(new[] { "--workers" }, python[0].Flags);
        Assert.Equal(new[] { "--dry-run" }, python[1].Flags);
        Assert.Equal(new[] { 5, 12, 13, 17 }, python.Select(i => i.Line));
        var missing = Assert.Single(Rule(r, "cloudbuild.missing-script"));
        Assert.Equal("cloudbuild.yaml:13", missing.Location);
        Assert.Contains("scripts/gone.py", missing.Message);
        Assert.Empty(Rule(r, "cloudbuild.undefined-substitution"));
    }

    [Fact]
    public void Analyze_WhenAStepIsMalformed_ShouldReportItAndReadTheOthers()
    {
        var r = Run("steps:\n  - args: ['x']\n  - just-a-string\n  - name: gcr.io/cloud-builders/gsutil\n    args: ['cp', 'a', 'gs://b/']\n");

        Assert.Equal(new[] { "cloudbuild.yaml:2", "cloudbuild.yaml:3" }, Rule(r, "cloudbuild.invalid-step").Select(f => f.Location));
        Assert.Equal("gsutil", Assert.Single(r.Invocations).Tool);
    }

    [Fact]
    public void Analyze_WhenOneLineIsFiveMegabytes_ShouldFinishQuickly()
    {
        var text = "steps:\n  - name: ubuntu\n    args: ['echo', '" + new string('y', 5_000_000) + "']\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-f', 'gone/Dockerfile', '.']\n";
        var watch = Stopwatch.StartNew();

        var r = Run(text);

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(30), $"took {watch.Elapsed}");
        Assert.Equal("cloudbuild.yaml:5", Assert.Single(Rule(r, "cloudbuild.missing-dockerfile")).Location);
    }

    [Fact]
    public void Analyze_WhenCollectionsNestTooDeeply_ShouldReportInsteadOfOverflowing()
    {
        var text = "steps: " + new string('[', 100_000) + new string(']', 100_000) + "\n";

        var r = Run(text);

        var finding = Assert.Single(r.Findings);
        Assert.Equal("cloudbuild.invalid-yaml", finding.Rule);
        Assert.Contains("nesting deeper than 200 levels", finding.Message);
    }

    [Fact]
    public void Analyze_WhenAliasesRepeatNodes_ShouldReadEachNodeOnce()
    {
        var sb = new System.Text.StringBuilder("a0: &a0 ['$_X', '$_X']\n");
        for (var i = 1; i < 40; i++)
        {
            sb.Append($"a{i}: &a{i} [*a{i - 1}, *a{i - 1}]\n");
        }

        sb.Append("steps:\n  - name: ubuntu\n    args: ['true']\n");
        var watch = Stopwatch.StartNew();

        var r = Run(sb.ToString());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal("cloudbuild.yaml:1", Assert.Single(Rule(r, "cloudbuild.undefined-substitution")).Location);
    }

    [Fact]
    public void Analyze_WhenTextHoldsReplacementCharacters_ShouldStillReadSteps()
    {
        var r = Run("steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-f', '\uFFFD/Dockerfile', '.']\n");

        Assert.Contains("\uFFFD/Dockerfile", Assert.Single(Rule(r, "cloudbuild.missing-dockerfile")).Message);
    }
}
