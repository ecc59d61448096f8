using System.Management.Automation;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Checks the Google Cloud project the pipeline runs in: project, billing, APIs, permissions, BigQuery datasets, Cloud Storage buckets, Cloud Run jobs, service account, quotas, cost monitoring.</para>
/// <para type="description">Streams one InfraCheck per check and target as it is measured (observed, expected, status, remedy, the API calls as evidence). Read-only, unless -ProbeWrite: then, after ShouldProcess (-WhatIf and -Confirm are honoured), it creates a table with a 1-hour expiration in the profile's scratch dataset, renames it and drops it. Offline or without credentials every check is NotVerified with the remedy. -Quiet returns $true only when every check is Ready.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BqxInfrastructure", SupportsShouldProcess = true)]
[OutputType(typeof(InfraCheck))]
[OutputType(typeof(bool))]
public sealed class TestBqxInfrastructureCommand : BqxCmdlet
{
    /// <summary>The audited root (default: the current location); its scripts add the APIs they imply.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Only these kinds of checks.</summary>
    [Parameter]
    public InfraCheckKind[]? Check { get; set; }

    /// <summary>Checks in flight at once (default 8).</summary>
    [Parameter]
    [ValidateRange(1, 64)]
    public int ThrottleLimit { get; set; } = 8;

    /// <summary>Return only $true (every check Ready) or $false.</summary>
    [Parameter]
    public SwitchParameter Quiet { get; set; }

    /// <summary>Also run the write probe: CREATE (1-hour expiration), RENAME and DROP a table in gcp.scratchDataset. Asks ShouldProcess first.</summary>
    [Parameter]
    public SwitchParameter ProbeWrite { get; set; }

    protected override void ProcessRecord()
    {
        var root = GetResolvedProviderPathFromPSPath(Path ?? ".", out _).FirstOrDefault() ?? ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var checks = new InfrastructureService(host).RunAsync(new InfrastructureOptions
            {
                Root = root,
                Profile = LoadProfile(root),
                Kinds = Check,
                Offline = Offline,
                CredentialPath = CredentialPath is null ? null : ResolveLiteral(CredentialPath),
                Http = CloudHttp,
                ThrottleLimit = ThrottleLimit,
                ProbeWrite = ProbeWrite,
            }).ToBlockingEnumerable(Cancellation); // the engine asks ShouldProcess while planning, on this (the pipeline) thread
            var allReady = true;
            foreach (var check in checks)
            {
                host.Flush();
                allReady &= check.Status == InfraCheckStatus.Ready;
                if (!Quiet)
                {
                    WriteObject(check);
                }
            }

            if (Quiet)
            {
                WriteObject(allReady);
            }
        });
    }
}
