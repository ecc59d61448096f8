using System.Diagnostics;
using System.Text.Json;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Hostile;

/// <summary>
/// One hostile case's folders, generated (nothing is committed as a binary): the audited root (a small
/// repository, or a copy of examples/bqx-ml-v3), a folder outside it holding canary files that must never
/// be read (a passwd-shaped file, a private key, a .env secret, a script), and an output folder.
/// </summary>
public sealed class HostileRepo : IDisposable
{
    /// <summary>The small repository's profile: one phase whose task is scripts/ok.py (offline, an audit is NO-GO: exit 2).</summary>
    public const string Profile = "name: hostile\nphases:\n  - id: P1\n    name: Hostile Phase 1\n    tasks:\n      - name: Run\n        scriptGlobs: [scripts/ok.py]\n";

    /// <summary>Appears only in the files outside the root: finding it in any output means they were read.</summary>
    public const string Canary = "BQXCANARY-5c1e9f";

    /// <summary>Set in the child's environment: /proc/self/environ holds it.</summary>
    public const string EnvironmentCanary = "BQXCANARYENV-77d2";

    private readonly TempDir root = new();
    private readonly TempDir outside = new();
    private readonly TempDir output = new();

    public HostileRepo(bool example = false)
    {
        if (example)
        {
            Copy(RepoPaths.Example, root.Path);
        }
        else
        {
            root.Write("bqxaudit.yaml", Profile);
            root.Write("scripts/ok.py", "import os\n\nprint(os.getcwd())\n");
            root.Write("scripts/run.sh", "#!/bin/bash\nset -euo pipefail\npython3 scripts/ok.py\n");
        }

        outside.Write("passwd", $"root:x:0:0:{Canary}-passwd:/root:/bin/bash\nadmin:x:1000:1000:{Canary} a long line with ; spaces and = signs:/home/admin:/bin/sh\n");
        outside.Write("etc/tool.py", $"print('{Canary}')\n");
        outside.Write("etc/.env", $"DB_PASSWORD={Canary}x9Qz\n");
        outside.Write("etc/id_rsa", $"-----BEGIN OPENSSH PRIVATE KEY-----\n{Canary}AAAAB3NzaC1yc2EAAAADAQABAAABAQ\n-----END OPENSSH PRIVATE KEY-----\n");
    }

    public string Root => root.Path;

    public string Outside => outside.Path;

    /// <summary>A fresh folder for reports (outside the root).</summary>
    public string Out => output.Path;

    public TempDir Dir => root;

    /// <summary>The canary strings: the outside files' content and the child's environment variable.</summary>
    public static string[] Canaries { get; } = { Canary, EnvironmentCanary };

    /// <summary>The child environment: the canary variable, so /proc/self/environ would show it if read.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?> { ["BQX_CANARY"] = EnvironmentCanary };

    public string Write(string relative, string content) => root.Write(relative, content);

    public string Path(string relative) => System.IO.Path.Combine(root.Path, relative);

    /// <summary>A symbolic link at <paramref name="relative"/> pointing to <paramref name="target"/> (as given: absolute or relative).</summary>
    public void Link(string relative, string target)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
    }

    /// <summary>A FIFO (named pipe) at <paramref name="relative"/>.</summary>
    public void Fifo(string relative)
    {
        var full = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        using var p = Process.Start(new ProcessStartInfo("mkfifo", new[] { full }) { UseShellExecute = false })!;
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
    }

    /// <summary>A sparse file of <paramref name="bytes"/> (no disk used).</summary>
    public void Sparse(string relative, long bytes)
    {
        using var f = new FileStream(Path(relative), FileMode.Create);
        f.SetLength(bytes);
    }

    /// <summary><c>git init</c> and a commit of everything, symbolic links included.</summary>
    public void Commit() => root.GitInitAndCommit();

    /// <summary>The name of a case run on the work tree as it is, or (<paramref name="committed"/>) after committing it: then "-committed" is appended.</summary>
    public string Case(string name, bool committed)
    {
        if (!committed)
        {
            return name;
        }

        Commit();
        return name + "-committed";
    }

    /// <summary>The records of <c>scripts --format json</c>, by path.</summary>
    public static Dictionary<string, JsonElement> Records(HostileResult r)
    {
        using var doc = JsonDocument.Parse(r.Stdout);
        return doc.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("Path").GetString()!, e => e.Clone());
    }

    public static string Status(JsonElement record) => record.GetProperty("Status").GetString()!;

    public static IEnumerable<(string Rule, string Message, string Location)> Findings(JsonElement record) =>
        record.GetProperty("Findings").EnumerateArray().Select(f => (f.GetProperty("Rule").GetString()!, f.GetProperty("Message").GetString()!, f.GetProperty("Location").GetString()!));

    /// <summary>Every file the output folder holds, as text (reports are checked for the canary too).</summary>
    public string OutputText() =>
        string.Join("\n", Directory.EnumerateFiles(Out, "*", SearchOption.AllDirectories).Select(File.ReadAllText));

    public void Dispose()
    {
        root.Dispose();
        outside.Dispose();
        output.Dispose();
    }

    private static void Copy(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = System.IO.Path.Combine(to, System.IO.Path.GetRelativePath(from, file));
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
