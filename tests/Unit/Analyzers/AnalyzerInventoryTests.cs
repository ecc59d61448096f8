using System.Text;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

/// <summary>The shell, Dockerfile and Cloud Build analyzers as the inventory runs them: registered by existing, bad files reported, the rest analyzed.</summary>
public sealed class AnalyzerInventoryTests
{
    [Fact]
    public void Run_WhenFilesOfEveryKindAreBroken_ShouldReportEachClearlyAndAnalyzeTheRest()
    {
        using var dir = new TempDir();
        var invalid = Encoding.UTF8.GetBytes("#!/bin/bash\nset -e\necho \"")
            .Concat(new byte[] { 0xFF, 0xFE, 0xC3 })
            .Concat(Encoding.UTF8.GetBytes("\"\nbash scripts/gone.sh\npython3 scripts/x.py\n"))
            .ToArray();
        dir.WriteBytes("scripts/bad.sh", invalid);
        dir.Write("scripts/loop.sh", "#!/bin/bash\nset -euo pipefail\nbash \"$0\"\n");
        dir.Write("scripts/ok.sh", "#!/bin/bash\nset -euo pipefail\npython3 \"$(dirname \"$0\")/x.py\"\n");
        dir.Write("scripts/x.py", "print('hi')\n");
        dir.Write("Dockerfile", "# nothing here yet\n# FROM python:3.11\n");
        dir.Write("cloudbuild.yaml", "steps:\n  - name: [unclosed\n");
        dir.Write("deploy/cloudbuild.yaml", "steps:\n  - name: gcr.io/cloud-builders/docker\n    args: ['build', '-f', 'deploy/Dockerfile', '.']\n");
        dir.Write("deploy/Dockerfile", "FROM python:3.11-slim\nCOPY scripts/ /app/scripts/\nCMD [\"python3\", \"/app/scripts/x.py\"]\n");

        var result = new InventoryService(NullHost.Instance).Run(new InventoryOptions { Root = dir.Path, Profile = new AuditProfile { Name = "test" } });
        var byPath = result.Records.ToDictionary(r => r.Path);

        var bad = byPath["scripts/bad.sh"];
        Assert.Equal(ScriptKind.Shell, bad.Kind);
        Assert.Contains(bad.Findings, f => f.Rule == "file.invalid-utf8" && f.Location == "scripts/bad.sh:3");
        Assert.Contains(bad.Findings, f => f.Rule == "shell.missing-script" && f.Location == "scripts/bad.sh:4" && f.Message.Contains("scripts/gone.sh"));
        Assert.Equal("scripts/x.py", bad.Invocations.Single(i => i.Tool == "python3").ResolvedScript);
        Assert.Equal(ScriptStatus.Blocked, bad.Status);

        var loop = byPath["scripts/loop.sh"];
        Assert.Equal("shell.self-invocation", Assert.Single(loop.Findings).Rule);
        Assert.Equal(ScriptStatus.Partial, loop.Status);

        Assert.Equal(ScriptStatus.Ready, byPath["scripts/ok.sh"].Status);
        Assert.Equal(new[] { "python3" }, byPath["scripts/ok.sh"].ToolsInvoked);

        var docker = byPath["Dockerfile"];
        Assert.Equal("docker.no-from", Assert.Single(docker.Findings).Rule);
        Assert.Equal(ScriptStatus.Blocked, docker.Status);

        var yaml = byPath["cloudbuild.yaml"];
        Assert.Equal("cloudbuild.invalid-yaml", Assert.Single(yaml.Findings).Rule);
        Assert.Equal(ScriptStatus.Blocked, yaml.Status);

        var deploy = byPath["deploy/cloudbuild.yaml"];
        Assert.Equal(ScriptStatus.Ready, deploy.Status);
        Assert.Equal(new[] { "gcr.io/cloud-builders/docker" }, deploy.BaseImages);

        var image = byPath["deploy/Dockerfile"];
        Assert.Equal("docker.build-context", Assert.Single(image.Findings).Rule);
        Assert.Equal(ScriptStatus.Ready, image.Status);
        Assert.Equal("scripts/x.py", Assert.Single(image.Invocations).ResolvedScript);
    }
}
