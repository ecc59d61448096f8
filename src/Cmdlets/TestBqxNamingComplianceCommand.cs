using System.Management.Automation;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Checks BigQuery table names against the profile's naming mandate.</para>
/// <para type="description">One NamingResult per distinct name: family, status, every violation, and the suggested name when it follows deterministically.</para>
/// </summary>
[Cmdlet(VerbsDiagnostic.Test, "BqxNamingCompliance", DefaultParameterSetName = ProfileSet)]
[OutputType(typeof(NamingResult))]
public sealed class TestBqxNamingComplianceCommand : BqxCmdlet
{
    private const string ProfileSet = "Profile";
    private const string NamesSet = "Names";
    private const string FileSet = "File";
    private readonly List<string> names = new();

    /// <summary>The audited root: where the profile and its table listings are (default: the current location).</summary>
    [Parameter(Position = 0)]
    public string? Path { get; set; }

    /// <summary>Table names (table, dataset.table, project.dataset.table, project:dataset.table); binds TableName/TableId of piped objects.</summary>
    [Parameter(Mandatory = true, ParameterSetName = NamesSet, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("TableId")]
    public string[]? TableName { get; set; }

    /// <summary>A file of names: one per line, a CSV with a name column, or bq ls --format=json output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string? TableFile { get; set; }

    /// <summary>The naming mandate id (default: the profile's first).</summary>
    [Parameter]
    public string? Mandate { get; set; }

    protected override void ProcessRecord()
    {
        if (TableName is not null)
        {
            names.AddRange(TableName);
        }
    }

    protected override void EndProcessing()
    {
        var root = ResolveLiteral(Path ?? ".");
        var host = new CmdletHost(this, Cancellation);
        Run(host, () =>
        {
            var request = new NamingRequest
            {
                Root = root,
                Profile = LoadProfile(root),
                TableNames = ParameterSetName == NamesSet ? names : null,
                TableFile = TableFile is null ? null : ResolveLiteral(TableFile),
                MandateId = Mandate,
                Live = Offline ? null : new LiveListingOptions { CredentialPath = CredentialPath is null ? null : ResolveLiteral(CredentialPath), Http = CloudHttp },
            };
            foreach (var result in new NamingAudit(host).Classify(request))
            {
                host.Flush();
                WriteObject(result);
            }
        });
    }
}
