using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Reporting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes the audit's reports: the six deliverables (Markdown, HTML), the AuditResult as JSON, SARIF and JUnit.</para>
/// <para type="description">Takes AuditResults from Invoke-BqxAudit and writes, into -OutputPath, the six deliverables of the audit directive (NAME_YYYYMMDD.md and .html), AUDIT_RESULT_YYYYMMDD.json, AUDIT_YYYYMMDD.sarif and AUDIT_YYYYMMDD.junit.xml, as -Format asks (default Markdown, Json). All or nothing: every target is checked first; writes are atomic, stay inside -OutputPath, honour -WhatIf and -Confirm, and never overwrite an existing file without -Force. Returns the files written, as FileInfo.</para>
/// </summary>
/// <example>
/// <code>Invoke-BqxAudit -Path . -Offline -Date 2025-12-13 | Export-BqxAuditReport -OutputPath reports -Force</code>
/// <para>Writes the six Markdown deliverables and AUDIT_RESULT_20251213.json into ./reports and lists them.</para>
/// </example>
/// <example>
/// <code>$audit = Invoke-BqxAudit -Path . -Offline; $audit | Export-BqxAuditReport -OutputPath reports -Format Html, Sarif, JUnit -Force | Select-Object Name, Length</code>
/// <para>The HTML deliverables, SARIF and JUnit of one audit, with their sizes.</para>
/// </example>
/// <example>
/// <code>Invoke-BqxAudit -Path . -Offline | Export-BqxAuditReport -OutputPath reports -WhatIf</code>
/// <para>Says what would be written, and writes nothing.</para>
/// </example>
/// <seealso cref="InvokeBqxAuditCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsData.Export, "BqxAuditReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportBqxAuditReportCommand : BqxCmdlet
{
    private readonly List<AuditResult> results = new();

    /// <summary>AuditResults of Invoke-BqxAudit. Any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The folder the reports go to (created when absent).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string? OutputPath { get; set; }

    /// <summary>The report formats: Markdown, Json, Html, Sarif, JUnit (default Markdown, Json).</summary>
    [Parameter]
    public ReportFormat[]? Format { get; set; }

    /// <summary>The date in the file names and the reports (default: the audit's report date).</summary>
    [Parameter]
    public DateTime? Date { get; set; }

    /// <summary>Overwrite existing report files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            if (item.BaseObject is AuditResult result)
            {
                results.Add(result);
            }
            else
            {
                WriteUnusable(item, "AuditResults (Invoke-BqxAudit output)");
            }
        }
    }

    protected override void EndProcessing()
    {
        var folder = ResolveLiteral(OutputPath!);
        foreach (var result in results)
        {
            var written = new List<FileInfo>();
            RunUnit(folder, host => written.AddRange(ReportExporter.Export(result, new ExportOptions
            {
                OutputPath = folder,
                Formats = Format,
                Force = Force,
                Date = Date is { } d ? DateOnly.FromDateTime(d) : null,
            }, host)));
            WriteFiles(this, written);
        }
    }

    /// <summary>Writes the files as the FileSystem provider returns them (PSPath, PSParentPath …), so the usual file view shows every column.</summary>
    internal static void WriteFiles(PSCmdlet cmdlet, IEnumerable<FileInfo> files)
    {
        foreach (var file in files)
        {
            cmdlet.WriteObject(cmdlet.InvokeProvider.Item.Get(WildcardPattern.Escape(file.FullName)), enumerateCollection: true);
        }
    }
}
