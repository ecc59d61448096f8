using System.Management.Automation;
using BqxAudit.Inventory;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Inventories a repository's implementation files and says whether each can run.</para>
/// <para type="description">Streams one ScriptRecord per Python, shell, Dockerfile and Cloud Build file, plus a Missing record for each phase task no file implements.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "BqxScriptInventory", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScriptRecord))]
public sealed class GetBqxScriptInventoryCommand : BqxCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    /// <summary>The audited root (default: the current location). Not bound from the pipeline: piped records would bind by their ToString().</summary>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    public string[]? Path { get; set; }

    /// <summary>The audited root, taken as is; binds the FullName of Get-Item / Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("FullName", "PSPath")]
    public string[]? LiteralPath { get; set; }

    /// <summary>Globs of files to inventory (replace the profile's include list).</summary>
    [Parameter]
    public string[]? Include { get; set; }

    /// <summary>Globs of files to leave out (added to the profile's exclude list).</summary>
    [Parameter]
    public string[]? Exclude { get; set; }

    /// <summary>Only records of these kinds.</summary>
    [Parameter]
    public ScriptKind[]? Kind { get; set; }

    protected override void ProcessRecord()
    {
        var roots = ParameterSetName == LiteralPathSet
            ? LiteralPath!.Select(ResolveLiteral)
            : (Path ?? new[] { "." }).SelectMany(p => GetResolvedProviderPathFromPSPath(p, out _));
        foreach (var root in roots)
        {
            var host = new CmdletHost(this, Cancellation);
            Run(host, () =>
            {
                var result = new InventoryService(host).Run(new InventoryOptions
                {
                    Root = root,
                    Profile = LoadProfile(root),
                    Include = Include,
                    Exclude = Exclude,
                    Kinds = Kind,
                });
                foreach (var record in result.Records)
                {
                    if (Stopping)
                    {
                        return;
                    }

                    WriteObject(record);
                }
            });
        }
    }
}
