using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory.Analyzers;
using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using Microsoft.Extensions.FileSystemGlobbing;

namespace BqxAudit.Inventory;

/// <summary>What to inventory: the root, the profile, and the caller's filters.</summary>
public sealed class InventoryOptions
{
    public string Root { get; init; } = ".";

    public required AuditProfile Profile { get; init; }

    /// <summary>Globs that replace the profile's <c>inventory.include</c> when given.</summary>
    public IReadOnlyList<string>? Include { get; init; }

    /// <summary>Globs added to the profile's <c>inventory.exclude</c>.</summary>
    public IReadOnlyList<string>? Exclude { get; init; }

    /// <summary>Only records of these kinds are returned (all are still analyzed, so cross-file checks see everything).</summary>
    public IReadOnlyList<ScriptKind>? Kinds { get; init; }

    /// <summary>How file bytes are read (tests inject failures); defaults to <see cref="File.ReadAllBytes"/>.</summary>
    public Func<string, byte[]>? ReadAllBytes { get; init; }

    /// <summary>The environment ShellCheck is found from (<c>PATH</c>, <c>BQXAUDIT_SHELLCHECK</c>); null: the process's.</summary>
    public Func<string, string?>? Environment { get; init; }

    /// <summary>Worker count for per-file analysis; defaults to the processor count.</summary>
    public int? DegreeOfParallelism { get; init; }
}

/// <summary>
/// Builds the script inventory: discovers files, analyzes each implementation file in parallel,
/// runs the cross-file checks, decides each status with its evidence, and adds a Missing record
/// for every phase task whose scripts match nothing. Output is sorted by Kind, then Path.
/// </summary>
public sealed class InventoryService
{
    private static readonly Lazy<IReadOnlyDictionary<ScriptKind, IScriptAnalyzer[]>> DefaultAnalyzers = new(LoadAnalyzers);
    private static readonly Lazy<ICrossFileCheck[]> DefaultCrossFileChecks = new(AllCrossFileChecks);

    private readonly IAuditHost host;

    public InventoryService(IAuditHost host) => this.host = host;

    public InventoryResult Run(InventoryOptions options)
    {
        var cancel = host.Cancellation;
        StartupTrace.Mark("inventory: start");
        var discovery = FileDiscovery.Discover(options.Root, host);
        StartupTrace.Mark("inventory: discovered");
        var repository = new RepositoryIndex(discovery.Root, discovery.Files);

        // The history and the modified files do not depend on the analysis: git reads them meanwhile.
        var git = discovery.Git;
        var gitFacts = git is null ? null : Task.Run(() =>
        {
            var history = git.ReadHistory(cancel);
            StartupTrace.Mark("git: history read");
            var modified = git.ModifiedFiles(cancel);
            StartupTrace.Mark("git: modified files listed");
            return (History: history, Modified: modified, Head: git.HeadCommit(cancel));
        }, cancel);
        var inventory = options.Profile.Inventory;
        var include = options.Include is { Count: > 0 } ? options.Include : inventory.Include;
        var exclude = inventory.Exclude.Concat(options.Exclude ?? Array.Empty<string>()).ToArray();
        ValidateGlobs(include, "-Include");
        ValidateGlobs(exclude, "-Exclude");
        var selection = Matcher(include.Count > 0 ? include : new[] { "**/*" }, exclude);

        var selected = selection.Matching(discovery.Files);
        var candidates = discovery.Files.Where(selected.Contains).ToArray();
        var work = new List<(string Path, ScriptKind? Kind)>();
        foreach (var path in candidates)
        {
            var kind = KindDetector.FromName(path);
            if (kind is not null || KindDetector.MayHaveShebang(path))
            {
                work.Add((path, kind));
            }
        }

        // ShellCheck needs only the file list: it runs while the files are analyzed, not after.
        var checks = options.Environment is null
            ? DefaultCrossFileChecks.Value
            : DefaultCrossFileChecks.Value.Select(c => c is ShellCheckFindings ? new ShellCheckFindings(options.Environment) : c).ToArray();
        using var shellcheck = checks.OfType<ShellCheckFindings>().FirstOrDefault()
            ?.Start(discovery.Root, work.Where(w => w.Kind == ScriptKind.Shell).Select(w => w.Path), cancel);

        var realRoot = SafeFile.RealPath(discovery.Root) ?? discovery.Root;
        var reader = options.ReadAllBytes ?? (full => SafeFile.ReadAllBytes(full, discovery.Root, SafeFile.DefaultMaxBytes, realRoot));
        var unread = Unread(discovery, selection);
        var pool = new StringPool();
        var results = new ScriptRecord?[work.Count];
        var done = 0;
        var parallel = new ParallelOptions
        {
            CancellationToken = cancel,
            MaxDegreeOfParallelism = options.DegreeOfParallelism ?? Environment.ProcessorCount,
        };
        try
        {
            Parallel.For(0, work.Count, parallel, i =>
            {
                results[i] = Analyze(work[i].Path, work[i].Kind, discovery.Root, reader, repository);
                if (results[i] is { } analyzed)
                {
                    RecordCompactor.Compact(analyzed, pool);
                }
                var n = Interlocked.Increment(ref done);
                if (n % 500 == 0)
                {
                    host.WriteProgress(new ProgressInfo("Inventorying scripts", $"{n} of {work.Count} files", n * 100 / work.Count));
                }
            });
        }
        finally
        {
            host.WriteProgress(new ProgressInfo("Inventorying scripts", "done", 100, Completed: true));
        }

        StartupTrace.Mark("inventory: analyzed");
        var records = results.Where(r => r is not null).Select(r => r!).Concat(unread).ToList();
        foreach (var check in checks)
        {
            cancel.ThrowIfCancellationRequested();
            if (check is ShellCheckFindings shellCheck)
            {
                shellCheck.Check(records, repository, shellcheck, host.WriteVerbose);
            }
            else
            {
                check.Check(records, repository);
            }

            if (StartupTrace.Enabled)
            {
                StartupTrace.Mark($"inventory: {check.GetType().Name}");
            }
        }

        StartupTrace.Mark("inventory: cross-file checks");
        ApplyCategories(records, inventory.Categories);
        var facts = gitFacts?.GetAwaiter().GetResult();
        StartupTrace.Mark("inventory: git facts awaited");
        ApplyDates(records, discovery, facts?.History, facts?.Modified);
        StartupTrace.Mark("inventory: dates");
        var missing = PhaseTasks(records, options.Profile);
        BqxAudit.Checks.Naming.GeneratorCompliance.Apply(records, options.Profile);
        foreach (var record in records)
        {
            Decide(record);
        }

        StartupTrace.Mark("inventory: decided");
        records.AddRange(missing);
        records.Sort(CompareForOutput);
        var kinds = options.Kinds is { Count: > 0 } ? options.Kinds.ToHashSet() : null;
        var returned = kinds is null ? records : records.Where(r => kinds.Contains(r.Kind)).ToList();
        return new InventoryResult(discovery.Root, returned, facts?.Head, repository) { Notes = Notes(discovery, records) };
    }

    /// <summary>
    /// A Blocked record for each refused entry the selection covers whose name tells its kind (a FIFO
    /// named x.py, a link to /etc/passwd named evil.py); a warning for the others (folder links,
    /// extension-less entries). Nothing of them is read.
    /// </summary>
    private List<ScriptRecord> Unread(DiscoveryResult discovery, Matcher selection)
    {
        var records = new List<ScriptRecord>();
        foreach (var entry in discovery.Refused)
        {
            if (!selection.Matches(entry.Path))
            {
                host.WriteVerbose($"{entry.Path}: {entry.Refusal.Message} (excluded by the profile)");
                continue;
            }

            if (KindDetector.FromName(entry.Path) is { } kind)
            {
                records.Add(UnreadRecord(entry.Path, kind, entry.Refusal));
            }
            else
            {
                host.WriteWarning($"{entry.Path}: {entry.Refusal.Message}");
            }
        }

        return records;
    }

    /// <summary>The record of a file that was not read: listed, Blocked, with the reason as its finding.</summary>
    private static ScriptRecord UnreadRecord(string path, ScriptKind kind, FileRefusal refusal) => new()
    {
        Name = path[(path.LastIndexOf('/') + 1)..],
        Path = path,
        Kind = kind,
        Findings =
        {
            new Finding(refusal.Kind switch
            {
                RefusalKind.NotRegular => "file.not-regular",
                RefusalKind.LinkLeavesRoot => "file.symlink-outside-root",
                RefusalKind.OutsideRoot => "file.outside-root",
                RefusalKind.TooLarge => "file.too-large",
                RefusalKind.Unreadable => "file.unreadable",
                _ => "file.name-not-utf8",
            }, FindingSeverity.Error, refusal.Message, $"{path}:1"),
        },
    };

    /// <summary>What the reports must say about how the files were found and which were not read.</summary>
    private static List<string> Notes(DiscoveryResult discovery, List<ScriptRecord> records)
    {
        var notes = discovery.Notes.ToList();
        var unread = records.Where(r => r.Findings.Any(f => f.Rule.StartsWith("file.", StringComparison.Ordinal) && f.Severity == FindingSeverity.Error && f.Message.StartsWith("not read", StringComparison.Ordinal)))
            .Select(r => r.Path)
            .Concat(discovery.Refused.Where(e => KindDetector.FromName(e.Path) is null).Select(e => e.Path))
            .Distinct(StringComparer.Ordinal)
            .ToList();
        if (unread.Count > 0)
        {
            notes.Add($"Inventory: {unread.Count} path{(unread.Count == 1 ? "" : "s")} not read (links leaving the root or that do not resolve, FIFOs, devices, unreadable files, files over the cap, names that are not UTF-8): " +
                string.Join(", ", unread.Take(5)) + (unread.Count > 5 ? $" and {unread.Count - 5} more" : ""));
        }

        return notes;
    }

    /// <summary>The deterministic output order of DESIGN.md: by Kind, then Path (then Name, for Missing records sharing a glob).</summary>
    public static int CompareForOutput(ScriptRecord a, ScriptRecord b)
    {
        var c = a.Kind.CompareTo(b.Kind);
        if (c == 0)
        {
            c = string.CompareOrdinal(a.Path, b.Path);
        }

        return c != 0 ? c : string.CompareOrdinal(a.Name, b.Name);
    }

    private ScriptRecord? Analyze(string path, ScriptKind? kind, string root, Func<string, byte[]> reader, RepositoryIndex repository)
    {
        var full = Path.Combine(root, path);
        byte[] bytes;
        try
        {
            if (kind is null && !IsRegularFile(full))
            {
                return null;
            }

            bytes = reader(full);
        }
        catch (FileRefusedException e)
        {
            if (kind is not null)
            {
                return UnreadRecord(path, kind.Value, e.Refusal);
            }

            host.WriteWarning($"{path}: {e.Refusal.Message}");
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
        {
            var loop = e is IOException && e.Message.Contains("symbolic links", StringComparison.OrdinalIgnoreCase);
            var link = LinkTarget(full);
            if (!File.Exists(full) && !Directory.Exists(full) && link is null && kind is null)
            {
                return null; // gone since the listing: nothing to list
            }

            host.WriteError(new BqxError(loop ? ErrorIds.SymlinkLoop : ErrorIds.FileUnreadable, BqxErrorCategory.ReadError,
                $"cannot be read: {e.Message}", path));
            var reason = loop ? $"a symbolic link loop (the link to {link} leads back to itself: too many levels of symbolic links)"
                : link is not null && e is FileNotFoundException or DirectoryNotFoundException ? $"a symbolic link to {link}, which does not exist"
                : e is UnauthorizedAccessException ? "permission denied"
                : e.Message;
            return UnreadRecord(path, kind ?? ScriptKind.Shell, new FileRefusal(RefusalKind.Unreadable, kind is null
                ? $"not read: {reason}; it has no extension and no first line could be read, so it is listed as Shell"
                : $"not read: {reason}"));
        }

        if (kind is null)
        {
            kind = KindDetector.FromShebang(bytes.AsSpan(0, Math.Min(bytes.Length, 256)));
            if (kind is null)
            {
                return null;
            }
        }

        if (TextDecoding.LooksBinary(bytes))
        {
            // Listed, never dropped: a NUL byte makes Python refuse the file ("source code cannot contain null bytes").
            var nulLine = TextDecoding.CountNewlines(bytes.AsSpan(0, bytes.AsSpan().IndexOf((byte)0))) + 1;
            host.WriteError(new BqxError(ErrorIds.FileSkipped, BqxErrorCategory.InvalidData,
                $"binary content (a NUL byte at line {nulLine}) in a {kind} file; listed as Blocked, not analyzed", path));
            return new ScriptRecord
            {
                Name = path[(path.LastIndexOf('/') + 1)..],
                Path = path,
                Kind = kind.Value,
                SizeBytes = bytes.LongLength,
                Lines = TextDecoding.CountNewlines(bytes),
                Findings =
                {
                    new Finding("file.binary", FindingSeverity.Error,
                        kind is ScriptKind.Python
                            ? $"a NUL byte at line {nulLine}: Python refuses to load the file (source code cannot contain null bytes); not analyzed"
                            : $"binary content (a NUL byte at line {nulLine}); not analyzed",
                        $"{path}:{nulLine}"),
                },
            };
        }

        var record = new ScriptRecord
        {
            Name = path[(path.LastIndexOf('/') + 1)..],
            Path = path,
            Kind = kind.Value,
            SizeBytes = bytes.LongLength,
            Lines = TextDecoding.CountNewlines(bytes),
        };
        var text = TextDecoding.Decode(bytes, out var problem);
        switch (problem)
        {
            case EncodingProblem.InvalidUtf8:
                var line = TextDecoding.FirstInvalidUtf8Line(bytes);
                record.Findings.Add(new Finding("file.invalid-utf8", kind is ScriptKind.Python ? FindingSeverity.Error : FindingSeverity.Warning,
                    "the file is not valid UTF-8; invalid bytes were read as U+FFFD" + (kind is ScriptKind.Python ? " (Python refuses to load it)" : ""),
                    $"{path}:{Math.Max(line, 1)}"));
                break;
            case EncodingProblem.Utf16:
                record.Findings.Add(new Finding("file.utf16", kind is ScriptKind.Python or ScriptKind.Shell ? FindingSeverity.Error : FindingSeverity.Warning,
                    $"the file is UTF-16 (byte-order mark); {kind} expects UTF-8", $"{path}:1"));
                record.Lines = text.Count(c => c == '\n');
                break;
        }

        var source = new SourceText(path, text);
        record.CodeLines = CountCodeLines(text);
        if (DefaultAnalyzers.Value.TryGetValue(kind.Value, out var analyzers))
        {
            foreach (var analyzer in analyzers)
            {
                try
                {
                    analyzer.Analyze(source, record, repository);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // An analyzer bug must not cost the rest of the inventory; say where it happened.
                    record.Findings.Add(new Finding("analyzer.failed", FindingSeverity.Warning,
                        $"{analyzer.GetType().Name} failed on this file: {e.GetType().Name}: {e.Message}", $"{path}:1"));
                }
            }
        }

        return record;
    }

    /// <summary>The target of a symbolic link as written in the link, or null when <paramref name="full"/> is not one.</summary>
    private static string? LinkTarget(string full)
    {
        try
        {
            return new FileInfo(full).LinkTarget;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRegularFile(string full)
    {
        try
        {
            var info = new FileInfo(full);
            return info.Exists && (info.Attributes & FileAttributes.Directory) == 0;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Non-blank lines that are not wholly a <c>#</c> comment (all four kinds comment with <c>#</c>).</summary>
    public static long CountCodeLines(string text)
    {
        long count = 0;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            var t = line.TrimStart();
            if (t.Length > 0 && t[0] != '#')
            {
                count++;
            }
        }

        return count;
    }

    private static void ApplyCategories(List<ScriptRecord> records, Dictionary<string, List<string>> categories)
    {
        var paths = records.Select(r => r.Path).ToArray();
        var matched = categories.Select(c => (c.Key, Paths: Matcher(c.Value, Array.Empty<string>()).Matching(paths))).ToArray();
        foreach (var record in records)
        {
            record.Category = matched.FirstOrDefault(m => m.Paths.Contains(record.Path)).Key ?? "Uncategorized";
        }
    }

    private static void ApplyDates(List<ScriptRecord> records, DiscoveryResult discovery, GitHistory? history, IReadOnlySet<string>? modifiedFiles)
    {
        var dates = GitWorkTree.LastCommitDates(history, records.Select(r => r.Path));
        var modified = modifiedFiles ?? new HashSet<string>();
        var refused = discovery.Refused.Select(r => r.Path).ToHashSet(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (!modified.Contains(record.Path) && dates.TryGetValue(record.Path, out var date))
            {
                if (!date.BeforeHistory)
                {
                    record.LastModified = date.When;
                    record.LastModifiedSource = LastModifiedSource.Git;
                    if (date.ModeOnly)
                    {
                        record.Evidence.Add(new Evidence("git", $"commit {date.Commit[..Math.Min(12, date.Commit.Length)]}",
                            $"LastModified is the last commit touching the file ({date.When:yyyy-MM-ddTHH:mm:sszzz}, what git log -1 -- {record.Path} shows), which changed only its mode; its content last changed " +
                            (date.ContentWhen is { } content ? $"{content:yyyy-MM-ddTHH:mm:sszzz}" : "before the history git holds")));
                    }

                    continue;
                }

                record.Evidence.Add(new Evidence("git", "shallow clone",
                    "the file's last change lies before the history this shallow clone holds: the date below is the file system's, not a commit's"));
            }

            if (refused.Contains(record.Path))
            {
                continue; // never stat a link's target or a FIFO: the date stays unmeasured
            }

            try
            {
                var info = new FileInfo(Path.Combine(discovery.Root, record.Path));
                record.LastModified = new DateTimeOffset(info.LastWriteTimeUtc, TimeSpan.Zero);
                record.LastModifiedSource = LastModifiedSource.FileSystem;
            }
            catch (IOException)
            {
                // Left unset: the date was not measured.
            }
        }
    }

    /// <summary>Marks the scripts that implement phase tasks, and returns a Missing record for each task that has none.</summary>
    private static List<ScriptRecord> PhaseTasks(List<ScriptRecord> records, AuditProfile profile)
    {
        var missing = new List<ScriptRecord>();
        foreach (var phase in profile.Phases)
        {
            foreach (var task in phase.Tasks)
            {
                var globbed = new List<ScriptRecord>();
                if (task.ScriptGlobs.Count > 0)
                {
                    var paths = Matcher(task.ScriptGlobs, Array.Empty<string>()).Matching(records.Select(r => r.Path));
                    globbed = records.Where(r => paths.Contains(r.Path)).ToList();
                }
                var judgement = PhaseTaskMatching.Judge(task, globbed);
                var matched = judgement.Performing;
                var taskRef = new PhaseTaskRef { Phase = phase.Id, Task = task.Name };
                foreach (var record in matched)
                {
                    record.PhaseTasks.Add(taskRef);
                    record.Evidence.Add(new Evidence("profile", $"phases[{phase.Id}].tasks[{task.Name}]",
                        $"implements task '{task.Name}' of {phase.Name ?? phase.Id} (scriptGlobs: {string.Join(", ", task.ScriptGlobs)}; action {task.Action})"));
                    if (record.Interactive)
                    {
                        var prompt = record.Evidence.FirstOrDefault(e => e.Detail.StartsWith(Analyzers.Python.PythonFileAnalysis.InteractiveEvidence, StringComparison.Ordinal));
                        record.Findings.Add(new Finding("python.interactive-in-phase", FindingSeverity.Warning,
                            $"calls input() but runs unattended as task '{task.Name}' of {phase.Name ?? phase.Id}", prompt?.Location ?? $"{record.Path}:1"));
                    }
                }

                PhaseTaskMatching.AddDestructiveFindings(judgement, phase, task);
                foreach (var (record, why) in judgement.NotPerforming)
                {
                    record.Evidence.Add(new Evidence("profile", $"phases[{phase.Id}].tasks[{task.Name}]", $"does not implement task '{task.Name}': {why}"));
                }

                if (judgement.Satisfied)
                {
                    continue;
                }

                var glob = task.ScriptGlobs.FirstOrDefault() ?? "";
                var hours = task.CreationHours is { } h ? $" (estimated {FormatHours(h.Min, h.Max)} to create)" : "";
                missing.Add(new ScriptRecord
                {
                    Name = task.Name,
                    Path = glob,
                    Kind = KindDetector.FromName(glob.Replace("*", "x")) ?? ScriptKind.Python,
                    Category = $"Phase {phase.Id}",
                    Status = ScriptStatus.Missing,
                    PhaseTasks = { taskRef },
                    Purpose = $"{phase.Name ?? phase.Id}: {task.Name}" + (task.Tables is { } t ? $" ({t} tables)" : ""),
                    Recommendation = $"Create the script for '{task.Name}'{hours}",
                    Evidence =
                    {
                        new Evidence("profile", $"phases[{phase.Id}].tasks[{task.Name}]", judgement.Reason),
                    },
                });
            }
        }

        return missing;
    }

    private static string FormatHours(double min, double max) => min == max ? $"{min:0.#} h" : $"{min:0.#}-{max:0.#} h";

    /// <summary>The status from the findings, with the evidence that decided it.</summary>
    internal static void Decide(ScriptRecord record)
    {
        var errors = record.Findings.Where(f => f.Severity == FindingSeverity.Error).ToList();
        var warnings = record.Findings.Where(f => f.Severity == FindingSeverity.Warning).ToList();
        if (errors.Count > 0)
        {
            record.Status = ScriptStatus.Blocked;
            AddDecidingEvidence(record, errors);
            record.Recommendation ??= $"Fix {errors.Count} blocking finding{(errors.Count == 1 ? "" : "s")} first: {errors[0].Message}";
        }
        else if (warnings.Count > 0)
        {
            record.Status = ScriptStatus.Partial;
            AddDecidingEvidence(record, warnings);
            record.Recommendation ??= $"Runs, but review {warnings.Count} finding{(warnings.Count == 1 ? "" : "s")}: {warnings[0].Message}";
        }
        else
        {
            record.Status = ScriptStatus.Ready;
            record.Evidence.Add(new Evidence("file", record.Path, $"{record.Lines} lines read and analyzed; no blocking or warning findings"));
        }
    }

    /// <summary>At most this many findings are repeated as the status's evidence; Findings keeps them all.</summary>
    internal const int MaxDecidingEvidence = 10;

    private static void AddDecidingEvidence(ScriptRecord record, List<Finding> findings)
    {
        record.Evidence.AddRange(findings.Take(MaxDecidingEvidence).Select(f => new Evidence("file", f.Location, $"{f.Rule}: {f.Message}")));
        if (findings.Count > MaxDecidingEvidence)
        {
            record.Evidence.Add(new Evidence("file", record.Path,
                $"and {findings.Count - MaxDecidingEvidence} more findings of the same severity (see Findings)"));
        }
    }

    private static Matcher Matcher(IEnumerable<string> include, IEnumerable<string> exclude)
    {
        var m = new Matcher(StringComparison.Ordinal);
        foreach (var g in include)
        {
            m.AddInclude(g);
        }

        foreach (var g in exclude)
        {
            m.AddExclude(g);
        }

        return m;
    }

    private static void ValidateGlobs(IEnumerable<string> globs, string parameter)
    {
        foreach (var glob in globs)
        {
            if (GlobRules.Validate(glob) is { } problem)
            {
                throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                    $"bad glob '{glob}' in {parameter}: {problem}", glob));
            }
        }
    }

    private static IReadOnlyDictionary<ScriptKind, IScriptAnalyzer[]> LoadAnalyzers() =>
        AllAnalyzers().GroupBy(a => a.Kind).ToDictionary(g => g.Key, g => g.ToArray());

    // The registries are lists, not a scan of the assembly: Assembly.GetTypes() loaded every type of the engine at
    // each start (~25 ms of a 0.5 s inventory). A test checks that every concrete analyzer and check is listed here,
    // in the order of their full names (the order the cross-file checks run in).

    /// <summary>Every per-file analyzer, ordered by full type name.</summary>
    internal static IScriptAnalyzer[] AllAnalyzers() =>
    [
        new Analyzers.CloudBuild.CloudBuildAnalyzer(),
        new Analyzers.Docker.DockerfileAnalyzer(),
        new Analyzers.Python.PythonAnalyzer(),
        new Analyzers.Shell.ShellAnalyzer(),
    ];

    /// <summary>Every cross-file check, ordered by full type name.</summary>
    internal static ICrossFileCheck[] AllCrossFileChecks() =>
    [
        new Analyzers.Docker.ContainerPathCheck(),
        new Analyzers.Shell.PythonFlagCheck(),
        new Analyzers.Shell.ShellCheckFindings(),
        new Analyzers.Shell.ShellCycleCheck(),
    ];
}

/// <summary>The inventory of one root: its records (sorted by path) and the repository facts behind them.</summary>
public sealed record InventoryResult(string Root, IReadOnlyList<ScriptRecord> Records, string? Commit, RepositoryIndex Repository)
{
    /// <summary>How the files were found and which were not read (a shallow clone, a folder git ignores, links leaving the root): for the reports.</summary>
    public IReadOnlyList<string> Notes { get; init; } = Array.Empty<string>();
}
