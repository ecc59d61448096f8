using System.Management.Automation;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists the blockers of a phase, P0 first: from piped findings, or by running the audit on each root.</para>
/// <para type="description">Without pipeline input it audits each root (-Path, -LiteralPath, or folders piped from Get-Item) and returns its blockers. With findings piped in — ScriptRecord, InfraCheck, DependencyRecord, RenamePlanItem, PhaseReadiness, AuditResult or Blocker — it applies the profile's rule table to them (the profile of each finding's Root, or of -Path). Anything else piped in (a string, a CSV row, a NamingResult) is a non-terminating error naming its type: "no P0" must never come from input that was not understood.</para>
/// <para type="description">Each Blocker has a stable Id (BQX- and 8 hex digits of a hash of its rule and target), a priority P0–P3, a category, the impact, the estimated delay, the mitigation and the recommended action, the rule and the finding it came from, and the evidence. Findings with the same cause merge into one blocker.</para>
/// </summary>
/// <example>
/// <code>Get-BqxBlocker -Path . -Offline | Where-Object Priority -eq P0</code>
/// <para>The blockers that prevent the phase from starting (NO-GO); offline, the unverified cloud is one of them.</para>
/// </example>
/// <example>
/// <code>Get-BqxScriptInventory -Path . | Where-Object Status -ne Ready | Get-BqxBlocker</code>
/// <para>Blockers from the scripts that are not Ready only (the missing and blocked phase scripts), without running the rest of the audit.</para>
/// </example>
/// <example>
/// <code>Get-BqxBlocker -Path . -Offline | Select-Object Id, Priority, Title, EstimatedDelay, RecommendedAction, EvidenceText | Export-Csv blockers.csv</code>
/// <para>One CSV row per blocker, ready to become tickets.</para>
/// </example>
/// <seealso cref="TestBqxPhaseReadinessCommand"/>
/// <seealso cref="GetBqxScriptInventoryCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsCommon.Get, "BqxBlocker", DefaultParameterSetName = PathSet)]
[OutputType(typeof(Blocker))]
public sealed class GetBqxBlockerCommand : BqxRootCloudCmdlet
{
    private readonly List<(object Finding, string? Root)> piped = new();

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [Parameter(Position = 0, ParameterSetName = InputSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>Findings of any BqxAudit type (ScriptRecord, InfraCheck, DependencyRecord, RenamePlanItem, PhaseReadiness, AuditResult, Blocker). Any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The phase to decide (default: the profile's first).</summary>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ArgumentCompleter(typeof(PhaseCompleter))]
    public string? Phase { get; set; }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != InputSet)
        {
            ForEachRoot(ResolveRoots(), (host, root) =>
            {
                foreach (var blocker in new AuditService(host).Run(AuditOptionsFor(root, host, Phase)).Blockers)
                {
                    host.Emit(OutputRoots.Stamp(blocker, root));
                }
            });
            return;
        }

        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            switch (item.BaseObject)
            {
                case ScriptRecord s:
                    piped.Add((s, s.Root));
                    break;
                case InfraCheck c:
                    piped.Add((c, c.Root));
                    break;
                case DependencyRecord d:
                    piped.Add((d, d.Root));
                    break;
                case RenamePlanItem i:
                    piped.Add((i, i.Root));
                    break;
                case Blocker b:
                    piped.Add((b, b.Root));
                    break;
                case AuditResult a:
                    piped.Add((a, a.Root));
                    break;
                case PhaseReadiness r:
                    piped.AddRange(r.Blockers.Select(b => ((object)b, r.Root ?? b.Root)));
                    break;
                case NamingResult:
                    WriteUnusable(item, "findings; a NamingResult is not one: pipe it to Get-BqxRenamePlan, whose collisions are");
                    break;
                default:
                    WriteUnusable(item, "findings: ScriptRecord, InfraCheck, DependencyRecord, RenamePlanItem, PhaseReadiness, AuditResult or Blocker objects (to audit a folder, pass -Path or pipe Get-Item)");
                    break;
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName != InputSet || piped.Count == 0)
        {
            return;
        }

        foreach (var (groupRoot, findings) in GroupByRoot(piped, p => p.Root))
        {
            ForEachRoot(new[] { groupRoot }, (host, root) =>
            {
                var service = BlockerService.ForAudit(LoadProfile(root, host), host.Dialect);
                var blockers = service.EvaluateAny(findings.Select(p => p.Finding));
                host.WriteDebug($"{root}: {findings.Count} findings → {blockers.Count} blockers");
                foreach (var blocker in blockers)
                {
                    host.Emit(OutputRoots.Stamp(blocker, root));
                }
            });
        }
    }
}
