using System.Net;
using System.Net.Sockets;
using static BqxAudit.Tests.Hostile.HostileRepo;
using static BqxAudit.Tests.Hostile.HostileRun;

namespace BqxAudit.Tests.Hostile;

/// <summary>
/// Issue 15, item 10: a report set appears whole or not at all. The output folder is checked before the audit
/// (not after minutes of cloud probing); an export killed with SIGKILL leaves the old complete set or the new
/// one; what an interrupted export left (its staging folder, temporary files of our naming) is removed — or,
/// when the set was complete, finished — by the next run.
/// </summary>
[Collection("Hostile")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // FIFOs, devices, file modes: the corpus is POSIX
public class ReportSetTests
{
    private static readonly string[] AllFormats = { "--report", "md,json,html,sarif,junit" };

    [Fact]
    public void Audit_WhenOutputIsAFileAndTheCloudNeverAnswers_ShouldStopBeforeAuditing()
    {
        using var repo = new HostileRepo(example: true); // a project, datasets, buckets and jobs: the cloud checks run
        using var silent = new SilentServer();
        var file = Path.Combine(repo.Out, "not-a-folder");
        File.WriteAllText(file, "x");

        var r = RunCli("10-out-is-a-file-cloud-silent", silent.Environment, "audit", repo.Root, "--out", file);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("is a file, not a folder", r.Stderr);
        Assert.True(r.Wall < TimeSpan.FromSeconds(15), r.ToString());
    }

    [Fact]
    public void Audit_WhenReportsExistWithoutForceAndTheCloudNeverAnswers_ShouldStopBeforeAuditing()
    {
        using var repo = new HostileRepo(example: true);
        using var silent = new SilentServer();
        File.WriteAllText(Path.Combine(repo.Out, "AUDIT_RESULT_20251213.json"), "mine");

        var r = RunCli("10-reports-exist-cloud-silent", silent.Environment, "audit", repo.Root, "--out", repo.Out, "--date", "2025-12-13");

        AssertBounded(r, 3, Canaries);
        Assert.Contains("already exist", r.Stderr);
        Assert.Equal("mine", File.ReadAllText(Path.Combine(repo.Out, "AUDIT_RESULT_20251213.json")));
        Assert.True(r.Wall < TimeSpan.FromSeconds(15), r.ToString());
    }

    [Fact]
    public void Audit_WhenAnInterruptedExportLeftTemporaryFiles_ShouldRemoveOursAndKeepTheRest()
    {
        using var repo = new HostileRepo();
        var stale = Path.Combine(repo.Out, $".AUDIT_RESULT_20251213.json.{Guid.NewGuid():N}.tmp");
        var staging = Path.Combine(repo.Out, $".bqx-audit-staging-{Guid.NewGuid():N}");
        var mine = Path.Combine(repo.Out, ".notes.tmp");
        File.WriteAllText(stale, "half a file");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "0"), "half a set");
        File.WriteAllText(mine, "not ours");

        var r = RunCli("10-stale-temporary-files", "audit", repo.Root, "--offline", "--out", repo.Out, "--date", "2025-12-13");

        AssertBounded(r, 2, Canaries);
        Assert.False(File.Exists(stale));
        Assert.False(Directory.Exists(staging));
        Assert.True(File.Exists(mine));
        Assert.Equal(new[] { ManifestName }, Directory.EnumerateFileSystemEntries(repo.Out, ".bqx-audit*").Select(Path.GetFileName));
    }

    [Fact]
    public void Audit_WhenAnExportWasKilledAmongItsRenames_ShouldFinishThatSetBeforeAnythingElse()
    {
        using var repo = new HostileRepo();
        var staging = Path.Combine(repo.Out, $".bqx-audit-staging-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        File.WriteAllText(Path.Combine(staging, "1"), "{\"complete\": true}\n");
        File.WriteAllText(Path.Combine(staging, "READY"), "0\tBA_GONE_20251213.md\n1\tAUDIT_RESULT_20251213.json\n"); // 0 was already renamed

        var r = RunCli("10-journaled-set-finished", "audit", repo.Root, "--offline", "--out", repo.Out, "--date", "2025-12-13", "--report", "md");

        AssertBounded(r, 2, Canaries);
        Assert.Equal("{\"complete\": true}\n", File.ReadAllText(Path.Combine(repo.Out, "AUDIT_RESULT_20251213.json")));
        Assert.False(Directory.Exists(staging));
        Assert.Contains("finished a report set an interrupted export had written completely", r.Stderr);
    }

    /// <summary>The step boundaries of an export of three files (ReportStaging), in order: BQXAUDIT_TEST_KILL_AT names one.</summary>
    public static readonly string[] ExportSteps = new[] { "staging" }
        .Concat(Enumerable.Range(1, 3).Select(k => $"staged:{k}"))
        .Concat(new[] { "journal", "interim" })
        .Concat(Enumerable.Range(1, 3).Select(k => $"renamed:{k}"))
        .Concat(new[] { "manifest", "done" })
        .ToArray();

    private static string[] KillArgs(HostileRepo repo, string output, bool force) =>
        new[] { "audit", repo.Root, "--offline", "--date", "2025-12-13", "--out", output, "--report", "json,sarif,junit" }
            .Concat(force ? new[] { "--force" } : Array.Empty<string>()).ToArray();

    [Fact]
    public void Audit_WhenKilledAtEachStepOfTheExport_ShouldAlwaysHoldAManifestThatVerifiesAndTheNextRunShouldFinishTheSet()
    {
        using var repo = new HostileRepo();
        using var work = new Support.TempDir();

        // The old complete set; then the repository changes, so every later set differs from it.
        var oldFolder = Path.Combine(work.Path, "old");
        AssertBounded(RunCli("10-kill-old-set", ControlledTools, KillArgs(repo, oldFolder, force: false)), 2, Canaries);
        var oldManifest = Manifest(oldFolder);
        Assert.NotNull(oldManifest);
        Assert.Equal(3, oldManifest!.Count);
        Assert.True(Verifies(oldFolder), "the first run's manifest does not pass sha256sum -c");
        var old = Snapshot(oldFolder);
        repo.Write("scripts/added_later.py", "print('new')\n");

        var failures = new List<string>();
        foreach (var step in ExportSteps)
        {
            var folder = Path.Combine(work.Path, step.Replace(':', '-'));
            CopyFolder(oldFolder, folder);
            var killed = RunCli($"10-kill-at-{step}", ControlledTools.Append(new(KillVariable, step)).ToDictionary(), KillArgs(repo, folder, force: true));
            var committing = step is "interim" || step.StartsWith("renamed:", StringComparison.Ordinal);
            var journaled = committing || step is "journal";
            var afterCommit = step is "manifest" or "done";
            var manifest = Manifest(folder);
            void Check(bool ok, string what)
            {
                if (!ok)
                {
                    failures.Add($"killed at {step}: {what}");
                }
            }

            // The kill happened at that step, and at that instant the folder's manifest names a complete set that verifies.
            Check(killed.ExitCode == 137, $"expected SIGKILL (exit 137), got {killed}");
            Check(manifest is not null && Verifies(folder), "no manifest that passes sha256sum -c");
            if (committing)
            {
                Check(manifest is not null && manifest.All(l => l.Contains("  .bqx-audit-staging-", StringComparison.Ordinal)), "the manifest does not name the staged new set while the files are replaced");
            }
            else if (afterCommit)
            {
                Check(manifest is not null && !manifest.SequenceEqual(oldManifest) && manifest.All(l => !l.Contains(".bqx-audit-staging-", StringComparison.Ordinal)), "the new set is not in place per its manifest");
            }
            else
            {
                Check(manifest is not null && manifest.SequenceEqual(oldManifest) && Same(Snapshot(folder), old), "the old set or its manifest changed before the commit");
            }

            // The next run (without --force: its preflight finishes or discards what the killed one left, then stops at the existing reports).
            var next = RunCli($"10-kill-next-run-{step}", ControlledTools, KillArgs(repo, folder, force: false));
            Check(next.ExitCode == 3 && next.Stderr.Contains("already exist", StringComparison.Ordinal), $"the next run: {next}");
            var repaired = Manifest(folder);
            Check(repaired is not null && Verifies(folder), "after the next run the set does not pass sha256sum -c");
            Check(journaled || afterCommit
                    ? repaired is not null && !repaired.SequenceEqual(oldManifest) && repaired.All(l => !l.Contains(".bqx-audit-staging-", StringComparison.Ordinal))
                    : repaired is not null && repaired.SequenceEqual(oldManifest) && Same(Snapshot(folder), old),
                journaled || afterCommit ? "the next run did not finish the new set" : "the next run did not keep the old set");
            Check(journaled == next.Stderr.Contains("finished a report set an interrupted export had written completely", StringComparison.Ordinal), "the warning about a finished set");
            var ours = Directory.EnumerateFileSystemEntries(folder, ".*").Select(Path.GetFileName).Where(n => n != ManifestName).ToList();
            Check(ours.Count == 0, $"hidden files left after the next run: {string.Join(", ", ours)}");
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void Audit_WhenSigkilledAtARandomPointOfAForcedRun_ShouldLeaveAManifestThatVerifiesAndTheNextRunShouldFinish()
    {
        using var repo = new HostileRepo();
        AssertBounded(RunCli("10-sigkill-old-set", ControlledTools, KillArgs(repo, repo.Out, force: false)), 2, Canaries);
        var oldManifest = Manifest(repo.Out)!;
        repo.Write("scripts/added_later.py", "print('new')\n");
        var full = RunCli("10-sigkill-timed-run", ControlledTools, KillArgs(repo, repo.Out, force: true));
        Assert.Equal(2, full.ExitCode);
        var newManifest = Manifest(repo.Out)!;
        Assert.False(newManifest.SequenceEqual(oldManifest));
        repo.Write("scripts/added_later.py", "print('newer')\n");

        var seed = System.Environment.TickCount;
        var delay = TimeSpan.FromMilliseconds(full.Wall.TotalMilliseconds * (0.5 + (new Random(seed).NextDouble() * 0.6)));
        var killed = KillAfter(KillArgs(repo, repo.Out, force: true), delay);
        var what = $"SIGKILL after {delay.TotalMilliseconds:F0} ms of a {full.Wall.TotalMilliseconds:F0} ms run (seed {seed}, {(killed ? "killed" : "had finished")})";
        Assert.True(Manifest(repo.Out) is not null && Verifies(repo.Out), $"{what}: no manifest that passes sha256sum -c");

        var next = RunCli("10-sigkill-next-run", ControlledTools, KillArgs(repo, repo.Out, force: true));
        AssertBounded(next, 2, Canaries);
        Assert.True(Verifies(repo.Out), what);
        Assert.Equal(new[] { ManifestName }, Directory.EnumerateFileSystemEntries(repo.Out, ".*").Select(Path.GetFileName));
    }

    [Fact]
    public void Audit_WhenAStagedFileOfAnInterruptedSetChangedBeforeTheNextRun_ShouldNotWriteAManifestForIt()
    {
        using var repo = new HostileRepo();
        AssertBounded(RunCli("10-changed-old-set", ControlledTools, KillArgs(repo, repo.Out, force: false)), 2, Canaries);
        repo.Write("scripts/added_later.py", "print('new')\n");
        Assert.Equal(137, RunCli("10-changed-kill", ControlledTools.Append(new(KillVariable, "renamed:2")).ToDictionary(), KillArgs(repo, repo.Out, force: true)).ExitCode);
        var staging = Assert.Single(Directory.GetDirectories(repo.Out, ".bqx-audit-staging-*"));
        File.AppendAllText(Path.Combine(staging, "0"), "changed on disk\n");

        var r = RunCli("10-changed-next-run", ControlledTools, KillArgs(repo, repo.Out, force: false));

        Assert.Equal(3, r.ExitCode);
        Assert.Null(Manifest(repo.Out));
        Assert.Contains("could not be finished (the staged copy of", r.Stderr);
        Assert.Empty(Directory.EnumerateDirectories(repo.Out, ".bqx-audit-staging-*"));
    }

    private const string KillVariable = "BQXAUDIT_TEST_KILL_AT";

    private const string ManifestName = ".bqx-audit-manifest-20251213.sha256";

    /// <summary>The child's tools: no ShellCheck, no Python parser, no tool on PATH to probe (the sets compared never depend on the machine).</summary>
    private static IReadOnlyDictionary<string, string?> ControlledTools { get; } = new Dictionary<string, string?>
    {
        ["BQX_CANARY"] = EnvironmentCanary,
        ["PATH"] = Path.Combine(Path.GetTempPath(), "bqx-no-tools"),
        ["BQXAUDIT_SHELLCHECK"] = "off",
    };

    /// <summary>The manifest's lines (<c>HASH  NAME</c>), or null when the folder has none.</summary>
    private static List<string>? Manifest(string folder)
    {
        var path = Path.Combine(folder, ManifestName);
        return File.Exists(path) ? File.ReadAllLines(path).ToList() : null;
    }

    /// <summary><c>sha256sum -c --strict</c> on the folder's manifest, run in the folder: every file it names exists with that SHA-256.</summary>
    private static bool Verifies(string folder)
    {
        var check = new System.Diagnostics.ProcessStartInfo("sha256sum") { WorkingDirectory = folder, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "--strict", "--quiet", ManifestName })
        {
            check.ArgumentList.Add(a);
        }

        using var p = System.Diagnostics.Process.Start(check)!;
        p.StandardOutput.ReadToEnd();
        p.StandardError.ReadToEnd();
        p.WaitForExit();
        return p.ExitCode == 0;
    }

    /// <summary>Starts the CLI and sends it SIGKILL after <paramref name="delay"/>; false when it had finished by then.</summary>
    private static bool KillAfter(string[] args, TimeSpan delay)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Dotnet) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (k, v) in ControlledTools)
        {
            start.Environment[k] = v;
        }

        using var p = System.Diagnostics.Process.Start(start)!;
        _ = p.StandardOutput.ReadToEndAsync();
        _ = p.StandardError.ReadToEndAsync();
        if (p.WaitForExit(delay))
        {
            return false;
        }

        p.Kill(); // SIGKILL on Unix
        p.WaitForExit();
        return true;
    }

    private static bool Same(Dictionary<string, byte[]> a, Dictionary<string, byte[]> b) =>
        a.Keys.Order(StringComparer.Ordinal).SequenceEqual(b.Keys.Order(StringComparer.Ordinal)) && a.All(kv => kv.Value.AsSpan().SequenceEqual(b[kv.Key]));

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    /// <summary>The visible (not hidden) files of a folder and their bytes.</summary>
    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    /// <summary>A server on 127.0.0.1 that accepts connections and never answers: every cloud call waits.</summary>
    private sealed class SilentServer : IDisposable
    {
        private readonly TcpListener listener = new(IPAddress.Loopback, 0);
        private readonly List<TcpClient> held = new();
        private readonly CancellationTokenSource stop = new();

        public SilentServer()
        {
            listener.Start();
            _ = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    try
                    {
                        var client = await listener.AcceptTcpClientAsync(stop.Token);
                        lock (held)
                        {
                            held.Add(client);
                        }
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?>
        {
            ["BQXAUDIT_GCP_ENDPOINT"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}",
            ["BQX_CANARY"] = EnvironmentCanary,
        };

        public void Dispose()
        {
            stop.Cancel();
            listener.Stop();
            lock (held)
            {
                held.ForEach(c => c.Dispose());
            }
        }
    }
}
