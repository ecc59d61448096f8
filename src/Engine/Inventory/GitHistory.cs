using System.Globalization;
using System.Text;

namespace BqxAudit.Inventory;

/// <summary>
/// The commit <c>git log -1 -- path</c> shows for one file: its date, and whether that commit changed
/// only the file's mode (then <see cref="ContentWhen"/> is the last change of its bytes, when the history
/// holds it). <see cref="BeforeHistory"/>: the commit is a shallow clone's boundary, which git shows as
/// adding every file, so the real date is older and unknown.
/// </summary>
public sealed record GitFileDate(DateTimeOffset When, string Commit, bool ModeOnly, DateTimeOffset? ContentWhen, bool BeforeHistory);

/// <summary>
/// The commit graph of HEAD with, for each commit and each parent, the files under the root that differ
/// (content or mode). Answers "which commit does <c>git log -1 -- path</c> show" for any path without a
/// git process per file: walking from HEAD, a commit that changed the path is the answer; a commit
/// that did not is skipped; at a merge, the first parent the path is identical in is followed (git's
/// default history simplification), and a merge that differs from every parent is itself the answer.
/// </summary>
internal sealed class GitHistory
{
    private enum Change : byte
    {
        Content,
        ModeOnly,
    }

    private sealed class Commit
    {
        public required string Id { get; init; }
        public required DateTimeOffset Date { get; init; }
        public required string[] ParentIds { get; init; }
        public int[] Parents { get; set; } = Array.Empty<int>();

        /// <summary>One per parent (one for a root commit: against the empty tree); null until read.</summary>
        public Dictionary<string, Change>?[] Diffs { get; set; } = Array.Empty<Dictionary<string, Change>?>();
        public bool Boundary { get; set; }
    }

    private readonly List<Commit> commits = new();
    private readonly Dictionary<string, int> index = new(StringComparer.Ordinal);

    private GitHistory()
    {
    }

    /// <summary>Reads the history (two git processes); null when there is none or git fails.</summary>
    public static GitHistory? Read(GitWorkTree git, CancellationToken cancellation)
    {
        var log = git.RunGit(cancellation, null, "-c", "log.showSignature=false", "log", "--root", "--raw", "--no-renames", "--no-abbrev",
            "--no-color", "--relative", "-z", "--format=%x1e%H%x1f%P%x1f%cI");
        if (log is not { ExitCode: 0 })
        {
            return null;
        }

        var history = new GitHistory();
        history.ParseLog(Encoding.UTF8.GetString(log.Output));
        if (history.commits.Count == 0)
        {
            return null;
        }

        history.Link(git.IsShallow(cancellation) ? ShallowCommits(git, cancellation) : null);
        var pairs = new StringBuilder();
        var targets = new List<(Commit Commit, int Parent)>();
        foreach (var c in history.commits.Where(c => c.ParentIds.Length > 1))
        {
            for (var p = 0; p < c.ParentIds.Length; p++)
            {
                pairs.Append(c.Id).Append(' ').Append(c.ParentIds[p]).Append('\n');
                targets.Add((c, p));
            }
        }

        if (targets.Count > 0)
        {
            var diff = git.RunGit(cancellation, pairs.ToString(), "diff-tree", "--stdin", "--always", "-r", "--no-renames", "--raw", "--no-abbrev",
                "--no-color", "--relative", "-z");
            if (diff is not { ExitCode: 0 })
            {
                return null;
            }

            ParseMergeDiffs(Encoding.UTF8.GetString(diff.Output), targets);
        }

        return history;
    }

    /// <summary>The commit <c>git log -1 -- path</c> shows, or null when no commit of the history holds the path.</summary>
    public GitFileDate? LastChange(string path)
    {
        Commit? shown = null;
        var c = 0; // HEAD: the first commit git log printed
        for (var steps = 0; c >= 0 && steps <= commits.Count; steps++)
        {
            var commit = commits[c];
            var contentOnly = shown is not null; // after a mode-only change: looking for the last content change
            int next;
            Change? here;
            if (commit.Diffs.Length <= 1)
            {
                here = commit.Diffs.Length == 1 && commit.Diffs[0]!.TryGetValue(path, out var k) ? k : null;
                next = commit.Parents.Length == 1 ? commit.Parents[0] : -1;
                if (contentOnly && here == Change.ModeOnly)
                {
                    here = null;
                }
            }
            else
            {
                next = -1;
                for (var p = 0; p < commit.Diffs.Length; p++)
                {
                    var same = !commit.Diffs[p]!.TryGetValue(path, out var k) || (contentOnly && k == Change.ModeOnly);
                    if (same)
                    {
                        next = commit.Parents[p];
                        break;
                    }
                }

                here = next >= 0 || commit.Parents.Any(p => p < 0) ? null
                    : commit.Diffs.All(d => d![path] == Change.ModeOnly) ? Change.ModeOnly : Change.Content;
            }

            if (here is { } change)
            {
                if (shown is null)
                {
                    if (change == Change.ModeOnly && !commit.Boundary)
                    {
                        shown = commit;
                        c = next;
                        continue;
                    }

                    return new GitFileDate(commit.Date, commit.Id, ModeOnly: false, ContentWhen: null, BeforeHistory: commit.Boundary);
                }

                return new GitFileDate(shown.Date, shown.Id, ModeOnly: true, ContentWhen: commit.Boundary ? null : commit.Date, BeforeHistory: false);
            }

            if (next < 0)
            {
                break; // the root commit (or the clone's boundary) without the path, or a parent git did not list
            }

            c = next;
        }

        return shown is null ? null : new GitFileDate(shown.Date, shown.Id, ModeOnly: true, ContentWhen: null, BeforeHistory: false);
    }

    /// <summary>
    /// The records of <c>-z --raw</c> output: a header (any token that is not a raw entry: a commit's format line, or
    /// the commit id diff-tree prints) with null Path, or a raw entry's <c>:mode mode sha sha status</c> with its path.
    /// The token is where it lies in <paramref name="text"/>: only headers are made strings (a raw entry's status is read
    /// in place; there is one per file per commit).
    /// </summary>
    private static IEnumerable<(Range Token, string? Path)> Records(string text)
    {
        var pos = 0;
        while (pos < text.Length)
        {
            var (start, end) = NextToken(text, ref pos);
            while (start < end && text[start] == '\n')
            {
                start++;
            }

            if (start == end)
            {
                continue;
            }

            if (text[start] == ':')
            {
                var (pathStart, pathEnd) = NextToken(text, ref pos);
                yield return (start..end, text[pathStart..pathEnd]);
            }
            else
            {
                yield return (start..end, null);
            }
        }
    }

    private static (int Start, int End) NextToken(string text, ref int pos)
    {
        if (pos >= text.Length)
        {
            // A raw entry cut off before its path (output truncated at its cap): an empty path, not an exception.
            pos = text.Length + 1;
            return (text.Length, text.Length);
        }

        var start = pos;
        var end = text.IndexOf('\0', pos);
        if (end < 0)
        {
            end = text.Length;
        }

        pos = end + 1;
        return (start, end);
    }

    private void ParseLog(string text)
    {
        Commit? current = null;
        foreach (var (range, path) in Records(text))
        {
            if (path is not null)
            {
                if (current is not null && current.ParentIds.Length <= 1)
                {
                    current.Diffs[0]![path] = Kind(text.AsSpan(range));
                }

                continue;
            }

            var token = text[range];
            var fields = token.TrimStart('\x1e').Split('\x1f');
            if (token[0] != '\x1e' || fields.Length < 3 || !DateTimeOffset.TryParse(fields[2].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                current = null;
                continue;
            }

            current = new Commit
            {
                Id = fields[0],
                Date = date,
                ParentIds = fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries),
            };
            current.Diffs = current.ParentIds.Length <= 1 ? new Dictionary<string, Change>?[] { new(StringComparer.Ordinal) } : new Dictionary<string, Change>?[current.ParentIds.Length];
            if (index.TryAdd(current.Id, commits.Count))
            {
                commits.Add(current);
            }
            else
            {
                current = null;
            }
        }
    }

    private static void ParseMergeDiffs(string text, List<(Commit Commit, int Parent)> targets)
    {
        var pair = -1;
        Dictionary<string, Change>? current = null;
        foreach (var (range, path) in Records(text))
        {
            if (path is not null)
            {
                if (current is not null)
                {
                    current[path] = Kind(text.AsSpan(range));
                }

                continue;
            }

            // A header: the merge of the next input line (--always prints one for every line).
            if (++pair >= targets.Count)
            {
                break;
            }

            var (commit, parent) = targets[pair];
            current = commit.Diffs[parent] = new Dictionary<string, Change>(StringComparer.Ordinal);
        }

        foreach (var (commit, parent) in targets)
        {
            commit.Diffs[parent] ??= new Dictionary<string, Change>(StringComparer.Ordinal);
        }
    }

    /// <summary>Parents as indices (-1 for a parent git did not list); marks the shallow boundary.</summary>
    private void Link(IReadOnlySet<string>? shallow)
    {
        foreach (var c in commits)
        {
            c.Parents = c.ParentIds.Select(p => index.TryGetValue(p, out var i) ? i : -1).ToArray();
            c.Boundary = shallow is not null && c.ParentIds.Length == 0 && (shallow.Count == 0 || shallow.Contains(c.Id));
        }
    }

    /// <summary>The boundary commits of a shallow clone (<c>$GIT_DIR/shallow</c>); empty when unreadable (every parentless commit counts).</summary>
    private static IReadOnlySet<string> ShallowCommits(GitWorkTree git, CancellationToken cancellation)
    {
        var result = git.RunGit(cancellation, null, "rev-parse", "--path-format=absolute", "--git-path", "shallow");
        if (result is not { ExitCode: 0 })
        {
            return new HashSet<string>();
        }

        try
        {
            var file = Encoding.UTF8.GetString(result.Output).Trim();
            var text = Encoding.UTF8.GetString(SafeFile.ReadAllBytes(file, maxBytes: SafeFile.ManifestMaxBytes));
            return text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
        }
        catch (IOException)
        {
            return new HashSet<string>();
        }
    }

    /// <summary><c>:100644 100755 abc abc M</c>: same blob, other mode → mode only.</summary>
    private static Change Kind(ReadOnlySpan<char> meta)
    {
        var fields = meta[1..];
        Span<Range> parts = stackalloc Range[5];
        var count = fields.Split(parts, ' ');
        return count >= 4 && fields[parts[2]].SequenceEqual(fields[parts[3]]) && !fields[parts[0]].SequenceEqual(fields[parts[1]])
            ? Change.ModeOnly : Change.Content;
    }
}
