using BqxAudit.Hosting;

namespace BqxAudit.Inventory;

/// <summary>A path under the root that is never read, and why (a link leaving the root, a FIFO, a device, a name that is not UTF-8).</summary>
public sealed record RefusedEntry(string Path, FileRefusal Refusal);

/// <summary>The files under the audited root, and how they were found.</summary>
public sealed class DiscoveryResult
{
    public DiscoveryResult(string root, IReadOnlyList<string> files, GitWorkTree? git)
        : this(root, files, git, Array.Empty<RefusedEntry>(), Array.Empty<string>())
    {
    }

    public DiscoveryResult(string root, IReadOnlyList<string> files, GitWorkTree? git, IReadOnlyList<RefusedEntry> refused, IReadOnlyList<string> notes)
    {
        Root = root;
        Files = files;
        Git = git;
        Refused = refused;
        Notes = notes;
    }

    /// <summary>Absolute path of the audited root.</summary>
    public string Root { get; }

    /// <summary>Every readable file under the root, relative, '/'-separated, sorted ordinally.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>The work tree the root is in, or null when the files came from a directory walk outside git.</summary>
    public GitWorkTree? Git { get; }

    /// <summary>Entries that are never read (not in <see cref="Files"/>), sorted by path.</summary>
    public IReadOnlyList<RefusedEntry> Refused { get; }

    /// <summary>What a reader of the reports must know about how the files were found (already written to the host as warnings).</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>True when the work tree is a shallow clone: dates older than its history are not known.</summary>
    public bool Shallow { get; init; }
}

/// <summary>
/// Finds the files under the audited root: in a git work tree the tracked plus untracked-not-ignored
/// files from one <c>git ls-files</c>; elsewhere (or when the enclosing repository ignores the whole
/// folder) a directory walk that survives symlink loops and unreadable folders, reporting each to the
/// host. Every entry is typed without following links: symbolic links that leave the root (files or
/// folders), FIFOs, devices and sockets are never read or walked, and neither are names that are not
/// UTF-8; they are returned in <see cref="DiscoveryResult.Refused"/>.
/// </summary>
public static class FileDiscovery
{
    public static DiscoveryResult Discover(string root, IAuditHost host)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.InvalidArgument,
                "the audited root is empty; name a folder (. for the current one)", root));
        }

        var full = Path.GetFullPath(root);
        if (!Directory.Exists(full))
        {
            var what = File.Exists(full) ? "is a file, not a folder" : "does not exist";
            throw new BqxException(new BqxError(ErrorIds.PathNotFound, BqxErrorCategory.ObjectNotFound,
                $"the audited root {what}: {root}", root));
        }

        var realRoot = SafeFile.RealPath(full) ?? full;
        var refused = new List<RefusedEntry>();
        var notes = new List<string>();
        void Note(string message)
        {
            host.WriteWarning(message);
            notes.Add(message);
        }

        var git = GitWorkTree.Open(full, host.Cancellation);
        if (git is not null)
        {
            try
            {
                var listed = git.ListFiles(host.Cancellation);
                var shallow = git.IsShallow(host.Cancellation);
                if (shallow)
                {
                    Note("the repository is a shallow clone: files whose last change lies before its history are dated from the file system, not from git (fetch the full history, git fetch --unshallow, for commit dates)");
                }

                if (git.IgnoredBy(host.Cancellation) is { } rule)
                {
                    Note($"the audited folder is ignored by the enclosing git repository ({rule}), so git lists none of its untracked files: they come from a folder walk, and files git does not track are dated from the file system");
                    var walkedIgnored = Walk(full, realRoot, host, refused);
                    host.WriteVerbose($"directory walk (ignored by git): {walkedIgnored.Count} files under {full}");
                    return new DiscoveryResult(full, walkedIgnored, git, Sorted(refused), notes) { Shallow = shallow };
                }

                var files = new List<string>();
                foreach (var (path, validName) in listed)
                {
                    if (IsUnder(path, ".git"))
                    {
                        continue;
                    }

                    if (!validName)
                    {
                        refused.Add(new RefusedEntry(path, NameNotUtf8));
                        continue;
                    }

                    if (Classify(Path.Combine(full, path), full, realRoot) is { } refusal)
                    {
                        if (!ReferenceEquals(refusal, Drop))
                        {
                            refused.Add(new RefusedEntry(path, refusal));
                        }

                        continue;
                    }

                    files.Add(path);
                }

                files.Sort(StringComparer.Ordinal);
                host.WriteVerbose($"git ls-files: {files.Count} files under {full} (work tree {git.TopLevel})");
                return new DiscoveryResult(full, files, git, Sorted(refused), notes) { Shallow = shallow };
            }
            catch (InvalidOperationException e)
            {
                host.WriteError(new BqxError(ErrorIds.GitFailed, BqxErrorCategory.ReadError,
                    $"{e.Message}; walking the folder instead", full));
                refused.Clear();
                notes.Clear();
            }
        }

        var walked = Walk(full, realRoot, host, refused);
        host.WriteVerbose($"directory walk: {walked.Count} files under {full}");
        return new DiscoveryResult(full, walked, null, Sorted(refused), notes);
    }

    private static readonly FileRefusal NameNotUtf8 = new(RefusalKind.NameNotUtf8, "not read: the file name is not valid UTF-8, so it cannot be opened by name");

    /// <summary>Marks an entry that is silently left out: a folder (a submodule), or a link to a folder inside the root.</summary>
    private static readonly FileRefusal Drop = new(RefusalKind.NotRegular, "");

    private static List<RefusedEntry> Sorted(List<RefusedEntry> refused) =>
        refused.OrderBy(r => r.Path, StringComparer.Ordinal).ToList();

    /// <summary>Null for a file that may be read (or that is missing or a broken link: the read reports it), else why not.</summary>
    private static FileRefusal? Classify(string fullPath, string root, string realRoot)
    {
        var type = SafeFile.TypeOf(fullPath, out _);
        switch (type)
        {
            case EntryType.Missing when fullPath.Contains('\uFFFD'):
                return NameNotUtf8; // the runtime decoded a name that is not UTF-8 and cannot find it again
            case EntryType.Regular or EntryType.Unknown or EntryType.Missing:
                // No folder on the path is a link: git lists nothing beneath one, and the walk does not enter those
                // that leave the root. The reader checks the real path again when it opens the file.
                return null;
            case EntryType.Directory:
                return Drop;
            case EntryType.SymbolicLink:
                if (SafeFile.RealPath(fullPath) is { } real && SafeFile.IsUnder(real, realRoot) && SafeFile.TypeOf(real, out _) == EntryType.Directory)
                {
                    return Drop; // the folder's files are listed under their own paths
                }

                break;
        }

        return SafeFile.Check(fullPath, root, long.MaxValue, realRoot);
    }

    private static bool IsUnder(string relative, string folder) =>
        relative == folder || relative.StartsWith(folder + "/", StringComparison.Ordinal);

    private static List<string> Walk(string root, string realRoot, IAuditHost host, List<RefusedEntry> refused)
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

                        if (!SafeFile.IsUnder(SafeFile.RealPath(directory.FullName) ?? real, realRoot))
                        {
                            refused.Add(new RefusedEntry(childRel, new FileRefusal(RefusalKind.LinkLeavesRoot,
                                $"not walked: symbolic link to the folder {directory.LinkTarget}, outside the audited root (not followed)")));
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
                else if (Classify(entry.FullName, root, realRoot) is { } refusal && !ReferenceEquals(refusal, Drop))
                {
                    refused.Add(new RefusedEntry(childRel, refusal));
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
