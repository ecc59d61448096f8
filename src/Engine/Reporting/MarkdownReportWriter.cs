using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>
/// The six deliverables as Markdown. Pure functions of the AuditResult: the same result gives the same text,
/// byte for byte. Each report opens with its verdict, then its tables, then an evidence appendix.
/// </summary>
public static class MarkdownReportWriter
{
    /// <summary>One deliverable as Markdown text.</summary>
    public static string Write(AuditResult result, Deliverable deliverable) => Build(result, deliverable).Markdown;

    /// <summary>One deliverable as a document (Markdown plus its charts, for the HTML writer).</summary>
    public static ReportDocument Build(AuditResult result, Deliverable deliverable) => Build(ReportContext.For(result), deliverable);

    /// <summary>All six deliverables, in the directive's order (built concurrently from one shared, read-only context).</summary>
    public static IReadOnlyList<ReportDocument> BuildAll(AuditResult result)
    {
        var context = ReportContext.For(result);
        var deliverables = ReportNames.Deliverables;
        var documents = new ReportDocument[deliverables.Count];
        ReportExporter.RunLargestFirst(deliverables.Select((d, i) => (Cost: Cost(context, d), Action: (Action)(() => documents[i] = Build(context, d)))));
        return documents;
    }

    /// <summary>Roughly how much text a deliverable has (to start the largest first).</summary>
    private static long Cost(ReportContext c, Deliverable d) => d switch
    {
        Deliverable.ScriptInventory => (c.Scripts.Count * 900L) + c.Scripts.Sum(s => s.Findings.Count * 200L),
        Deliverable.Infrastructure => c.Infrastructure.Count * 300L,
        Deliverable.Dependencies => c.Dependencies.Count * 800L,
        Deliverable.Blockers => c.Blockers.Count * 850L,
        Deliverable.PhaseReadiness => c.PhaseBlockers.Count * 100L,
        _ => 0,
    };

    internal static ReportDocument Build(ReportContext context, Deliverable deliverable) => context.WithoutRoot(deliverable switch
    {
        Deliverable.ScriptInventory => ScriptInventoryReport.Build(context),
        Deliverable.PhaseReadiness => PhaseReadinessReport.Build(context),
        Deliverable.Infrastructure => InfrastructureReport.Build(context),
        Deliverable.Dependencies => DependencyReport.Build(context),
        Deliverable.Blockers => BlockerReport.Build(context),
        Deliverable.Summary => SummaryReport.Build(context),
        _ => throw new ArgumentOutOfRangeException(nameof(deliverable), deliverable, "unknown deliverable"),
    });
}
