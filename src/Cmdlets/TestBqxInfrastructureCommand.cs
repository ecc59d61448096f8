using System.Management.Automation;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Checks the Google Cloud project the pipeline runs in: project, billing, APIs, permissions, BigQuery datasets, Cloud Storage buckets, Cloud Run jobs, service account, quotas, cost monitoring.</para>
/// <para type="description">Streams one InfraCheck per check and target as it is measured: what was expected, what was measured, the status (Ready, Partial, Blocked, Missing, NotVerified, Error), the remedy, and the API calls as evidence. Read-only, unless -ProbeWrite: then, after ShouldProcess (-WhatIf and -Confirm are honoured), it creates a table with a 1-hour expiration in the profile's scratch dataset, renames it and drops it.</para>
/// <para type="description">Offline, or without credentials, every check is NotVerified with the remedy. -Quiet returns one $true only when every check of every root is Ready. Endpoints can be replaced (gcp.endpoints in the profile, BQXAUDIT_GCP_ENDPOINT, STORAGE_EMULATOR_HOST).</para>
/// </summary>
/// <example>
/// <code>Test-BqxInfrastructure -Path . -Offline | Select-Object -First 3</code>
/// <para>Without cloud calls every check is NotVerified, and its Remedy says how to measure it (run without -Offline, with credentials).</para>
/// </example>
/// <example>
/// <code>if (-not (Test-BqxInfrastructure -Path . -Offline -Check Api, Permission -Quiet)) { 'the API and permission checks are not all Ready' }</code>
/// <para>-Quiet gives one boolean for a gate: here $false, because offline nothing is Ready.</para>
/// </example>
/// <example>
/// <code>Test-BqxInfrastructure -Path . -Offline | Where-Object Status -ne Ready | Format-List Target, Status, Actual, Remedy</code>
/// <para>What is not Ready, with the measured value and the remedy of each.</para>
/// </example>
/// <seealso cref="GetBqxBlockerCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsDiagnostic.Test, "BqxInfrastructure", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(InfraCheck))]
[OutputType(typeof(bool))]
public sealed class TestBqxInfrastructureCommand : BqxCloudCmdlet
{
    private bool allReady = true;

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>Only these kinds of checks (default: every kind but WriteProbe).</summary>
    [Parameter]
    public InfraCheckKind[]? Check { get; set; }

    /// <summary>Checks in flight at once (1 to 64, default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Return only $true (every check of every root Ready) or $false, once, at the end.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also run the write probe: CREATE (1-hour expiration), RENAME and DROP a table in gcp.scratchDataset. Asks ShouldProcess first.</summary>
    [Parameter]
    public SwitchParameter ProbeWrite { get; set; }

    /// <summary>Anything else piped in: an object naming a folder (LiteralPath, PSPath or FullName) is audited; any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true, DontShow = true)]
    public PSObject[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var roots = ParameterSetName == InputSet ? PipedRoots(InputObject) : ResolveRoots();
        if (roots.Count == 0)
        {
            allReady = false; // a root that does not exist was not measured
        }

        var failed = ForEachRoot(roots, (host, root) =>
        {
            var checks = new InfrastructureService(host).RunAsync(new InfrastructureOptions
            {
                Root = root,
                Profile = LoadProfile(root, host),
                Kinds = Check,
                Offline = Offline,
                CredentialPath = ResolvedCredentialPath,
                Http = CloudHttp,
                ThrottleLimit = ThrottleLimit,
                ProbeWrite = ProbeWrite,
            }).ToBlockingEnumerable(host.Cancellation);
            foreach (var check in checks)
            {
                if (check.Status != InfraCheckStatus.Ready)
                {
                    allReady = false;
                }

                if (!Quiet)
                {
                    host.Emit(OutputRoots.Stamp(check, root));
                }
            }
        });
        if (failed > 0)
        {
            allReady = false;
        }
    }

    protected override void EndProcessing()
    {
        if (Quiet)
        {
            WriteObject(allReady);
        }
    }
}
