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

    /// <summary>Tracked plus untracked-not-ignored files under the root, relative to it, '/'-separated (one <c>git ls-files</c>).</summary>
    public IReadOnlyList<string> ListFiles(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
            ?? throw new InvalidOperationException("git ls-files could not be started");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git ls-files failed ({result.ExitCode}): {result.Error.Trim()}");
        }

        return SplitNul(result.Output).Distinct(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Paths (relative to the root) with uncommitted changes: their dates come from the file system.</summary>
    public IReadOnlySet<string> ModifiedFiles(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "diff", "--name-only", "-z", "--relative", "HEAD", "--", ".");
        return result is { ExitCode: 0 }
            ? SplitNul(result.Output).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>(StringComparer.Ordinal);
    }

    /// <summary>The commit date of the last commit touching each file under the root, from one <c>git log</c> pass.</summary>
    public IReadOnlyDictionary<string, DateTimeOffset> LastCommitDates(CancellationToken cancellation = default)
    {
        var dates = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var result = Run(root, cancellation, "log", "-z", "--no-renames", "--relative", "--name-only", "--format=%x1e%cI", "--", ".");
        if (result is not { ExitCode: 0 })
        {
            return dates; // no commits yet, or a shallow/odd repository: callers fall back to the file system.
        }

        var text = Encoding.UTF8.GetString(result.Output);
        foreach (var chunk in text.Split('\x1e', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = chunk.Split('\0');
            if (!DateTimeOffset.TryParse(parts[0].Trim(), CultureInfo.InvariantCulture, DateTimeStyles.None, out var when))
            {
                continue;
            }

            for (var i = 1; i < parts.Length; i++)
            {
                var name = parts[i].TrimStart('\n');
                if (name.Length > 0)
                {
                    dates.TryAdd(name, when); // newest first: the first sighting is the last change.
                }
            }
        }

        return dates;
    }

    /// <summary>The HEAD commit, or null before the first commit.</summary>
    public string? HeadCommit(CancellationToken cancellation = default)
    {
        var result = Run(root, cancellation, "rev-parse", "--verify", "-q", "HEAD");
        return result is { ExitCode: 0 } ? Encoding.UTF8.GetString(result.Output).Trim() : null;
    }

    private static IEnumerable<string> SplitNul(byte[] output) =>
        Encoding.UTF8.GetString(output).Split('\0', StringSplitOptions.RemoveEmptyEntries);

    private sealed record GitResult(int ExitCode, byte[] Output, string Error);

    private static GitResult? Run(string workingDirectory, CancellationToken cancellation, params string[] args)
    {
        var start = new ProcessStartInfo("git")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
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
            process.StandardInput.Close();
            var errorTask = process.StandardError.ReadToEndAsync();
            using var buffer = new MemoryStream();
            process.StandardOutput.BaseStream.CopyTo(buffer);
            process.WaitForExit();
            cancellation.ThrowIfCancellationRequested();
            return new GitResult(process.ExitCode, buffer.ToArray(), errorTask.GetAwaiter().GetResult());
        }
    }
}
