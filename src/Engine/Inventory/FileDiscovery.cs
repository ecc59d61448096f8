using BqxAudit.Hosting;

namespace BqxAudit.Inventory;

/// <summary>The files under the audited root, and how they were found.</summary>
public sealed class DiscoveryResult
{
    public DiscoveryResult(string root, IReadOnlyList<string> files, GitWorkTree? git)
    {
        Root = root;
        Files = files;
        Git = git;
    }

    /// <summary>Absolute path of the audited root.</summary>
    public string Root { get; }

    /// <summary>Every file under the root, relative, '/'-separated, sorted ordinally.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The work tree the root is in, or null when the files came from a directory walk.</summary>
    public GitWorkTree? Git { get; }
}

/// <summary>
/// Finds the files under the audited root: in a git work tree the tracked plus untracked-not-ignored
/// files from one <c>git ls-files</c>; elsewhere a directory walk that survives symlink loops and
/// unreadable folders, reporting each to the host.
/// </summary>
public static class FileDiscovery
{
    public static DiscoveryResult Discover(string root, IAuditHost host)
    {
        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            var what = File.Exists(full) ? "is a file, not a folder" : "does not exist";
            throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound,
                $"the audited root {what}: {root}", root));
        }

        var git = GitWorkTree.Open(full, host.Cancellation);
        if (git is not null)
        {
            try
            {
                var listed = git.ListFiles(host.Cancellation);
                var files = listed.Where(f => !IsUnder(f, ".git")).OrderBy(f => f, StringComparer.Ordinal).ToArray();
                host.WriteVerbose($"git ls-files: {files.Length} files under {full} (work tree {git.TopLevel})");
                return new DiscoveryResult(full, files, git);
            }
            catch (InvalidOperationException e)
            {
                host.WriteError(new BqxError(ErrorIds.GitFailed, BqxErrorCategory.ReadError,
                    $"{e.Message}; walking the folder instead", full));
            }
        }

        var walked = Walk(full, host);
        host.WriteVerbose($"directory walk: {walked.Count} files under {full}");
        return new DiscoveryResult(full, walked, null);
    }

    private static bool IsUnder(string relative, string folder) =>
        relative == folder || relative.StartsWith(folder + "/", StringComparison.Ordinal);

    private static List<string> Walk(string root, IAuditHost host)
    {
        var files = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<(string Full, string Relative)>();
        pending.Push((root, ""));
        visited.Add(RealPath(root));
        while (pending.Count > 0)
        {
            host.Cancellation.ThrowIfCancellationRequested();
            var (dir, rel) = pending.Pop();
            IEnumerable<FileSystemInfo> entries;
            try
            {
                entries = new DirectoryInfo(dir).EnumerateFileSystemInfos().ToArray();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.SecurityException)
            {
                host.WriteError(new BqxError(ErrorIds.FileUnreadable, BqxErrorCategory.ReadError,
                    $"folder cannot be read: {e.Message}", rel.Length == 0 ? "." : rel));
                continue;
            }

            foreach (var entry in entries)
            {
                var childRel = rel.Length == 0 ? entry.Name : rel + "/" + entry.Name;
                if (entry is DirectoryInfo directory)
                {
                    if (entry.Name == ".git")
                    {
                        continue;
                    }

                    if (directory.LinkTarget is not null)
                    {
                        string real;
                        try
                        {
                            real = directory.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? directory.FullName;
                        }
                        catch (IOException e)
                        {
                            host.WriteError(new BqxError(ErrorIds.SymlinkLoop, BqxErrorCategory.InvalidData,
                                $"symbolic link cannot be resolved ({e.Message}); skipped", childRel));
                            continue;
                        }

                        if (!visited.Add(RealPath(real)) || IsAncestor(real, directory.FullName))
                        {
                            host.WriteError(new BqxError(ErrorIds.SymlinkLoop, BqxErrorCategory.InvalidData,
                                $"symbolic link loop: {directory.LinkTarget} leads back into a folder already walked; skipped", childRel));
                            continue;
                        }
                    }
                    else if (!visited.Add(RealPath(directory.FullName)))
                    {
                        continue;
                    }

                    pending.Push((directory.FullName, childRel));
                }
                else
                {
                    files.Add(childRel);
                }
            }
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    private static bool IsAncestor(string candidate, string path)
    {
        var c = Path.TrimEndingDirectorySeparator(RealPath(candidate)) + Path.DirectorySeparatorChar;
        return (Path.TrimEndingDirectorySeparator(path) + Path.DirectorySeparatorChar).StartsWith(c, StringComparison.Ordinal);
    }

    private static string RealPath(string path)
    {
        try
        {
            var info = new DirectoryInfo(path);
            var target = info.LinkTarget is null ? null : info.ResolveLinkTarget(returnFinalTarget: true);
            return Path.TrimEndingDirectorySeparator((target ?? info).FullName);
        }
        catch (IOException)
        {
            return path;
        }
    }
}
