using System.Management.Automation;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Plans the renames that bring table names to the naming standard; executes nothing.</para>
/// <para type="description">One RenamePlanItem per table: Rename with the ALTER TABLE … RENAME TO statement and a grace view under the old name; Collision when the target exists or two tables map to it (CollidesWith names the other); Manual when a person decides (Reason says why), or AlreadyCompliant. No variant is ever assumed.</para>
/// <para type="description">Plans the profile's table listings (live from BigQuery when credentials exist and -Offline is not given), a -TableFile, or NamingResults piped from Test-BqxNamingCompliance (collisions are checked among all of them). -SqlPath and -CsvPath also write the plan, under -WhatIf / -Confirm, never over an existing file without -Force.</para>
/// </summary>
/// <example>
/// <code>Get-BqxRenamePlan -Path . -Offline | Where-Object Action -eq Collision</code>
/// <para>The renames that would collide with an existing table; CollidesWith names it.</para>
/// </example>
/// <example>
/// <code>Test-BqxNamingCompliance -Path . -Offline | Get-BqxRenamePlan -Path . -SqlPath plan.sql -CsvPath plan.csv -Force</code>
/// <para>Plans the classified names and writes the SQL script and the CSV beside them (replacing earlier files).</para>
/// </example>
/// <example>
/// <code>Get-BqxRenamePlan -Path . -TableFile tables.txt -SqlPath plan.sql -WhatIf</code>
/// <para>Shows what would be written for a listing file, and writes nothing.</para>
/// </example>
/// <seealso cref="TestBqxNamingComplianceCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsCommon.Get, "BqxRenamePlan", DefaultParameterSetName = PathSet, SupportsShouldProcess = true)]
[OutputType(typeof(RenamePlanItem))]
public sealed class GetBqxRenamePlanCommand : BqxRootCloudCmdlet
{
    private const string FileSet = "File";
    private readonly List<NamingResult> piped = new();

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [Parameter(Position = 0, ParameterSetName = FileSet)]
    [Parameter(Position = 0, ParameterSetName = InputSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>A file of names (default: the profile's table listings).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string? TableFile { get; set; }

    /// <summary>NamingResults of Test-BqxNamingCompliance; collisions are checked among all of them. Any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>The naming mandate id (default: the profile's first).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MandateCompleter))]
    public string? Mandate { get; set; }

    /// <summary>Also write the plan as a SQL script here (one statement per rename, collisions and manual items as comments).</summary>
    [Parameter]
    public string? SqlPath { get; set; }

    /// <summary>Also write the plan as CSV here.</summary>
    [Parameter]
    public string? CsvPath { get; set; }

    /// <summary>Overwrite existing -SqlPath / -CsvPath files.</summary>
    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case InputSet:
                foreach (var item in InputObject ?? Array.Empty<PSObject>())
                {
                    if (item.BaseObject is NamingResult result)
                    {
                        piped.Add(result);
                    }
                    else
                    {
                        WriteUnusable(item, "NamingResults (Test-BqxNamingCompliance output)");
                    }
                }

                break;
            case FileSet:
                break;
            default:
                Plan(ResolveRoots().Select(r => (r, (IReadOnlyList<NamingResult>?)null)), null);
                break;
        }
    }

    protected override void EndProcessing()
    {
        if (ParameterSetName == FileSet)
        {
            Plan(ResolveRoots().Select(r => (r, (IReadOnlyList<NamingResult>?)null)), ResolveLiteral(TableFile!));
        }
        else if (ParameterSetName == InputSet && piped.Count > 0)
        {
            // Results are planned with the profile of the root they were classified under (-Path, when given, wins).
            Plan(GroupByRoot(piped, r => r.Root).Select(g => (g.Root, (IReadOnlyList<NamingResult>?)g.Items)), null);
        }
    }

    private void Plan(IEnumerable<(string Root, IReadOnlyList<NamingResult>? Results)> units, string? tableFile)
    {
        var sql = ResolveOptional(SqlPath);
        var csv = ResolveOptional(CsvPath);
        var live = ParameterSetName is PathSet or LiteralPathSet && !Offline ? new LiveListingOptions { CredentialPath = ResolvedCredentialPath, Http = CloudHttp } : null;
        foreach (var (root, results) in units.ToList())
        {
            ForEachRoot(new[] { root }, (host, _) =>
            {
                var audit = new NamingAudit(host);
                var request = new NamingRequest
                {
                    Root = root,
                    Profile = LoadProfile(root, host),
                    TableFile = tableFile,
                    MandateId = Mandate,
                    Live = live,
                };
                var plan = results is null ? audit.Plan(request) : audit.Plan(results, request);
                if (sql is not null)
                {
                    RenamePlanWriter.WriteSql(plan, sql, host, Force, audit.Mandate(request).Id);
                }

                if (csv is not null)
                {
                    RenamePlanWriter.WriteCsv(plan, csv, host, Force);
                }

                foreach (var item in plan)
                {
                    host.Emit(OutputRoots.Stamp(item, root));
                }
            });
        }
    }
}
