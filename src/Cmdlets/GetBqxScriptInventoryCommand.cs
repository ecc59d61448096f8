using System.Management.Automation;
using BqxAudit.Inventory;
using BqxAudit.Model;

namespace BqxAudit.Cmdlets;

/// <summary>
/// <para type="synopsis">Inventories a repository's implementation files and says whether each can run.</para>
/// <para type="description">Streams one ScriptRecord per Python, shell, Dockerfile and Cloud Build file under each root, plus a Missing record for each phase task of the profile that no file implements. Each record carries its kind, category (the profile's globs), status (Ready, Partial, Missing, Blocked) with the findings behind it, purpose, line counts, the last change (from git where the root is in a work tree), imports, tools invoked, flags, tables written and read, and the evidence.</para>
/// <para type="description">Roots come from -Path (wildcards), -LiteralPath, or the pipeline (Get-Item, Get-ChildItem -Directory); each root is audited on its own, and a root that does not exist is one error while the others go on. Every record's Root says which root it belongs to; Path is relative to it.</para>
/// </summary>
/// <example>
/// <code>Get-BqxScriptInventory -Path . | Where-Object Status -ne Ready</code>
/// <para>Lists the scripts of the current folder that cannot run as referenced (Partial, Missing or Blocked), with the table view: status, kind, category, lines and path.</para>
/// </example>
/// <example>
/// <code>Get-BqxScriptInventory -Path . -Kind Shell, Dockerfile | Select-Object Path, Status, FindingsText</code>
/// <para>Only the shell scripts and Dockerfiles, with their findings on one line each.</para>
/// </example>
/// <example>
/// <code>Get-Item . | Get-BqxScriptInventory | Group-Object Category | Select-Object Name, Count</code>
/// <para>A folder from the pipeline binds -LiteralPath; counts the files per category of the profile.</para>
/// </example>
/// <seealso cref="GetBqxDependencyCommand"/>
/// <seealso cref="GetBqxBlockerCommand"/>
/// <seealso href="about_BqxAudit">about_BqxAudit</seealso>
[Cmdlet(VerbsCommon.Get, "BqxScriptInventory", DefaultParameterSetName = PathSet)]
[OutputType(typeof(ScriptRecord))]
public sealed class GetBqxScriptInventoryCommand : BqxRootCmdlet
{
    /// <inheritdoc/>
    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    public override string[]? Path { get; set; }

    /// <summary>Globs of files to inventory (replace the profile's inventory.include list).</summary>
    [Parameter]
    public string[]? Include { get; set; }

    /// <summary>Globs of files to leave out (added to the profile's inventory.exclude list).</summary>
    [Parameter]
    public string[]? Exclude { get; set; }

    /// <summary>Only records of these kinds.</summary>
    [Parameter]
    public ScriptKind[]? Kind { get; set; }

    /// <summary>Anything else piped in: an object naming a folder (LiteralPath, PSPath or FullName) is audited; any other object is a non-terminating error naming its type.</summary>
    [Parameter(Mandatory = true, ParameterSetName = InputSet, ValueFromPipeline = true, DontShow = true)]
    public PSObject[]? InputObject { get; set; }

    protected override void ProcessRecord()
    {
        var roots = ParameterSetName == InputSet ? PipedRoots(InputObject) : ResolveRoots();

        ForEachRoot(roots, (host, root) =>
        {
            var result = new InventoryService(host).Run(new InventoryOptions
            {
                Root = root,
                Profile = LoadProfile(root, host),
                Include = Include,
                Exclude = Exclude,
                Kinds = Kind,
            });
            host.WriteDebug($"{root}: {result.Records.Count} records");
            foreach (var record in result.Records)
            {
                host.Cancellation.ThrowIfCancellationRequested();
                host.Emit(OutputRoots.Stamp(record, root));
            }
        });
    }
}
