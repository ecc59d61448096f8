using System.Text;
using BqxAudit.Model;
using static BqxAudit.Reporting.MarkdownBuilder;

namespace BqxAudit.Reporting;

/// <summary>
/// The executive summary (BA_AUDIT_SUMMARY for bqx-ml-v3): the GO/NO-GO decision first, then the counts, the phase's
/// P0 and P1 blockers by name (the rest counted: the blocker analysis has each one), the six answers, what was not
/// measured and where the details are — within three printed pages (<see cref="MaxLines"/> lines,
/// <see cref="MaxChars"/> characters) however many findings there are.
/// </summary>
/// <remarks>
/// Texts the engine writes are whole sentences that list fewer items to stay short; hostile input (a title of
/// thousands of characters) is the only text shortened here, and only at a word, with "…". The blocker list gets the
/// room the rest leaves: it names the phase's P0 blockers, then its P1 blockers, as long as they fit, and counts every
/// blocker it does not name by priority, phase blockers apart from repository findings.
/// </remarks>
internal static class SummaryReport
{
    public const int MaxLines = 150;
    public const int MaxChars = 9000;

    private const int TitleMax = 200;
    private const int AnswerMax = 480;
    private const int NotMeasuredShown = 6;

    public static ReportDocument Build(ReportContext c)
    {
        var top = Top(c, out var title);
        var bottom = Bottom(c);
        var used = top.Length + bottom.Length;
        var usedLines = Lines(top) + Lines(bottom);
        var blockers = BlockerSection(c, MaxChars - used, MaxLines - usedLines);
        return new ReportDocument(Deliverable.Summary, title, top + blockers + bottom, Array.Empty<ReportChart>());
    }

    /// <summary>A text of at most <paramref name="max"/> characters on one line; longer ones end at a word, with '…'.</summary>
    internal static string Words(string? text, int max)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var oneLine = text.ReplaceLineEndings(" ");
        if (oneLine.Length <= max)
        {
            return oneLine;
        }

        var cut = oneLine.LastIndexOf(' ', max - 2);
        return (cut > max / 2 ? oneLine[..cut] : oneLine[..(max - 1)]).TrimEnd() + "…";
    }

    private static string Top(ReportContext c, out string title)
    {
        var r = c.Readiness;
        var md = new MarkdownBuilder();
        title = $"Audit Summary: {Words(r.PhaseName, 80)}";
        md.Heading(1, title);
        md.Heading(2, $"Decision: {ReportText.Decision(r.Decision)}");
        md.Field("Phase", $"{Text(Words(r.PhaseName, 80))} ({Code(Words(r.Phase, 40))}), risk {ReportText.Risk(r.RiskLevel)}");
        md.Field("Why", Text(Words(r.DecisionReason, 400)));
        md.Field("Critical path", $"{ReportText.Hours(r.CriticalPathHours)}; planned start {ReportText.Time(r.StartDate)}, earliest start {ReportText.Time(r.EarliestStart)}");
        md.Field("Cost", $"{Text(ReportText.Usd(r.Cost))} vs budget {Text(ReportText.Usd(r.Budget))}");
        var unmeasured = c.Infrastructure.Where(x => x.Status is InfraCheckStatus.NotVerified or InfraCheckStatus.Error).ToList();
        if (c.Run.Offline || unmeasured.Count > 0)
        {
            var areas = unmeasured.Select(x => x.Kind).Distinct().Count();
            var causes = c.Blockers.Count(b => b.Rule == "infra.not-verified");
            md.Field("Unmeasured ground", $"{ReportText.Count(unmeasured.Count, "infrastructure check")} in {ReportText.Count(areas, "area")} not measured{(c.Run.Offline ? " (offline)" : "")}; "
                + $"{(causes == 1 ? "they are one P0 blocker" : $"they are {N(causes)} P0 blockers, one per cause")}, so the decision is never GO on them");
        }

        if (c.Run.EmbeddedProfileApplied)
        {
            md.Field("Profile", Text(Words($"the embedded profile {c.Run.ProfileName} was applied, because the audited root has no bqxaudit.yaml"
                + (c.Run.ProfileMismatches.Count == 0 ? "; all of it fits the root" : $"; what does not fit the root: {BqxAudit.Readiness.ReadinessService.Listing(c.Run.ProfileMismatches, 260)}"), 420)));
        }

        md.Field("Report date", Text(c.Run.ReportDate));
        md.EndBlock();

        md.Heading(2, "Counts");
        var rows = new List<IReadOnlyList<string>>
        {
            Row("Blockers", c.Blockers.Count, ReportSections.Counts(c.Blockers.Select(b => b.Priority), p => p.ToString())),
            Row("Phase blockers", c.PhaseBlockers.Count, ReportSections.Counts(c.PhaseBlockers.Select(b => b.Priority), p => p.ToString())),
            Row("Repository findings", c.RepositoryFindings.Count, ReportSections.Counts(c.RepositoryFindings.Select(b => b.Priority), p => p.ToString())),
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
            md.Bullet($"**{Text(Words(question, 120))}** {Text(Words(answer, AnswerMax))}");
        }

        md.EndBlock();
        var notMeasured = ReportSections.NotMeasured(c.Run.NotMeasured, perKind: false);
        if (notMeasured.Count > 0)
        {
            md.Heading(2, "Not measured");
            ReportSections.Bullets(md, notMeasured.Select(n => Text(Words(n, 200))).ToList(), NotMeasuredShown, "in the Run evidence of every other report");

            md.EndBlock();
        }

        md.Heading(2, "Reports");
        md.Paragraph("Details, tables and evidence: " + string.Join(", ",
            ReportNames.Deliverables.Where(d => d != Deliverable.Summary).Select(d => Code(c.FileName(d)))) + ".");
        md.Heading(2, "Evidence");
        md.Paragraph($"BqxAudit {Text(Words(c.Run.ToolVersion, 30))}, profile {Text(Words(c.Run.ProfileName, 40))}, root {Code(Words(ReportText.RootName(c.Run.Root), 80))}"
                     + $"{(c.Run.Commit is null ? "" : $", commit {Code(Words(c.Run.Commit, 40))}")}, {(c.Run.Offline ? "offline" : "online")}; "
                     + "every number here is in the JSON result and the five reports, with its evidence.");
        return md.ToString();
    }

    /// <summary>The phase's P0 and P1 blockers by name, as many as fit, then every other blocker counted.</summary>
    private static string BlockerSection(ReportContext c, int chars, int lines)
    {
        var all = c.Blockers;
        var heading = $"## Blockers ({N(all.Count)})\n\n";
        if (all.Count == 0)
        {
            return heading + "None found in any measured area.\n\n";
        }

        var analysis = Code(c.FileName(Deliverable.Blockers));
        var urgent = c.PhaseBlockers.Where(b => b.Priority <= Priority.P1).ToList();
        var sb = new StringBuilder(heading);
        sb.Append(urgent.Count == 0
            ? $"No P0 or P1 blocker in {Text(Words(c.Readiness.PhaseName, 80))}."
            : $"The P0 and P1 blockers of {Text(Words(c.Readiness.PhaseName, 80))}, most urgent first; each one in full, and every other blocker, is in {analysis}.");
        sb.Append("\n\n");

        // Room for the closing count line (about 300 characters, one line plus a blank).
        const int closing = 420;
        var budget = chars - sb.Length - closing;
        var lineBudget = lines - Lines(sb.ToString()) - 4;
        var named = 0;
        foreach (var b in urgent)
        {
            var line = $"- **{b.Priority}** {Code(b.Id)} {Text(Words(b.Title, TitleMax))}\n";
            // Keep room to name the rest by Id: every remaining P0 always (the summary names every P0),
            // the remaining P1s as far as half of what is left allows.
            var p0After = urgent.Skip(named + 1).Count(u => u.Priority == Priority.P0) * 16;
            var p1After = urgent.Skip(named + 1).Count(u => u.Priority == Priority.P1) * 16 + 64;
            var reserve = p0After + Math.Min(p1After, Math.Max(0, budget - p0After) / 2);
            if (line.Length + reserve > budget || lineBudget <= 2)
            {
                break;
            }

            sb.Append(line);
            budget -= line.Length;
            lineBudget--;
            named++;
        }

        // Those whose titles no longer fit are named by Id, one line per priority, as far as the room goes.
        var byId = new List<Blocker>();
        foreach (var group in urgent.Skip(named).GroupBy(b => b.Priority))
        {
            var line = new StringBuilder($"- **{group.Key}**, by Id: ");
            var any = false;
            foreach (var b in group)
            {
                var piece = (any ? ", " : "") + Code(b.Id);
                if (line.Length + piece.Length + 1 > budget || lineBudget <= 0)
                {
                    break;
                }

                line.Append(piece);
                byId.Add(b);
                any = true;
            }

            if (any)
            {
                sb.Append(line).Append('\n');
                budget -= line.Length + 1;
                lineBudget--;
            }
        }

        if (named + byId.Count > 0)
        {
            sb.Append('\n');
        }

        var unnamedUrgent = urgent.Skip(named).Where(b => !byId.Contains(b)).ToList();
        var otherPhase = c.PhaseBlockers.Where(b => b.Priority > Priority.P1).ToList();
        var parts = new List<string>();
        if (unnamedUrgent.Count > 0)
        {
            parts.Add($"{ReportText.Count(unnamedUrgent.Count, "more P0/P1 phase blocker")} ({Counted(unnamedUrgent)}) not named here so that the summary stays within three pages");
        }

        if (otherPhase.Count > 0)
        {
            parts.Add($"{ReportText.Count(otherPhase.Count, "P2/P3 phase blocker")} ({Counted(otherPhase)})");
        }

        if (c.RepositoryFindings.Count > 0)
        {
            parts.Add($"{ReportText.Count(c.RepositoryFindings.Count, "repository finding")} that touch nothing the phase runs ({Counted(c.RepositoryFindings)})");
        }

        if (parts.Count > 0)
        {
            sb.Append("Also ").Append(string.Join("; ", parts)).Append($": {analysis} lists every one.\n\n");
        }

        return sb.ToString();

        static string Counted(IReadOnlyList<Blocker> blockers) =>
            string.Join(" · ", blockers.GroupBy(b => b.Priority).OrderBy(g => g.Key).Select(g => $"{g.Key} {N(g.Count())}"));
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
