namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// Where things are: the repository root (the folder holding BqxAudit.psd1, found by walking up
/// from the test binaries), the staged module under <c>out/BqxAudit/</c>, and <c>../shared</c>.
/// </summary>
public static class RepositoryLayout
{
    private static readonly Lazy<string> Root = new(FindRoot);

    public static string RepoRoot => Root.Value;

    /// <summary>The <c>shared</c> folder beside the repository root (schemas, discovery documents); CI always has it.</summary>
    public static string SharedDirectory => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    public static bool SharedExists => Directory.Exists(SharedDirectory);

    public static string SchemaDirectory => Path.Combine(SharedDirectory, "powershell-schemas");

    public static string ManifestPath => Path.Combine(RepoRoot, "BqxAudit.psd1");

    /// <summary><c>out/BqxAudit/</c>: staged by the Cmdlets project's StageModule target, which building these tests runs.</summary>
    public static string StagedModule => Path.Combine(RepoRoot, "out", "BqxAudit");

    public static string StagedDependencies => Path.Combine(StagedModule, "Dependencies");

    public static string StagedCmdletAssembly => Path.Combine(StagedModule, "BqxAudit.dll");

    public static string StagedEngineAssembly => Path.Combine(StagedDependencies, "BqxAudit.Engine.dll");

    /// <summary>The output types, staged beside BqxAudit.dll (default load context), not in Dependencies/.</summary>
    public static string StagedModelAssembly => Path.Combine(StagedModule, "BqxAudit.Model.dll");

    /// <summary>The shared framework folder of this test process (System.Runtime, System.Text.Json …).</summary>
    public static string RuntimeDirectory => Path.GetDirectoryName(typeof(object).Assembly.Location)!;

    /// <summary><paramref name="path"/> relative to the repository root, <c>/</c>-separated.</summary>
    public static string Relative(string path) => Path.GetRelativePath(RepoRoot, path).Replace('\\', '/');

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BqxAudit.psd1")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} contains BqxAudit.psd1");
    }
}

/// <summary>
/// A fact that needs <c>../shared</c> (the PowerShell schemas, the approved-verb list): skipped, with
/// a message naming what was skipped, in a clone without it. CI always has it.
/// </summary>
public sealed class SharedFactAttribute : FactAttribute
{
    public SharedFactAttribute(string needs)
    {
        if (!RepositoryLayout.SharedExists)
        {
            Skip = $"Skipped: {needs} — needs {RepositoryLayout.SharedDirectory}, which is absent in this clone (CI always has it).";
        }
    }
}
