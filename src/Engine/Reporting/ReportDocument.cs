using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>One deliverable rendered as Markdown, with the charts it draws (the HTML writer turns those into SVG).</summary>
public sealed class ReportDocument
{
    public ReportDocument(Deliverable deliverable, string title, string markdown, IReadOnlyList<ReportChart> charts)
    {
        Deliverable = deliverable;
        Title = title;
        Markdown = markdown;
        Charts = charts;
    }

    public Deliverable Deliverable { get; }

    /// <summary>The report's first heading (the HTML page title).</summary>
    public string Title { get; }

    public string Markdown { get; }

    public IReadOnlyList<ReportChart> Charts { get; }

    public override string ToString() => Title;
}

/// <summary>What every deliverable shares: the verdict header and the run's part of the evidence appendix.</summary>
internal static class ReportSections
{
    /// <summary>One line of <c>AuditService</c>'s unmeasured infrastructure: <c>Infrastructure Api: 8 checks not verified (reason)</c>.</summary>
    private static readonly System.Text.RegularExpressions.Regex InfraNotMeasured =
        new(@"^Infrastructure (\w+): (\d{1,9}) checks? not verified \((.*)\)$", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>The report opens with its verdict: the area's verdict, then the phase decision and the report date.</summary>
    public static string Header(MarkdownBuilder md, ReportContext c, string title, string verdictMarkdown)
    {
        var r = c.Readiness;
        var heading = $"{title}: {r.PhaseName}";
        md.Heading(1, heading);
        md.Field("Verdict", verdictMarkdown);
        md.Field("Decision", Decision(c));
        md.Field("Report date", $"{MarkdownBuilder.Text(c.Run.ReportDate)}{(c.Run.Offline ? " (offline: nothing in the cloud was measured)" : "")}");
        return heading;
    }

    /// <summary><c>NO-GO ❌ for M008 Phase 4C (risk HIGH)</c>.</summary>
    public static string Decision(ReportContext c) =>
        $"{ReportText.Decision(c.Readiness.Decision)} for {MarkdownBuilder.Text(c.Readiness.PhaseName)} (risk {ReportText.Risk(c.Readiness.RiskLevel)})";

    /// <summary>A counts line: every value of the enum in order, zeros included (<c>READY ✅ 12 · PARTIAL ⚠️ 4 · …</c>).</summary>
    public static string Counts<T>(IEnumerable<T> statuses, Func<T, string> word)
        where T : struct, Enum
    {
        var counts = new Dictionary<T, int>();
        foreach (var s in statuses)
        {
            counts[s] = counts.TryGetValue(s, out var n) ? n + 1 : 1;
        }

        return string.Join(" · ", Enum.GetValues<T>().Select(v => $"{word(v)} {MarkdownBuilder.N(counts.TryGetValue(v, out var n) ? n : 0)}"));
    }

    /// <summary>The run facts every evidence appendix ends with.</summary>
    public static void RunEvidence(MarkdownBuilder md, ReportContext c)
    {
        var run = c.Run;
        md.Heading(3, "Run");
        md.Field("Tool", $"BqxAudit {MarkdownBuilder.Text(run.ToolVersion)}");
        md.Field("Profile", $"{MarkdownBuilder.Text(run.ProfileName)} ({MarkdownBuilder.Code(c.Portable(run.ProfileSource))})");
        if (run.EmbeddedProfileApplied)
        {
            md.Field("Profile applied", ProfileApplied(run));
        }

        md.Field("Audited root", $"{MarkdownBuilder.Code(ReportText.RootName(run.Root))} (every path in this report is relative to it)");
        md.Field("Commit", run.Commit is null ? "not in a git work tree" : MarkdownBuilder.Code(run.Commit));
        md.Field("Project", run.ProjectId is null ? "none" : MarkdownBuilder.Code(run.ProjectId));
        md.Field("Principal", run.Principal is null ? (run.Offline ? "none (offline)" : "unknown") : MarkdownBuilder.Code(run.Principal));
        md.Field("Mode", run.Offline ? "offline: no cloud calls were made" : "online");
        md.Field("Report date", MarkdownBuilder.Text(run.ReportDate) + (run.Reproducible ? " (fixed with --date: reruns are byte-identical)" : ""));
        if (run.Start is { } start)
        {
            md.Field("Ran", $"{ReportText.Time(start)} for {MarkdownBuilder.N(run.DurationMs ?? 0)} ms");
        }

        md.EndBlock();
        if (run.ProfileMismatches.Count > 0)
        {
            md.Paragraph("What of the profile does not fit the audited root:");
            foreach (var m in run.ProfileMismatches)
            {
                md.Bullet(MarkdownBuilder.Text(m));
            }

            md.EndBlock();
        }

        var notMeasured = NotMeasured(run.NotMeasured);
        if (notMeasured.Count > 0)
        {
            md.Paragraph("Not measured in this run:");
            foreach (var n in notMeasured)
            {
                md.Bullet(MarkdownBuilder.Text(n));
            }

            md.EndBlock();
        }
    }

    /// <summary>
    /// The run's unmeasured areas, the infrastructure kinds that share one reason folded into one line that keeps each
    /// kind's count (<c>Infrastructure: 25 checks in 10 areas not verified (Project 1, Api 8, …): not measured: offline</c>);
    /// without <paramref name="perKind"/> (the summary, which has no room) the kinds' counts are left to the other reports.
    /// </summary>
    public static List<string> NotMeasured(IReadOnlyList<string> entries, bool perKind = true)
    {
        var parsed = entries.Select(e => (Entry: e, Match: InfraNotMeasured.Match(e))).ToList();
        var shared = parsed.Where(p => p.Match.Success).GroupBy(p => p.Match.Groups[3].Value, StringComparer.Ordinal)
            .Where(g => g.Skip(1).Any()).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var written = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var (entry, match) in parsed)
        {
            if (!match.Success || !shared.TryGetValue(match.Groups[3].Value, out var group))
            {
                result.Add(entry);
            }
            else if (written.Add(match.Groups[3].Value))
            {
                // The kinds that share a reason, written where the first of them stood.
                var checks = group.Sum(p => long.Parse(p.Match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
                var kinds = group.Select(p => $"{p.Match.Groups[1].Value} {p.Match.Groups[2].Value}").ToList();
                result.Add($"Infrastructure: {ReportText.Count(checks, "check")} in {MarkdownBuilder.N(group.Count)} areas not verified{(perKind ? $" ({string.Join(", ", kinds)})" : "")}: {match.Groups[3].Value}");
            }
        }

        return result;
    }

    /// <summary>The sentence every report carries when the embedded profile was applied.</summary>
    public static string ProfileApplied(AuditRun run) =>
        $"the embedded profile {MarkdownBuilder.Text(run.ProfileName)}, because the audited root has no bqxaudit.yaml; "
        + (run.ProfileMismatches.Count == 0
            ? "every task glob and table list file of it fits the root"
            : $"{ReportText.Count(run.ProfileMismatches.Count, "part")} of it {(run.ProfileMismatches.Count == 1 ? "does" : "do")} not fit the root (listed below)");

    /// <summary>
    /// A bullet per piece of evidence under a heading naming what it is evidence for: at most <paramref name="shown"/>,
    /// then one bullet counting the rest and saying where they are (<paramref name="rest"/>).
    /// </summary>
    public static void EvidenceList(MarkdownBuilder md, string headingMarkdown, IReadOnlyList<Evidence> evidence, int shown, string rest)
    {
        if (evidence.Count == 0)
        {
            return;
        }

        md.Paragraph(headingMarkdown);
        Bullets(md, evidence.Select(ReportText.Evidence).ToList(), shown, rest);
        md.EndBlock();
    }

    /// <summary>
    /// Evidence locations grouped by file: <c>`a.sh` lines 3, 9, 12 and 4 more; `b.sh:7`; `PATH lookup gh`</c>, at most
    /// <paramref name="files"/> files (or other locations) and <see cref="ReportLimits.LinesPerFile"/> lines each, the rest counted.
    /// </summary>
    public static string Locations(IEnumerable<string> locations, int files, string? rest = null)
    {
        var cut = false;
        var byFile = locations.Where(l => !string.IsNullOrEmpty(l)).Distinct(StringComparer.Ordinal).Select(SplitLine)
            .GroupBy(l => l.Path, StringComparer.Ordinal).Select(g =>
            {
                var lines = g.Where(l => l.Line is not null).Select(l => l.Line!).ToList();
                cut |= lines.Count > ReportLimits.LinesPerFile;
                return lines.Count switch
                {
                    0 => MarkdownBuilder.Code(g.Key),
                    1 => MarkdownBuilder.Code($"{g.Key}:{lines[0]}"),
                    _ => $"{MarkdownBuilder.Code(g.Key)} lines {ReportText.Some(lines, ReportLimits.LinesPerFile)}",
                };
            }).ToList();
        var text = ReportText.Some(byFile, files, "; ", rest);
        // A file's lines cut while every file is shown: say once where the rest are.
        return cut && byFile.Count <= files && !string.IsNullOrEmpty(rest) ? $"{text} (every line {rest})" : text;
    }

    /// <summary><c>scripts/a.sh:12</c> → (<c>scripts/a.sh</c>, <c>12</c>); a location without a line number → (it, null).</summary>
    private static (string Path, string? Line) SplitLine(string location)
    {
        var colon = location.LastIndexOf(':');
        return colon > 0 && colon < location.Length - 1 && location.AsSpan(colon + 1).IndexOfAnyExceptInRange('0', '9') < 0
            ? (location[..colon], location[(colon + 1)..])
            : (location, null);
    }

    /// <summary>At most <paramref name="shown"/> bullets, then <c>- and N more in …</c>.</summary>
    public static void Bullets(MarkdownBuilder md, IReadOnlyList<string> bullets, int shown, string rest)
    {
        foreach (var b in bullets.Take(shown))
        {
            md.Bullet(b);
        }

        if (bullets.Count > shown)
        {
            md.Bullet($"and {MarkdownBuilder.N(bullets.Count - shown)} more {rest}");
        }
    }
}
