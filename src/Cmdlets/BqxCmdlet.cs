using System.Management.Automation;
using BqxAudit.Configuration;
using BqxAudit.Hosting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// What every BqxAudit cmdlet shares: the common parameters (-Profile, -Offline, -ProjectId,
/// -CredentialPath, -TimeoutSec), Ctrl+C → cancellation, and the mapping of terminating engine errors.
/// </summary>
public abstract class BqxCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    /// <summary>Profile file, or the name of an embedded profile (default: bqxaudit.yaml at the root, else bqx-ml-v3).</summary>
    [Parameter]
    public string? Profile { get; set; }

    /// <summary>Make no cloud calls; cloud facts are NotVerified.</summary>
    [Parameter]
    public SwitchParameter Offline { get; set; }

    /// <summary>Google Cloud project id (overrides the profile and BQXAUDIT_PROJECT).</summary>
    [Parameter]
    public string? ProjectId { get; set; }

    /// <summary>Service-account key file; else Application Default Credentials.</summary>
    [Parameter]
    public string? CredentialPath { get; set; }

    /// <summary>Deadline of the cloud phase in seconds (default 60); what is not measured by then is NotVerified.</summary>
    [Parameter]
    [ValidateRange(1, 86400)]
    public int? TimeoutSec { get; set; }

    /// <summary>Cloud timing with the -TimeoutSec deadline.</summary>
    private protected BqxAudit.Cloud.GcpHttpOptions CloudHttp => BqxAudit.Cloud.GcpHttpOptions.Default.WithDeadline(TimeoutSec);

    protected CancellationToken Cancellation => stopping.Token;

    protected override void StopProcessing()
    {
        try
        {
            stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Ctrl+C after this cmdlet finished: nothing of ours is running.
        }
    }

    /// <summary>PowerShell disposes a cmdlet after its pipeline ends; only then is the token source released.</summary>
    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Resolves a user path through the session's provider (so <c>~</c>, relative paths and PSDrives work).</summary>
    protected string ResolveLiteral(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    protected AuditProfile LoadProfile(string root)
    {
        var profile = Profile is not null && ProfileLoader.IsFileReference(Profile) ? ResolveLiteral(Profile) : Profile;
        return ProfileLoader.Load(new ProfileRequest { Profile = profile, Root = root, ProjectId = ProjectId });
    }

    /// <summary>The whole audit's options from the common parameters and the given ones (Get-BqxBlocker, Test-BqxPhaseReadiness, Invoke-BqxAudit).</summary>
    private protected BqxAudit.Readiness.AuditOptions AuditOptionsFor(string root, string? phase, DateTimeOffset? start = null, DateTime? date = null,
        string? pythonPath = null, string? sitePackages = null) => new()
    {
        Root = root,
        Profile = LoadProfile(root),
        Phase = phase,
        StartDate = start,
        Date = date is { } d ? DateOnly.FromDateTime(d) : null,
        Offline = Offline,
        CredentialPath = CredentialPath is null ? null : ResolveLiteral(CredentialPath),
        Http = CloudHttp,
        PythonPath = pythonPath is null ? null : ResolveLiteral(pythonPath),
        SitePackages = sitePackages is null ? null : ResolveLiteral(sitePackages),
    };

    /// <summary>Runs an engine call; a terminating engine error becomes a terminating ErrorRecord with its stable id.</summary>
    private protected void Run(CmdletHost host, Action body)
    {
        try
        {
            body();
        }
        catch (BqxException e)
        {
            host.Flush();
            ThrowTerminatingError(ErrorRecords.From(e.Error, e));
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell is already stopping the pipeline.
        }
        finally
        {
            host.Flush();
        }
    }
}
