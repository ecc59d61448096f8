using Microsoft.Extensions.FileSystemGlobbing;

namespace BqxAudit.Inventory;

/// <summary>Matching one root-relative path against a glob <see cref="Matcher"/>.</summary>
internal static class GlobMatch
{
    // Matcher.Match(path) makes the path absolute against the process's current directory: a getcwd call for every
    // path and every glob (~30 ms of a 0.5 s inventory of 300 scripts). A root-relative path matches the same under
    // any root, so it is made absolute under a fixed one here (never read: the matcher works on names). Not the
    // file-system root itself: with a root that ends in a separator the matcher cuts one character too many off
    // each path ("archive/x" was matched as "rchive/x").
    private static readonly string Root = Path.Combine(Path.GetPathRoot(Path.GetTempPath()) is { Length: > 0 } r ? r : "/", "bqx-audit-glob-root");

    /// <summary>True when <paramref name="relativePath"/> (relative to the audited root, '/' separated) matches.</summary>
    public static bool Matches(this Matcher matcher, string relativePath) => matcher.Match(Root, Path.Combine(Root, relativePath)).HasMatches;
}
