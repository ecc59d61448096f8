using System.Management.Automation;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Checks BigQuery table names against the profile's naming mandate.</para>
/// <para type="description">One NamingResult per distinct name: the family it belongs to, its status (Compliant, NonCompliant, Exempt, NoRule), every violation with a sentence saying which component and value, and the suggested name when it follows deterministically (otherwise Reason says why not).</para>
/// <para type="description">Names come from -TableName or the pipeline (strings, objects with a TableName, TableId or Name property such as Import-Csv rows or NamingResults), from -TableFile (one name a line, a CSV with a name column, or bq ls --format=json output), or else from the profile's table listings (datasets[].tableListFile) — live from BigQuery when credentials exist and -Offline is not given.</para>
/// </summary>
/// <example>
/// <code>Test-BqxNamingCompliance -Path . -Offline | Where-Object Status -eq NonCompliant</code>
/// <para>Classifies the table names the profile's listings hold and keeps the names that break the mandate, with their violations and suggested names.</para>
/// </example>
/// <example>
/// <code>'bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd' | Test-BqxNamingCompliance -Path .</code>
/// <para>Checks one name from the pipeline: NonCompliant (AlphabeticalOrder), suggested name cov_agg_idx_eurusd_gbpusd.</para>
/// </example>
/// <example>
/// <code>Test-BqxNamingCompliance -Path . -TableFile tables.txt | Group-Object Status -NoElement</code>
/// <para>Counts the names of a listing file by status.</para>
/// </example>
/// <seealso cref="GetBqxRenamePlanCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsDiagnostic.Test, "BqxNamingCompliance", DefaultParameterSetName = PathSet)]
[OutputType(typeof(NamingResult))]
public sealed class TestBqxNamingComplianceCommand : BqxRootCloudCmdlet
{
    private const string NamesSet = "Names";
    private const string FileSet = "File";
    private readonly List<string> names = new();

    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [Parameter(Position = 0, ParameterSetName = NamesSet)]
    [Parameter(Position = 0, ParameterSetName = FileSet)]
    [Parameter(Position = 0, ParameterSetName = InputSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>Table names (table, dataset.table, project.dataset.table, project:dataset.table); binds the TableName or TableId property of piped objects (a NamingResult, bq's JSON).</summary>
    [Parameter(Mandatory = true, ParameterSetName = NamesSet, ValueFromPipelineByPropertyName = true)]
    [Alias("TableId")]
    public string[]? TableName { get; set; }

    /// <summary>Table names from the pipeline: strings, or custom objects (Import-Csv rows, ConvertFrom-Json output) with a TableName, TableId or Name property. Any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true)]
    public PSObject[]? InputObject { get; set; }

    /// <summary>A file of names: one per line, a CSV with a name column, or bq ls --format=json output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = FileSet)]
    public string? TableFile { get; set; }

    /// <summary>The naming mandate id (default: the profile's first).</summary>
    [Parameter]
    [ArgumentCompleter(typeof(MandateCompleter))]
    public string? Mandate { get; set; }

    protected override void ProcessRecord()
    {
        switch (ParameterSetName)
        {
            case NamesSet:
                names.AddRange(TableName ?? Array.Empty<string>());
                break;
            case InputSet:
                foreach (var item in InputObject ?? Array.Empty<PSObject>())
                {
                    if (NameOf(item) is { } name)
                    {
                        names.Add(name);
                    }
                    else
                    {
                        WriteUnusable(item, "table names: strings, or objects with a TableName, TableId or Name property");
                    }
                }

                break;
            case FileSet:
                break;
            default:
                Classify(ResolveRoots(), null, null);
                break;
        }
    }

    protected override void EndProcessing()
    {
        switch (ParameterSetName)
        {
            case NamesSet or InputSet when names.Count > 0:
                Classify(ResolveRoots(), names, null);
                break;
            case FileSet:
                Classify(ResolveRoots(), null, ResolveLiteral(TableFile!));
                break;
        }
    }

    /// <summary>The name a piped object gives: a string, or a custom object's TableName, TableId or Name.</summary>
    private static string? NameOf(PSObject item)
    {
        if (item.BaseObject is string text)
        {
            return text;
        }

        if (item.BaseObject is PSCustomObject)
        {
            foreach (var property in new[] { "TableName", "TableId", "Name" })
            {
                if (item.Properties[property]?.Value is { } value && value.ToString() is { Length: > 0 } name)
                {
                    return name;
                }
            }
        }

        return null;
    }

    private void Classify(IEnumerable<string> roots, IReadOnlyList<string>? tableNames, string? tableFile)
    {
        var live = ParameterSetName is PathSet or LiteralPathSet && !Offline ? new LiveListingOptions { CredentialPath = ResolvedCredentialPath, Http = CloudHttp } : null;
        ForEachRoot(roots, (host, root) =>
        {
            var request = new NamingRequest
            {
                Root = root,
                Profile = LoadProfile(root, host),
                TableNames = tableNames,
                TableFile = tableFile,
                MandateId = Mandate,
                Live = live,
            };
            foreach (var result in new NamingAudit(host).Classify(request))
            {
                host.Emit(OutputRoots.Stamp(result, root));
            }
        });
    }
}
