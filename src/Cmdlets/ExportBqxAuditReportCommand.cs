using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Reporting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Writes the audit's reports: the six deliverables (Markdown, HTML), the AuditResult as JSON, SARIF and JUnit.</para>
/// <para type="description">Writes are atomic, stay inside -OutputPath, honour -WhatIf and never overwrite without -Force. Returns the files as FileInfo.</para>
/// </summary>
[Cmdlet(VerbsData.Export, "BqxAuditReport", SupportsShouldProcess = true)]
[OutputType(typeof(FileInfo))]
public sealed class ExportBqxAuditReportCommand : BqxCmdlet
{
    private readonly List<AuditResult> results = new();

    /// <summary>The AuditResult of Invoke-BqxAudit.</summary>
    [Parameter(Mandatory = true, ValueFromPipeline = true)]
    public AuditResult[]? InputObject { get; set; }

    /// <summary>The folder the reports go to (created when absent).</summary>
    [Parameter(Mandatory = true, Position = 0)]
    public string? OutputPath { get; set; }

    /// <summary>Markdown, Json, Html, Sarif, JUnit (default Markdown, Json).</summary>
    [Parameter]
    public ReportFormat[]? Format { get; set; }

    /// <summary>The date in the file names and reports (default: the audit's report date).</summary>
    [Parameter]
    public DateTime? Date { get; set; }

    /// <summary>Overwrite existing report files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            results.AddRange(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var host = new CmdletHost(this, Cancellation);
        var folder = ResolveLiteral(OutputPath!);
        foreach (var result in results)
        {
            Run(host, () =>
            {
                var files = ReportExporter.Export(result, new ExportOptions
                {
                    OutputPath = folder,
                    Formats = Format,
                    Force = Force,
                    Date = Date is { } d ? DateOnly.FromDateTime(d) : null,
                }, host);
                host.Flush();
                WriteObject(files, enumerateCollection: true);
            });
        }
    }
}
