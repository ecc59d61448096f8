using System.Management.Automation;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Plans the renames that bring table names to the naming standard; executes nothing.</para>
/// <para type="description">One RenamePlanItem per table: the ALTER TABLE … RENAME TO DDL and a grace view, or Collision / Manual with the reason. -SqlPath and -CsvPath write the plan.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BqxRenamePlan", DefaultParameterSetName = ProfileSet, SupportsShouldProcess = true)]
[OutputType(typeof(RenamePlanItem))]
public sealed class GetBqxRenamePlanCommand : BqxCmdlet
{
    private const string ProfileSet = "Profile";
    private const string FileSet = "File";
    private const string ResultSet = "Result";
    private readonly List<NamingResult> piped = new();

    /// <summary>The audited root: where the profile and its table listings are (default: the current location).</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>A file of names (default: the profile's table listings).</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string? TableFile { get; set; }

    /// <summary>Results of Test-BqxNamingCompliance; collisions are checked among all of them.</summary>
    [Parameter(Mandatory = true, ParameterSetName = ResultSet, ValueFromPipeline = true)]
    public NamingResult[]? InputObject { get; set; }

    /// <summary>The naming mandate id (default: the profile's first).</summary>
    [Parameter]
    public string? Mandate { get; set; }

    /// <summary>Also write the plan as a SQL script here.</summary>
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
            var audit = new NamingAudit(host);
            var request = new NamingRequest
            {
                Root = root,
                Profile = LoadProfile(root),
                TableFile = TableFile is null ? null : ResolveLiteral(TableFile),
                MandateId = Mandate,
                Live = Offline ? null : new LiveListingOptions { CredentialPath = CredentialPath is null ? null : ResolveLiteral(CredentialPath), Http = CloudHttp },
            };
            var plan = ParameterSetName == ResultSet ? audit.Plan(piped, request) : audit.Plan(request);
            if (SqlPath is not null)
            {
                RenamePlanWriter.WriteSql(plan, ResolveLiteral(SqlPath), host, Force, audit.Mandate(request).Id);
            }

            if (CsvPath is not null)
            {
                RenamePlanWriter.WriteCsv(plan, ResolveLiteral(CsvPath), host, Force);
            }

            WriteObject(plan, enumerateCollection: true);
        });
    }
}
