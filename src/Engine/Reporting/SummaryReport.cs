using System.Text;
using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// The executive summary (BA_AUDIT_SUMMARY for bqx-ml-v3): the GO/NO-GO decision first, then the counts, every
/// blocker, the six answers, what was not measured and where the details are — within three printed pages
/// (<see cref="MaxLines"/> lines, <see cref="MaxChars"/> characters) however many findings there are.
/// </summary>
/// <remarks>
/// Every part but the blocker list has a fixed bound (texts are cut to a length). The blocker list gets what is
/// left: when every blocker fits as a table row (Id, priority, title) that is what it shows; otherwise the first
/// P0/P1 blockers keep a row and the rest are named by Id, grouped by priority and rule; when even the Ids no
/// longer fit, the list names as many as fit (P0 first), counts the rest per group and says how many are not named
/// here and that the blocker analysis lists each one.
/// </remarks>
internal static class SummaryReport
{
    public const int MaxLines = 150;
    public const int MaxChars = 9000;

    private const int TitleMax = 70;
    private const int AnswerMax = 220;
    private const int NotMeasuredShown = 5;

    public static ReportDocument Build(ReportContext c)
    {
        var top = Top(c, out var title);
        var bottom = Bottom(c);
        var used = top.Length + bottom.Length;
        var usedLines = Lines(top) + Lines(bottom);
        var blockers = BlockerSection(c, MaxChars - used, MaxLines - usedLines);
        return new ReportDocument(Deliverable.Summary, title, top + blockers + bottom, Array.Empty<ReportChart>());
    }

    private static string Top(ReportContext c, out string title)
    {
        var r = c.Readiness;
        var md = new MarkdownBuilder();
        title = $"Audit Summary: {Truncate(r.PhaseName, 80)}";
        md.Heading(1, title);
        md.Heading(2, $"Decision: {ReportText.Decision(r.Decision)}");
        md.Field("Phase", $"{Text(Truncate(r.PhaseName, 80))} ({Code(Truncate(r.Phase, 40))}), risk {ReportText.Risk(r.RiskLevel)}");
        md.Field("Why", Text(Truncate(r.DecisionReason, 300)));
        md.Field("Critical path", $"{ReportText.Hours(r.CriticalPathHours)}; planned start {ReportText.Time(r.StartDate)}, earliest start {ReportText.Time(r.EarliestStart)}");
        md.Field("Cost", $"{Text(ReportText.Usd(r.Cost))} vs budget {Text(ReportText.Usd(r.Budget))}");
        var unmeasured = c.Infrastructure.Count(x => x.Status is InfraCheckStatus.NotVerified or InfraCheckStatus.Error);
        if (c.Run.Offline || unmeasured > 0)
        {
            md.Field("Unmeasured ground", $"{ReportText.Count(unmeasured, "infrastructure check")} not measured{(c.Run.Offline ? " (offline)" : "")}; an unmeasured area is a P0 blocker, so the decision is never GO on it");
        }

        md.Field("Report date", Text(c.Run.ReportDate));
        md.EndBlock();

        md.Heading(2, "Counts");
        var rows = new List<IReadOnlyList<string>>
        {
            Row("Blockers", c.Blockers.Count, ReportSections.Counts(c.Blockers.Select(b => b.Priority), p => p.ToString())),
            Row("Scripts", c.Scripts.Count, ReportSections.Counts(c.Scripts.Select(s => s.Status), ReportText.Status)),
            Row("Infrastructure checks", c.Infrastructure.Count, ReportSections.Counts(c.Infrastructure.Select(x => x.Status), ReportText.Status)),
            Row("Dependencies", c.Dependencies.Count, ReportSections.Counts(c.Dependencies.Select(d => d.Status), ReportText.Status)),
        };
        if (c.Result.NamingSummary is { Names: > 0 } naming)
        {
            rows.Add(Row("Table names", naming.Names, string.Join(" · ", Enum.GetValues<NamingStatus>().Select(s => $"{ReportText.Status(s)} {N(naming.StatusCount(s))}"))));
        }

        if (c.Result.RenamePlan.Count > 0)
        {
            rows.Add(Row("Rename plan", c.Result.RenamePlan.Count, ReportSections.Counts(c.Result.RenamePlan.Select(p => p.Action), a => a.ToString())));
        }

        md.Table(new[] { "Area", "Total", "Breakdown" }, rows, new[] { false, true, false });
        return md.ToString();

        static IReadOnlyList<string> Row(string area, long total, string breakdown) => new[] { area, N(total), breakdown };
    }

    private static string Bottom(ReportContext c)
    {
        var md = new MarkdownBuilder();
        md.Heading(2, "Critical questions");
        foreach (var (question, answer) in ReadinessQuestions.Ordered(c.Readiness.Answers).Take(6))
        {
            md.Bullet($"**{Text(Truncate(question, 100))}** {Text(Truncate(answer, AnswerMax))}");
        }

        md.EndBlock();
        var notMeasured = c.Run.NotMeasured;
        if (notMeasured.Count > 0)
        {
            md.Heading(2, "Not measured");
            foreach (var n in notMeasured.Take(NotMeasuredShown))
            {
                md.Bullet(Text(Truncate(n, 140)));
            }

            if (notMeasured.Count > NotMeasuredShown)
            {
                md.Bullet($"and {N(notMeasured.Count - NotMeasuredShown)} more areas (see the infrastructure and dependency reports)");
            }

            md.EndBlock();
        }

        md.Heading(2, "Reports");
        md.Paragraph("Details, tables and evidence: " + string.Join(", ",
            ReportNames.Deliverables.Where(d => d != Deliverable.Summary).Select(d => Code(c.FileName(d)))) + ".");
        md.Heading(2, "Evidence");
        md.Paragraph($"BqxAudit {Text(Truncate(c.Run.ToolVersion, 30))}, profile {Text(Truncate(c.Run.ProfileName, 40))}, root {Code(Truncate(c.Run.Root, 80))}"
                     + $"{(c.Run.Commit is null ? "" : $", commit {Code(Truncate(c.Run.Commit, 40))}")}, {(c.Run.Offline ? "offline" : "online")}; "
                     + "every number here is in the JSON result and the five reports, with its evidence.");
        return md.ToString();
    }

    /// <summary>The blockers within <paramref name="chars"/> characters and <paramref name="lines"/> lines.</summary>
    private static string BlockerSection(ReportContext c, int chars, int lines)
    {
        var all = c.Blockers;
        var heading = $"## Blockers ({N(all.Count)})\n\n";
        if (all.Count == 0)
        {
            return heading + "None found in any measured area.\n\n";
        }

        var full = heading + Table(all);
        if (full.Length <= chars && Lines(full) <= lines)
        {
            return full;
        }

        // A layout that names every blocker if there is one; grouping by rule over grouping by priority alone;
        // then the one that names the most; then the one with more titled rows.
        var best = new[] { true, false }
            .SelectMany(byRule => new[] { 10, 5, 0 }.Select(rows => (Layout: Grouped(c, heading, rows, chars, lines, byRule), ByRule: byRule)))
            .Where(x => x.Layout is not null)
            .OrderBy(x => x.Layout!.Value.Unnamed == 0 ? 0 : 1)
            .ThenBy(x => x.ByRule ? 0 : 1)
            .ThenBy(x => x.Layout!.Value.Unnamed)
            .Select(x => x.Layout!.Value.Text)
            .FirstOrDefault();
        if (best is not null)
        {
            return best;
        }

        // Not reachable with the bounds above (four priority lines always fit); kept so the limits hold regardless.
        return heading + $"{N(all.Count)} blockers; every one is in {Code(c.FileName(Deliverable.Blockers))}.\n\n";
    }

    /// <summary>The first <paramref name="rows"/> P0/P1 blockers as table rows, the rest by Id in groups, and how many are not named; null when it cannot fit.</summary>
    private static (string Text, int Unnamed)? Grouped(ReportContext c, string heading, int rows, int chars, int lines, bool byRule)
    {
        var top = c.Blockers.Where(b => b.Priority <= Priority.P1).Take(rows).ToList();
        var shown = new HashSet<Blocker>(top);
        var rest = c.Blockers.Where(b => !shown.Contains(b)).ToList();
        var groups = rest.GroupBy(b => (b.Priority, Rule: byRule ? b.Rule : null))
            .OrderBy(g => g.Key.Priority).ThenBy(g => g.Key.Rule, StringComparer.Ordinal)
            .Select(g => (Label: byRule ? $"**{g.Key.Priority}** {Code(Truncate(g.Key.Rule, 60))}" : $"**{ReportText.Priority(g.Key.Priority)}**", Ids: g.Select(b => b.Id).ToList()))
            .ToList();

        var analysis = Code(c.FileName(Deliverable.Blockers));
        var sb = new StringBuilder(heading);
        sb.Append(top.Count > 0 ? $"The first {N(top.Count)} with their titles, then the others by Id" : "By Id")
          .Append($", most urgent first, grouped by priority{(byRule ? " and rule" : "")}. Each one in full: {analysis}.\n\n");
        if (top.Count > 0)
        {
            sb.Append(Table(top));
        }

        // What the lines cost without Ids, plus room for each line's "… and N more" and the closing note.
        const int suffixRoom = 32, noteRoom = 240;
        var fixedChars = sb.Length + groups.Sum(g => 2 + g.Label.Length + 4 + N(g.Ids.Count).Length + 3 + suffixRoom + 1) + 1 + noteRoom;
        var fixedLines = Lines(sb.ToString()) + groups.Count + 3;
        if (fixedChars > chars || fixedLines > lines)
        {
            return null;
        }

        var idBudget = chars - fixedChars;
        var unnamed = 0;
        foreach (var (label, ids) in groups)
        {
            sb.Append("- ").Append(label).Append(" (").Append(N(ids.Count)).Append("): ");
            var named = 0;
            foreach (var id in ids)
            {
                var cost = id.Length + (named == 0 ? 0 : 2);
                if (cost > idBudget)
                {
                    break;
                }

                sb.Append(named == 0 ? "" : ", ").Append(id);
                idBudget -= cost;
                named++;
            }

            if (named < ids.Count)
            {
                sb.Append(named == 0 ? $"{N(ids.Count)} not named here" : $" … and {N(ids.Count - named)} more");
                unnamed += ids.Count - named;
            }

            sb.Append('\n');
        }

        sb.Append('\n');
        if (unnamed > 0)
        {
            sb.Append($"{ReportText.Count(unnamed, "blocker")} {(unnamed == 1 ? "is" : "are")} not named here so that the summary stays within three pages; {analysis} lists every one with its Id and block.\n\n");
        }

        return (sb.ToString(), unnamed);
    }

    private static string Table(IReadOnlyList<Blocker> blockers)
    {
        var md = new MarkdownBuilder(64 + (blockers.Count * 100));
        md.Table(new[] { "Id", "P", "Title" }, blockers.Select(b => (IReadOnlyList<string>)new[] { Code(b.Id), b.Priority.ToString(), Text(Truncate(b.Title, TitleMax)) }));
        return md.ToString();
    }

    private static int Lines(string text)
    {
        var n = 0;
        foreach (var ch in text)
        {
            if (ch == '\n')
            {
                n++;
            }
        }

        return n;
    }
}
