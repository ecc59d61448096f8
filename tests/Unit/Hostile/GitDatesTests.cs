using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Hostile;

/// <summary>
/// Issue 12, "Last modified" (with issue 15 item 12): every file's date is the one <c>git log -1 --format=%cI -- path</c>
/// gives, history simplification included: a side branch that deleted and re-added identical content, then merged,
/// does not date the file. A commit that changed only the mode is still the date git gives, and is labelled with the
/// date of the content's last change.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // FIFOs, devices, file modes: the corpus is POSIX
public class GitDatesTests
{
    [Fact]
    public void Inventory_WhenASideBranchDeletedAndReAddedAFile_ShouldDateItAsGitLogOneDoes()
    {
        using var dir = new TempDir();
        dir.Write("bqxaudit.yaml", "name: dates\n");
        dir.Write("scripts/kept.py", "x = 1\n");
        dir.Write("scripts/main_only.py", "y = 1\n");
        dir.Write("scripts/run.sh", "#!/bin/bash\nset -e\necho hi\n");
        dir.GitInitAndCommit("2025-01-01T10:00:00+00:00");
        Git(dir, "2025-01-02T10:00:00+00:00", "checkout", "-q", "-b", "side");
        File.Delete(Path.Combine(dir.Path, "scripts/kept.py"));
        Commit(dir, "2025-03-01T10:00:00+00:00", "delete on the side branch");
        dir.Write("scripts/kept.py", "x = 1\n");
        Commit(dir, "2025-03-02T10:00:00+00:00", "add it back, identical");
        Git(dir, "2025-03-03T10:00:00+00:00", "checkout", "-q", "main");
        dir.Write("scripts/main_only.py", "y = 2\n");
        Commit(dir, "2025-02-01T10:00:00+00:00", "change on main");
        Git(dir, "2025-04-01T10:00:00+00:00", "-c", "commit.gpgsign=false", "merge", "-q", "--no-ff", "--no-edit", "side");
        File.SetUnixFileMode(Path.Combine(dir.Path, "scripts/run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Commit(dir, "2025-05-01T10:00:00+00:00", "make it executable");

        var records = new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = ProfileLoader.Parse("name: dates\n", "t.yaml") })
            .Records.ToDictionary(r => r.Path);

        foreach (var path in new[] { "scripts/kept.py", "scripts/main_only.py", "scripts/run.sh" })
        {
            var expected = DateTimeOffset.Parse(Git(dir, null, "log", "-1", "--format=%cI", "--", path).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(expected, records[path].LastModified);
            Assert.Equal(LastModifiedSource.Git, records[path].LastModifiedSource);
        }

        Assert.Equal(DateTimeOffset.Parse("2025-01-01T10:00:00+00:00"), records["scripts/kept.py"].LastModified);
        Assert.Equal(DateTimeOffset.Parse("2025-05-01T10:00:00+00:00"), records["scripts/run.sh"].LastModified);
        var label = Assert.Single(records["scripts/run.sh"].Evidence, e => e.Source == "git");
        Assert.Contains("changed only its mode; its content last changed 2025-01-01T10:00:00+00:00", label.Detail);
    }

    private static void Commit(TempDir dir, string date, string message)
    {
        Git(dir, date, "add", "-A");
        Git(dir, date, "-c", "commit.gpgsign=false", "commit", "-q", "-m", message);
    }

    private static string Git(TempDir dir, string? date, params string[] args) => dir.GitAt(date, args);
}
