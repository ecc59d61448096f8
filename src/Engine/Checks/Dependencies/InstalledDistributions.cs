using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace BqxAudit.Checks.Dependencies;

/// <summary>One installed distribution: its name and version, and where that was read.</summary>
public sealed class InstalledDistribution
{
    public InstalledDistribution(string rawName, string version, string location)
    {
        RawName = rawName;
        Name = PackageName.Normalize(rawName);
        Version = version;
        ParsedVersion = Pep440Version.TryParse(version, out var v) ? v : null;
        Location = location;
    }

    /// <summary>The PEP 503 normalised name.</summary>
    public string Name { get; }

    public string RawName { get; }

    /// <summary>The version as the metadata states it.</summary>
    public string Version { get; }

    /// <summary>The version as PEP 440, or null when it is not one.</summary>
    public Pep440Version? ParsedVersion { get; }

    /// <summary>The metadata file (site-packages) or the distribution's folder (interpreter).</summary>
    public string Location { get; }

    /// <summary>
    /// The modules and packages it provides, as dotted names up to three levels deep (<c>google</c>,
    /// <c>google.cloud</c>, <c>google.cloud.bigquery</c>), from its <c>top_level.txt</c> and <c>RECORD</c>; empty when
    /// neither was readable.
    /// </summary>
    public IReadOnlyList<string> Modules { get; init; } = Array.Empty<string>();

    public override string ToString() => $"{RawName} {Version}";
}

/// <summary>What is installed in one Python environment, and what went wrong reading it.</summary>
public sealed class InstalledEnvironment
{
    private readonly Dictionary<string, InstalledDistribution> byName;

    public InstalledEnvironment(string source, IReadOnlyList<InstalledDistribution> distributions, IReadOnlyList<DependencyDiagnostic> diagnostics, IReadOnlyDictionary<string, string>? markerEnvironment = null)
    {
        Source = source;
        Distributions = distributions;
        Diagnostics = diagnostics;
        MarkerEnvironment = markerEnvironment;
        byName = new Dictionary<string, InstalledDistribution>(StringComparer.Ordinal);
        foreach (var d in distributions)
        {
            byName.TryAdd(d.Name, d);
        }
    }

    /// <summary>The site-packages folder or the interpreter that was asked.</summary>
    public string Source { get; }

    /// <summary>Sorted by name; the first of a name is the one Python imports.</summary>
    public IReadOnlyList<InstalledDistribution> Distributions { get; }

    public IReadOnlyList<DependencyDiagnostic> Diagnostics { get; }

    /// <summary>The interpreter's PEP 508 marker variables (null for a site-packages folder).</summary>
    public IReadOnlyDictionary<string, string>? MarkerEnvironment { get; }

    /// <summary>The distribution of a name (any spelling), or null.</summary>
    public InstalledDistribution? Find(string name) => byName.TryGetValue(PackageName.Normalize(name), out var d) ? d : null;

    private Dictionary<string, List<InstalledDistribution>>? providers;

    /// <summary>
    /// What <c>importlib.metadata.packages_distributions()</c> answers, one level finer: the distributions that
    /// provide the longest dotted prefix of <paramref name="module"/> any of them lists, with that prefix; empty
    /// when none does. A namespace (<c>google.cloud</c>) has many providers; a sub-package one.
    /// </summary>
    public (string? Prefix, IReadOnlyList<InstalledDistribution> Providers) ProvidersOf(string module)
    {
        if (providers is null)
        {
            var map = new Dictionary<string, List<InstalledDistribution>>(StringComparer.Ordinal);
            foreach (var d in Distributions)
            {
                foreach (var m in d.Modules)
                {
                    if (!map.TryGetValue(m, out var list))
                    {
                        map[m] = list = new List<InstalledDistribution>();
                    }

                    if (!list.Contains(d))
                    {
                        list.Add(d);
                    }
                }
            }

            providers = map;
        }

        for (var candidate = module; candidate.Length > 0;)
        {
            if (providers.TryGetValue(candidate, out var found))
            {
                return (candidate, found);
            }

            var dot = candidate.LastIndexOf('.');
            if (dot < 0)
            {
                break;
            }

            candidate = candidate[..dot];
        }

        return (null, Array.Empty<InstalledDistribution>());
    }
}

/// <summary>The modules a distribution provides, from its metadata folder's top_level.txt and RECORD.</summary>
internal static class ModuleNames
{
    private const int MaxRecordLines = 200_000;
    private const int MaxModules = 500;
    private const int Depth = 3;

    public static IReadOnlyList<string> FromFolder(string metadataFolder)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        try
        {
            var topLevel = Path.Combine(metadataFolder, "top_level.txt");
            if (File.Exists(topLevel))
            {
                foreach (var line in File.ReadLines(topLevel).Take(1000))
                {
                    var n = line.Trim().Replace('/', '.');
                    if (n.Length > 0 && n.Split('.').All(IsIdentifier))
                    {
                        names.Add(n);
                    }
                }
            }

            var record = Path.Combine(metadataFolder, "RECORD");
            if (File.Exists(record))
            {
                foreach (var line in File.ReadLines(record).Take(MaxRecordLines))
                {
                    var path = line.StartsWith('"') ? line[1..Math.Max(1, line.IndexOf('"', 1))] : line.Split(',')[0];
                    AddPath(names, path);
                    if (names.Count >= MaxModules)
                    {
                        break;
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: the table decides for this distribution's imports.
        }

        return names.Take(MaxModules).ToList();
    }

    /// <summary>Adds the dotted prefixes of a file path of a wheel's RECORD (<c>google/cloud/bigquery/client.py</c>).</summary>
    internal static void AddPath(ISet<string> names, string path)
    {
        path = path.Replace('\\', '/');
        if (path.StartsWith("..", StringComparison.Ordinal) || path.Contains(".dist-info/", StringComparison.Ordinal) ||
            path.Contains(".egg-info/", StringComparison.Ordinal) || path.Contains("__pycache__", StringComparison.Ordinal) ||
            !(path.EndsWith(".py", StringComparison.Ordinal) || path.EndsWith(".so", StringComparison.Ordinal) || path.EndsWith(".pyd", StringComparison.Ordinal)))
        {
            return;
        }

        var parts = path.Split('/').ToList();
        var file = parts[^1];
        parts.RemoveAt(parts.Count - 1);
        var stem = file[..file.IndexOf('.')];
        if (stem != "__init__")
        {
            parts.Add(stem);
        }

        for (var k = 1; k <= Math.Min(parts.Count, Depth); k++)
        {
            if (!IsIdentifier(parts[k - 1]))
            {
                return;
            }

            names.Add(string.Join('.', parts.Take(k)));
        }
    }

    private static bool IsIdentifier(string s) => s.Length > 0 && (char.IsLetter(s[0]) || s[0] == '_') && s.All(c => char.IsLetterOrDigit(c) || c == '_');
}

/// <summary>
/// Reads what is installed in a site-packages folder without running Python: every
/// <c>*.dist-info/METADATA</c>, <c>*.egg-info/PKG-INFO</c> and single-file <c>*.egg-info</c>, taking
/// <c>Name:</c> and <c>Version:</c> from the RFC 822-style header block (up to the first blank
/// line; indented lines continue a header). A broken file is a diagnostic naming it; the rest is read.
/// </summary>
public static class SitePackagesReader
{
    public static InstalledEnvironment Read(string sitePackages)
    {
        var diagnostics = new List<DependencyDiagnostic>();
        var found = new List<InstalledDistribution>();
        var shown = sitePackages.Replace('\\', '/').TrimEnd('/');
        IEnumerable<string> entries;
        try
        {
            entries = Directory.EnumerateFileSystemEntries(sitePackages).OrderBy(e => e, StringComparer.Ordinal).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.FileUnreadable, shown, 0, $"cannot list the site-packages folder: {e.Message}"));
            return new InstalledEnvironment(shown, found, diagnostics);
        }

        foreach (var entry in entries)
        {
            var name = Path.GetFileName(entry);
            string metadataPath;
            if (name.EndsWith(".dist-info", StringComparison.OrdinalIgnoreCase) && Directory.Exists(entry))
            {
                metadataPath = Path.Combine(entry, "METADATA");
            }
            else if (name.EndsWith(".egg-info", StringComparison.OrdinalIgnoreCase))
            {
                metadataPath = Directory.Exists(entry) ? Path.Combine(entry, "PKG-INFO") : entry;
            }
            else
            {
                continue;
            }

            var display = $"{shown}/{Path.GetRelativePath(sitePackages, metadataPath).Replace('\\', '/')}";
            if (ReadMetadata(metadataPath, display, diagnostics) is { } dist)
            {
                found.Add(Directory.Exists(entry) ? new InstalledDistribution(dist.RawName, dist.Version, dist.Location) { Modules = ModuleNames.FromFolder(entry) } : dist);
            }
        }

        foreach (var twice in found.GroupBy(d => d.Name).Where(g => g.Count() > 1))
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.MetadataInvalid, shown, 0,
                $"'{twice.Key}' is installed more than once ({string.Join(", ", twice.Select(d => $"{d.Version} in {d.Location}"))})",
                Severity: DependencyDiagnosticSeverity.Warning));
        }

        return new InstalledEnvironment(shown, found.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), diagnostics);
    }

    private static InstalledDistribution? ReadMetadata(string path, string display, List<DependencyDiagnostic> diagnostics)
    {
        byte[] bytes;
        try
        {
            bytes = Inventory.SafeFile.ReadAllBytes(path, maxBytes: Inventory.SafeFile.ManifestMaxBytes); // METADATA of a site-packages folder: regular files, capped
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.MetadataInvalid, display, 0,
                e is FileNotFoundException or DirectoryNotFoundException ? "the metadata file is missing" : $"cannot read the metadata file: {e.Message}"));
            return null;
        }

        var text = Inventory.TextDecoding.Decode(bytes, out _);
        var headers = new Dictionary<string, (string Value, int Line)>(StringComparer.OrdinalIgnoreCase);
        string? last = null;
        foreach (var (n, line) in ManifestFiles.Lines(text))
        {
            if (line.Length == 0)
            {
                break; // the body (long description) follows
            }

            if (line[0] is ' ' or '\t')
            {
                if (last is not null)
                {
                    var (value, at) = headers[last];
                    headers[last] = (value + "\n" + line.Trim(), at);
                }

                continue;
            }

            var colon = line.IndexOf(':');
            if (colon <= 0 || line[..colon].Any(char.IsWhiteSpace))
            {
                diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.MetadataInvalid, display, n,
                    $"'{line}' is not a 'Header: value' line", Severity: DependencyDiagnosticSeverity.Warning));
                last = null;
                continue;
            }

            last = line[..colon];
            headers.TryAdd(last, (line[(colon + 1)..].Trim(), n));
            if (headers[last].Line != n)
            {
                last = null; // a repeated header (Classifier, Requires-Dist): only the first matters here
            }
        }

        var missing = new[] { "Name", "Version" }.Where(h => !headers.TryGetValue(h, out var v) || v.Value.Length == 0).ToList();
        if (missing.Count > 0)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.MetadataInvalid, display, 0,
                $"no {string.Join(" and no ", missing.Select(m => m + ":"))} header; distribution not read"));
            return null;
        }

        var dist = new InstalledDistribution(headers["Name"].Value, headers["Version"].Value, display);
        if (dist.ParsedVersion is null)
        {
            diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.VersionNotPep440, display, headers["Version"].Line,
                $"version '{dist.Version}' of '{dist.RawName}' is not PEP 440; it cannot be compared", Severity: DependencyDiagnosticSeverity.Warning));
        }

        return dist;
    }
}

/// <summary>
/// Asks a Python interpreter what is installed: runs <c>&lt;python&gt; -c &lt;script&gt;</c> once,
/// which prints JSON of <c>importlib.metadata.distributions()</c> (name, version, path) and the
/// interpreter's PEP 508 marker variables. The current folder is taken off <c>sys.path</c> so
/// stray metadata there is not reported. A timeout (default 10 s) kills the process tree; a
/// failure to start, a non-zero exit (the message quotes stderr's first line, and for a Python
/// traceback its last line too) or output that is not the expected JSON is a diagnostic.
/// </summary>
public static class PythonEnvironmentProbe
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private const int TextFileBusy = 26; // ETXTBSY on Linux

    internal const string Script = """
        import json, os, sys, platform
        sys.path[:] = [p for p in sys.path if p not in ('', os.getcwd())]
        from importlib import metadata
        out = []
        for d in metadata.distributions():
            try:
                name, version = d.metadata['Name'], d.version
            except Exception:
                name, version = None, None
            path = getattr(d, '_path', None)
            mods = set()
            try:
                top = d.read_text('top_level.txt') or ''
                mods.update(x.strip().replace('/', '.') for x in top.split() if x.strip())
            except Exception:
                pass
            try:
                for f in list(d.files or [])[:200000]:
                    p = str(f).replace('\\', '/')
                    if p.startswith('..') or '.dist-info/' in p or '.egg-info/' in p or '__pycache__' in p or not p.endswith(('.py', '.so', '.pyd')):
                        continue
                    parts = p.split('/')
                    stem = parts[-1].split('.')[0]
                    parts = parts[:-1] + ([] if stem == '__init__' else [stem])
                    for k in range(1, min(len(parts), 3) + 1):
                        if not parts[k - 1].isidentifier():
                            break
                        mods.add('.'.join(parts[:k]))
                    if len(mods) >= 500:
                        break
            except Exception:
                pass
            out.append({'name': name, 'version': version, 'path': str(path) if path else None, 'modules': sorted(mods)[:500]})
        env = {
            'python_version': '.'.join(platform.python_version_tuple()[:2]),
            'python_full_version': platform.python_version(),
            'os_name': os.name,
            'sys_platform': sys.platform,
            'platform_system': platform.system(),
            'platform_machine': platform.machine(),
            'platform_release': platform.release(),
            'platform_version': platform.version(),
            'platform_python_implementation': platform.python_implementation(),
            'implementation_name': sys.implementation.name,
        }
        json.dump({'executable': sys.executable, 'environment': env, 'distributions': out}, sys.stdout)
        """;

    public static InstalledEnvironment Run(string python, TimeSpan? timeout = null, CancellationToken cancellation = default) =>
        RunAsync(python, timeout, cancellation).GetAwaiter().GetResult();

    public static async Task<InstalledEnvironment> RunAsync(string python, TimeSpan? timeout = null, CancellationToken cancellation = default)
    {
        var limit = timeout ?? DefaultTimeout;
        var start = new ProcessStartInfo(python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        start.Environment["PYTHONIOENCODING"] = "utf-8";
        start.Environment["PYTHONDONTWRITEBYTECODE"] = "1";

        Process? process = null;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                process = Process.Start(start);
                break;
            }
            catch (Win32Exception e) when (e.NativeErrorCode == TextFileBusy && attempt < 4)
            {
                // ETXTBSY: the file was just written and another process still held it open for a moment.
                await Task.Delay(50 * attempt, cancellation).ConfigureAwait(false);
            }
            catch (Exception e) when (e is Win32Exception or InvalidOperationException or PlatformNotSupportedException)
            {
                return Failed(python, DependencyDiagnosticCode.InterpreterFailed, $"cannot start '{python}': {e.Message}");
            }
        }

        if (process is null)
        {
            return Failed(python, DependencyDiagnosticCode.InterpreterFailed, $"cannot start '{python}'");
        }

        using (process)
        {
            process.StandardInput.Close();
            // Capped: an interpreter that floods its output is killed, not buffered (it wrote 3.6 GB in 10 s).
            var stdout = ReadCappedAsync(process.StandardOutput, MaxOutputChars, process);
            var stderr = ReadCappedAsync(process.StandardError, MaxErrorChars, process);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellation);
            timer.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timer.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                Kill(process);
                await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(2), CancellationToken.None)).ConfigureAwait(false);
                cancellation.ThrowIfCancellationRequested();
                return Failed(python, DependencyDiagnosticCode.InterpreterTimeout,
                    $"'{python}' did not answer within {limit.TotalSeconds:0.###} s and was killed");
            }

            // The streams end when every process holding them has exited; a child left running
            // in the background must not hang the audit.
            var both = Task.WhenAll(stdout, stderr);
            if (await Task.WhenAny(both, Task.Delay(limit, CancellationToken.None)).ConfigureAwait(false) != both)
            {
                return Failed(python, DependencyDiagnosticCode.InterpreterTimeout,
                    $"'{python}' exited but something it started kept its output open beyond {limit.TotalSeconds:0.###} s");
            }

            var (output, outputOver) = await stdout.ConfigureAwait(false);
            var (error, _) = await stderr.ConfigureAwait(false);
            if (outputOver)
            {
                return Failed(python, DependencyDiagnosticCode.InterpreterOutputInvalid,
                    $"'{python}' wrote more than {MaxOutputChars / (1 << 20)} MB to standard output and was killed; nothing of it was read");
            }

            if (process.ExitCode != 0)
            {
                return Failed(python, DependencyDiagnosticCode.InterpreterFailed,
                    $"'{python}' failed with exit code {process.ExitCode}: {Summarize(error)}");
            }

            return ParseOutput(output, python);
        }
    }

    /// <summary>Characters of standard output read at most (the JSON of thousands of distributions is about a megabyte).</summary>
    public const int MaxOutputChars = 16 << 20;

    private const int MaxErrorChars = 64 << 10;

    /// <summary>The text of a stream up to <paramref name="max"/> characters; beyond, the process is killed and the rest drained unread.</summary>
    private static async Task<(string Text, bool Overflow)> ReadCappedAsync(StreamReader reader, int max, Process process)
    {
        var text = new StringBuilder();
        var buffer = new char[1 << 16];
        var overflow = false;
        int n;
        while ((n = await reader.ReadAsync(buffer, CancellationToken.None).ConfigureAwait(false)) > 0)
        {
            if (overflow)
            {
                continue;
            }

            if (text.Length + n > max)
            {
                overflow = true;
                text.Append(buffer, 0, Math.Max(0, max - text.Length));
                Kill(process);
                continue;
            }

            text.Append(buffer, 0, n);
        }

        return (text.ToString(), overflow);
    }

    /// <summary>Reads the probe script's JSON.</summary>
    internal static InstalledEnvironment ParseOutput(string json, string python)
    {
        var diagnostics = new List<DependencyDiagnostic>();
        var distributions = new List<InstalledDistribution>();
        Dictionary<string, string>? environment = null;
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("distributions", out var list) || list.ValueKind != JsonValueKind.Array)
            {
                return Failed(python, DependencyDiagnosticCode.InterpreterOutputInvalid, $"'{python}' answered JSON without a 'distributions' list");
            }

            if (root.TryGetProperty("environment", out var env) && env.ValueKind == JsonValueKind.Object)
            {
                environment = new Dictionary<string, string>(StringComparer.Ordinal);
                foreach (var p in env.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.String))
                {
                    environment[p.Name] = p.Value.GetString()!;
                }
            }

            foreach (var item in list.EnumerateArray())
            {
                var name = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : null;
                var version = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("version", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
                var path = item.ValueKind == JsonValueKind.Object && item.TryGetProperty("path", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
                if (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(version))
                {
                    diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.MetadataInvalid, path ?? python, 0,
                        "an installed distribution has no name or version in its metadata; not read", Severity: DependencyDiagnosticSeverity.Warning));
                    continue;
                }

                var modules = item.TryGetProperty("modules", out var ms) && ms.ValueKind == JsonValueKind.Array
                    ? ms.EnumerateArray().Where(m => m.ValueKind == JsonValueKind.String).Select(m => m.GetString()!).Take(500).ToList()
                    : new List<string>();
                var dist = new InstalledDistribution(name, version, path ?? python) { Modules = modules };
                if (dist.ParsedVersion is null)
                {
                    diagnostics.Add(new DependencyDiagnostic(DependencyDiagnosticCode.VersionNotPep440, dist.Location, 0,
                        $"version '{version}' of '{name}' is not PEP 440; it cannot be compared", Severity: DependencyDiagnosticSeverity.Warning));
                }

                distributions.Add(dist);
            }
        }
        catch (JsonException e)
        {
            var start = json.Length > 80 ? json[..80] + "…" : json;
            return Failed(python, DependencyDiagnosticCode.InterpreterOutputInvalid, $"'{python}' did not answer JSON ({e.Message}): '{start.Trim()}'");
        }

        return new InstalledEnvironment(python, distributions.OrderBy(d => d.Name, StringComparer.Ordinal).ToList(), diagnostics, environment);
    }

    private static string Summarize(string stderr)
    {
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (lines.Length == 0)
        {
            return "(no error output)";
        }

        // A Python traceback starts with a fixed line; the exception is on its last line.
        return lines[0].StartsWith("Traceback (most recent call last)", StringComparison.Ordinal) && lines.Length > 1
            ? $"{lines[0]} … {lines[^1]}"
            : lines[0];
    }

    private static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone.
        }
    }

    private static InstalledEnvironment Failed(string python, DependencyDiagnosticCode code, string message) =>
        new(python, Array.Empty<InstalledDistribution>(), new[] { new DependencyDiagnostic(code, python, 0, message) });
}
