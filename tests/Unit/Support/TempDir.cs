using System.Diagnostics;

namespace BqxAudit.Tests.Support;

/// <summary>A temporary folder deleted at dispose; helpers to write files and build git repositories in it.</summary>
public sealed class TempDir : IDisposable
{
    public TempDir()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "bqx-test-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Write(string relative, string content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
        return full;
    }

    public string WriteBytes(string relative, byte[] content)
    {
        var full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    /// <summary>Runs git in the folder with a fixed identity; throws on failure.</summary>
    public string Git(params string[] args) => GitAt(null, args);

    /// <summary>Runs git with a fixed identity and, when <paramref name="date"/> is given, author and committer dates fixed to it.</summary>
    public string GitAt(string? date, params string[] args)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        if (date is not null)
        {
            start.Environment["GIT_AUTHOR_DATE"] = date;
            start.Environment["GIT_COMMITTER_DATE"] = date;
        }

        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["GIT_AUTHOR_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        using var p = Process.Start(start)!;
        var output = p.StandardOutput.ReadToEnd();
        var error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed: {error}");
        }

        return output;
    }

    /// <summary>git init plus a commit of everything present, dated <paramref name="date"/> (ISO 8601).</summary>
    public void GitInitAndCommit(string date = "2025-12-13T00:53:00+00:00")
    {
        Git("init", "-q", "-b", "main");
        GitCommitAll("initial", date);
    }

    public void GitCommitAll(string message, string date)
    {
        Git("add", "-A");
        Environment.SetEnvironmentVariable("GIT_COMMITTER_DATE", null);
        Git("-c", "commit.gpgsign=false", "commit", "-q", "--allow-empty", "-m", message, "--date", date);
        // The committer date is what LastModified reports: set it explicitly through an amend.
        var start = new ProcessStartInfo("git") { WorkingDirectory = Path, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-c", "commit.gpgsign=false", "commit", "-q", "--amend", "--no-edit", "--date", date })
        {
            start.ArgumentList.Add(a);
        }

        start.Environment["GIT_COMMITTER_DATE"] = date;
        start.Environment["GIT_AUTHOR_NAME"] = "Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@example.com";
        start.Environment["GIT_COMMITTER_NAME"] = "Test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@example.com";
        using var p = Process.Start(start)!;
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException("git commit --amend failed: " + p.StandardError.ReadToEnd());
        }
    }

    public void Dispose()
    {
        try
        {
            foreach (var file in Directory.EnumerateFileSystemEntries(Path, "*", SearchOption.AllDirectories))
            {
                try { File.SetAttributes(file, FileAttributes.Normal); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            }
        }
        catch (IOException) { }

        try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
