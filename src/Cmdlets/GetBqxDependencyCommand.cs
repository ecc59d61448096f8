using System.Management.Automation;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Lists every dependency the scripts need, where it is declared, whether it is installed, and what breaks without it.</para>
/// <para type="description">Python packages (declared vs imported, per repository and per Docker image, PEP 440 versions), system tools on PATH, Google APIs, data (tables, buckets), credentials, and secrets committed to the repository. Each DependencyRecord says where it is declared, which scripts use it, its status (Ready, Missing, VersionConflict, Undeclared, Unused, Unresolved, NotVerified, Exposed) and whether a phase task needs it (Critical).</para>
/// <para type="description">Installed versions are read with -PythonPath (runs the interpreter once) or from -SitePackages; without either they are NotVerified. Takes ScriptRecords from Get-BqxScriptInventory, reused instead of parsing the scripts again.</para>
/// </summary>
/// <example>
/// <code>Get-BqxDependency -Path . -Offline -Type PythonPackage | Where-Object Status -eq Undeclared</code>
/// <para>The packages the scripts import that no manifest declares (tabulate in the example).</para>
/// </example>
/// <example>
/// <code>Get-BqxScriptInventory -Path . | Get-BqxDependency -Offline | Where-Object Critical | Select-Object Name, Type, Status, UsedByText</code>
/// <para>Reuses the piped records; shows what the phase scripts need, and which scripts use each.</para>
/// </example>
/// <seealso cref="GetBqxScriptInventoryCommand"/>
/// <seealso cref="GetBqxBlockerCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsCommon.Get, "BqxDependency", DefaultParameterSetName = PathSet)]
[OutputType(typeof(DependencyRecord))]
public sealed class GetBqxDependencyCommand : BqxCloudCmdlet
{
    private readonly List<ScriptRecord> piped = new();
    private string? pythonPath;
    private string? sitePackages;

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [Parameter(Position = 0, ParameterSetName = InputSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>ScriptRecords from Get-BqxScriptInventory (grouped by their Root). Any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>A Python interpreter to list the installed distributions with (runs once, 10 s timeout). Not with -SitePackages.</summary>
    [Parameter]
    public string? PythonPath { get; set; }

    /// <summary>A site-packages folder to read the installed distributions from, without running Python. Not with -PythonPath.</summary>
    [Parameter]
    public string? SitePackages { get; set; }

    /// <summary>Only these types.</summary>
    [Parameter]
    public DependencyType[]? Type { get; set; }

    protected override void BeginProcessing()
    {
        base.BeginProcessing();
        RejectBoth(PythonPath, SitePackages);

        pythonPath = ResolveOptional(PythonPath);
        sitePackages = ResolveOptional(SitePackages);
    }

    protected override void ProcessRecord()
    {
        if (ParameterSetName != InputSet)
        {
            Analyze(ResolveRoots().Select(r => (r, (IReadOnlyList<ScriptRecord>?)null)));
            return;
        }

        foreach (var item in InputObject ?? Array.Empty<PSObject>())
        {
            if (item.BaseObject is ScriptRecord record)
            {
                piped.Add(record);
            }
            else
            {
                WriteUnusable(item, "ScriptRecords (Get-BqxScriptInventory output)");
            }
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == InputSet && piped.Count > 0)
        {
            Analyze(GroupByRoot(piped, r => r.Root).Select(g => (g.Root, (IReadOnlyList<ScriptRecord>?)g.Items)));
        }
    }

    private void Analyze(IEnumerable<(string Root, IReadOnlyList<ScriptRecord>? Scripts)> units)
    {
        foreach (var (root, scripts) in units.ToList())
        {
            ForEachRoot(new[] { root }, (host, _) =>
            {
                var records = new DependencyService(host).Analyze(new DependencyOptions
                {
                    Root = root,
                    Profile = LoadProfile(root, host),
                    Scripts = scripts,
                    PythonPath = pythonPath,
                    SitePackages = sitePackages,
                    Types = Type,
                    Offline = Offline,
                    CredentialPath = ResolvedCredentialPath,
                    Http = CloudHttp,
                });
                foreach (var record in records)
                {
                    host.Emit(OutputRoots.Stamp(record, root));
                }
            });
        }
    }
}
