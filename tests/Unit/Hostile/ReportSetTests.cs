using System.Diagnostics;
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
        Assert.Empty(Directory.EnumerateFileSystemEntries(repo.Out, ".bqx-audit*"));
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

    [Fact]
    public void Audit_WhenKilledMidExport_ShouldLeaveTheOldCompleteSetOrTheNewOne()
    {
        using var repo = new HostileRepo(example: true);
        using var reference = new Support.TempDir();
        string[] Args(string output) => new[] { "audit", repo.Root, "--offline", "--date", "2025-12-13", "--out", output, "--force" }.Concat(AllFormats).ToArray();

        // The old set, then the new one (the repository changed in between) written elsewhere as the reference.
        Assert.Equal(2, RunCli("10-sigkill-old-set", Args(repo.Out)).ExitCode);
        var old = Snapshot(repo.Out);
        Assert.Equal(15, old.Count);
        repo.Write("scripts/added_later.py", "print('new')\n");
        var full = RunCli("10-sigkill-new-set", Args(reference.Path));
        Assert.Equal(2, full.ExitCode);
        var fresh = Snapshot(reference.Path);

        foreach (var fraction in new[] { 0.55, 0.7, 0.8, 0.88, 0.94, 0.98 })
        {
            KillAfter(Args(repo.Out), TimeSpan.FromSeconds(full.Wall.TotalSeconds * fraction));
            var now = Snapshot(repo.Out);
            Assert.Equal(old.Keys.Order(StringComparer.Ordinal), now.Keys.Order(StringComparer.Ordinal));
            var isOld = now.All(kv => kv.Value.SequenceEqual(old[kv.Key]));
            var isNew = now.All(kv => kv.Value.SequenceEqual(fresh[kv.Key]));
            Assert.True(isOld || isNew, $"killed at {fraction:P0}: a mixed set ({string.Join(", ", now.Where(kv => !kv.Value.SequenceEqual(old[kv.Key])).Select(kv => kv.Key))} new)");
            old = isNew ? fresh : old;
        }

        var last = RunCli("10-sigkill-next-run", Args(repo.Out));
        Assert.Equal(2, last.ExitCode);
        Assert.Empty(Directory.EnumerateFileSystemEntries(repo.Out, ".*"));
        Assert.All(Snapshot(repo.Out), kv => Assert.True(kv.Value.SequenceEqual(fresh[kv.Key]), kv.Key));
    }

    /// <summary>The visible (not hidden) files of a folder and their bytes.</summary>
    private static Dictionary<string, byte[]> Snapshot(string folder) =>
        Directory.EnumerateFiles(folder).Where(f => !Path.GetFileName(f).StartsWith('.')).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    /// <summary>Starts the CLI and sends it SIGKILL after <paramref name="delay"/> (if it is still running).</summary>
    private static void KillAfter(string[] args, TimeSpan delay)
    {
        var start = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(CliDll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        using var p = Process.Start(start)!;
        p.StandardOutput.ReadToEndAsync();
        p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(delay))
        {
            p.Kill(); // SIGKILL on Unix
            p.WaitForExit();
        }
    }

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
