using System.Management.Automation;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists every dependency the scripts need, where it is declared, whether it is installed, and what breaks without it.</para>
/// <para type="description">Python packages (declared vs imported, per repository and per Docker image), system tools, Google APIs, data, credentials, and secrets committed to the repository. Takes ScriptRecords from Get-BqxScriptInventory (reused, not re-parsed).</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BqxDependency", DefaultParameterSetName = DefaultSet)]
[OutputType(typeof(DependencyRecord))]
public sealed class GetBqxDependencyCommand : BqxCmdlet
{
    private const string DefaultSet = "Default";
    private const string PythonSet = "Python";
    private const string SitePackagesSet = "SitePackages";
    private readonly List<ScriptRecord> piped = new();

    /// <summary>The audited root (default: the current location). Never bound from pipeline properties.</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Script records from Get-BqxScriptInventory.</summary>
    [Parameter(ValueFromPipeline = true)]
    public ScriptRecord[]? InputObject { get; set; }

    /// <summary>An interpreter to list installed distributions with (runs once, 10 s timeout).</summary>
    [Parameter(Mandatory = true, ParameterSetName = PythonSet)]
    public string? PythonPath { get; set; }

    /// <summary>A site-packages folder to read installed distributions from, without Python.</summary>
    [Parameter(Mandatory = true, ParameterSetName = SitePackagesSet)]
    public string? SitePackages { get; set; }

    /// <summary>Only these types.</summary>
    [Parameter]
    public DependencyType[]? Type { get; set; }

    protected override void ProcessRecord()
    {
        if (InputObject is not null)
        {
            piped.AddRange(InputObject);
        }
    }

    protected override void EndProcessing()
    {
        var root = ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var records = new DependencyService(host).Analyze(new DependencyOptions
            {
                Root = root,
                Profile = LoadProfile(root),
                Scripts = piped.Count > 0 ? piped : null,
                PythonPath = PythonPath is null ? null : ResolveLiteral(PythonPath),
                SitePackages = SitePackages is null ? null : ResolveLiteral(SitePackages),
                Types = Type,
                Offline = Offline,
                CredentialPath = CredentialPath is null ? null : ResolveLiteral(CredentialPath),
                Http = CloudHttp,
            });
            host.Flush();
            WriteObject(records, enumerateCollection: true);
        });
    }
}
