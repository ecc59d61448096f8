using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

/// <summary>Calls to absolute container paths, mapped back through the Dockerfile of the image that runs the caller.</summary>
public sealed class ContainerPathCheckTests
{
    private static Dictionary<string, ScriptRecord> Inventory(TempDir dir) =>
        new InventoryService(NullHost.Instance).Run(new InventoryOptions { Root = dir.Path, Profile = new AuditProfile { Name = "test" } })
            .Records.ToDictionary(r => r.Path);

    /// <summary>An image that copies pipelines/ and one entry script, and runs it; Cloud Build builds it from the root.</summary>
    private static TempDir ExtractImage(string entryScript)
    {
        var dir = new TempDir();
        dir.Write("Dockerfile.extract", string.Join("\n",
            "FROM python:3.11-slim",
            "WORKDIR /workspace",
            "COPY pipelines/ /workspace/pipelines/",
            "COPY scripts/extract.sh /workspace/scripts/",
            "ENV EXTRACTION_WORKERS=25",
            "ENTRYPOINT [\"/bin/bash\", \"/workspace/scripts/extract.sh\"]") + "\n");
        dir.Write("cloudbuild-extract.yaml", string.Join("\n",
            "steps:",
            "  - name: gcr.io/cloud-builders/docker",
            "    args: ['build', '-t', 'gcr.io/p/extract:latest', '-f', 'Dockerfile.extract', '.']") + "\n");
        dir.Write("scripts/extract.sh", entryScript);
        dir.Write("pipelines/training/features.py", string.Join("\n",
            "import argparse",
            "p = argparse.ArgumentParser()",
            "p.add_argument('--pair')",
            "p.parse_args()") + "\n");
        dir.Write("scripts/merge.py", "print('merge')\n");
        return dir;
    }

    [Fact]
    public void Check_WhenTheImageCopiesTheCalledScript_ShouldResolveItAndCheckItsFlags()
    {
        using var dir = ExtractImage("#!/bin/bash\nset -euo pipefail\npython3 /workspace/pipelines/training/features.py --pair eurusd --workers 4\n");

        var records = Inventory(dir);
        var shell = records["scripts/extract.sh"];

        var call = shell.Invocations.Single(i => i.Tool == "python3");
        Assert.Equal("pipelines/training/features.py", call.ResolvedScript);
        Assert.DoesNotContain(shell.Findings, f => f.Rule == "shell.unresolved-script");
        var unknown = Assert.Single(shell.Findings, f => f.Rule == "shell.unknown-flag");
        Assert.Equal("scripts/extract.sh:3", unknown.Location);
        Assert.Contains("--workers", unknown.Message);
        Assert.Contains(shell.Evidence, e => e.Location == "scripts/extract.sh:3" && e.Detail.Contains("Dockerfile.extract") && e.Detail.Contains("COPY at Dockerfile.extract:3"));
        Assert.Equal(ScriptStatus.Partial, shell.Status);
    }

    [Fact]
    public void Check_WhenNoCopyProvidesTheCalledPath_ShouldBlockTheCallerNamingTheDockerfileAndTheCall()
    {
        using var dir = ExtractImage("#!/bin/bash\nset -euo pipefail\necho start\npython3 /workspace/scripts/merge.py eurusd\n");

        var shell = Inventory(dir)["scripts/extract.sh"];

        var finding = Assert.Single(shell.Findings, f => f.Rule == "shell.missing-in-image");
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("scripts/extract.sh:4", finding.Location);
        Assert.Contains("/workspace/scripts/merge.py", finding.Message);
        Assert.Contains("Dockerfile.extract", finding.Message);
        Assert.Contains("gcr.io/p/extract:latest", finding.Message);
        Assert.Contains("cloudbuild-extract.yaml", finding.Message);
        Assert.DoesNotContain(shell.Findings, f => f.Rule == "shell.unresolved-script");
        Assert.Equal(ScriptStatus.Blocked, shell.Status);
    }

    [Fact]
    public void Check_WhenACopiedFolderLacksTheFile_ShouldSayWhereTheCopyWouldTakeItFrom()
    {
        using var dir = ExtractImage("#!/bin/bash\nset -euo pipefail\npython3 /workspace/pipelines/gone.py\n");

        var finding = Assert.Single(Inventory(dir)["scripts/extract.sh"].Findings, f => f.Rule == "shell.missing-in-image");

        Assert.Contains("the COPY at line 3 would take it from pipelines/gone.py, which does not exist", finding.Message);
    }

    [Fact]
    public void Check_WhenNoImageRunsTheScript_ShouldLeaveTheContainerPathUnchecked()
    {
        using var dir = ExtractImage("#!/bin/bash\nset -euo pipefail\necho ok\n");
        dir.Write("scripts/other.sh", "#!/bin/bash\nset -euo pipefail\npython3 /workspace/scripts/merge.py\n");

        var other = Inventory(dir)["scripts/other.sh"];

        Assert.Equal("shell.unresolved-script", Assert.Single(other.Findings).Rule);
        Assert.Null(other.Invocations.Single().ResolvedScript);
        Assert.Equal(ScriptStatus.Ready, other.Status);
    }

    [Fact]
    public void Check_WhenTheImageRunsAChainOfScripts_ShouldFollowItIntoTheContainer()
    {
        using var dir = ExtractImage("#!/bin/bash\nset -euo pipefail\nbash /workspace/pipelines/run_all.sh\n");
        dir.Write("pipelines/run_all.sh", "#!/bin/bash\nset -euo pipefail\npython3 /workspace/scripts/merge.py\n");

        var records = Inventory(dir);

        Assert.Equal("pipelines/run_all.sh", records["scripts/extract.sh"].Invocations.Single().ResolvedScript);
        var inner = Assert.Single(records["pipelines/run_all.sh"].Findings, f => f.Rule == "shell.missing-in-image");
        Assert.Contains("ENTRYPOINT/CMD at Dockerfile.extract:6 → scripts/extract.sh:3", inner.Message);
    }

    [Fact]
    public void Analyze_WhenTheDockerfileSetsEnv_ShouldKeepEachSettingWithItsLineAndHideSecrets()
    {
        using var dir = ExtractImage("#!/bin/bash\necho ok\n");
        dir.Write("Dockerfile.extract", "FROM python:3.11-slim\nENV PROJECT_ID=bqx-ml\nENV API_TOKEN=abc123\nCMD [\"python3\"]\n");

        var docker = Inventory(dir)["Dockerfile.extract"];

        Assert.Contains(docker.Evidence, e => e.Location == "Dockerfile.extract:2" && e.Detail == "ENV settings: PROJECT_ID=bqx-ml (line 2) · API_TOKEN=(value not shown) (line 3)");
        Assert.DoesNotContain(docker.Evidence, e => e.Detail.Contains("abc123"));
    }
}
