using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Decides GO / CONDITIONAL GO / NO-GO for a phase, with its tasks, blockers, critical path and the six answers.</para>
/// <para type="description">Runs the whole audit on each root and returns one PhaseReadiness: the Decision (NoGo with any P0 blocker, ConditionalGo with any P1, else Go) and the reason, the risk level, every task with its script status and creation estimate, the phase's blockers, the critical path of resolution work in hours, the earliest start in working hours, the cost against the budget, and the answers to the directive's six questions (Answers, keyed by ZeroDelay, MissingScripts, Infrastructure, Dependencies, Risk, LikelyBlockers; Questions holds each question's text).</para>
/// <para type="description">ExitCode is 0 for Go, 1 for ConditionalGo, 2 for NoGo, as bqx-audit readiness exits, so a scheduled task ends with "exit $r.ExitCode"; -Quiet returns one $true only when every root is Go. See about_BqxAudit for a script that also exits 3 on a bad path or profile.</para>
/// </summary>
/// <example>
/// <code>$r = Test-BqxPhaseReadiness -Path . -Offline; $r.Decision; $r.DecisionReason</code>
/// <para>The decision first (NoGo offline: the unverified cloud is a P0 blocker), then why.</para>
/// </example>
/// <example>
/// <code>(Test-BqxPhaseReadiness -Path . -Offline).Answers.MissingScripts</code>
/// <para>The answer to "Which scripts are missing, and how long to create them?", by its short id.</para>
/// </example>
/// <example>
/// <code>if (Test-BqxPhaseReadiness -Path . -Phase M008-4C -Offline -Quiet) { 'GO' } else { 'not GO' }</code>
/// <para>A boolean gate: $true only for Go.</para>
/// </example>
/// <seealso cref="GetBqxBlockerCommand"/>
/// <seealso cref="InvokeBqxAuditCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsDiagnostic.Test, "BqxPhaseReadiness", DefaultParameterSetName = PathSet)]
[OutputType(typeof(PhaseReadiness))]
[OutputType(typeof(bool))]
public sealed class TestBqxPhaseReadinessCommand : BqxCloudCmdlet
{
    private bool allGo = true;

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>The phase id (default: the profile's first).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(PhaseCompleter))]
    public string? Phase { get; set; }

    /// <summary>The planned start (default: the next working morning).</summary>
    [Parameter]
    public DateTimeOffset? StartDate { get; set; }

    /// <summary>Return only $true (every root Go) or $false, once, at the end.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Anything else piped in: an object naming a folder (LiteralPath, PSPath or FullName) is audited; any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true, DontShow = true)]
    public PSObject[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var roots = ParameterSetName == InputSet ? PipedRoots(InputObject) : ResolveRoots();
        if (roots.Count == 0)
        {
            allGo = false;
        }

        var failed = ForEachRoot(roots, (host, root) =>
        {
            var readiness = new AuditService(host).Run(AuditOptionsFor(root, host, Phase, StartDate)).Readiness;
            host.WriteVerbose($"{root}: {readiness.Phase} {readiness.Decision} (exit code {readiness.ExitCode}): {readiness.DecisionReason}");
            allGo &= readiness.Decision == Decision.Go;
            if (!Quiet)
            {
                host.Emit(OutputRoots.Stamp(readiness, root));
            }
        });
        allGo &= failed == 0;
    }

    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(allGo);
        }
    }
}
