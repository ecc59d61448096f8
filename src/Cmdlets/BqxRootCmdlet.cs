using System.Management.Automation;
using BqxAudit.Configuration;
using BqxAudit.Hosting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// A cmdlet that audits one or more roots: <c>-Path</c> (wildcards, resolved through the provider),
/// <c>-LiteralPath</c> (bound by property name from Get-Item / Get-ChildItem output), <c>-Profile</c>.
/// Each root is its own unit: a bad root is one non-terminating error and the rest go on.
/// </summary>
public abstract class BqxRootCmdlet : BqxCmdlet
{
    private protected const string PathSet = "Path";
    private protected const string LiteralPathSet = "LiteralPath";
    private protected const string InputSet = "Input";

    /// <summary>What the root cmdlets say they take from the pipeline, for the error on anything else.</summary>
    private protected const string TakesRoots = "folders to audit (Get-Item / Get-ChildItem output, or objects with a LiteralPath, PSPath or FullName property); pass a path as -Path";

    private string? profileArgument;

    /// <summary>
    /// The folders to audit (default: the current location). Wildcards are expanded; each folder is audited
    /// on its own. Not bound from the pipeline: a piped record's Path is relative to its own root.
    /// </summary>
    public abstract string[]? Path { get; set; }

    /// <summary>The folders to audit, taken as they are (no wildcards); binds the PSPath / FullName of Get-Item and Get-ChildItem output.</summary>
    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias("PSPath", "FullName", "LP")]
    public string[]? LiteralPath { get; set; }

    /// <summary>A profile file (a path, or a name ending in .yaml / .yml), or the name of an embedded profile (bqx-ml-v3). Default: bqxaudit.yaml at the root, else bqx-ml-v3.</summary>
    [Parameter]
    [ArgumentCompleter(typeof(ProfileCompleter))]
    public string? Profile { get; set; }

    /// <summary>The project id the profile is loaded with (the cloud cmdlets' -ProjectId).</summary>
    private protected virtual string? ProfileProjectId => null;

    protected override void BeginProcessing()
    {
        profileArgument = Profile is not null && ProfileLoader.IsFileReference(Profile) ? ResolveLiteral(Profile) : Profile;
        Debug($"{MyInvocation.MyCommand.Name}: parameter set {ParameterSetName}; profile {Profile ?? "(bqxaudit.yaml at each root, else bqx-ml-v3)"}");
    }

    /// <summary>The profile for a root (engine call: any thread).</summary>
    private protected AuditProfile LoadProfile(string root, IAuditHost? host = null)
    {
        var profile = ProfileLoader.Load(new ProfileRequest { Profile = profileArgument, Root = root, ProjectId = ProfileProjectId });
        host?.WriteDebug($"{root}: profile {profile.Name} from {profile.Source}; project {profile.Gcp.Project ?? "(none)"}; {profile.Phases.Count} phase(s)");
        return profile;
    }

    /// <summary>
    /// The roots this invocation names: -LiteralPath as given, or -Path with wildcards expanded (default the
    /// current location). A root that does not exist or is not a folder is one non-terminating
    /// <c>BqxAudit.PathNotFound</c> error naming it; the others are returned. Pipeline thread only.
    /// </summary>
    private protected List<string> ResolveRoots()
    {
        var roots = new List<string>();
        if (ParameterSetName == LiteralPathSet)
        {
            foreach (var literal in LiteralPath ?? Array.Empty<string>())
            {
                AddRoot(roots, literal);
            }

            return roots;
        }

        foreach (var path in Path is { Length: > 0 } given ? given : new[] { "." })
        {
            if (!WildcardPattern.ContainsWildcardCharacters(path))
            {
                AddRoot(roots, path);
                continue;
            }

            try
            {
                var matches = GetResolvedProviderPathFromPSPath(path, out var provider);
                var folders = provider.Name == "FileSystem" ? matches.Where(Directory.Exists).ToList() : new List<string>();
                if (folders.Count == 0)
                {
                    NotFound(path, $"no folder matches {path}");
                }

                roots.AddRange(folders);
            }
            catch (Exception e) when (e is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException)
            {
                NotFound(path, $"no folder matches {path}: {e.Message}");
            }
        }

        return roots;
    }

    /// <summary>The root a piped custom object names (a LiteralPath, PSPath or FullName property, as Import-Csv rows carry), else null.</summary>
    private protected static string? PipedRoot(PSObject item)
    {
        if (item.BaseObject is not PSCustomObject)
        {
            return null;
        }

        foreach (var name in new[] { "LiteralPath", "PSPath", "FullName", "LP" })
        {
            if (item.Properties[name]?.Value is { } value && value.ToString() is { Length: > 0 } path)
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>The roots piped custom objects name; every other piped object is an error naming its type.</summary>
    private protected List<string> PipedRoots(IEnumerable<PSObject>? items)
    {
        var roots = new List<string>();
        foreach (var item in items ?? Array.Empty<PSObject>())
        {
            if (PipedRoot(item) is { } root)
            {
                AddRoot(roots, root);
            }
            else
            {
                WriteUnusable(item, TakesRoots);
            }
        }

        return roots;
    }

    /// <summary>
    /// Piped findings grouped by the root whose profile judges them: -Path when given (its first folder),
    /// else each finding's own Root, else the current location. Pipeline thread only.
    /// </summary>
    private protected List<(string Root, List<T> Items)> GroupByRoot<T>(IEnumerable<T> items, Func<T, string?> rootOf)
    {
        var given = Path is null ? null : ResolveRoots().FirstOrDefault();
        var current = ResolveLiteral(".");
        return items.GroupBy(i => given ?? rootOf(i) ?? current).Select(g => (g.Key, g.ToList())).ToList();
    }

    /// <summary>Audits each root as its own unit; returns how many failed.</summary>
    private protected int ForEachRoot(IEnumerable<string> roots, Action<CmdletHost, string> audit)
    {
        var failed = 0;
        foreach (var root in roots)
        {
            if (Stopping)
            {
                break;
            }

            WriteVerbose($"{MyInvocation.MyCommand.Name}: auditing {root}");
            var started = System.Diagnostics.Stopwatch.StartNew();
            if (!RunUnit(root, host => audit(host, root)))
            {
                failed++;
            }

            Debug($"{root}: done in {started.ElapsedMilliseconds} ms");
        }

        return failed;
    }

    /// <summary>Adds a root given literally, or writes the error naming it.</summary>
    private protected void AddRoot(List<string> roots, string path)
    {
        string full;
        try
        {
            full = SessionState.Path.GetUnresolvedProviderPathFromPSPath(path, out var provider, out _);
            if (provider.Name != "FileSystem")
            {
                NotFound(path, $"{path} is not a file-system folder (provider {provider.Name})");
                return;
            }
        }
        catch (Exception e) when (e is System.Management.Automation.DriveNotFoundException or ProviderNotFoundException or PSArgumentException or NotSupportedException or ItemNotFoundException)
        {
            NotFound(path, $"path not found: {path} ({e.Message})");
            return;
        }

        if (Directory.Exists(full))
        {
            roots.Add(full);
        }
        else
        {
            NotFound(path, File.Exists(full) ? $"not a folder: {full} (the audited root is a folder)" : $"path not found: {full}");
        }
    }

    private void NotFound(string path, string message) =>
        WriteError(ErrorRecords.From(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound, message, path)));
}
