using System.Text;
using BqxAudit.Model;

namespace BqxAudit.Reporting;

/// <summary>The report formats Export-BqxAuditReport and <c>bqx-audit audit --report</c> write.</summary>
public enum ReportFormat
{
    /// <summary>The six deliverables as <c>NAME_YYYYMMDD.md</c>.</summary>
    Markdown,

    /// <summary>The AuditResult as <c>AUDIT_RESULT_YYYYMMDD.json</c>.</summary>
    Json,

    /// <summary>The six deliverables as self-contained <c>NAME_YYYYMMDD.html</c>.</summary>
    Html,

    /// <summary>File-located findings as SARIF 2.1.0, <c>AUDIT_YYYYMMDD.sarif</c>.</summary>
    Sarif,

    /// <summary>One test case per check as JUnit XML, <c>AUDIT_YYYYMMDD.junit.xml</c>.</summary>
    JUnit,
}

/// <summary>The six deliverables of the audit directive.</summary>
public enum Deliverable
{
    /// <summary>IMPLEMENTATION_SCRIPT_INVENTORY: every script and its readiness.</summary>
    ScriptInventory,

    /// <summary><c>PHASE</c>_READINESS_REPORT: the phase's decision, tasks and the six questions.</summary>
    PhaseReadiness,

    /// <summary>INFRASTRUCTURE_READINESS_REPORT: cloud, BigQuery and GCS checks.</summary>
    Infrastructure,

    /// <summary>DEPENDENCY_ANALYSIS: packages, tools, APIs, data and credentials.</summary>
    Dependencies,

    /// <summary>EXECUTION_BLOCKER_ANALYSIS: every blocker in the directive's block format.</summary>
    Blockers,

    /// <summary>The executive summary named by the profile (BA_AUDIT_SUMMARY for bqx-ml-v3): GO/NO-GO first, ≤ 3 pages.</summary>
    Summary,
}

/// <summary>The file names of the reports (DESIGN.md "Commands and exit codes").</summary>
public static class ReportNames
{
    /// <summary>The longest phase part of a file name (file names stay far below the 255-byte limit of file systems).</summary>
    public const int MaxPhaseToken = 64;

    /// <summary>The deliverables in the order the directive lists them.</summary>
    public static IReadOnlyList<Deliverable> Deliverables { get; } = Enum.GetValues<Deliverable>();

    /// <summary>
    /// The phase part of the readiness report's name: the phase name upper-cased, every run of other characters
    /// turned into one <c>_</c>, and a <c>PHASE</c> joined to the number that follows it, as the directive writes it
    /// (<c>M008 Phase 4C</c> → <c>M008_PHASE4C</c>), cut to <see cref="MaxPhaseToken"/> characters.
    /// </summary>
    public static string PhaseToken(string phase)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in phase)
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                word.Append(char.ToUpperInvariant(c));
            }
            else if (word.Length > 0)
            {
                words.Add(word.ToString());
                word.Clear();
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        var joined = new List<string>();
        for (var i = 0; i < words.Count; i++)
        {
            if (words[i] == "PHASE" && i + 1 < words.Count && char.IsAsciiDigit(words[i + 1][0]))
            {
                joined.Add(words[i] + words[i + 1]);
                i++;
            }
            else
            {
                joined.Add(words[i]);
            }
        }

        var token = string.Join('_', joined);
        if (token.Length > MaxPhaseToken)
        {
            token = token[..MaxPhaseToken].TrimEnd('_');
        }

        return token.Length == 0 ? "PHASE" : token;
    }

    /// <summary><c>YYYYMMDD</c> from the run's report date.</summary>
    public static string DateToken(AuditResult result) => result.Run.ReportDate.Replace("-", "", StringComparison.Ordinal);

    /// <summary>The deliverable's name without date or extension, e.g. <c>M008_PHASE4C_READINESS_REPORT</c>.</summary>
    public static string BaseName(AuditResult result, Deliverable deliverable) => deliverable switch
    {
        Deliverable.ScriptInventory => "IMPLEMENTATION_SCRIPT_INVENTORY",
        Deliverable.PhaseReadiness => PhaseToken(string.IsNullOrWhiteSpace(result.Readiness.PhaseName) ? result.Readiness.Phase : result.Readiness.PhaseName) + "_READINESS_REPORT",
        Deliverable.Infrastructure => "INFRASTRUCTURE_READINESS_REPORT",
        Deliverable.Dependencies => "DEPENDENCY_ANALYSIS",
        Deliverable.Blockers => "EXECUTION_BLOCKER_ANALYSIS",
        _ => string.IsNullOrWhiteSpace(result.Run.SummaryName) ? "AUDIT_SUMMARY" : result.Run.SummaryName,
    };

    /// <summary><c>NAME_YYYYMMDD.md</c> (or <c>.html</c>).</summary>
    public static string FileName(AuditResult result, Deliverable deliverable, ReportFormat format = ReportFormat.Markdown) =>
        $"{BaseName(result, deliverable)}_{DateToken(result)}{(format == ReportFormat.Html ? ".html" : ".md")}";

    public static string JsonFileName(AuditResult result) => $"AUDIT_RESULT_{DateToken(result)}.json";

    public static string SarifFileName(AuditResult result) => $"AUDIT_{DateToken(result)}.sarif";

    public static string JUnitFileName(AuditResult result) => $"AUDIT_{DateToken(result)}.junit.xml";
}
