using System.Diagnostics;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers;

/// <summary>ShellCheck's findings joined to the scripts' (CI installs ShellCheck: tools/test.sh), and what happens without it.</summary>
public sealed class ShellCheckTests
{
    private const string Script = "#!/bin/bash\nset -euo pipefail\nunused=1\nfile=\"$1\"\nrm $file\necho \"all: $@ end\"\n";

    private static string RequireShellCheck()
    {
        var found = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, "shellcheck")).FirstOrDefault(File.Exists);
        Assert.True(found is not null, "ShellCheck is not installed: this test needs it (tools/test.sh installs the Debian package shellcheck as root)");
        return found!;
    }

    private static (ScriptRecord Record, RepositoryIndex Repository) Record(TempDir dir, string path, string text)
    {
        dir.Write(path, text);
        return (new ScriptRecord { Path = path, Name = Path.GetFileName(path), Kind = ScriptKind.Shell }, new RepositoryIndex(dir.Path, new[] { path }));
    }

    [Fact]
    public void Inventory_WhenShellCheckIsOnPath_ShouldJoinItsFindingsWithCodesAndLinesAndMakeErrorsPartial()
    {
        RequireShellCheck();
        using var dir = new TempDir();
        dir.Write("scripts/run.sh", Script);

        var record = new InventoryService(NullHost.Instance).Run(new InventoryOptions { Root = dir.Path, Profile = new AuditProfile { Name = "test" } })
            .Records.Single(r => r.Path == "scripts/run.sh");

        var error = Assert.Single(record.Findings, f => f.Rule == "shellcheck.SC2145");
        Assert.Equal((FindingSeverity.Warning, "scripts/run.sh:6"), (error.Severity, error.Location));
        Assert.StartsWith("SC2145 (error): ", error.Message);
        var warning = Assert.Single(record.Findings, f => f.Rule == "shellcheck.SC2034");
        Assert.Equal((FindingSeverity.Info, "scripts/run.sh:3"), (warning.Severity, warning.Location));
        var style = Assert.Single(record.Findings, f => f.Rule == "shellcheck.style");
        Assert.Contains("SC2086 at line 5", style.Message);
        Assert.Equal(ScriptStatus.Partial, record.Status);
        Assert.Contains(record.Evidence, e => e.Detail.StartsWith("shellcheck: ShellCheck ", StringComparison.Ordinal) && e.Detail.Contains("1 error, 1 warning, 1 info/style"));
    }

    [Fact]
    public void Check_WhenShellCheckIsAbsent_ShouldSayNotVerifiedOncePerScriptAndChangeNothingElse()
    {
        using var dir = new TempDir();
        var (record, repository) = Record(dir, "run.sh", Script);

        new ShellCheckFindings(null, TimeSpan.FromSeconds(5)).Check(new[] { record }, repository);

        var note = Assert.Single(record.Evidence);
        Assert.StartsWith("shellcheck: NotVerified: ShellCheck is not on PATH", note.Detail);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Check_WhenShellCheckAnswersSomethingElse_ShouldReportItNotVerifiedNamingTheFailure()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake executables are shell scripts
        }

        using var dir = new TempDir();
        var fake = dir.Write("bin/fake-shellcheck", "#!/bin/sh\necho 'oops: cannot parse' >&2\nexit 3\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (record, repository) = Record(dir, "run.sh", Script);

        new ShellCheckFindings(fake, TimeSpan.FromSeconds(5)).Check(new[] { record }, repository);

        Assert.Contains("ShellCheck failed (exit code 3): oops: cannot parse", Assert.Single(record.Evidence).Detail);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Check_WhenShellCheckHangs_ShouldStopAtTheBudgetAndSayWhichScriptsWereNotChecked()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake executables are shell scripts
        }

        using var dir = new TempDir();
        var fake = dir.Write("bin/slow-shellcheck", "#!/bin/sh\nsleep 30\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var (record, repository) = Record(dir, "run.sh", Script);

        var clock = Stopwatch.StartNew();
        new ShellCheckFindings(fake, TimeSpan.FromMilliseconds(300)).Check(new[] { record }, repository);

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.Contains("time budget of 0.3 s", Assert.Single(record.Evidence).Detail);
    }

    [Fact]
    public void Parse_WhenOutputIsJson1_ShouldGroupCommentsByFile()
    {
        var (comments, problem) = ShellCheckFindings.Parse("""{"comments":[{"file":"./a.sh","line":4,"code":2086,"level":"info","message":"Double quote"},{"file":"b.sh","line":1,"code":2148,"level":"error","message":"shebang"}]}""");

        Assert.Null(problem);
        Assert.Equal(new[] { "a.sh", "b.sh" }, comments!.Keys.OrderBy(k => k));
        Assert.Equal(4, comments["a.sh"].Single().Line);
    }
}
