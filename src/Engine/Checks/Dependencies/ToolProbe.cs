using System.Diagnostics;

namespace BqxAudit.Checks.Dependencies;

/// <summary>Where a tool is on PATH and what its <c>--version</c> said (or why there is no answer).</summary>
public sealed record ToolInfo(string Name, string? Path, string? Version, string Detail);

/// <summary>
/// Finds system tools on PATH and asks each for <c>--version</c> (5 s timeout, all at once). The PATH
/// and the timeout are injectable for tests.
/// </summary>
public class ToolProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<string, string?> environment;
    private readonly TimeSpan timeout;

    public ToolProbe(Func<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        this.environment = environment ?? Environment.GetEnvironmentVariable;
        this.timeout = timeout ?? DefaultTimeout;
    }

    public IReadOnlyDictionary<string, ToolInfo> ProbeAll(IEnumerable<string> tools, CancellationToken cancellation)
    {
        var tasks = tools.Distinct(StringComparer.Ordinal).ToDictionary(t => t, t => Task.Run(() => Probe(t, cancellation), cancellation), StringComparer.Ordinal);
        Task.WaitAll(tasks.Values.ToArray(), cancellation);
        return tasks.ToDictionary(t => t.Key, t => t.Value.Result, StringComparer.Ordinal);
    }

    public ToolInfo Probe(string tool, CancellationToken cancellation)
    {
        var path = Find(tool);
        if (path is null)
        {
            return new ToolInfo(tool, null, null, $"searched {PathEntries().Count} PATH entries");
        }

        try
        {
            var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
            start.ArgumentList.Add("--version");
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var output = process.StandardOutput.ReadToEndAsync(cancellation);
            var error = process.StandardError.ReadToEndAsync(cancellation);
            if (!process.WaitForExit(timeout))
            {
                try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
                return new ToolInfo(tool, path, null, $"found at {path}; '{tool} --version' did not answer within {timeout.TotalSeconds:0} s");
            }

            var text = (output.Result + "\n" + error.Result).Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            return process.ExitCode == 0 && text.Length > 0
                ? new ToolInfo(tool, path, text.Length > 120 ? text[..120] : text, $"found at {path}: {text}")
                : new ToolInfo(tool, path, null, $"found at {path}; '{tool} --version' exited {process.ExitCode}{(text.Length > 0 ? ": " + text : "")}");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return new ToolInfo(tool, path, null, $"found at {path} but it could not be run: {e.Message}");
        }
    }

    /// <summary>The first executable file named <paramref name="tool"/> on PATH.</summary>
    public string? Find(string tool)
    {
        if (tool.Contains('/') || tool.Contains('\\'))
        {
            return File.Exists(tool) ? tool : null;
        }

        var extensions = OperatingSystem.IsWindows() ? new[] { ".exe", ".cmd", ".bat", "" } : new[] { "" };
        foreach (var dir in PathEntries())
        {
            foreach (var ext in extensions)
            {
                var candidate = System.IO.Path.Combine(dir, tool + ext);
                if (File.Exists(candidate) && IsExecutable(candidate))
                {
                    return candidate;
                }
            }
        }

        return null;
    }

    private List<string> PathEntries() =>
        (environment("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries).ToList();

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
