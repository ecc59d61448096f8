namespace BqxAudit.Inventory;

/// <summary>The decoded text of one file, with 1-based line lookup for findings.</summary>
public sealed class SourceText
{
    private int[]? lineStarts;

    public SourceText(string path, string text)
    {
        Path = path;
        Text = text;
    }

    /// <summary>Relative to the audited root, '/'-separated.</summary>
    public string Path { get; }

    public string Text { get; }

    /// <summary>The 1-based line of a character offset.</summary>
    public int LineAt(int offset)
    {
        lineStarts ??= ComputeLineStarts(Text);
        var i = Array.BinarySearch(lineStarts, offset);
        return (i >= 0 ? i : ~i - 1) + 1;
    }

    /// <summary><c>path:line</c> for a character offset.</summary>
    public string Location(int offset) => $"{Path}:{LineAt(offset)}";

    public string LocationOfLine(int line) => $"{Path}:{line}";

    private static int[] ComputeLineStarts(string text)
    {
        var starts = new List<int> { 0 };
        for (var i = text.IndexOf('\n'); i >= 0; i = text.IndexOf('\n', i + 1))
        {
            starts.Add(i + 1);
        }

        return starts.ToArray();
    }
}

/// <summary>What analyzers may ask about the rest of the repository: which files and folders exist.</summary>
public sealed class RepositoryIndex
{
    private readonly HashSet<string> files;
    private readonly HashSet<string> directories = new(StringComparer.Ordinal);

    public RepositoryIndex(string root, IEnumerable<string> relativeFiles)
    {
        Root = root;
        files = new HashSet<string>(relativeFiles, StringComparer.Ordinal);
        foreach (var f in files)
        {
            for (var i = f.LastIndexOf('/'); i > 0; i = f.LastIndexOf('/', i - 1))
            {
                if (!directories.Add(f[..i]))
                {
                    break;
                }
            }
        }
    }

    /// <summary>Absolute path of the audited root.</summary>
    public string Root { get; }

    public IReadOnlyCollection<string> Files => files;

    public bool FileExists(string relative) => files.Contains(Normalize(relative));

    public bool DirectoryExists(string relative)
    {
        var n = Normalize(relative);
        return n.Length == 0 || directories.Contains(n);
    }

    /// <summary>
    /// Resolves <paramref name="reference"/> (relative to the root, or absolute under it) to a
    /// root-relative path; null when an absolute path lies outside the root.
    /// </summary>
    public string? Resolve(string reference)
    {
        if (reference.StartsWith('/'))
        {
            var rootSlash = Root.Replace('\\', '/').TrimEnd('/') + "/";
            return reference.StartsWith(rootSlash, StringComparison.Ordinal) ? Normalize(reference[rootSlash.Length..]) : null;
        }

        return Normalize(reference);
    }

    /// <summary>Candidates for a relative reference: against the root first, then the referring file's folder.</summary>
    public IEnumerable<string> Candidates(string reference, string? fromFile)
    {
        var fromRoot = Resolve(reference);
        if (fromRoot is not null)
        {
            yield return fromRoot;
        }

        if (fromFile is not null && !reference.StartsWith('/'))
        {
            var slash = fromFile.LastIndexOf('/');
            if (slash > 0)
            {
                var fromFolder = Normalize(fromFile[..slash] + "/" + reference);
                if (fromFolder != fromRoot)
                {
                    yield return fromFolder;
                }
            }
        }
    }

    /// <summary>Collapses <c>./</c>, <c>a/../</c> and duplicate slashes; backslashes become slashes.</summary>
    public static string Normalize(string relative)
    {
        var parts = new List<string>();
        foreach (var part in relative.Replace('\\', '/').Split('/'))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (parts.Count > 0)
                {
                    parts.RemoveAt(parts.Count - 1);
                }

                continue;
            }

            parts.Add(part);
        }

        return string.Join('/', parts);
    }
}
