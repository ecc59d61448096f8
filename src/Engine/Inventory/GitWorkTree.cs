using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace BqxAudit.Inventory;

/// <summary>
/// The git facts of the work tree that contains the audited root, restricted to files under it.
/// Every question is one git process over the whole tree, never one per file.
/// </summary>
public sealed class GitWorkTree
{
    private readonly string root;

    private GitWorkTree(string root, string topLevel)
    {
        this.root = root;
        TopLevel = topLevel;
    }

    public string TopLevel { get; }

    /// <summary>The work tree containing <paramref name="root"/>, or null when it is not in one (or git is absent).</summary>
    public static GitWorkTree? Open(string root, CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "rev-parse", "--show-toplevel");
        if (result is not { ExitCode: 0 })
        {
            return null;
        }

        var top = Encoding.UTF8.GetString(result.Output).Trim();
        return top.Length == 0 ? null : new GitWorkTree(root, top);
    }

    /// <summary>
    /// Tracked plus untracked-not-ignored files under the root, relative to it, '/'-separated (one <c>git ls-files</c>).
    /// A name that is not valid UTF-8 comes back with its bad bytes written <c>\xFF</c> and <c>ValidName</c> false.
    /// </summary>
    public IReadOnlyList<(string Path, bool ValidName)> ListFiles(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
            ?? throw new InvalidOperationException("git ls-files could not be started");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git ls-files failed ({result.ExitCode}): {result.Error.Trim()}");
        }

        var names = new List<(string, bool)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        ReadOnlySpan<byte> bytes = result.Output;
        while (bytes.Length > 0)
        {
            var end = bytes.IndexOf((byte)0);
            var name = end < 0 ? bytes : bytes[..end];
            bytes = end < 0 ? ReadOnlySpan<byte>.Empty : bytes[(end + 1)..];
            if (name.Length > 0)
            {
                var valid = System.Text.Unicode.Utf8.IsValid(name);
                var text = valid ? Encoding.UTF8.GetString(name) : Escaped(name);
                if (seen.Add(text))
                {
                    names.Add((text, valid));
                }
            }
        }

        return names;
    }

    /// <summary>True when the repository is a shallow clone (its oldest commits have no parents in it).</summary>
    public bool IsShallow(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "rev-parse", "--is-shallow-repository");
        return result is { ExitCode: 0 } && Encoding.UTF8.GetString(result.Output).Trim() == "true";
    }

    /// <summary>
    /// The ignore rule that covers the audited root itself (<c>.gitignore:3: build/</c>), or null when
    /// the root is the top level or not ignored.
    /// </summary>
    public string? IgnoredBy(CancellationToken cancellation = default)
    {
        if (string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(root)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(TopLevel)), StringComparison.Ordinal)
            || string.Equals(SafeFile.RealPath(root), SafeFile.RealPath(TopLevel), StringComparison.Ordinal))
        {
            return null;
        }

        var result = Run(root, cancellation, "check-ignore", "-v", "--", ".");
        if (result is not { ExitCode: 0 })
        {
            return null;
        }

        // source:line:pattern <TAB> path
        var line = Encoding.UTF8.GetString(result.Output).Split('\n')[0];
        var tab = line.IndexOf('\t');
        var rule = tab < 0 ? line : line[..tab];
        var second = rule.IndexOf(':', rule.IndexOf(':') + 1);
        return second < 0 ? rule : $"{rule[..second]}: {rule[(second + 1)..]}";
    }

    /// <summary>Paths (relative to the root) with uncommitted changes: their dates come from the file system.</summary>
    public IReadOnlySet<string> ModifiedFiles(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "diff", "--name-only", "-z", "--relative", "HEAD", "--", ".");
        return result is { ExitCode: 0 }
            ? SplitNul(result.Output).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>
    /// For each file under the root, the commit <c>git log -1 -- path</c> shows (git's default history
    /// simplification for that one path: at a merge, the first parent the file is identical in is
    /// followed), from two git processes for the whole tree: one <c>git log --raw</c> (the commit graph
    /// and every non-merge diff) and one <c>git diff-tree --stdin</c> (each merge against each parent).
    /// A commit that changed only the file's mode is still that commit (as git says), flagged, with the
    /// date of the last content change beside it. Files whose last change is a shallow clone's boundary
    /// commit are flagged: their real date lies before the history the clone has.
    /// </summary>
    public IReadOnlyDictionary<string, GitFileDate> LastCommitDates(IEnumerable<string> paths, CancellationToken cancellation = default) =>
        LastCommitDates(GitHistory.Read(this, cancellation), paths);

    /// <summary>The history <see cref="LastCommitDates(IEnumerable{string}, CancellationToken)"/> reads (null: none), to read it before the paths are known.</summary>
    internal GitHistory? ReadHistory(CancellationToken cancellation) => GitHistory.Read(this, cancellation);

    /// <summary>The dates of the given paths in a history read before.</summary>
    internal static IReadOnlyDictionary<string, GitFileDate> LastCommitDates(GitHistory? history, IEnumerable<string> paths)
    {
        var dates = new Dictionary<string, GitFileDate>(StringComparer.Ordinal);
        if (history is null)
        {
            return dates; // no commits yet, or git failed: callers fall back to the file system.
        }

        foreach (var path in paths)
        {
            if (history.LastChange(path) is { } found)
            {
                dates[path] = found;
            }
        }

        return dates;
    }

    internal GitResult? RunGit(CancellationToken cancellation, string? input, params string[] args) => RunWithInput(root, cancellation, input, args);

    private static string Escaped(ReadOnlySpan<byte> name)
    {
        var sb = new StringBuilder(name.Length + 8);
        while (name.Length > 0)
        {
            var status = System.Text.Rune.DecodeFromUtf8(name, out var rune, out var consumed);
            if (status == System.Buffers.OperationStatus.Done)
            {
                sb.Append(rune.ToString());
            }
            else
            {
                consumed = Math.Max(1, consumed);
                for (var i = 0; i < consumed; i++)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"\\x{name[i]:X2}");
                }
            }

            name = name[consumed..];
        }

        return sb.ToString();
    }

    /// <summary>The HEAD commit, or null before the first commit.</summary>
    public string? HeadCommit(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "rev-parse", "--verify", "-q", "HEAD");
        return result is { ExitCode: 0 } ? Encoding.UTF8.GetString(result.Output).Trim() : null;
    }

    private static IEnumerable<string> SplitNul(byte[] output) =>
        Encoding.UTF8.GetString(output).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    internal sealed record GitResult(int ExitCode, byte[] Output, string Error);

    private static GitResult? Run(string workingDirectory, CancellationToken cancellation, params string[] args) =>
        RunWithInput(workingDirectory, cancellation, null, args);

    private static GitResult? RunWithInput(string workingDirectory, CancellationToken cancellation, string? input, string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
            UseShellExecute = false,
            CreateNoWindow = true,
        };
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("core.quotePath=false");
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        start.Environment["LC_ALL"] = "C";

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException();
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return null; // git is not installed: the caller walks the directory instead.
        }

        using (process)
        using (cancellation.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            var inputTask = Task.Run(() =>
            {
                try
                {
                    if (input is not null)
                    {
                        process.StandardInput.Write(input);
                    }

                    process.StandardInput.Close();
                }
                catch (IOException)
                {
                    // git stopped reading (it failed): its exit code says so.
                }
            });
            var errorTask = process.StandardError.ReadToEndAsync();
            using var buffer = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            inputTask.GetAwaiter().GetResult();
            cancellation.ThrowIfCancellationRequested();
            return new GitResult(process.ExitCode, buffer.ToArray(), errorTask.GetAwaiter().GetResult());
        }
    }
}
