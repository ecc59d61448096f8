using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Reporting;

/// <summary>The JSON report: the AuditResult in the shape of every JSON output (<see cref="JsonOutput"/>), ending in a newline.</summary>
public static class JsonReportWriter
{
    public static string Write(AuditResult result) => JsonOutput.Serialize(result) + "\n";

    public static void Write(TextWriter writer, AuditResult result) => writer.Write(Write(result));
}
