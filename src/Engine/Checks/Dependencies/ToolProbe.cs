using System.Diagnostics;

namespace BqxAudit.Checks.Dependencies;

/// <summary>Where a tool is on PATH and what its <c>--version</c> said (or why there is no answer; <paramref name="VersionAsked"/> false: it was only located).</summary>
public sealed record ToolInfo(string Name, string? Path, string? Version, string Detail, bool VersionAsked = true);

/// <summary>What one run of a tool said: its exit code and its standard output, a newline, its standard error.</summary>
public sealed record ToolRun(int ExitCode, string Output);

/// <summary>
/// Runs the tool at <c>path</c> with <c>arguments</c> and no input; null when it did not finish within
/// <c>timeout</c> (it is then killed). Throws what starting a process throws (Win32Exception, IOException).
/// </summary>
public delegate ToolRun? ToolRunner(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellation);

/// <summary>
/// Finds system tools on PATH and asks each for <c>--version</c> (5 s timeout, all at once). The PATH
/// (the environment), the timeout and the runner of the version probes are injectable: a test hands a
/// folder of fake tools and a runner that answers for them, so its results never depend on the machine's
/// tools or on how fast they answer.
/// </summary>
public class ToolProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly Func<string, string?> environment;
    private readonly TimeSpan timeout;
    private readonly ToolRunner runner;

    public ToolProbe(Func<string, string?>? environment = null, TimeSpan? timeout = null, ToolRunner? runner = null)
    {
        this.environment = environment ?? Environment.GetEnvironmentVariable;
        this.timeout = timeout ?? DefaultTimeout;
        this.runner = runner ?? RunProcess;
    }

    /// <summary>
    /// Probes every tool at once on its own thread: each probe blocks on a child process for up to the
    /// timeout, and thread-pool threads would be injected one by one (seconds on a 2-core machine).
    /// </summary>
    public IReadOnlyDictionary<string, ToolInfo> ProbeAll(IEnumerable<string> tools, CancellationToken cancellation)
    {
        var names = tools.Distinct(StringComparer.Ordinal).ToArray();
        if (SdkMembers(names) is { Count: > 0 } members)
        {
            // The SDK's version files, or else one gcloud run (most of a second), answer for the SDK's tools, alongside the other probes.
            Dictionary<string, ToolInfo>? sdk = null;
            var gcloud = new Thread(() => sdk = SdkComponents(members, cancellation)) { IsBackground = true, Name = "probe gcloud" };
            gcloud.Start();
            var rest = ProbeAll(names.Where(n => n != "gcloud" && !members.Contains(n)), cancellation);
            gcloud.Join();
            cancellation.ThrowIfCancellationRequested();
            return rest.Concat(sdk!).ToDictionary(x => x.Key, x => x.Value, StringComparer.Ordinal);
        }

        var results = new ToolInfo[names.Length];
        var threads = names.Select((name, i) => new Thread(() =>
        {
            results[i] = Probe(name, cancellation);
            BqxAudit.Hosting.StartupTrace.Mark($"probe: {name} answered");
        }) { IsBackground = true, Name = $"probe {name}" }).ToArray();
        foreach (var t in threads)
        {
            t.Start();
        }

        foreach (var t in threads)
        {
            t.Join();
        }

        cancellation.ThrowIfCancellationRequested();
        return names.Select((n, i) => (n, results[i])).ToDictionary(x => x.n, x => x.Item2, StringComparer.Ordinal);
    }

    public ToolInfo Probe(string tool, CancellationToken cancellation) => Probe(tool, cancellation, full: false).Info;

    /// <summary>Where a tool is on PATH, without running it: the version is not asked (<paramref name="why"/> says why).</summary>
    public ToolInfo Locate(string tool, string why) => Find(tool) is { } path
        ? new ToolInfo(tool, path, null, $"found at {path}; its version was not asked: {why}", VersionAsked: false)
        : new ToolInfo(tool, null, null, $"searched {PathEntries().Count} PATH entries");

    /// <summary>bq and gsutil when they live in the SDK folder of a gcloud among <paramref name="names"/> (one gcloud run answers for them).</summary>
    public IReadOnlyList<string> SdkCompanions(IEnumerable<string> names)
    {
        if (!names.Contains("gcloud", StringComparer.Ordinal) || Find("gcloud") is not { } gcloud)
        {
            return Array.Empty<string>();
        }

        var sdkBin = System.IO.Path.GetDirectoryName(RealPath(gcloud));
        return new[] { "bq", "gsutil" }.Where(n => Find(n) is { } p && System.IO.Path.GetDirectoryName(RealPath(p)) == sdkBin).ToList();
    }

    private (ToolInfo Info, string Output) Probe(string tool, CancellationToken cancellation, bool full)
    {
        var path = Find(tool);
        if (path is null)
        {
            return (new ToolInfo(tool, null, null, $"searched {PathEntries().Count} PATH entries"), "");
        }

        try
        {
            if (runner(path, VersionArguments, timeout, cancellation) is not { } run)
            {
                return (new ToolInfo(tool, path, null, $"found at {path}; '{tool} --version' did not answer within {timeout.TotalSeconds:0} s"), "");
            }

            var all = run.Output;
            var text = all.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
            var info = run.ExitCode == 0 && text.Length > 0
                ? new ToolInfo(tool, path, text.Length > 120 ? text[..120] : text, $"found at {path}: {text}")
                : new ToolInfo(tool, path, null, $"found at {path}; '{tool} --version' exited {run.ExitCode}{(text.Length > 0 ? ": " + text : "")}");
            return (info, full ? all : "");
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException or IOException)
        {
            return (new ToolInfo(tool, path, null, $"found at {path} but it could not be run: {e.Message}"), "");
        }
    }

    private static readonly string[] VersionArguments = { "--version" };

    /// <summary>The runner of a real probe: the tool as a child process, killed (with its children) at the timeout.</summary>
    private static ToolRun? RunProcess(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellation)
    {
        var start = new ProcessStartInfo(path) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = StartWithRetry(start);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync(cancellation);
        var error = process.StandardError.ReadToEndAsync(cancellation);
        if (!process.WaitForExit(timeout))
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            return null;
        }

        return new ToolRun(process.ExitCode, output.Result + "\n" + error.Result);
    }

    /// <summary>
    /// bq and gsutil of a Google Cloud SDK install report their versions through <c>gcloud --version</c>
    /// (<c>bq --version</c> is not even a valid flag): when they live in gcloud's SDK folder, one gcloud
    /// run answers for all three.
    /// </summary>
    private Dictionary<string, ToolInfo> SdkComponents(IReadOnlyList<string> members, CancellationToken cancellation)
    {
        if (SdkFiles(members) is { } read)
        {
            BqxAudit.Hosting.StartupTrace.Mark("probe: gcloud's SDK files read");
            return read;
        }

        var found = new Dictionary<string, ToolInfo>(StringComparer.Ordinal);
        var probe = Probe("gcloud", cancellation, full: true);
        BqxAudit.Hosting.StartupTrace.Mark("probe: gcloud answered");
        found["gcloud"] = probe.Info;
        foreach (var member in members)
        {
            var line = probe.Output.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith(member + " ", StringComparison.Ordinal));
            var path = Find(member)!;
            found[member] = line is null
                ? new ToolInfo(member, path, null, $"found at {path}; 'gcloud --version' lists no {member} component")
                : new ToolInfo(member, path, line, $"found at {path}: {line} (from 'gcloud --version' of the same SDK)");
        }

        return found;
    }

    /// <summary>
    /// The versions <c>gcloud --version</c> would print, read from the files it prints them from: the SDK's
    /// <c>lib/googlecloudsdk/core/config.json</c> ("version", the "Google Cloud SDK" line) and, for bq and gsutil,
    /// <c>platform/&lt;tool&gt;/VERSION</c> (what each tool reports of itself). gcloud is a Python program that takes
    /// most of a second to print them; reading them takes a millisecond. Null, and gcloud is run, when gcloud
    /// does not resolve to <c>&lt;sdk&gt;/bin/gcloud</c> or any of the files is missing, large or not a version.
    /// </summary>
    private Dictionary<string, ToolInfo>? SdkFiles(IReadOnlyList<string> members)
    {
        if (Find("gcloud") is not { } gcloud || System.IO.Path.GetDirectoryName(RealPath(gcloud)) is not { } bin
            || System.IO.Path.GetFileName(bin) != "bin" || System.IO.Path.GetDirectoryName(bin) is not { } sdk)
        {
            return null;
        }

        var config = System.IO.Path.Combine(sdk, "lib", "googlecloudsdk", "core", "config.json");
        if (SdkVersion(config, json: true) is not { } version)
        {
            return null;
        }

        var found = new Dictionary<string, ToolInfo>(StringComparer.Ordinal)
        {
            ["gcloud"] = new ToolInfo("gcloud", gcloud, $"Google Cloud SDK {version}", $"found at {gcloud}: Google Cloud SDK {version} (the version 'gcloud --version' prints, read from {config})"),
        };
        foreach (var member in members)
        {
            var file = System.IO.Path.Combine(sdk, "platform", member, "VERSION");
            if (SdkVersion(file, json: false) is not { } own)
            {
                return null;
            }

            var path = Find(member)!;
            found[member] = new ToolInfo(member, path, $"{member} {own}", $"found at {path}: {member} {own} (read from {file} of the same SDK, the version it reports)");
        }

        return found;
    }

    /// <summary>A version read from a small regular file: its "version" member (<paramref name="json"/>) or its whole text; null when there is none.</summary>
    private static string? SdkVersion(string file, bool json)
    {
        try
        {
            var bytes = BqxAudit.Inventory.SafeFile.ReadAllBytes(file, maxBytes: 64 * 1024);
            string? text;
            if (json)
            {
                using var document = System.Text.Json.JsonDocument.Parse(bytes);
                text = document.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                    && document.RootElement.TryGetProperty("version", out var v) && v.ValueKind == System.Text.Json.JsonValueKind.String ? v.GetString() : null;
            }
            else
            {
                text = System.Text.Encoding.UTF8.GetString(bytes);
            }

            text = text?.Trim();
            return text is { Length: > 0 and <= 40 } && char.IsAsciiDigit(text[0]) && text.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '+') ? text : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>bq and gsutil among <paramref name="names"/> that live in the SDK folder of a gcloud also among them; empty when gcloud is not asked for.</summary>
    private List<string> SdkMembers(string[] names)
    {
        if (!names.Contains("gcloud") || Find("gcloud") is not { } gcloud)
        {
            return new List<string>();
        }

        var sdkBin = System.IO.Path.GetDirectoryName(RealPath(gcloud));
        return names.Where(n => n is "bq" or "gsutil" && Find(n) is { } p && System.IO.Path.GetDirectoryName(RealPath(p)) == sdkBin).ToList();
    }

    private static string RealPath(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }

    /// <summary>Starts a process, retrying briefly on ETXTBSY (a file just written, still held open by another process).</summary>
    private static Process StartWithRetry(ProcessStartInfo start)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return Process.Start(start)!;
            }
            catch (System.ComponentModel.Win32Exception e) when (e.NativeErrorCode == 26 && attempt < 4)
            {
                Thread.Sleep(50 * attempt);
            }
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
