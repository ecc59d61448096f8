using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the blockers of a phase, P0 first: from piped findings, or by running the audit on -Path.</para>
/// <para type="description">Takes any finding from the pipeline (ScriptRecord, InfraCheck, DependencyRecord, RenamePlanItem, AuditResult, Blocker) and applies the rule table; without input it audits -Path. Ids are stable; duplicates merge.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BqxBlocker", DefaultParameterSetName = AuditSet)]
[OutputType(typeof(Blocker))]
public sealed class GetBqxBlockerCommand : BqxCmdlet
{
    private const string AuditSet = "Audit";
    private const string InputSet = "Input";
    private readonly List<object> piped = new();

    /// <summary>The audited root (default: the current location). Never bound from pipeline properties.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Findings of any BqxAudit type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The phase to decide (default: the profile's first).</summary>
    [Parameter(ParameterSetName = AuditSet)]
    public string? Phase { get; set; }

    protected override void ProcessRecord()
    {
        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            piped.Add(item.BaseObject);
        }
    }

    protected override void EndProcessing()
    {
        var root = ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var blockers = ParameterSetName == InputSet
                ? BlockerService.ForAudit(LoadProfile(root)).EvaluateAny(piped)
                : new AuditService(host).Run(AuditOptionsFor(root, Phase)).Blockers;
            host.Flush();
            WriteObject(blockers, enumerateCollection: true);
        });
    }
}
