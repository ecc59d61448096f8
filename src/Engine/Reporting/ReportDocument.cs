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
        md.Field("Profile", $"{MarkdownBuilder.Text(run.ProfileName)} ({MarkdownBuilder.Code(run.ProfileSource)})");
        if (run.EmbeddedProfileApplied)
        {
            md.Field("Profile applied", ProfileApplied(run));
        }

        md.Field("Audited root", MarkdownBuilder.Code(run.Root));
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

        if (run.NotMeasured.Count > 0)
        {
            md.Paragraph("Not measured in this run:");
            foreach (var n in run.NotMeasured)
            {
                md.Bullet(MarkdownBuilder.Text(n));
            }

            md.EndBlock();
        }
    }

    /// <summary>The sentence every report carries when the embedded profile was applied.</summary>
    public static string ProfileApplied(AuditRun run) =>
        $"the embedded profile {MarkdownBuilder.Text(run.ProfileName)}, because the audited root has no bqxaudit.yaml; "
        + (run.ProfileMismatches.Count == 0
            ? "every task glob and table list file of it fits the root"
            : $"{ReportText.Count(run.ProfileMismatches.Count, "part")} of it {(run.ProfileMismatches.Count == 1 ? "does" : "do")} not fit the root (listed below)");

    /// <summary>A bullet per piece of evidence under a heading naming what it is evidence for.</summary>
    public static void EvidenceList(MarkdownBuilder md, string headingMarkdown, IReadOnlyList<Evidence> evidence)
    {
        if (evidence.Count == 0)
        {
            return;
        }

        md.Paragraph(headingMarkdown);
        foreach (var e in evidence)
        {
            md.Bullet(ReportText.Evidence(e));
        }

        md.EndBlock();
    }
}
