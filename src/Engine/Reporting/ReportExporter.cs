using BqxAudit.Hosting;
using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>What <see cref="ReportExporter.Export"/> writes, and where.</summary>
public sealed class ExportOptions
{
    /// <summary>The folder the reports go to (created when missing). No report is written outside it.</summary>
    public string OutputPath { get; init; } = ".";

    /// <summary>The formats; null or empty for the default, Markdown and Json.</summary>
    public IReadOnlyCollection<ReportFormat>? Formats { get; init; }

    /// <summary>Replaces existing report files. Without it, any existing target stops the export before anything is written.</summary>
    public bool Force { get; init; }

    /// <summary>The report date in the file names and reports; null for the result's own (<c>AuditRun.ReportDate</c>).</summary>
    public DateOnly? Date { get; init; }

    public static IReadOnlyList<ReportFormat> DefaultFormats { get; } = new[] { ReportFormat.Markdown, ReportFormat.Json };
}

/// <summary>One report file to write: its name in the output folder, its format, and its text.</summary>
public sealed record ReportFile(string FileName, ReportFormat Format, string Content);

/// <summary>
/// Writes the reports of an AuditResult (DESIGN.md "Commands and exit codes"): the six deliverables as
/// <c>NAME_YYYYMMDD.md</c> and <c>.html</c>, <c>AUDIT_RESULT_YYYYMMDD.json</c>, <c>AUDIT_YYYYMMDD.sarif</c> and
/// <c>AUDIT_YYYYMMDD.junit.xml</c>. All or nothing up front: every target is checked (inside OutputPath, not existing
/// unless Force) before the first file is written; then the files the host's ShouldProcess agrees to (-WhatIf: nothing
/// is written, nothing returned) go in as one set through <see cref="ReportStaging"/>, with the set's manifest
/// <c>.bqx-audit-manifest-YYYYMMDD.sha256</c> (file names and SHA-256, <c>sha256sum -c</c> checks it) written last.
/// </summary>
public static class ReportExporter
{
    /// <summary>Writes the reports; returns the files written, in the order of <see cref="Render"/>.</summary>
    public static IReadOnlyList<FileInfo> Export(AuditResult result, ExportOptions options, IAuditHost host)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        var folder = OutputFolder(options.OutputPath);
        var dated = options.Date is { } date ? WithDate(result, date) : result;
        var formats = Formats(options.Formats);

        // Names first: a name that leaves the folder, or two reports with one name, stop the export before any work.
        var names = Names(dated, formats);
        var targets = names.Select(n => Target(folder, n.FileName)).ToList();
        var duplicate = targets.GroupBy(t => t, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                $"two reports would both be written to {duplicate.Key}; rename the summary (reports.summaryName in the profile)", duplicate.Key));
        }

        ThrowIfExisting(targets, options.Force, host);
        var approved = targets.Select((t, i) => (Target: t, Index: i))
            .Where(x => host.ShouldProcess(x.Target, $"Write {Describe(names[x.Index])}"))
            .ToList();
        if (approved.Count == 0)
        {
            return Array.Empty<FileInfo>();
        }

        host.Cancellation.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(folder);
            using var folderLock = ReportStaging.Lock(folder);
            ReportStaging.Recover(folder, host);
            ThrowIfExisting(targets, options.Force, host); // again, under the lock: another run may have written meanwhile
            var producers = Producers(dated, formats);
            var set = approved.Select(a => (a.Target, producers[names[a.Index].FileName])).ToList();
            foreach (var (target, _) in set)
            {
                host.WriteVerbose($"writing {target}");
            }

            return ReportStaging.Write(folder, set, ReportStaging.ManifestName(ReportNames.DateToken(dated)), options.Force, host.Cancellation);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BqxException(new BqxError(ErrorIds.OutputFailed, BqxErrorCategory.WriteError, $"cannot write the reports to {folder}: {e.Message}", folder), e);
        }
    }

    /// <summary>
    /// What can be known about the output folder before the audit runs (so a bad --out stops the run at once,
    /// not after the cloud checks): the path names a folder or a place to create one, the nearest existing
    /// folder accepts a file, and — without <paramref name="force"/> — none of <paramref name="plannedNames"/>
    /// exists yet. Stale staging files of an interrupted export are cleaned here too.
    /// </summary>
    public static void Preflight(string? outputPath, IEnumerable<string> plannedNames, bool force, IAuditHost host)
    {
        var folder = OutputFolder(outputPath);
        if (File.Exists(folder))
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                $"the output path {folder} is a file, not a folder", folder));
        }

        var existing = folder;
        while (!Directory.Exists(existing))
        {
            var parent = Path.GetDirectoryName(existing);
            if (parent is null || File.Exists(parent))
            {
                throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                    $"the output folder {folder} cannot be created: {parent ?? existing} is a file", folder));
            }

            existing = parent;
        }

        try
        {
            var probe = Path.Combine(existing, $".bqx-audit-probe-{Guid.NewGuid():N}.tmp");
            using (File.Create(probe, 1, FileOptions.DeleteOnClose))
            {
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new BqxException(new BqxError(ErrorIds.OutputFailed, BqxErrorCategory.WriteError,
                $"the output folder {folder} is not writable ({existing}: {e.Message}); nothing was audited", folder), e);
        }

        if (Directory.Exists(folder))
        {
            try
            {
                using var folderLock = ReportStaging.Lock(folder);
                ReportStaging.Recover(folder, host);
            }
            catch (IOException e)
            {
                host.WriteWarning($"{folder}: interrupted exports not cleaned ({e.Message})");
            }
        }

        ThrowIfExisting(plannedNames.Select(n => Target(folder, n)).ToList(), force, host);
    }

    /// <summary>The names an export of <paramref name="formats"/> will use for a run of <paramref name="profile"/> on <paramref name="date"/> (for <see cref="Preflight"/>).</summary>
    public static IReadOnlyList<string> PlannedNames(Configuration.AuditProfile profile, string? phase, DateOnly date, IReadOnlyCollection<ReportFormat>? formats)
    {
        var p = profile.Phases.FirstOrDefault(x => x.Id == phase) ?? profile.Phases.FirstOrDefault();
        var planned = new AuditResult
        {
            Run =
            {
                ReportDate = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                SummaryName = string.IsNullOrWhiteSpace(profile.Reports.SummaryName) ? "AUDIT_SUMMARY" : profile.Reports.SummaryName,
            },
            Readiness = { Phase = p?.Id ?? phase ?? "", PhaseName = p?.Name ?? p?.Id ?? phase ?? "" },
        };
        return Names(planned, formats).Select(n => n.FileName).ToList();
    }

    /// <summary>The output folder's full path; an empty or blank value is refused (it would mean the current folder without saying so).</summary>
    private static string OutputFolder(string? outputPath)
    {
        if (outputPath is null)
        {
            return Path.GetFullPath(".");
        }

        if (string.IsNullOrWhiteSpace(outputPath))
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                "the output folder is empty; name a folder (use . for the current one)", outputPath));
        }

        return Path.GetFullPath(outputPath);
    }

    private static void ThrowIfExisting(IReadOnlyList<string> targets, bool force, IAuditHost host)
    {
        var existing = targets.Where(t => File.Exists(t) || Directory.Exists(t)).ToList();
        if (existing.Count > 0 && (!force || existing.Any(Directory.Exists)))
        {
            throw new BqxException(new BqxError(ErrorIds.OutputExists, BqxErrorCategory.WriteError,
                existing.Any(Directory.Exists)
                    ? $"{existing.First(Directory.Exists)} is a folder; a report cannot be written there"
                    : $"{existing.Count} report file{(existing.Count == 1 ? "" : "s")} already exist{(existing.Count == 1 ? "s" : "")} ({string.Join(", ", existing.Select(Path.GetFileName))}); nothing was written. Use {host.Dialect.Option(BqxOption.Force)} to replace them",
                existing[0]));
        }
    }

    /// <summary>
    /// Every report file of the formats, rendered in memory (no disk): the six deliverables per document format, then
    /// JSON, SARIF, JUnit. The files are rendered concurrently (largest first); each text is the same as a writer's alone.
    /// </summary>
    public static IReadOnlyList<ReportFile> Render(AuditResult result, IReadOnlyCollection<ReportFormat>? formats = null)
    {
        var selected = Formats(formats);
        var jobs = new List<(string FileName, ReportFormat Format, long Cost, Func<string> Content)>();
        if (selected.Contains(ReportFormat.Markdown) || selected.Contains(ReportFormat.Html))
        {
            foreach (var document in MarkdownReportWriter.BuildAll(result))
            {
                if (selected.Contains(ReportFormat.Markdown))
                {
                    jobs.Add((ReportNames.FileName(result, document.Deliverable, ReportFormat.Markdown), ReportFormat.Markdown, 0, () => document.Markdown));
                }

                if (selected.Contains(ReportFormat.Html))
                {
                    jobs.Add((ReportNames.FileName(result, document.Deliverable, ReportFormat.Html), ReportFormat.Html, document.Markdown.Length, () => HtmlReportWriter.Render(document)));
                }
            }
        }

        // Rough cost of the data formats, in the same unit (characters of output) as the HTML's Markdown.
        var records = (long)result.Blockers.Count + result.Scripts.Count + result.Scripts.Sum(s => (long)s.Findings.Count) + result.Infrastructure.Count + result.Dependencies.Count + result.Naming.Count;
        if (selected.Contains(ReportFormat.Json))
        {
            jobs.Add((ReportNames.JsonFileName(result), ReportFormat.Json, records * 300, () => JsonReportWriter.Write(result)));
        }

        if (selected.Contains(ReportFormat.Sarif))
        {
            jobs.Add((ReportNames.SarifFileName(result), ReportFormat.Sarif, records * 200, () => SarifReportWriter.Write(result)));
        }

        if (selected.Contains(ReportFormat.JUnit))
        {
            jobs.Add((ReportNames.JUnitFileName(result), ReportFormat.JUnit, records * 200, () => JUnitReportWriter.Write(result)));
        }

        var contents = new string[jobs.Count];
        RunLargestFirst(jobs.Select((job, i) => (job.Cost, Action: (Action)(() => contents[i] = job.Content()))));
        return jobs.Select((job, i) => new ReportFile(job.FileName, job.Format, contents[i])).ToList();
    }

    /// <summary>
    /// Per file name, what writes its bytes (the same bytes as <see cref="Render"/>'s text in UTF-8): each file is
    /// produced when it is written and dropped after, so an export holds one or two texts at a time, not all of
    /// them; the JSON result goes straight to the file. Costs order the work largest first.
    /// </summary>
    private static Dictionary<string, (long Cost, Action<Stream> Write)> Producers(AuditResult result, IReadOnlyList<ReportFormat> formats)
    {
        var producers = new Dictionary<string, (long, Action<Stream>)>(StringComparer.Ordinal);
        static Action<Stream> Text(Func<string> content) => stream =>
        {
            // Encoded in 64 KB pieces: a 60 MB report never exists a second time as one byte array.
            using var writer = new StreamWriter(stream, SafeFileWriter.Utf8, 1 << 16, leaveOpen: true);
            writer.Write(content());
        };
        if (formats.Contains(ReportFormat.Markdown) || formats.Contains(ReportFormat.Html))
        {
            // Each deliverable is built when its first file is written (the Markdown and the HTML share it), so
            // the six are not all in memory at once.
            var context = ReportContext.For(result);
            var records = context.Scripts.Count + context.Infrastructure.Count + context.Dependencies.Count + context.Blockers.Count;
            foreach (var deliverable in ReportNames.Deliverables)
            {
                var document = new SharedDocument(() => MarkdownReportWriter.Build(context, deliverable),
                    (formats.Contains(ReportFormat.Markdown) ? 1 : 0) + (formats.Contains(ReportFormat.Html) ? 1 : 0));
                var cost = deliverable switch
                {
                    Deliverable.Infrastructure => context.Infrastructure.Count * 300L,
                    Deliverable.Summary => 0,
                    _ => records * 100L,
                };
                if (formats.Contains(ReportFormat.Markdown))
                {
                    producers[ReportNames.FileName(result, deliverable, ReportFormat.Markdown)] = (cost, Text(() => document.Use(d => d.Markdown)));
                }

                if (formats.Contains(ReportFormat.Html))
                {
                    producers[ReportNames.FileName(result, deliverable, ReportFormat.Html)] = (cost * 2, Text(() => document.Use(HtmlReportWriter.Render)));
                }
            }
        }

        var items = (long)result.Blockers.Count + result.Scripts.Count + result.Scripts.Sum(s => (long)s.Findings.Count) + result.Infrastructure.Count + result.Dependencies.Count + result.Naming.Count;
        if (formats.Contains(ReportFormat.Json))
        {
            producers[ReportNames.JsonFileName(result)] = (items * 300, stream =>
            {
                System.Text.Json.JsonSerializer.Serialize(stream, result, Serialization.JsonOutput.Options);
                stream.WriteByte((byte)'\n');
            });
        }

        if (formats.Contains(ReportFormat.Sarif))
        {
            producers[ReportNames.SarifFileName(result)] = (items * 200, Text(() => SarifReportWriter.Write(result)));
        }

        if (formats.Contains(ReportFormat.JUnit))
        {
            producers[ReportNames.JUnitFileName(result)] = (items * 200, Text(() => JUnitReportWriter.Write(result)));
        }

        return producers;
    }

    /// <summary>A deliverable built on first use and dropped after its last (the Markdown file, then the HTML one).</summary>
    private sealed class SharedDocument
    {
        private readonly object gate = new();
        private Func<ReportDocument>? build;
        private ReportDocument? document;
        private int uses;

        public SharedDocument(Func<ReportDocument> build, int uses)
        {
            this.build = build;
            this.uses = uses;
        }

        public string Use(Func<ReportDocument, string> text)
        {
            ReportDocument d;
            lock (gate)
            {
                d = document ??= build!();
                build = null;
            }

            var result = text(d);
            lock (gate)
            {
                if (--uses == 0)
                {
                    document = null;
                }
            }

            return result;
        }
    }

    /// <summary>Runs the actions on the thread pool, the costliest first; an engine exception comes out as itself.</summary>
    internal static void RunLargestFirst(IEnumerable<(long Cost, Action Action)> work, int maxParallel = -1)
    {
        var ordered = work.OrderByDescending(w => w.Cost).Select(w => w.Action).ToList();
        try
        {
            System.Threading.Tasks.Parallel.ForEach(
                System.Collections.Concurrent.Partitioner.Create(ordered, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering),
                new ParallelOptions { MaxDegreeOfParallelism = maxParallel },
                action => action());
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
            throw;
        }
    }

    /// <summary>The file names <see cref="Render"/> produces for the formats, in the same order, without rendering.</summary>
    public static IReadOnlyList<(string FileName, ReportFormat Format)> Names(AuditResult result, IReadOnlyCollection<ReportFormat>? formats = null)
    {
        var selected = Formats(formats);
        var names = new List<(string, ReportFormat)>();
        foreach (var d in ReportNames.Deliverables)
        {
            foreach (var f in new[] { ReportFormat.Markdown, ReportFormat.Html }.Where(selected.Contains))
            {
                names.Add((ReportNames.FileName(result, d, f), f));
            }
        }

        if (selected.Contains(ReportFormat.Json))
        {
            names.Add((ReportNames.JsonFileName(result), ReportFormat.Json));
        }

        if (selected.Contains(ReportFormat.Sarif))
        {
            names.Add((ReportNames.SarifFileName(result), ReportFormat.Sarif));
        }

        if (selected.Contains(ReportFormat.JUnit))
        {
            names.Add((ReportNames.JUnitFileName(result), ReportFormat.JUnit));
        }

        return names;
    }

    /// <summary>
    /// The full path of <paramref name="fileName"/> in <paramref name="folder"/>; refuses a name that would leave the
    /// folder, lexically (<c>..</c>, a rooted name) or through a symbolic link inside it.
    /// </summary>
    public static string Target(string folder, string fileName)
    {
        var root = Path.GetFullPath(folder);
        var full = Path.GetFullPath(Path.Combine(root, fileName));
        if (!IsInside(root, full) || !IsInside(RealPath(root), RealPath(Path.GetDirectoryName(full)!)))
        {
            throw new BqxException(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                $"the report name '{fileName}' would be written outside the output folder {root}; refused", fileName));
        }

        return full;
    }

    private static bool IsInside(string root, string path)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        return string.Equals(path, root, comparison) || path.StartsWith(prefix, comparison);
    }

    /// <summary>The path with every existing symbolic link on it resolved (the parts that do not exist yet kept as they are).</summary>
    private static string RealPath(string path)
    {
        var full = Path.GetFullPath(path);
        var root = Path.GetPathRoot(full)!;
        var current = root;
        foreach (var part in full[root.Length..].Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            var next = Path.Combine(current, part);
            var info = new DirectoryInfo(next);
            if (info.Exists && info.LinkTarget is not null)
            {
                next = info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? next;
            }

            current = next;
        }

        return current;
    }

    private static IReadOnlyList<ReportFormat> Formats(IReadOnlyCollection<ReportFormat>? formats) =>
        formats is null || formats.Count == 0
            ? ExportOptions.DefaultFormats
            : Enum.GetValues<ReportFormat>().Where(formats.Contains).ToList();

    private static string Describe((string FileName, ReportFormat Format) name) => name.Format switch
    {
        ReportFormat.Markdown => "Markdown report",
        ReportFormat.Html => "HTML report",
        ReportFormat.Json => "JSON audit result",
        ReportFormat.Sarif => "SARIF log",
        _ => "JUnit XML",
    };

    /// <summary>The result with another report date (a shallow copy: the lists are shared, the run is copied).</summary>
    private static AuditResult WithDate(AuditResult result, DateOnly date)
    {
        var run = result.Run;
        return new AuditResult
        {
            Run = new AuditRun
            {
                ToolVersion = run.ToolVersion,
                ProfileName = run.ProfileName,
                SummaryName = run.SummaryName,
                ProfileSource = run.ProfileSource,
                Root = run.Root,
                Commit = run.Commit,
                ProjectId = run.ProjectId,
                Principal = run.Principal,
                Offline = run.Offline,
                ReportDate = date.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Reproducible = run.Reproducible,
                Start = run.Start,
                End = run.End,
                DurationMs = run.DurationMs,
                NotMeasured = run.NotMeasured,
            },
            Readiness = result.Readiness,
            Blockers = result.Blockers,
            Scripts = result.Scripts,
            Infrastructure = result.Infrastructure,
            Dependencies = result.Dependencies,
            Naming = result.Naming,
            NamingSummary = result.NamingSummary,
            RenamePlan = result.RenamePlan,
        };
    }
}
