using System.Runtime.CompilerServices;
using BqxAudit.Model;

namespace BqxAudit.Inventory.Analyzers.Docker;

/// <summary>Where an absolute path of an image comes from.</summary>
internal enum ContainerMappingKind
{
    /// <summary>A COPY/ADD takes it from a file of the repository that exists.</summary>
    InRepository,

    /// <summary>A COPY/ADD of a folder would take it from a repository path that does not exist.</summary>
    MissingSource,

    /// <summary>No COPY/ADD puts it into the image.</summary>
    NotCopied,

    /// <summary>It comes from another build stage or image (<c>COPY --from</c>); taken as present.</summary>
    OtherStage,
}

internal sealed record ContainerMapping(ContainerMappingKind Kind, string? Path, int CopyLine);

/// <summary>
/// The final stage of a Dockerfile as the container sees it: its build context, WORKDIR and the COPY/ADD
/// entries that map image paths back to repository files. Attached to the Dockerfile's record by the
/// analyzer for the cross-file checks of the same inventory run (a record read back from JSON has none).
/// </summary>
internal sealed class ImageLayout
{
    /// <summary>Evidence detail prefix of the Dockerfile's ENV settings, <c>NAME=value (line N)</c> joined by <c> · </c> (the reports list them).</summary>
    public const string EnvEvidence = "ENV settings: ";

    private static readonly ConditionalWeakTable<ScriptRecord, ImageLayout> Layouts = new();

    private readonly Func<string, string?, ContainerMapping> map;

    public ImageLayout(string dockerfile, string context, string workdir, int entryLine, Func<string, string?, ContainerMapping> map)
    {
        Dockerfile = dockerfile;
        Context = context;
        Workdir = workdir;
        EntryLine = entryLine;
        this.map = map;
    }

    public string Dockerfile { get; }

    /// <summary>The build context the analyzer chose (root-relative folder, "" for the root).</summary>
    public string Context { get; }

    public string Workdir { get; }

    /// <summary>The line of the final stage's CMD or ENTRYPOINT (0 when none).</summary>
    public int EntryLine { get; }

    public static void Attach(ScriptRecord dockerfile, ImageLayout layout) => Layouts.AddOrUpdate(dockerfile, layout);

    public static ImageLayout? Of(ScriptRecord dockerfile) => Layouts.TryGetValue(dockerfile, out var layout) ? layout : null;

    /// <summary>Maps an absolute path inside the image (relative ones against WORKDIR) to the repository; <paramref name="context"/> replaces the chosen build context.</summary>
    public ContainerMapping Map(string imagePath, string? context = null) => map(ImagePath.Combine(Workdir, imagePath), context);
}

/// <summary>
/// A <c>docker build</c> a Cloud Build step or a shell script runs: the Dockerfile, the build context and the
/// tags, all root-relative where known. Attached to the record that runs it.
/// </summary>
internal sealed record DockerBuildRef(string Dockerfile, string? Context, IReadOnlyList<string> Tags, int Line);

internal static class DockerBuilds
{
    private static readonly ConditionalWeakTable<ScriptRecord, List<DockerBuildRef>> Builds = new();

    public static void Add(ScriptRecord record, DockerBuildRef build)
    {
        var list = Builds.GetOrCreateValue(record);
        if (!list.Exists(b => b.Dockerfile == build.Dockerfile))
        {
            // The first build of a Dockerfile decides its context, and one tag names the image.
            list.Add(build with { Dockerfile = string.Intern(build.Dockerfile), Tags = build.Tags.Count == 0 ? Array.Empty<string>() : new[] { build.Tags[0] } });
        }
    }

    public static IReadOnlyList<DockerBuildRef> Of(ScriptRecord record) =>
        Builds.TryGetValue(record, out var list) ? list : Array.Empty<DockerBuildRef>();
}

/// <summary>The absolute path an invocation's script expands to, when it lies outside the audited root (a container path).</summary>
internal static class ContainerPaths
{
    private static readonly ConditionalWeakTable<Invocation, string> Paths = new();

    public static void Set(Invocation invocation, string absolute) => Paths.AddOrUpdate(invocation, absolute);

    public static string? Of(Invocation invocation) => Paths.TryGetValue(invocation, out var path) ? path : null;
}
