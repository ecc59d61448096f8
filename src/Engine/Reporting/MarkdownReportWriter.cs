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

    /// <summary>All six deliverables, in the directive's order.</summary>
    public static IReadOnlyList<ReportDocument> BuildAll(AuditResult result)
    {
        var context = ReportContext.For(result);
        return ReportNames.Deliverables.Select(d => Build(context, d)).ToList();
    }

    internal static ReportDocument Build(ReportContext context, Deliverable deliverable) => deliverable switch
    {
        Deliverable.ScriptInventory => ScriptInventoryReport.Build(context),
        Deliverable.PhaseReadiness => PhaseReadinessReport.Build(context),
        Deliverable.Infrastructure => InfrastructureReport.Build(context),
        Deliverable.Dependencies => DependencyReport.Build(context),
        Deliverable.Blockers => BlockerReport.Build(context),
        Deliverable.Summary => SummaryReport.Build(context),
        _ => throw new ArgumentOutOfRangeException(nameof(deliverable), deliverable, "unknown deliverable"),
    };
}
