using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Reporting;

/// <summary>The data of the reports' two charts: the blocker-resolution plan (Gantt) and naming compliance (pie).</summary>
public static class ReportCharts
{
    /// <summary>Bars per priority: past this, the rest of the priority is one "N more" bar (a chart stays readable at 10,000 blockers).</summary>
    public const int BarsPerPriority = 20;

    /// <summary>
    /// The blocker-resolution plan: the phase's P0 then P1 blockers, one after the other in working hours from the
    /// readiness StartDate (the phase's hours per day and time zone), each bar as long as its EstimatedDelay.Max;
    /// one section per priority. Past <see cref="BarsPerPriority"/> bars, the rest of a priority is one bar as long as their sum.
    /// </summary>
    public static IReadOnlyList<GanttItem> ResolutionPlan(AuditResult result)
    {
        var r = result.Readiness;
        var zone = Zone(r.TimeZone);
        var perDay = r.WorkingHoursPerDay is > 0 and <= 24 ? r.WorkingHoursPerDay : 8;
        var cursor = r.StartDate ?? DefaultStart(result);
        var items = new List<GanttItem>();
        var resolvedEarlier = new Dictionary<string, (DateTimeOffset Start, DateTimeOffset End)>(StringComparer.Ordinal);
        foreach (var priority in new[] { Priority.P0, Priority.P1 })
        {
            var section = ReportText.Priority(priority);
            var blockers = r.Blockers.Where(b => b.Priority == priority).ToList();
            var visible = blockers.Count <= BarsPerPriority ? blockers.Count : BarsPerPriority - 1;
            var together = new Dictionary<string, (DateTimeOffset Start, DateTimeOffset End)>(StringComparer.Ordinal);
            foreach (var b in blockers.Take(visible))
            {
                // Blockers one action resolves (ResolvedBy) run side by side: the plan moves on after the longest.
                if (b.ResolvedBy is { } by && (together.TryGetValue(by, out var shared) || resolvedEarlier.TryGetValue(by, out shared)))
                {
                    var from = cursor;
                    cursor = shared.Start;
                    var end = Bar(section, $"{b.Id} {b.Title}", b.EstimatedDelay?.Max ?? 0, priority == Priority.P0);
                    var last = end > shared.End ? end : shared.End;
                    together[by] = (shared.Start, last);
                    resolvedEarlier[by] = (shared.Start, last);
                    cursor = last > from ? last : from;
                    continue;
                }

                var start = ReadinessService.AddWorkingHours(cursor, 0, perDay, zone);
                cursor = Bar(section, $"{b.Id} {b.Title}", b.EstimatedDelay?.Max ?? 0, priority == Priority.P0);
                if (b.ResolvedBy is { } key)
                {
                    together[key] = (start, cursor);
                    resolvedEarlier[key] = (start, cursor);
                }
            }

            if (visible < blockers.Count)
            {
                var rest = blockers.Skip(visible).ToList();
                cursor = Bar(section, $"{MarkdownBuilder.N(rest.Count)} more {priority} blockers", rest.Sum(b => b.EstimatedDelay?.Max ?? 0), priority == Priority.P0);
            }
        }

        return items;

        // A bar starts at the next working moment and ends when its hours are worked: at 17:00, not at 09:00 the next day.
        DateTimeOffset Bar(string section, string label, double hours, bool critical)
        {
            var start = ReadinessService.AddWorkingHours(cursor, 0, perDay, zone);
            var end = hours <= 0 ? start : ReadinessService.AddWorkingHours(start, hours - Second, perDay, zone).AddHours(Second);
            items.Add(new GanttItem(section, label, start, end, critical));
            return end;
        }
    }

    private const double Second = 1.0 / 3600;

    /// <summary>The Gantt as a report chart (Mermaid and SVG), or null when the phase has no P0/P1 blocker.</summary>
    public static ReportChart? ResolutionPlanChart(AuditResult result)
    {
        var items = ResolutionPlan(result);
        if (items.Count == 0)
        {
            return null;
        }

        var title = $"Blocker resolution plan for {result.Readiness.PhaseName}";
        return new ReportChart(Charts.GanttMermaid(title, items), Charts.GanttSvg(title, items));
    }

    /// <summary>Naming compliance by status (slices with no names are left out).</summary>
    public static IReadOnlyList<PieSlice> NamingCompliance(AuditResult result)
    {
        if (result.NamingSummary is not { } summary)
        {
            return Array.Empty<PieSlice>();
        }

        return Enum.GetValues<NamingStatus>()
            .Select(s => (Status: s, Count: summary.StatusCount(s)))
            .Where(x => x.Count > 0)
            .Select(x => new PieSlice(ReportText.Status(x.Status), x.Count))
            .ToList();
    }

    /// <summary>The pie as a report chart, or null when no table name was classified.</summary>
    public static ReportChart? NamingComplianceChart(AuditResult result)
    {
        var slices = NamingCompliance(result);
        if (slices.Count == 0)
        {
            return null;
        }

        var title = $"Naming compliance{(result.NamingSummary?.MandateId is { } m ? " (" + m + ")" : "")} of {MarkdownBuilder.N(result.NamingSummary!.Names)} table names";
        return new ReportChart(Charts.PieMermaid(title, slices), Charts.PieSvg(title, slices));
    }

    private static DateTimeOffset DefaultStart(AuditResult result) =>
        DateOnly.TryParseExact(result.Run.ReportDate, "yyyy-MM-dd", out var d)
            ? new DateTimeOffset(d.ToDateTime(new TimeOnly(9, 0)), TimeSpan.Zero)
            : DateTimeOffset.UnixEpoch;

    private static TimeZoneInfo Zone(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return TimeZoneInfo.Utc;
        }

        try
        {
            return ReadinessService.TimeZone(id);
        }
        catch (BqxAudit.Hosting.BqxException)
        {
            return TimeZoneInfo.Utc;
        }
    }
}
