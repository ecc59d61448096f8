using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Reporting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Runs the whole audit — inventory, naming, infrastructure, dependencies, cost, blockers, readiness — and returns one AuditResult per root.</para>
/// <para type="description">The AuditResult holds everything the other cmdlets return (Scripts, Naming, NamingSummary, RenamePlan, Infrastructure, Dependencies, Blockers, Readiness) and the run's facts (Run: tool version, profile, root, commit, principal, times, what was not measured). Decision and ExitCode (0 Go, 1 ConditionalGo, 2 NoGo) repeat the readiness for scripts. With -OutputPath it also writes the reports, as Export-BqxAuditReport would, under ShouldProcess.</para>
/// <para type="description">-Date fixes the report date, so a second run over the same inputs writes byte-identical reports.</para>
/// </summary>
/// <example>
/// <code>$audit = Invoke-BqxAudit -Path . -Offline; $audit.Readiness; $audit.Blockers | Where-Object Priority -eq P0</code>
/// <para>The decision, then the P0 blockers behind it.</para>
/// </example>
/// <example>
/// <code>Invoke-BqxAudit -Path . -Offline -Date 2025-12-13 -OutputPath reports -Format Markdown, Json -Force | ConvertTo-Json -Depth 8 | Set-Content audit.json</code>
/// <para>Writes the reports into ./reports and the whole result, enums as names, into audit.json.</para>
/// </example>
/// <seealso cref="ExportBqxAuditReportCommand"/>
/// <seealso cref="TestBqxPhaseReadinessCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsLifecycle.Invoke, "BqxAudit", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(AuditResult))]
public sealed class InvokeBqxAuditCommand : BqxCloudCmdlet
{
    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>The phase to decide (default: the profile's first).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PhaseCompleter))]
    public string? Phase { get; set; }

    /// <summary>The planned start (default: the first working morning after the report date).</summary>
    [Parameter]
    public DateTimeOffset? StartDate { get; set; }

    /// <summary>The report date: fixes every date, so reruns are byte-identical.</summary>
    [Parameter]
    public DateTime? Date { get; set; }

    /// <summary>A Python interpreter to list the installed distributions with. Not with -SitePackages.</summary>
    [Parameter]
    public string? PythonPath { get; set; }

    /// <summary>A site-packages folder to read the installed distributions from. Not with -PythonPath.</summary>
    [Parameter]
    public string? SitePackages { get; set; }

    /// <summary>Also write the reports to this folder.</summary>
    [Parameter]
    public string? OutputPath { get; set; }

    /// <summary>Report formats for -OutputPath: Markdown, Json, Html, Sarif, JUnit (default Markdown, Json).</summary>
    [Parameter]
    public ReportFormat[]? Format { get; set; }

    /// <summary>Overwrite existing report files (with -OutputPath).</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    /// <summary>Anything else piped in: an object naming a folder (LiteralPath, PSPath or FullName) is audited; any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true, DontShow = true)]
    public PSObject[]? InputObject { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RejectBoth(PythonPath, SitePackages);
    }

    protected override void ProcessRecord()
    {
        var python = ResolveOptional(PythonPath);
        var sitePackages = ResolveOptional(SitePackages);
        // An empty -OutputPath stays empty, so the engine refuses it instead of writing to the current folder.
        var output = OutputPath is null || string.IsNullOrWhiteSpace(OutputPath) ? OutputPath : ResolveLiteral(OutputPath);
        var roots = ParameterSetName == InputSet ? PipedRoots(InputObject) : ResolveRoots();
        ForEachRoot(roots, (host, root) =>
        {
            var options = AuditOptionsFor(root, host, Phase, StartDate, Date, python, sitePackages);
            if (output is not null)
            {
                // The output folder is checked before the audit, not after the cloud checks.
                ReportExporter.Preflight(output, ReportExporter.PlannedNames(options.Profile, options.Phase, options.Date ?? DateOnly.FromDateTime(DateTime.UtcNow), Format), Force, host);
            }

            var result = new AuditService(host).Run(options);
            if (output is not null)
            {
                foreach (var file in ReportExporter.Export(result, new ExportOptions { OutputPath = output, Formats = Format, Force = Force }, host))
                {
                    host.WriteVerbose($"wrote {file.FullName}");
                }
            }

            host.WriteVerbose($"{root}: {result.Readiness.Phase} {result.Readiness.Decision}; {result.Blockers.Count} blockers; {result.Scripts.Count} scripts");
            host.Emit(OutputRoots.Stamp(result, root));
        });
    }
}
