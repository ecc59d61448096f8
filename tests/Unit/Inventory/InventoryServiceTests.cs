using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Inventory;

public class InventoryServiceTests
{
    private static AuditProfile Profile(string yaml = "name: t\n") => ProfileLoader.Parse(yaml, "test.yaml");

    private static (InventoryResult Result, RecordingHost Host) Run(string root, AuditProfile? profile = null, Func<string, byte[]>? reader = null, IReadOnlyList<ScriptKind>? kinds = null)
    {
        var host = new RecordingHost();
        var result = new InventoryService(host).Run(new InventoryOptions { Root = root, Profile = profile ?? Profile(), ReadAllBytes = reader, Kinds = kinds });
        return (result, host);
    }

    [Fact]
    public void Run_WhenFolderHasEveryKind_ShouldClassifyByNameAndShebang()
    {
        using var dir = new TempDir();
        dir.Write("scripts/a.py", "print(1)\n");
        dir.Write("scripts/b.sh", "#!/bin/bash\nset -e\necho hi\n");
        dir.Write("bin/tool", "#!/usr/bin/env python3\nprint(2)\n");
        dir.Write("bin/notes", "just text\n");
        dir.Write("Dockerfile.extract", "FROM python:3.11\n");
        dir.Write("cloudbuild-extract.yaml", "steps: []\n");
        dir.Write("README.md", "# x\n");

        var (result, _) = Run(dir.Path);

        var kinds = result.Records.ToDictionary(r => r.Path, r => r.Kind);
        Assert.Equal(ScriptKind.Python, kinds["scripts/a.py"]);
        Assert.Equal(ScriptKind.Shell, kinds["scripts/b.sh"]);
        Assert.Equal(ScriptKind.Python, kinds["bin/tool"]);
        Assert.Equal(ScriptKind.Dockerfile, kinds["Dockerfile.extract"]);
        Assert.Equal(ScriptKind.CloudBuild, kinds["cloudbuild-extract.yaml"]);
        Assert.False(kinds.ContainsKey("bin/notes"));
        Assert.False(kinds.ContainsKey("README.md"));
    }

    [Fact]
    public void Run_WhenCountingLines_ShouldMatchWcAndSkipBlankAndCommentLinesForCode()
    {
        using var dir = new TempDir();
        dir.Write("a.sh", "#!/bin/sh\n\n# comment\necho 1\n  echo 2\nno-newline-at-end");
        var (result, _) = Run(dir.Path);
        var r = Assert.Single(result.Records);
        Assert.Equal(5, r.Lines); // five newline bytes, as wc -l counts
        Assert.Equal(3, r.CodeLines);
        Assert.Equal(new FileInfo(Path.Combine(dir.Path, "a.sh")).Length, r.SizeBytes);
    }

    [Fact]
    public void Run_WhenOutputProduced_ShouldBeSortedByKindThenPathWhateverTheParallelism()
    {
        using var dir = new TempDir();
        for (var i = 0; i < 60; i++)
        {
            dir.Write($"s{i % 7}/f{i:D3}.py", $"x = {i}\n");
        }

        var one = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = Profile(), DegreeOfParallelism = 1 });
        var many = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = Profile(), DegreeOfParallelism = 8 });

        var paths = many.Records.Select(r => r.Path).ToList();
        Assert.Equal(paths.OrderBy(p => p, StringComparer.Ordinal), paths);
        Assert.Equal(one.Records.Select(r => r.Path), paths);
    }

    [Fact]
    public void Run_WhenInGitWorkTree_ShouldListTrackedAndUntrackedButNotIgnored()
    {
        using var dir = new TempDir();
        dir.Write("tracked.py", "a = 1\n");
        dir.Write(".gitignore", "ignored.py\nbuild/\n");
        dir.GitInitAndCommit();
        dir.Write("untracked.py", "b = 2\n");
        dir.Write("ignored.py", "c = 3\n");
        dir.Write("build/gen.py", "d = 4\n");

        var (result, _) = Run(dir.Path);

        Assert.Equal(new[] { "tracked.py", "untracked.py" }, result.Records.Select(r => r.Path));
        Assert.NotNull(result.Commit);
    }

    [Fact]
    public void Run_WhenInGitWorkTree_ShouldDateCommittedFilesFromOneLogPassAndOthersFromTheFileSystem()
    {
        using var dir = new TempDir();
        dir.Write("old.py", "a = 1\n");
        dir.Write("changed.py", "b = 1\n");
        dir.GitInitAndCommit("2025-12-01T10:00:00+00:00");
        dir.Write("changed.py", "b = 2\n");
        dir.GitCommitAll("second", "2025-12-13T00:53:00+00:00");
        dir.Write("dirty.py", "c = 1\n");
        dir.Git("add", "dirty.py");
        dir.GitCommitAll("third", "2025-12-14T00:00:00+00:00");
        File.AppendAllText(Path.Combine(dir.Path, "dirty.py"), "c = 2\n");
        dir.Write("new.py", "d = 1\n");

        var records = Run(dir.Path).Result.Records.ToDictionary(r => r.Path);

        Assert.Equal(DateTimeOffset.Parse("2025-12-01T10:00:00+00:00"), records["old.py"].LastModified);
        Assert.Equal(LastModifiedSource.Git, records["old.py"].LastModifiedSource);
        Assert.Equal(DateTimeOffset.Parse("2025-12-13T00:53:00+00:00"), records["changed.py"].LastModified);
        Assert.Equal(LastModifiedSource.FileSystem, records["dirty.py"].LastModifiedSource);
        Assert.Equal(LastModifiedSource.FileSystem, records["new.py"].LastModifiedSource);
    }

    [Fact]
    public void Run_WhenRootIsASubfolderOfAWorkTree_ShouldUseOnlyFilesUnderItWithRelativePaths()
    {
        using var dir = new TempDir();
        dir.Write("outside.py", "a = 1\n");
        dir.Write("examples/demo/scripts/in.py", "b = 1\n");
        dir.GitInitAndCommit("2025-11-30T00:00:00+00:00");

        var (result, _) = Run(Path.Combine(dir.Path, "examples", "demo"));

        var r = Assert.Single(result.Records);
        Assert.Equal("scripts/in.py", r.Path);
        Assert.Equal(LastModifiedSource.Git, r.LastModifiedSource);
        Assert.Equal(DateTimeOffset.Parse("2025-11-30T00:00:00+00:00"), r.LastModified);
    }

    [Fact]
    public void Run_WhenPathDoesNotExist_ShouldThrowPathNotFound()
    {
        var e = Assert.Throws<BqxException>(() => Run("/nonexistent/bqx-root"));
        Assert.Equal(ErrorIds.PathNotFound, e.Error.ErrorId);
        Assert.Contains("/nonexistent/bqx-root", e.Message);
    }

    [Fact]
    public void Run_WhenRepositoryEmpty_ShouldReturnNoRecordsAndNoErrors()
    {
        using var dir = new TempDir();
        dir.Git("init", "-q");
        var (result, host) = Run(dir.Path);
        Assert.Empty(result.Records);
        Assert.Empty(host.Errors);
        Assert.Null(result.Commit);
    }

    [Fact]
    public void Run_WhenSymlinkLoop_ShouldListTheLoopingFileBlockedAndInventoryTheRest()
    {
        using var dir = new TempDir();
        dir.Write("a/real.py", "x = 1\n");
        Directory.CreateSymbolicLink(Path.Combine(dir.Path, "a", "loop"), Path.Combine(dir.Path, "a"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "self.py"), Path.Combine(dir.Path, "self.py"));

        var (result, host) = Run(dir.Path);

        Assert.Equal(new[] { "a/real.py", "self.py" }, result.Records.Select(r => r.Path));
        AssertUnreadable(result.Records.Single(r => r.Path == "self.py"), "a symbolic link loop");
        Assert.Contains(host.Errors, e => e.ErrorId == ErrorIds.SymlinkLoop && e.Target == "a/loop");
        Assert.Contains(host.Errors, e => e.Target == "self.py");
    }

    private static void AssertUnreadable(ScriptRecord record, string reason)
    {
        Assert.Equal(ScriptStatus.Blocked, record.Status);
        var finding = Assert.Single(record.Findings);
        Assert.Equal("file.unreadable", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.StartsWith("not read: " + reason, finding.Message);
        Assert.Equal(record.Path + ":1", finding.Location);
    }

    [Fact]
    public void Run_WhenSymlinkLoopInGitWorkTree_ShouldReportItAndInventoryTheRest()
    {
        using var dir = new TempDir();
        dir.Write("a/real.py", "x = 1\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "loop.py"), Path.Combine(dir.Path, "loop2.py"));
        File.CreateSymbolicLink(Path.Combine(dir.Path, "loop2.py"), Path.Combine(dir.Path, "loop.py"));
        dir.GitInitAndCommit();

        var (result, host) = Run(dir.Path);

        Assert.Equal(new[] { "a/real.py", "loop.py", "loop2.py" }, result.Records.Select(r => r.Path));
        AssertUnreadable(result.Records.Single(r => r.Path == "loop.py"), "a symbolic link loop");
        Assert.Contains(result.Notes, n => n.Contains("loop.py", StringComparison.Ordinal) && n.Contains("not read", StringComparison.Ordinal));
        Assert.Contains(host.Errors, e => e.ErrorId == ErrorIds.SymlinkLoop && e.Target == "loop.py");
    }

    [Fact]
    public void Run_WhenExtensionlessLinksLoopOrDangle_ShouldListThemBlockedSayingTheKindIsUnknown()
    {
        using var dir = new TempDir();
        dir.Write("scripts/ok.py", "x = 1\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "a"), "b");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "b"), "a");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "scripts", "runner"), "gone");
        dir.GitInitAndCommit();

        var (result, _) = Run(dir.Path);

        Assert.Equal(new[] { "scripts/ok.py", "a", "b", "scripts/runner" }, result.Records.Select(r => r.Path));
        AssertUnreadable(result.Records.Single(r => r.Path == "a"), "a symbolic link loop (the link to b leads back to itself");
        AssertUnreadable(result.Records.Single(r => r.Path == "scripts/runner"), "a symbolic link to gone, which does not exist");
        Assert.All(result.Records.Where(r => r.Path != "scripts/ok.py"), r => Assert.Contains("no extension and no first line could be read, so it is listed as Shell", r.Findings[0].Message));
    }

    [Fact]
    public void Run_WhenFileUnreadable_ShouldReportItByNameAndInventoryTheRest()
    {
        using var dir = new TempDir();
        dir.Write("good.py", "x = 1\n");
        var secret = dir.Write("locked.py", "y = 1\n");
        byte[] Reader(string path) => path == secret ? throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.") : File.ReadAllBytes(path);

        var (result, host) = Run(dir.Path, reader: Reader);

        Assert.Equal(new[] { "good.py", "locked.py" }, result.Records.Select(r => r.Path));
        AssertUnreadable(result.Records.Single(r => r.Path == "locked.py"), "permission denied");
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.FileUnreadable, error.ErrorId);
        Assert.Equal("locked.py", error.Target);
        Assert.Contains("denied", error.Message);
    }

    [Fact]
    public void Run_WhenFileModeForbidsReading_ShouldReportItUnlessRunningAsRoot()
    {
        using var dir = new TempDir();
        dir.Write("good.py", "x = 1\n");
        var locked = dir.Write("locked.py", "y = 1\n");
        if (OperatingSystem.IsWindows())
        {
            return; // file modes are a Unix notion; the injected-failure test above covers Windows
        }

        File.SetUnixFileMode(locked, UnixFileMode.None);
        var readable = CanRead(locked); // true for root, who ignores file modes

        var (result, host) = Run(dir.Path);

        Assert.Contains(result.Records, r => r.Path == "good.py");
        Assert.Equal(readable ? ScriptStatus.Ready : ScriptStatus.Blocked, result.Records.Single(r => r.Path == "locked.py").Status);
        Assert.Equal(!readable, host.Errors.Any(e => e.ErrorId == ErrorIds.FileUnreadable && e.Target == "locked.py"));

        static bool CanRead(string path)
        {
            try { File.ReadAllBytes(path); return true; }
            catch (UnauthorizedAccessException) { return false; }
        }
    }

    [Fact]
    public void Run_WhenBinaryFileHasPyName_ShouldListItBlockedWithAMessageNamingIt()
    {
        using var dir = new TempDir();
        dir.Write("good.py", "x = 1\n");
        dir.WriteBytes("model.py", new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 0, 0, 1, 2 });

        var (result, host) = Run(dir.Path);

        // Issue 15 item 11: never silently dropped; listed Blocked (it was skipped before).
        Assert.Equal(new[] { "good.py", "model.py" }, result.Records.Select(r => r.Path));
        Assert.Equal(ScriptStatus.Blocked, result.Records[1].Status);
        Assert.Equal("file.binary", Assert.Single(result.Records[1].Findings).Rule);
        var error = Assert.Single(host.Errors);
        Assert.Equal(ErrorIds.FileSkipped, error.ErrorId);
        Assert.Equal("model.py", error.Target);
        Assert.Contains("binary", error.Message);
    }

    [Fact]
    public void Run_WhenIncludeExcludeAndKindGiven_ShouldFilter()
    {
        using var dir = new TempDir();
        dir.Write("scripts/a.py", "x = 1\n");
        dir.Write("scripts/b.sh", "echo\n");
        dir.Write("archive/old.py", "x = 1\n");
        dir.Write("tools/t.py", "x = 1\n");
        var profile = Profile("name: t\ninventory:\n  exclude: [ \"archive/**\" ]\n");

        var all = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = profile });
        var included = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = profile, Include = new[] { "scripts/**" } });
        var excluded = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = profile, Exclude = new[] { "tools/*" } });
        var shells = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = profile, Kinds = new[] { ScriptKind.Shell } });

        Assert.Equal(new[] { "scripts/a.py", "tools/t.py", "scripts/b.sh" }, all.Records.Select(r => r.Path)); // by Kind, then Path
        Assert.Equal(new[] { "scripts/a.py", "scripts/b.sh" }, included.Records.Select(r => r.Path));
        Assert.Equal(new[] { "scripts/a.py", "scripts/b.sh" }, excluded.Records.Select(r => r.Path));
        Assert.Equal(new[] { "scripts/b.sh" }, shells.Records.Select(r => r.Path));
    }

    [Fact]
    public void Run_WhenParameterGlobIsBad_ShouldThrowInputInvalid()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<BqxException>(() => new InventoryService(new RecordingHost()).Run(
            new InventoryOptions { Root = dir.Path, Profile = Profile(), Include = new[] { "/etc/*" } }));
        Assert.Equal(ErrorIds.InputInvalid, e.Error.ErrorId);
    }

    [Fact]
    public void Run_WhenCategoriesConfigured_ShouldTakeTheFirstMatchingCategory()
    {
        using var dir = new TempDir();
        dir.Write("scripts/generate_cov_tables.py", "x = 1\n");
        dir.Write("scripts/other.py", "x = 1\n");
        var profile = Profile("name: t\ninventory:\n  categories:\n    Generation: [ \"scripts/generate_*\" ]\n    Scripts: [ \"scripts/**\" ]\n");

        var records = Run(dir.Path, profile).Result.Records.ToDictionary(r => r.Path);

        Assert.Equal("Generation", records["scripts/generate_cov_tables.py"].Category);
        Assert.Equal("Scripts", records["scripts/other.py"].Category);
    }

    [Fact]
    public void Run_WhenPhaseTaskMatchesNothing_ShouldAddAMissingRecordWithEvidence()
    {
        using var dir = new TempDir();
        dir.Write("scripts/rename_cov_tables.py", "x = 1\n");
        var profile = Profile("name: t\nphases:\n  - id: P1\n    name: Phase One\n    tasks:\n" +
                              "      - { name: COV rename, tables: 1596, scriptGlobs: [ \"scripts/*cov*rename*\", \"scripts/rename_cov*\" ] }\n" +
                              "      - { name: LAG consolidation, scriptGlobs: [ \"scripts/*lag*consolidat*\" ], creationHours: { min: 6, max: 12 } }\n");

        var records = Run(dir.Path, profile).Result.Records;

        var present = Assert.Single(records, r => r.Path == "scripts/rename_cov_tables.py");
        Assert.Equal(ScriptStatus.Ready, present.Status);
        Assert.Contains(present.Evidence, e => e.Detail.Contains("implements task 'COV rename'"));
        var missing = Assert.Single(records, r => r.Status == ScriptStatus.Missing);
        Assert.Equal("LAG consolidation", missing.Name);
        Assert.Equal("scripts/*lag*consolidat*", missing.Path);
        Assert.Contains("6-12 h", missing.Recommendation);
        Assert.Contains(missing.Evidence, e => e.Detail.Contains("no inventoried file matches"));
    }

    [Fact]
    public void Decide_WhenFindingsHaveSeverities_ShouldPickBlockedPartialOrReadyWithEvidence()
    {
        var blocked = new ScriptRecord { Path = "a.py", Findings = { new Finding("x", FindingSeverity.Warning, "w", "a.py:1"), new Finding("y", FindingSeverity.Error, "e", "a.py:2") } };
        var partial = new ScriptRecord { Path = "b.py", Findings = { new Finding("x", FindingSeverity.Warning, "w", "b.py:1"), new Finding("i", FindingSeverity.Info, "i", "b.py:3") } };
        var ready = new ScriptRecord { Path = "c.py", Findings = { new Finding("i", FindingSeverity.Info, "i", "c.py:3") } };

        InventoryService.Decide(blocked);
        InventoryService.Decide(partial);
        InventoryService.Decide(ready);

        Assert.Equal(ScriptStatus.Blocked, blocked.Status);
        Assert.Equal("a.py:2", Assert.Single(blocked.Evidence).Location);
        Assert.Equal(ScriptStatus.Partial, partial.Status);
        Assert.Equal(ScriptStatus.Ready, ready.Status);
        Assert.NotEmpty(ready.Evidence);
    }

    [Fact]
    public void Run_WhenFileIsInvalidUtf8OrUtf16_ShouldAddAFindingAndStillCount()
    {
        using var dir = new TempDir();
        dir.WriteBytes("bad.py", new byte[] { (byte)'x', (byte)'=', (byte)'1', (byte)'\n', 0xC3, 0x28, (byte)'\n' });
        dir.WriteBytes("wide.sh", new byte[] { 0xFF, 0xFE, (byte)'e', 0, (byte)'\n', 0 });

        var records = Run(dir.Path).Result.Records.ToDictionary(r => r.Path);

        var bad = records["bad.py"];
        Assert.Equal(2, bad.Lines);
        Assert.Contains(bad.Findings, f => f.Rule == "file.invalid-utf8" && f.Location == "bad.py:2");
        Assert.Equal(ScriptStatus.Blocked, bad.Status);
        Assert.Contains(records["wide.sh"].Findings, f => f.Rule == "file.utf16");
        Assert.Equal(1, records["wide.sh"].Lines);
    }

    [Fact]
    public void Run_WhenCancelled_ShouldStop()
    {
        using var dir = new TempDir();
        dir.Write("a.py", "x = 1\n");
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() =>
            new InventoryService(new RecordingHost(cts.Token)).Run(new InventoryOptions { Root = dir.Path, Profile = Profile() }));
    }
}
