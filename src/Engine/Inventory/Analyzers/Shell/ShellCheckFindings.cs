using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Shell;

/// <summary>
/// Runs ShellCheck (<c>shellcheck -f json1</c>) over the inventoried shell scripts when it is on PATH, and adds
/// its findings to each script with their SC codes and lines: an SC error is a Warning (the script is Partial),
/// an SC warning an Info finding of its own, info and style notes one Info finding per script that lists each
/// code with its lines. When ShellCheck is absent, disabled, fails, or its time budget runs out, each script it
/// did not check says so in its evidence (NotVerified: the audit's own shell rules still ran).
/// </summary>
/// <remarks>
/// The inventory starts ShellCheck (<see cref="Start"/>) as soon as it has the file list, in parallel with its own
/// analysis. Scripts go to ShellCheck in batches, as many processes at once as there are processors, run from the
/// audited root with the paths as arguments (never through a shell); the whole run has a wall-clock budget
/// (<see cref="DefaultBudget"/>) after which the processes left are killed. A script whose content ShellCheck has
/// already checked is answered from <see cref="ShellCheckCache"/> instead (same version, same arguments).
/// <c>BQXAUDIT_SHELLCHECK</c> names the executable to use, or <c>off</c> to skip it;
/// <c>BQXAUDIT_SHELLCHECK_CACHE=off</c> disables the cache. SC1091 (a sourced file not followed) is not reported.
/// </remarks>
public sealed class ShellCheckFindings : ICrossFileCheck
{
    /// <summary>Evidence detail prefix of the ShellCheck verdict for one script (the reports aggregate it).</summary>
    public const string EvidencePrefix = "shellcheck: ";

    public static readonly TimeSpan DefaultBudget = TimeSpan.FromSeconds(5);

    private const int BatchSize = 8;
    private const int MaxOutputChars = 8 * 1024 * 1024;

    private readonly string? executable;
    private readonly string? absentReason;
    private readonly TimeSpan budget;
    private readonly ShellCheckCache? cache;

    /// <summary>The arguments every run passes (before the paths); part of the cache key.</summary>
    internal static readonly string[] Arguments = { "-f", "json1", "--norc", "-e", "SC1091" };

    /// <summary>As the inventory runs it: <c>shellcheck</c> from PATH (or <c>BQXAUDIT_SHELLCHECK</c>), the default budget.</summary>
    public ShellCheckFindings()
        : this(Environment.GetEnvironmentVariable)
    {
    }

    internal ShellCheckFindings(Func<string, string?> environment)
    {
        budget = DefaultBudget;
        var setting = environment("BQXAUDIT_SHELLCHECK");
        if (setting is "off" or "0" or "none" or "false")
        {
            absentReason = "ShellCheck was not run (BQXAUDIT_SHELLCHECK=off)";
            return;
        }

        executable = string.IsNullOrWhiteSpace(setting) ? FindOnPath("shellcheck", environment("PATH")) : setting;
        cache = ShellCheckCache.FromEnvironment(environment);
        if (executable is null)
        {
            absentReason = "ShellCheck is not on PATH (Debian: apt-get install shellcheck): its findings are not verified; the audit's own shell rules ran";
        }
    }

    /// <summary>With a given executable (null: absent), budget and cache (null: none).</summary>
    public ShellCheckFindings(string? executable, TimeSpan budget, ShellCheckCache? cache = null)
    {
        this.executable = executable;
        this.budget = budget;
        this.cache = cache;
        absentReason = executable is null ? "ShellCheck is not on PATH (Debian: apt-get install shellcheck): its findings are not verified; the audit's own shell rules ran" : null;
    }

    public void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository) => Check(records, repository, null, null);

    /// <summary>
    /// Starts ShellCheck at once, in the background, over the given paths (those the file names call shell
    /// scripts): it needs only the file list, so it runs while the rest of the inventory is analyzed. Null when
    /// ShellCheck is absent or disabled. <see cref="Check(IReadOnlyList{ScriptRecord}, RepositoryIndex, Started?, Action{string}?)"/>
    /// joins its answers and checks the shell scripts it was not given (found by their shebang) then.
    /// </summary>
    public Started? Start(string root, IEnumerable<string> paths, CancellationToken cancel)
    {
        if (executable is null)
        {
            return null;
        }

        var list = paths.Distinct(StringComparer.Ordinal).Where(p => Checkable(root, p)).ToList();
        var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var clock = Stopwatch.StartNew();
        var notes = new List<string>();
        Task<string>? version = null;
        Task<Dictionary<string, Outcome>> results;
        if (list.Count == 0)
        {
            results = Task.FromResult(new Dictionary<string, Outcome>(StringComparer.Ordinal));
        }
        else
        {
            var probe = version = Task.Run(() => Version(executable));
            results = Task.Run(() => Execute(root, list, probe.Result, clock, notes, stop.Token));
        }

        return new Started(list, version, results, notes, clock, stop);
    }

    /// <summary>Joins the answers of a run <see cref="Start"/> began (null: none) and writes the cache's notes to <paramref name="verbose"/>.</summary>
    public void Check(IReadOnlyList<ScriptRecord> records, RepositoryIndex repository, Started? started, Action<string>? verbose)
    {
        // ShellCheck opens the files itself: hand it only those our own safe read would open (regular
        // files inside the root, under the size cap), never a link to /dev/zero or a FIFO.
        var scripts = records.Where(r => r.Kind == ScriptKind.Shell && r.Status != ScriptStatus.Missing && Checkable(repository.Root, r.Path))
            .ToList();
        if (scripts.Count == 0)
        {
            return;
        }

        if (executable is null)
        {
            foreach (var s in scripts)
            {
                s.Evidence.Add(new Evidence("command", "PATH lookup shellcheck", EvidencePrefix + "NotVerified: " + absentReason));
            }

            return;
        }

        using var own = started is null ? Start(repository.Root, Array.Empty<string>(), CancellationToken.None) : null;
        var run = started ?? own!;
        var outcome = run.Results.GetAwaiter().GetResult();
        var version = run.Version is null ? Version(executable) : run.Version.GetAwaiter().GetResult();
        var rest = scripts.Select(s => s.Path).Where(p => !outcome.ContainsKey(p)).Distinct(StringComparer.Ordinal).ToList();
        if (rest.Count > 0)
        {
            foreach (var (path, answer) in Execute(repository.Root, rest, version, run.Clock, run.Notes, run.Stop.Token))
            {
                outcome[path] = answer;
            }
        }

        lock (run.Notes)
        {
            foreach (var note in run.Notes)
            {
                verbose?.Invoke(note);
            }

            run.Notes.Clear();
        }

        foreach (var script in scripts)
        {
            var (comments, problem) = outcome.TryGetValue(script.Path, out var o) ? o : new Outcome(null, "not run: ShellCheck was not given this script");
            if (comments is null)
            {
                script.Evidence.Add(new Evidence("command", $"{executable} -f json1", EvidencePrefix + "NotVerified: " + problem));
                continue;
            }

            Apply(script, comments, version);
        }
    }

    private static bool Checkable(string root, string path) =>
        SafeFile.Check(Path.Combine(root, path), root, SafeFile.DefaultMaxBytes) is null;

    /// <summary>ShellCheck's answer per path: from the cache where the content is known, else from batches run in parallel.</summary>
    private Dictionary<string, Outcome> Execute(string root, List<string> paths, string version, Stopwatch clock, List<string> notes, CancellationToken cancel)
    {
        void Note(string text)
        {
            lock (notes)
            {
                notes.Add(text);
            }
        }

        var result = new Dictionary<string, Outcome>(StringComparer.Ordinal);
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        var pending = new List<string>();
        var cacheable = cache is not null && !version.StartsWith('(');
        foreach (var path in paths)
        {
            if (cacheable && Content(root, path) is { } content)
            {
                var key = ShellCheckCache.Key(version, Arguments, path, content);
                keys[path] = key;
                if (cache!.TryGet(key, Note) is { } hit)
                {
                    result[path] = new Outcome(hit, null);
                    continue;
                }
            }

            pending.Add(path);
        }

        if (pending.Count == 0)
        {
            return result;
        }

        // At most BatchSize a process, and at least three batches a processor, so the last batch does not run alone.
        var size = Math.Clamp((pending.Count + (3 * Environment.ProcessorCount) - 1) / (3 * Environment.ProcessorCount), 1, BatchSize);
        var batches = pending.Chunk(size).ToList();
        var outcome = new (Dictionary<string, List<Comment>>? Comments, string? Problem)[batches.Count];
        var next = -1;
        var workers = Enumerable.Range(0, Math.Max(1, Math.Min(Environment.ProcessorCount, batches.Count))).Select(_ => Task.Run(() =>
        {
            for (var b = Interlocked.Increment(ref next); b < batches.Count; b = Interlocked.Increment(ref next))
            {
                var left = budget - clock.Elapsed;
                outcome[b] = left <= TimeSpan.Zero
                    ? (null, $"not run: ShellCheck's time budget of {budget.TotalSeconds:0.#} s was used up by the other scripts")
                    : RunBatch(root, batches[b], left, cancel);
            }
        })).ToArray();
        Task.WaitAll(workers);

        for (var b = 0; b < batches.Count; b++)
        {
            var (comments, problem) = outcome[b];
            foreach (var path in batches[b])
            {
                if (comments is null)
                {
                    result[path] = new Outcome(null, problem);
                    continue;
                }

                var mine = comments.TryGetValue(path, out var list) ? list : new List<Comment>();
                result[path] = new Outcome(mine, null);

                // Stored only when the content is still the one the key names (the file may have changed meanwhile).
                if (keys.TryGetValue(path, out var key) && Content(root, path) is { } now && ShellCheckCache.Key(version, Arguments, path, now) == key)
                {
                    cache!.Put(key, mine, Note);
                }
            }
        }

        cache?.Trim(Note);
        return result;
    }

    private static byte[]? Content(string root, string path)
    {
        try
        {
            return SafeFile.ReadAllBytes(Path.Combine(root, path), root, SafeFile.DefaultMaxBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static void Apply(ScriptRecord script, List<Comment> comments, string version)
    {
        var notes = new SortedDictionary<int, List<int>>();
        foreach (var c in comments.OrderBy(c => c.Line).ThenBy(c => c.Code))
        {
            var location = $"{script.Path}:{Math.Max(1, c.Line)}";
            switch (c.Level)
            {
                case "error":
                    script.Findings.Add(new Finding($"shellcheck.SC{c.Code}", FindingSeverity.Warning, $"SC{c.Code} (error): {c.Message}", location));
                    break;
                case "warning":
                    script.Findings.Add(new Finding($"shellcheck.SC{c.Code}", FindingSeverity.Info, $"SC{c.Code} (warning): {c.Message}", location));
                    break;
                default:
                    if (!notes.TryGetValue(c.Code, out var lines))
                    {
                        notes[c.Code] = lines = new List<int>();
                    }

                    if (!lines.Contains(c.Line))
                    {
                        lines.Add(c.Line);
                    }

                    break;
            }
        }

        if (notes.Count > 0)
        {
            var first = notes.Values.SelectMany(l => l).Min();
            var text = string.Join("; ", notes.Select(n => $"SC{n.Key} at line{(n.Value.Count == 1 ? "" : "s")} {string.Join(", ", n.Value)}"));
            script.Findings.Add(new Finding("shellcheck.style", FindingSeverity.Info, $"ShellCheck info and style notes: {text}", $"{script.Path}:{Math.Max(1, first)}"));
        }

        var errors = comments.Count(c => c.Level == "error");
        var warnings = comments.Count(c => c.Level == "warning");
        script.Evidence.Add(new Evidence("command", $"shellcheck -f json1 {script.Path}",
            $"{EvidencePrefix}ShellCheck {version}: {errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}, {comments.Count - errors - warnings} info/style"));
    }

    private (Dictionary<string, List<Comment>>?, string?) RunBatch(string root, string[] paths, TimeSpan left, CancellationToken cancel)
    {
        var start = new ProcessStartInfo(executable!)
        {
            WorkingDirectory = root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in Arguments)
        {
            start.ArgumentList.Add(a);
        }

        foreach (var p in paths)
        {
            start.ArgumentList.Add(p.StartsWith('-') ? "./" + p : p);
        }

        Process? process;
        try
        {
            process = Process.Start(start);
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
        {
            return (null, $"ShellCheck could not start ({executable}): {e.Message}");
        }

        if (process is null)
        {
            return (null, $"ShellCheck could not start ({executable})");
        }

        using (process)
        {
            process.StandardInput.Close();
            var stdout = ReadLimited(process.StandardOutput);
            var stderr = process.StandardError.ReadToEndAsync();
            bool exited;
            using (var limit = CancellationTokenSource.CreateLinkedTokenSource(cancel))
            {
                limit.CancelAfter(left);
                try
                {
                    process.WaitForExitAsync(limit.Token).GetAwaiter().GetResult();
                    exited = true;
                }
                catch (OperationCanceledException)
                {
                    exited = false;
                }
            }

            if (!exited || !stdout.Wait(TimeSpan.FromSeconds(2)))
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
                {
                    // Already gone.
                }

                return (null, cancel.IsCancellationRequested ? "not run: the inventory was cancelled" : $"not run: ShellCheck's time budget of {budget.TotalSeconds:0.#} s was used up");
            }

            var output = stdout.Result;
            if (process.ExitCode > 1 || output.Length == 0)
            {
                var first = stderr.Wait(TimeSpan.FromSeconds(1)) ? stderr.Result.Split('\n').FirstOrDefault(l => l.Trim().Length > 0) : null;
                return (null, $"ShellCheck failed (exit code {process.ExitCode}){(first is null ? "" : ": " + first.Trim())}");
            }

            return Parse(output);
        }
    }

    private static async Task<string> ReadLimited(StreamReader reader)
    {
        var sb = new StringBuilder();
        var buffer = new char[16384];
        int n;
        while ((n = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (sb.Length < MaxOutputChars)
            {
                sb.Append(buffer, 0, Math.Min(n, MaxOutputChars - sb.Length));
            }
        }

        return sb.ToString();
    }

    internal static (Dictionary<string, List<Comment>>?, string?) Parse(string json)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            if (!doc.RootElement.TryGetProperty("comments", out var comments) || comments.ValueKind != JsonValueKind.Array)
            {
                return (null, "ShellCheck's output has no comments list");
            }

            var result = new Dictionary<string, List<Comment>>(StringComparer.Ordinal);
            foreach (var c in comments.EnumerateArray())
            {
                if (c.ValueKind != JsonValueKind.Object || !c.TryGetProperty("file", out var file) || file.ValueKind != JsonValueKind.String)
                {
                    continue;
                }

                var path = file.GetString()!;
                path = path.StartsWith("./", StringComparison.Ordinal) ? path[2..] : path;
                var comment = new Comment(
                    c.TryGetProperty("line", out var line) && line.TryGetInt32(out var l) ? l : 1,
                    c.TryGetProperty("code", out var code) && code.TryGetInt32(out var k) ? k : 0,
                    c.TryGetProperty("level", out var level) && level.ValueKind == JsonValueKind.String ? level.GetString()! : "info",
                    c.TryGetProperty("message", out var message) && message.ValueKind == JsonValueKind.String ? message.GetString()! : "");
                if (!result.TryGetValue(path, out var list))
                {
                    result[path] = list = new List<Comment>();
                }

                list.Add(comment);
            }

            return (result, null);
        }
        catch (JsonException e)
        {
            return (null, $"ShellCheck's output is not JSON ({e.Message})");
        }
    }

    private static string Version(string executable)
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo(executable, "--version") { RedirectStandardOutput = true, UseShellExecute = false });
            if (p is null)
            {
                return "(version unknown)";
            }

            var read = p.StandardOutput.ReadToEndAsync();
            if (!p.WaitForExit(2000) || !read.Wait(1000))
            {
                p.Kill(entireProcessTree: true);
                return "(version unknown)";
            }

            var text = read.Result;
            var line = text.Split('\n').FirstOrDefault(l => l.StartsWith("version:", StringComparison.Ordinal));
            return line is null ? "(version unknown)" : line["version:".Length..].Trim();
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException)
        {
            return "(version unknown)";
        }
    }

    private static string? FindOnPath(string name, string? path)
    {
        foreach (var dir in (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    internal sealed record Comment(int Line, int Code, string Level, string Message);

    internal readonly record struct Outcome(List<Comment>? Comments, string? Problem);

    /// <summary>A ShellCheck run begun by <see cref="Start"/>; disposing it stops what is still running.</summary>
    public sealed class Started : IDisposable
    {
        internal Started(List<string> paths, Task<string>? version, Task<Dictionary<string, Outcome>> results, List<string> notes, Stopwatch clock, CancellationTokenSource stop)
        {
            Paths = paths;
            Version = version;
            Results = results;
            Notes = notes;
            Clock = clock;
            Stop = stop;
        }

        /// <summary>The scripts it was given.</summary>
        public IReadOnlyList<string> Paths { get; }

        /// <summary>The version probe, begun only when there were paths to check.</summary>
        internal Task<string>? Version { get; }

        internal Task<Dictionary<string, Outcome>> Results { get; }

        internal List<string> Notes { get; }

        internal Stopwatch Clock { get; }

        internal CancellationTokenSource Stop { get; }

        public void Dispose()
        {
            Stop.Cancel();
            Stop.Dispose();
        }
    }
}
