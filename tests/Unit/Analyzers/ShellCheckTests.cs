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

    private static string Observed(ScriptRecord record) =>
        string.Join("\n", record.Findings.Select(f => $"{f.Severity} {f}").Concat(record.Evidence.Select(e => e.ToString())));

    /// <summary>A ShellCheck that logs each checking run (not the version probe) to <c>runs.log</c> and then is the real one.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static (string Executable, string Log) CountingShellCheck(TempDir dir)
    {
        var real = RequireShellCheck();
        var log = System.IO.Path.Combine(dir.Path, "runs.log");
        var fake = dir.Write("bin/counting-shellcheck", $"#!/bin/sh\nif [ \"$1\" != --version ]; then echo run >> '{log}'; fi\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return (fake, log);
    }

    private static int Runs(string log) => File.Exists(log) ? File.ReadAllLines(log).Length : 0;

    [Fact]
    public void Check_WhenTheContentWasCheckedBefore_ShouldAnswerFromTheCacheExactlyAsAFreshRunWithoutRunningShellCheck()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the counting wrapper is a shell script
        }

        using var dir = new TempDir();
        var (executable, log) = CountingShellCheck(dir);
        var cache = new ShellCheckCache(System.IO.Path.Combine(dir.Path, "cache"));
        var fresh = Record(dir, "repo/run.sh", Script);
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20)).Check(new[] { fresh.Record }, fresh.Repository);
        var first = Record(dir, "repo/run.sh", Script);
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), cache).Check(new[] { first.Record }, first.Repository);
        Assert.Equal(2, Runs(log));
        Assert.Single(Directory.GetFiles(cache.Directory, "*.json"));

        var warm = Record(dir, "repo/run.sh", Script);
        var notes = new List<string>();
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), cache).Check(new[] { warm.Record }, warm.Repository, null, notes.Add);

        Assert.Equal(2, Runs(log)); // answered from the cache
        Assert.Empty(notes);
        Assert.Contains(warm.Record.Findings, f => f.Rule == "shellcheck.SC2145");
        Assert.Equal(Observed(fresh.Record), Observed(first.Record));
        Assert.Equal(Observed(fresh.Record), Observed(warm.Record));

        var changed = Record(dir, "repo/run.sh", Script + "echo $UNQUOTED\n");
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), cache).Check(new[] { changed.Record }, changed.Repository);
        Assert.Equal(3, Runs(log)); // another content is another key
    }

    [Fact]
    public void Check_WhenTheCacheIsCorruptOrUnwritable_ShouldNoteItAndCheckAsIfThereWereNone()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the counting wrapper is a shell script
        }

        using var dir = new TempDir();
        var (executable, log) = CountingShellCheck(dir);
        var fresh = Record(dir, "repo/run.sh", Script);
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20)).Check(new[] { fresh.Record }, fresh.Repository);
        var cache = new ShellCheckCache(System.IO.Path.Combine(dir.Path, "cache"));
        var first = Record(dir, "repo/run.sh", Script);
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), cache).Check(new[] { first.Record }, first.Repository);
        foreach (var entry in Directory.GetFiles(cache.Directory, "*.json"))
        {
            File.WriteAllText(entry, "{\"format\": \"bqx-audit shellcheck cache 1\", \"comments\": [{\"line\": ");
        }

        var corrupt = Record(dir, "repo/run.sh", Script);
        var notes = new List<string>();
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), cache).Check(new[] { corrupt.Record }, corrupt.Repository, null, notes.Add);

        Assert.Contains(notes, n => n.StartsWith("ShellCheck cache: ", StringComparison.Ordinal) && n.Contains("is corrupt"));
        Assert.Equal(Observed(fresh.Record), Observed(corrupt.Record));
        Assert.Equal(3, Runs(log));

        var blocker = dir.Write("not-a-folder", "x");
        var unwritable = Record(dir, "repo/run.sh", Script);
        notes.Clear();
        new ShellCheckFindings(executable, TimeSpan.FromSeconds(20), new ShellCheckCache(System.IO.Path.Combine(blocker, "cache")))
            .Check(new[] { unwritable.Record }, unwritable.Repository, null, notes.Add);

        Assert.Contains(notes, n => n.StartsWith("ShellCheck cache: cannot write", StringComparison.Ordinal));
        Assert.Equal(Observed(fresh.Record), Observed(unwritable.Record));
    }

    [Fact]
    public void FromEnvironment_WhenOffOrGivenAFolder_ShouldFollowTheSettingThenXdgThenHome()
    {
        string? Env(Dictionary<string, string> values, string name) => values.TryGetValue(name, out var v) ? v : null;

        Assert.Null(ShellCheckCache.FromEnvironment(n => Env(new() { ["BQXAUDIT_SHELLCHECK_CACHE"] = "off", ["HOME"] = "/home/u" }, n)));
        Assert.Equal("/tmp/c", ShellCheckCache.FromEnvironment(n => Env(new() { ["BQXAUDIT_SHELLCHECK_CACHE"] = "/tmp/c", ["HOME"] = "/home/u" }, n))!.Directory);
        Assert.Equal(System.IO.Path.Combine("/x", "bqx-audit", "shellcheck"), ShellCheckCache.FromEnvironment(n => Env(new() { ["XDG_CACHE_HOME"] = "/x", ["HOME"] = "/home/u" }, n))!.Directory);
        Assert.Equal(System.IO.Path.Combine("/home/u", ".cache", "bqx-audit", "shellcheck"), ShellCheckCache.FromEnvironment(n => Env(new() { ["XDG_CACHE_HOME"] = "relative", ["HOME"] = "/home/u" }, n))!.Directory);
        Assert.Null(ShellCheckCache.FromEnvironment(n => null));
    }

    [Fact]
    public void Key_WhenVersionArgumentsExtensionOrContentDiffer_ShouldDiffer()
    {
        var content = System.Text.Encoding.UTF8.GetBytes(Script);
        var key = ShellCheckCache.Key("0.9.0", new[] { "-f", "json1" }, "a.sh", content);

        Assert.Equal(key, ShellCheckCache.Key("0.9.0", new[] { "-f", "json1" }, "other/b.sh", content));
        Assert.NotEqual(key, ShellCheckCache.Key("0.10.0", new[] { "-f", "json1" }, "a.sh", content));
        Assert.NotEqual(key, ShellCheckCache.Key("0.9.0", new[] { "-f", "json" }, "a.sh", content));
        Assert.NotEqual(key, ShellCheckCache.Key("0.9.0", new[] { "-f", "json1" }, "a.bash", content));
        Assert.NotEqual(key, ShellCheckCache.Key("0.9.0", new[] { "-f", "json1" }, "a.sh", content.Concat(new byte[] { 10 }).ToArray()));
    }

    [Fact]
    public void Check_WhenStartedEarly_ShouldJoinThoseAnswersAndCheckTheScriptsFoundLaterByShebang()
    {
        var executable = RequireShellCheck();
        using var dir = new TempDir();
        dir.Write("run.sh", Script);
        dir.Write("tools/deploy", Script);
        var repository = new RepositoryIndex(dir.Path, new[] { "run.sh", "tools/deploy" });
        var records = new[] { "run.sh", "tools/deploy" }.Select(p => new ScriptRecord { Path = p, Name = System.IO.Path.GetFileName(p), Kind = ScriptKind.Shell }).ToArray();
        var check = new ShellCheckFindings(executable, TimeSpan.FromSeconds(20));

        using (var started = check.Start(dir.Path, new[] { "run.sh" }, CancellationToken.None))
        {
            Assert.Equal(new[] { "run.sh" }, started!.Paths);
            check.Check(records, repository, started, null);
        }

        Assert.All(records, r => Assert.Contains(r.Findings, f => f.Rule == "shellcheck.SC2145"));
        Assert.All(records, r => Assert.Single(r.Evidence, e => e.Detail.StartsWith("shellcheck: ShellCheck ", StringComparison.Ordinal)));
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
