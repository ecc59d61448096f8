using System.Management.Automation;
using BqxAudit.Hosting;
using BqxAudit.Readiness;

namespace BqxAudit.Cmdlets;

/// <summary>A root cmdlet that can ask Google Cloud: -Offline, -ProjectId, -CredentialPath, -TimeoutSec.</summary>
public abstract class BqxCloudCmdlet : BqxRootCmdlet
{
    /// <summary>Make no cloud calls: every cloud fact is NotVerified, with the reason.</summary>
    [Parameter]
    public virtual SwitchParameter Offline { get; set; }

    /// <summary>The Google Cloud project id (overrides the profile's gcp.project and BQXAUDIT_PROJECT).</summary>
    [Parameter]
    public string? ProjectId { get; set; }

    /// <summary>A service-account key file (JSON); else Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, the gcloud ADC file, the metadata server).</summary>
    [Parameter]
    public virtual string? CredentialPath { get; set; }

    /// <summary>The deadline of the whole cloud phase, in seconds (default 60): a check not measured by then is NotVerified, saying why, and a Retry-After beyond it is not waited for.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public virtual int? TimeoutSec { get; set; }

    private protected override string? ProfileProjectId => ProjectId;

    /// <summary>Cloud timing with the -TimeoutSec deadline.</summary>
    private protected BqxAudit.Cloud.GcpHttpOptions CloudHttp => BqxAudit.Cloud.GcpHttpOptions.Default.WithDeadline(TimeoutSec);

    /// <summary>The key file resolved through the provider (pipeline thread), or null.</summary>
    private protected string? ResolvedCredentialPath { get; private set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        ResolvedCredentialPath = ResolveOptional(CredentialPath);
        Debug($"offline {Offline.IsPresent}; project {ProjectId ?? "(from the profile)"}; credentials {(ResolvedCredentialPath is null ? "Application Default Credentials" : "key file " + ResolvedCredentialPath)}; " +
              $"endpoint override {Environment.GetEnvironmentVariable("BQXAUDIT_GCP_ENDPOINT") ?? "(none)"}");
    }

    /// <summary>-PythonPath and -SitePackages both say where the installed packages are: one of them, or a terminating error.</summary>
    private protected void RejectBoth(string? pythonPath, string? sitePackages)
    {
        if (pythonPath is not null && sitePackages is not null)
        {
            ThrowTerminatingError(ErrorRecords.From(new BqxError(ErrorIds.InputInvalid, BqxErrorCategory.InvalidArgument,
                "-PythonPath and -SitePackages both say where the installed packages are: give one", "SitePackages")));
        }
    }

    /// <summary>The whole audit's options for a root (Get-BqxBlocker, Test-BqxPhaseReadiness, Invoke-BqxAudit); paths already resolved.</summary>
    private protected AuditOptions AuditOptionsFor(string root, CmdletHost host, string? phase, DateTimeOffset? start = null, DateTime? date = null,
        string? pythonPath = null, string? sitePackages = null) => new()
    {
        Root = root,
        Profile = LoadProfile(root, host),
        Phase = phase,
        StartDate = start,
        Date = date is { } d ? DateOnly.FromDateTime(d) : null,
        Offline = Offline,
        CredentialPath = ResolvedCredentialPath,
        Http = CloudHttp,
        PythonPath = pythonPath,
        SitePackages = sitePackages,
    };
}

/// <summary>
/// A cloud cmdlet that reaches the cloud only when it audits a root itself (-Path, -LiteralPath): with input
/// of its own — table names, a table file, piped findings — there is nothing to ask the cloud, so -Offline,
/// -CredentialPath and -TimeoutSec are offered only in the root sets (Get-BqxBlocker, Test-BqxNamingCompliance, Get-BqxRenamePlan).
/// </summary>
public abstract class BqxRootCloudCmdlet : BqxCloudCmdlet
{
    /// <inheritdoc/>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public override SwitchParameter Offline { get; set; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    public override string? CredentialPath { get; set; }

    /// <inheritdoc/>
    [Parameter(ParameterSetName = PathSet)]
    [Parameter(ParameterSetName = LiteralPathSet)]
    [ValidateRange(1, 86400)]
    public override int? TimeoutSec { get; set; }
}
