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
/// unless Force) and every text is rendered before the first file is written; then each file is written atomically
/// where the host's ShouldProcess agrees (-WhatIf: nothing is written, nothing returned).
/// </summary>
public static class ReportExporter
{
    /// <summary>Writes the reports; returns the files written, in the order of <see cref="Render"/>.</summary>
    public static IReadOnlyList<FileInfo> Export(AuditResult result, ExportOptions options, IAuditHost host)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(host);
        var folder = Path.GetFullPath(string.IsNullOrWhiteSpace(options.OutputPath) ? "." : options.OutputPath);
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

        var existing = targets.Where(t => File.Exists(t) || Directory.Exists(t)).ToList();
        if (existing.Count > 0 && (!options.Force || existing.Any(Directory.Exists)))
        {
            throw new BqxException(new BqxError(ErrorIds.OutputExists, BqxErrorCategory.WriteError,
                existing.Any(Directory.Exists)
                    ? $"{existing.First(Directory.Exists)} is a folder; a report cannot be written there"
                    : $"{existing.Count} report file{(existing.Count == 1 ? "" : "s")} already exist{(existing.Count == 1 ? "s" : "")} ({string.Join(", ", existing.Select(Path.GetFileName))}); nothing was written. Use {host.Dialect.Option(BqxOption.Force)} to replace them",
                existing[0]));
        }

        var approved = targets.Select((t, i) => (Target: t, Index: i))
            .Where(x => host.ShouldProcess(x.Target, $"Write {Describe(names[x.Index])}"))
            .ToList();
        if (approved.Count == 0)
        {
            return Array.Empty<FileInfo>();
        }

        host.Cancellation.ThrowIfCancellationRequested();
        var files = Render(dated, formats).ToDictionary(f => f.FileName, StringComparer.Ordinal);
        var written = new List<FileInfo>(approved.Count);
        var created = new List<string>();
        try
        {
            foreach (var (target, index) in approved)
            {
                host.Cancellation.ThrowIfCancellationRequested();
                var existed = File.Exists(target);
                host.WriteVerbose($"writing {target}");
                written.Add(SafeFileWriter.WriteAtomic(target, files[names[index].FileName].Content, options.Force));
                if (!existed)
                {
                    created.Add(target);
                }
            }
        }
        catch
        {
            // A failure part-way leaves no new report behind (replaced ones stay replaced: each write is atomic).
            foreach (var path in created)
            {
                try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }

            throw;
        }

        return written;
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

    /// <summary>Runs the actions on the thread pool, the costliest first; an engine exception comes out as itself.</summary>
    internal static void RunLargestFirst(IEnumerable<(long Cost, Action Action)> work)
    {
        var ordered = work.OrderByDescending(w => w.Cost).Select(w => w.Action).ToList();
        try
        {
            System.Threading.Tasks.Parallel.ForEach(
                System.Collections.Concurrent.Partitioner.Create(ordered, System.Collections.Concurrent.EnumerablePartitionerOptions.NoBuffering),
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
