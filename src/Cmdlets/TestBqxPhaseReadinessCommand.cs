using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Decides GO / CONDITIONAL GO / NO-GO for a phase, with its tasks, blockers, critical path and the six answers.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BqxPhaseReadiness")]
[OutputType(typeof(PhaseReadiness))]
public sealed class TestBqxPhaseReadinessCommand : BqxCmdlet
{
    /// <summary>The audited root (default: the current location).</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>The phase id (default: the profile's first).</summary>
    [Parameter]
    public string? Phase { get; set; }

    /// <summary>The planned start (default: the next working morning).</summary>
    [Parameter]
    public DateTimeOffset? StartDate { get; set; }

    protected override void EndProcessing()
    {
        var root = ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var result = new AuditService(host).Run(AuditOptionsFor(root, Phase, StartDate));
            host.Flush();
            WriteObject(result.Readiness);
        });
    }
}
