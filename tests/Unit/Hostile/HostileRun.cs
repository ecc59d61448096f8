using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BqxAudit.Tests.Hostile;

/// <summary>What one hostile case did as a process: exit code, output, wall time and peak resident memory.</summary>
public sealed record HostileResult(string Case, int ExitCode, string Stdout, string Stderr, TimeSpan Wall, long PeakRssKb, bool TimedOut)
{
    public string Combined => Stdout + "\n" + Stderr;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Case}: exit {ExitCode}{(TimedOut ? " (killed: timed out)" : "")}, {Wall.TotalSeconds:0.00} s, {PeakRssKb / 1024} MB; stderr: {Head(Stderr)}");

    private static string Head(string s) => s.Length <= 600 ? s : s[..600] + "…";
}

/// <summary>
/// Runs a hostile case as its own process (so a stack overflow, a hang or an out-of-memory kills the case,
/// not the test run): the CLI as <c>dotnet bqx-audit.dll …</c>, or any command. Peak resident memory comes
/// from GNU time (<c>%M</c>) when /usr/bin/time exists, else from the child's VmHWM in /proc, sampled.
/// A case still running after <see cref="KillAfter"/> is killed and reported as timed out.
/// <para>
/// BQX_HOSTILE_CLI names another bqx-audit.dll (the "before" build, for the table in the closing note);
/// BQX_HOSTILE_REPORT names a file each result is appended to as a tab-separated line.
/// </para>
/// </summary>
public static class HostileRun
{
    /// <summary>The bound of every repository case (DESIGN: peak working set under 512 MB).</summary>
    public const long MaxRssKb = 512 * 1024;

    /// <summary>A case is killed after this (the issue's hangs ran for minutes); the wall-time asserts are tighter.</summary>
    public static readonly TimeSpan KillAfter = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("BQX_HOSTILE_KILL_SECONDS"), out var s) ? s : 60);

    /// <summary>The wall-time bound of a case: generous, since two cores are shared by several builds.</summary>
    public static readonly TimeSpan MaxWall = TimeSpan.FromSeconds(45);

    private static readonly object ReportGate = new();

    /// <summary>The CLI as built (src/Cli/bin/&lt;configuration&gt;/net8.0): its own deps.json, as a user runs it.</summary>
    public static string CliDll { get; } = Environment.GetEnvironmentVariable("BQX_HOSTILE_CLI") is { Length: > 0 } cli
        ? cli
        : Path.Combine(Support.RepoPaths.Root, "src", "Cli", "bin", new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name, "net8.0", "bqx-audit.dll");

    /// <summary>The <c>dotnet</c> host by its full path, so a child whose PATH a case controls still starts.</summary>
    public static string Dotnet { get; } = FindDotnet();

    /// <summary>Runs <c>bqx-audit</c> with <paramref name="args"/>.</summary>
    public static HostileResult RunCli(string name, IReadOnlyDictionary<string, string?>? environment, params string[] args) =>
        Command(name, Dotnet, new[] { CliDll }.Concat(args).ToArray(), environment);

    public static HostileResult RunCli(string name, params string[] args) => RunCli(name, null, args);

    /// <summary>Runs any command under the same measurement.</summary>
    public static HostileResult Command(string name, string file, IReadOnlyList<string> args, IReadOnlyDictionary<string, string?>? environment = null, string? workingDirectory = null)
    {
        var timeFile = Path.Combine(Path.GetTempPath(), $"bqx-hostile-time-{Guid.NewGuid():N}.txt");
        var gnuTime = File.Exists("/usr/bin/time");
        var start = new ProcessStartInfo(gnuTime ? "/usr/bin/time" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        if (gnuTime)
        {
            foreach (var a in new[] { "-f", "%x %M", "-o", timeFile, file })
            {
                start.ArgumentList.Add(a);
            }
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string?>())
        {
            start.Environment[key] = value;
        }

        var watch = Stopwatch.StartNew();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = ReadCapped(process.StandardOutput);
        var stderr = ReadCapped(process.StandardError);
        long sampled = 0;
        var timedOut = false;
        while (!process.WaitForExit(25))
        {
            sampled = Math.Max(sampled, SampleRss(process.Id, gnuTime));
            if (watch.Elapsed > KillAfter)
            {
                timedOut = true;
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                process.WaitForExit();
                break;
            }
        }

        watch.Stop();
        var output = stdout.Wait(TimeSpan.FromSeconds(10)) ? stdout.Result : "";
        var error = stderr.Wait(TimeSpan.FromSeconds(10)) ? stderr.Result : "";
        var code = process.ExitCode;
        long peak = sampled;
        if (gnuTime && File.Exists(timeFile))
        {
            var lines = File.ReadAllLines(timeFile);
            File.Delete(timeFile);
            foreach (var line in lines)
            {
                if (line.StartsWith("Command terminated by signal ", StringComparison.Ordinal)
                    && int.TryParse(line["Command terminated by signal ".Length..], out var signal))
                {
                    code = 128 + signal;
                }
            }

            var last = lines.LastOrDefault()?.Split(' ');
            if (last is { Length: 2 } && long.TryParse(last[1], out var kb))
            {
                peak = Math.Max(peak, kb);
                if (!lines.Any(l => l.StartsWith("Command terminated", StringComparison.Ordinal)) && int.TryParse(last[0], out var x))
                {
                    code = x;
                }
            }
        }

        var result = new HostileResult(name, timedOut ? -1 : code, output, error, watch.Elapsed, peak, timedOut);
        Record(result);
        return result;
    }

    /// <summary>The exit code, the bounds every repository case shares, and no trace of the canary anywhere.</summary>
    public static void AssertBounded(HostileResult r, int expectedExit, params string[] mustNotAppear)
    {
        Assert.False(r.TimedOut, r.ToString());
        Assert.True(r.ExitCode == expectedExit, $"expected exit {expectedExit}: {r}");
        Assert.True(r.Wall < MaxWall, $"over {MaxWall.TotalSeconds} s: {r}");
        Assert.True(r.PeakRssKb < MaxRssKb, $"peak RSS over 512 MB: {r}");
        Assert.DoesNotContain("Stack overflow", r.Stderr);
        Assert.DoesNotContain("   at BqxAudit.", r.Stderr); // no stack trace
        foreach (var canary in mustNotAppear)
        {
            Assert.DoesNotContain(canary, r.Combined);
        }
    }

    private static void Record(HostileResult r)
    {
        if (Environment.GetEnvironmentVariable("BQX_HOSTILE_REPORT") is not { Length: > 0 } report)
        {
            return;
        }

        lock (ReportGate)
        {
            File.AppendAllText(report, string.Create(CultureInfo.InvariantCulture,
                $"{r.Case}\t{r.ExitCode}\t{r.Wall.TotalSeconds:0.00}\t{r.PeakRssKb / 1024}\t{(r.TimedOut ? "killed" : "")}\n"));
        }
    }

    /// <summary>Peak resident memory (VmHWM, KB) of the measured process: the child of GNU time, or the process itself.</summary>
    private static long SampleRss(int pid, bool gnuTime)
    {
        try
        {
            var target = pid;
            if (gnuTime)
            {
                var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (children.Length == 0 || !int.TryParse(children[0], out target))
                {
                    return 0;
                }
            }

            foreach (var line in File.ReadLines($"/proc/{target}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    return long.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
        }

        return 0;
    }

    private static string FindDotnet()
    {
        if (Environment.ProcessPath is { } self && Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            return self;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "dotnet";
    }

    /// <summary>At most 8 MB of a stream; the rest is drained unread (a case that floods its output must not flood the test).</summary>
    private static Task<string> ReadCapped(StreamReader reader) => Task.Run(() =>
    {
        var text = new StringBuilder();
        var buffer = new char[1 << 16];
        int n;
        while ((n = reader.Read(buffer, 0, buffer.Length)) > 0)
        {
            if (text.Length < 8 << 20)
            {
                text.Append(buffer, 0, Math.Min(n, (8 << 20) - text.Length));
            }
        }

        return text.ToString();
    });
}
