using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Reporting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs the whole audit — inventory, naming, infrastructure, dependencies, cost, blockers, readiness — and returns one AuditResult.</para>
/// <para type="description">With -OutputPath it also writes the reports (as Export-BqxAuditReport would), under ShouldProcess.</para>
/// </summary>
[Cmdlet(VerbsLifecycle.Invoke, "BqxAudit", SupportsShouldProcess = true)]
[OutputType(typeof(AuditResult))]
public sealed class InvokeBqxAuditCommand : BqxCmdlet
{
    /// <summary>The audited root (default: the current location).</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>The phase to decide (default: the profile's first).</summary>
    [Parameter]
    public string? Phase { get; set; }

    /// <summary>The planned start (default: the first working morning after the report date).</summary>
    [Parameter]
    public DateTimeOffset? StartDate { get; set; }

    /// <summary>The report date: fixes every date, so reruns are byte-identical.</summary>
    [Parameter]
    public DateTime? Date { get; set; }

    /// <summary>An interpreter to list installed distributions with.</summary>
    [Parameter]
    public string? PythonPath { get; set; }

    /// <summary>A site-packages folder to read installed distributions from.</summary>
    [Parameter]
    public string? SitePackages { get; set; }

    /// <summary>Also write the reports to this folder.</summary>
    [Parameter]
    public string? OutputPath { get; set; }

    /// <summary>Report formats for -OutputPath (default Markdown, Json).</summary>
    [Parameter]
    public ReportFormat[]? Format { get; set; }

    /// <summary>Overwrite existing report files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>The provider path of -OutputPath; an empty one stays empty, so the engine refuses it instead of writing to the current folder.</summary>
    private string OutputFolder(string path) => string.IsNullOrWhiteSpace(path) ? path : ResolveLiteral(path);

    protected override void EndProcessing()
    {
        var root = ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var options = AuditOptionsFor(root, Phase, StartDate, Date, PythonPath, SitePackages);
            if (OutputPath is not null)
            {
                // The output folder is checked before the audit, not after the cloud checks.
                ReportExporter.Preflight(OutputFolder(OutputPath), ReportExporter.PlannedNames(options.Profile, options.Phase, options.Date ?? DateOnly.FromDateTime(DateTime.UtcNow), Format), Force, host);
            }

            var result = new AuditService(host).Run(options);
            if (OutputPath is not null)
            {
                foreach (var file in ReportExporter.Export(result, new ExportOptions { OutputPath = OutputFolder(OutputPath), Formats = Format, Force = Force }, host))
                {
                    WriteVerbose($"wrote {file.FullName}");
                }
            }

            host.Flush();
            WriteObject(result);
        });
    }
}
