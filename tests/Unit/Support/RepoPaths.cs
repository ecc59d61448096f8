namespace BqxAudit.Tests.Support;

/// <summary>Where the repository and the shared folder beside it are, found from the test binaries.</summary>
public static class RepoPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary><c>../shared</c> beside the repository, or null in a clone without it.</summary>
    public static string? Shared
    {
        get
        {
            var shared = Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            return Directory.Exists(shared) ? shared : null;
        }
    }

    public static string Example => Path.Combine(Root, "examples", "bqx-ml-v3");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "BqxAudit.psd1")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("BqxAudit.psd1 not found above " + AppContext.BaseDirectory);
    }
}
