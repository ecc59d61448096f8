using System.Text;
using System.Text.Json;
using static BqxAudit.Tests.Hostile.HostileRepo;
using static BqxAudit.Tests.Hostile.HostileRun;

namespace BqxAudit.Tests.Hostile;

/// <summary>The hostile cases run one at a time: each is a process whose time and memory are measured.</summary>
[CollectionDefinition("Hostile", DisableParallelization = true)]
public sealed class HostileCollection
{
}

/// <summary>
/// Issue 15, items 1–5, 7, 11–13: mutated repositories run through the CLI as a process (see tests/hostile/README.md
/// for the corpus). Every case asserts the exit code, no stack trace, no trace of the canary files outside the
/// root (or of the child's environment) in standard output, standard error or the reports, a wall-time bound
/// and peak resident memory under 512 MB.
/// </summary>
[Collection("Hostile")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // FIFOs, devices, file modes: the corpus is POSIX
public class HostileCliTests
{
    // ---- 1. recursive parsers: depth bounds end in a finding, never a crash ----------------------------------

    [Fact]
    public void Scripts_WhenProfileNestsSequences100000Deep_ShouldExitThreeAtFileLineColumn()
    {
        using var repo = new HostileRepo();
        repo.Write("bqxaudit.yaml", "name: hostile\ninventory: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var r = RunCli("1-yaml-profile-nested-sequences", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("bqxaudit.yaml:2:", r.Stderr);
        Assert.Contains("nesting deeper than 64 levels", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenProfileNestsMappings100000Deep_ShouldExitThreeAtFileLineColumn()
    {
        using var repo = new HostileRepo();
        repo.Write("bqxaudit.yaml", "name: hostile\ninventory: " + new StringBuilder().Insert(0, "{a: ", 100_000) + "1" + new string('}', 100_000) + "\n");

        var r = RunCli("1-yaml-profile-nested-mappings", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("nesting deeper than 64 levels", r.Stderr);
    }

    [Fact]
    public void Deps_WhenEnvironmentYmlNests100000Deep_ShouldReportItAndFinish()
    {
        using var repo = new HostileRepo();
        repo.Write("environment.yml", "dependencies: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var r = RunCli("1-yaml-environment-nested", "deps", repo.Root, "--offline");

        AssertBounded(r, 0, Canaries);
        Assert.Contains("environment.yml:1:", r.Stderr);
        Assert.Contains("nesting deeper than 64 levels", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenPythonShellAndCloudBuildNestDeep_ShouldStayBoundedWithFindings()
    {
        // Regression guards: these walkers were already bounded (200 brackets, 24 substitution levels, 200 YAML levels).
        using var repo = new HostileRepo();
        repo.Write("scripts/deep.py", "x = " + new string('(', 100_000) + "1" + new string(')', 100_000) + "\n");
        repo.Write("scripts/deep.sh", "#!/bin/bash\nset -e\necho " + new StringBuilder().Insert(0, "$(", 50_000) + "true" + new string(')', 50_000) + "\n");
        repo.Write("cloudbuild.yaml", "steps: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        var r = RunCli("1-python-shell-cloudbuild-nested", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Contains(Findings(records["scripts/deep.py"]), f => f.Message.Contains("too many nested parentheses"));
        Assert.Contains(Findings(records["cloudbuild.yaml"]), f => f.Message.Contains("nesting deeper than 200 levels"));
        Assert.True(records.ContainsKey("scripts/deep.sh"));
    }

    // ---- 2. devices: only regular files are read, each with a cap ---------------------------------------------

    [Fact]
    public void Scripts_WhenScriptsLinkToDevices_ShouldListThemBlockedWithoutReading()
    {
        using var repo = new HostileRepo(example: true);
        repo.Link("scripts/x.sh", "/dev/zero");
        repo.Link("scripts/x.py", "/dev/urandom");

        var r = RunCli("2-script-links-to-devices", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Equal("Blocked", Status(records["scripts/x.sh"]));
        Assert.Contains(Findings(records["scripts/x.sh"]), f => f.Message == "not read: symbolic link to /dev/zero, outside the audited root (not followed)");
        Assert.Contains(Findings(records["scripts/x.py"]), f => f.Rule == "file.symlink-outside-root" && f.Message.Contains("/dev/urandom"));
    }

    [Fact]
    public void Scripts_WhenDeviceLinksAreCommittedToGit_ShouldListThemBlockedWithoutReading()
    {
        using var repo = new HostileRepo(example: true);
        repo.Link("scripts/x.sh", "/dev/zero");
        repo.Link("x.py", "/dev/urandom");
        repo.Commit();

        var r = RunCli("2-device-links-committed", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Equal("Blocked", Status(records["scripts/x.sh"]));
        Assert.Equal("Blocked", Status(records["x.py"]));
    }

    [Fact]
    public void Deps_WhenRequirementsAndEnvironmentIncludeDevZero_ShouldRefuseTheInclude()
    {
        using var repo = new HostileRepo(example: true);
        File.AppendAllText(repo.Path("requirements.txt"), "-r /dev/zero\n");
        repo.Write("environment.yml", "dependencies:\n  - python=3.11\n  - pip:\n    - -r /dev/zero\n");

        var r = RunCli("2-requirements-include-dev-zero", "deps", repo.Root, "--offline");

        AssertBounded(r, 0, Canaries);
        Assert.Contains(r.Stderr.Split('\n'), l => l.Contains("requirements.txt:", StringComparison.Ordinal) && l.Contains("'-r /dev/zero' leads outside the audited root; not read", StringComparison.Ordinal));
        Assert.Contains("environment.yml:4: '-r /dev/zero' leads outside the audited root; not read", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenProfileLinksToDevZero_ShouldExitThreeSayingItWasNotRead()
    {
        using var repo = new HostileRepo();
        File.Delete(repo.Path("bqxaudit.yaml"));
        repo.Link("bqxaudit.yaml", "/dev/zero");

        var r = RunCli("2-profile-link-to-dev-zero", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("not read: symbolic link to /dev/zero, outside the audited root", r.Stderr);
    }

    [Fact]
    public void Naming_WhenTableListLinksToDevZero_ShouldReportItAndFinish()
    {
        using var repo = new HostileRepo(example: true);
        File.Delete(repo.Path("tables.txt"));
        repo.Link("tables.txt", "/dev/zero");

        var r = RunCli("2-table-list-link-to-dev-zero", "naming", repo.Root, "--summary");

        // An unreadable table listing is an input error: naming reports it and exits 3 (README).
        AssertBounded(r, 3, Canaries);
        Assert.Contains("tableListFile of dataset 'bqx_ml_v3_features_v2' not read: symbolic link to /dev/zero", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenAScriptIsTwoGigabytes_ShouldListItBlockedOverTheCap()
    {
        using var repo = new HostileRepo();
        repo.Sparse("scripts/big.py", 2_254_857_830); // 2.1 GiB, sparse

        var r = RunCli("2-oversized-script", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var big = Records(r)["scripts/big.py"];
        Assert.Equal("Blocked", Status(big));
        Assert.Contains(Findings(big), f => f.Rule == "file.too-large" && f.Message == "not read: 2.1 GB over the 64 MB cap");
    }

    // ---- 3. FIFOs: never opened, listed ---------------------------------------------------------------------

    [Fact]
    public void Audit_WhenScriptsAndAnIncludeAreFifos_ShouldFinishAndListThem()
    {
        using var repo = new HostileRepo();
        repo.Fifo("scripts/x.py");
        repo.Fifo("scripts/runner");
        repo.Fifo("pipe.txt");
        repo.Write("requirements.txt", "requests\n-r pipe.txt\n");

        var r = RunCli("3-fifo-script-and-include", "audit", repo.Root, "--offline", "--out", repo.Out, "--date", "2025-12-13", "--report", "json");

        AssertBounded(r, 2, Canaries);
        Assert.Contains("scripts/runner: not read: a FIFO (named pipe), not a regular file", r.Stderr);
        Assert.Contains("requirements.txt:2: '-r pipe.txt': not read: a FIFO (named pipe), not a regular file", r.Stderr);
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Out, "AUDIT_RESULT_20251213.json")));
        var fifo = result.RootElement.GetProperty("Scripts").EnumerateArray().Single(s => s.GetProperty("Path").GetString() == "scripts/x.py");
        Assert.Equal("Blocked", Status(fifo));
        Assert.Equal("file.not-regular", Findings(fifo).Single().Rule);
    }

    // ---- 4. ${V:-${V:-…}}: linear ---------------------------------------------------------------------------

    [Fact]
    public void Scripts_WhenDockerfileAndShellNestDefaults20000Deep_ShouldStayLinear()
    {
        using var repo = new HostileRepo();
        var nested = new StringBuilder().Insert(0, "${V:-", 20_000) + "x" + new string('}', 20_000);
        repo.Write("Dockerfile", "FROM python:3.11\nCOPY " + nested + " /app/\n");
        repo.Write("scripts/deep.sh", "#!/bin/bash\nset -e\npython3 \"" + nested + "\"\n");

        var r = RunCli("4-nested-defaults", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        Assert.True(r.Wall < TimeSpan.FromSeconds(20), r.ToString());
        Assert.True(Records(r).ContainsKey("Dockerfile"));
    }

    // ---- 5. expansion and volume: bounded, streamed or capped ---------------------------------------------------

    [Fact]
    public void Scripts_WhenProfileAliasesExpandTwoThousandGlobsTwoThousandTimes_ShouldRefuseItQuickly()
    {
        using var repo = new HostileRepo();
        var globs = string.Join(", ", Enumerable.Range(0, 2000).Select(i => $"\"s/*g{i:D4}*\""));
        var categories = string.Concat(Enumerable.Range(0, 2000).Select(i => $"    c{i:D4}: *a\n"));
        repo.Write("bqxaudit.yaml", $"name: hostile\ninventory:\n  categories:\n    anchor: &a [{globs}]\n{categories}");

        var r = RunCli("5-yaml-alias-bomb", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("aliases expand the document beyond 200,000 nodes", r.Stderr);
        Assert.True(r.Wall < TimeSpan.FromSeconds(15), r.ToString());
    }

    [Fact]
    public void Deps_WhenAnIncludeHoldsThreeMillionLines_ShouldNotReadItAll()
    {
        using var repo = new HostileRepo();
        repo.Write("requirements.txt", "requests\n-r big.txt\n-r many.txt\n");
        using (var big = new StreamWriter(repo.Path("big.txt")))
        {
            for (var i = 0; i < 3_000_000; i++)
            {
                big.Write($"pkg{i:D7}==1.0\n");
            }
        }

        using (var many = new StreamWriter(repo.Path("many.txt")))
        {
            for (var i = 0; i < 1_800_000; i++)
            {
                many.Write($"p{i}\n");
            }
        }

        var r = RunCli("5-requirements-3m-lines", "deps", repo.Root, "--offline");

        AssertBounded(r, 0, Canaries);
        Assert.Contains("requirements.txt:2: '-r big.txt': not read: 45.8 MB over the 16 MB cap", r.Stderr);
        Assert.Contains("many.txt:2001: more than 2,000 requirement lines: the rest of the file is not read", r.Stderr);
    }

    [Fact]
    public void Deps_WhenThePythonInterpreterFloodsItsOutput_ShouldKillItAtTheCap()
    {
        using var repo = new HostileRepo();
        var flood = repo.Write("../flood-" + Guid.NewGuid().ToString("N")[..6] + ".sh", "#!/bin/sh\nexec cat /dev/zero\n");
        File.SetUnixFileMode(flood, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        try
        {
            var r = RunCli("5-python-output-flood", "deps", repo.Root, "--offline", "--python", flood);

            AssertBounded(r, 0, Canaries);
            Assert.Contains("wrote more than 16 MB to standard output and was killed", r.Stderr);
        }
        finally
        {
            File.Delete(flood);
        }
    }

    [Fact]
    public void Audit_WhenTheProfileHasFortyThousandDatasets_ShouldRenderInBoundedTime()
    {
        using var repo = new HostileRepo(example: true);
        var profile = File.ReadAllText(repo.Path("bqxaudit.yaml"));
        var extra = string.Concat(Enumerable.Range(0, 40_000).Select(i => $"  - {{ name: ds_{i:D5}, role: source }}\n"));
        repo.Write("bqxaudit.yaml", profile.Replace("datasets:\n", "datasets:\n" + extra, StringComparison.Ordinal));

        var r = RunCli("5-forty-thousand-datasets", "audit", repo.Root, "--offline", "--out", repo.Out, "--date", "2025-12-13", "--report", "md");

        AssertBounded(r, 2, Canaries);
        Assert.True(File.Exists(Path.Combine(repo.Out, "INFRASTRUCTURE_READINESS_REPORT_20251213.md")));
    }

    // ---- 7. nothing outside the root is read ------------------------------------------------------------------

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Audit_WhenLinksLeaveTheRoot_ShouldNameThemAndReadNothingOutside(bool committed)
    {
        using var repo = new HostileRepo(example: true);
        var passwd = Path.Combine(repo.Outside, "passwd");
        repo.Link("scripts/evil.py", passwd);
        repo.Link("scripts/evil.sh", Path.GetRelativePath(repo.Path("scripts"), passwd));
        repo.Link("etcdir", Path.Combine(repo.Outside, "etc"));
        repo.Link("requirements-dev.txt", passwd);
        var r = RunCli(repo.Case("7-links-leave-root", committed), HostileRepo.Environment,
            "audit", repo.Root, "--offline", "--out", repo.Out, "--date", "2025-12-13", "--report", "md,json");

        AssertBounded(r, 2, Canaries);
        Assert.DoesNotContain(Canary, repo.OutputText());
        using var result = JsonDocument.Parse(File.ReadAllText(Path.Combine(repo.Out, "AUDIT_RESULT_20251213.json")));
        var scripts = result.RootElement.GetProperty("Scripts").EnumerateArray().ToDictionary(s => s.GetProperty("Path").GetString()!);
        Assert.Equal("Blocked", Status(scripts["scripts/evil.py"]));
        Assert.Contains(Findings(scripts["scripts/evil.py"]), f => f.Rule == "file.symlink-outside-root" && f.Message.Contains(passwd));
        Assert.Contains(Findings(scripts["scripts/evil.sh"]), f => f.Rule == "file.symlink-outside-root" && f.Message.Contains("../"));
        Assert.DoesNotContain(scripts.Keys, p => p.StartsWith("etcdir/", StringComparison.Ordinal));
        Assert.DoesNotContain(result.RootElement.GetProperty("Dependencies").EnumerateArray(), d => d.GetProperty("Type").GetString() == "Secret");
        Assert.Contains("etcdir: not", r.Stderr);
    }

    [Fact]
    public void Deps_WhenIncludesLeaveTheRoot_ShouldRefuseEachWithoutReadingIt()
    {
        using var repo = new HostileRepo();
        var passwd = Path.Combine(repo.Outside, "passwd");
        var climb = string.Concat(Enumerable.Repeat("../", 12)) + passwd.TrimStart('/');
        repo.Write("requirements.txt", $"requests\n-r {climb}\n-r {passwd}\n-c {passwd}\n-r /proc/self/environ\n");

        var r = RunCli("7-includes-leave-root", HostileRepo.Environment, "deps", repo.Root, "--offline", "--format", "json");

        AssertBounded(r, 0, Canaries);
        Assert.Equal(4, CountOf(r.Stderr, "leads outside the audited root; not read"));
        Assert.Contains("requirements.txt:5: '-r /proc/self/environ' leads outside the audited root", r.Stderr);
    }

    [Fact]
    public void Deps_WhenARequirementLineIsLongAndHoldsAToken_ShouldQuoteAShortRedactedExcerpt()
    {
        using var repo = new HostileRepo();
        var line = "SHELL=/bin/bash TOKEN=ya29.a0AfH6SMBx7q9w8e7r6t5y4u3i2o1p0 " + new string('x', 300) + " TAIL-OF-THE-LINE";
        repo.Write("requirements.txt", "requests\n" + line + "\n");

        var r = RunCli("7-diagnostic-excerpt", "deps", repo.Root, "--offline");

        AssertBounded(r, 0, Canaries);
        var diagnostic = r.Stderr.Split('\n').Single(l => l.Contains("requirements.txt:2", StringComparison.Ordinal));
        Assert.DoesNotContain("ya29.a0AfH6", diagnostic);
        Assert.DoesNotContain("TAIL-OF-THE-LINE", diagnostic);
        Assert.True(diagnostic.Length < 400, diagnostic);
    }

    // ---- 11. files that cannot run are Blocked with their line; nothing drops out -------------------------------

    [Fact]
    public void Scripts_WhenPython2SyntaxOrAnOpenShellQuote_ShouldBeBlockedAtTheLine()
    {
        using var repo = new HostileRepo();
        repo.Write("scripts/p2_print.py", "import os\nprint \"x\"\n");
        repo.Write("scripts/p2_except.py", "try:\n    pass\nexcept ValueError, e:\n    pass\n");
        repo.Write("scripts/p2_octal.py", "import os\nos.chmod('x', 0777)\n");
        repo.Write("scripts/quote.sh", "#!/bin/bash\nset -e\necho \"hello\npython3 scripts/ok.py\n");

        var r = RunCli("11-python2-and-open-quote", "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Contains(Findings(records["scripts/p2_print.py"]), f => f.Location == "scripts/p2_print.py:2" && f.Message.Contains("Missing parentheses in call to 'print'"));
        Assert.Contains(Findings(records["scripts/p2_except.py"]), f => f.Location == "scripts/p2_except.py:3");
        Assert.Contains(Findings(records["scripts/p2_octal.py"]), f => f.Location == "scripts/p2_octal.py:2" && f.Message.Contains("leading zeros"));
        Assert.Contains(Findings(records["scripts/quote.sh"]), f => f.Rule == "shell.unterminated-quote" && f.Location == "scripts/quote.sh:3");
        Assert.All(new[] { "scripts/p2_print.py", "scripts/p2_except.py", "scripts/p2_octal.py", "scripts/quote.sh" }, p => Assert.Equal("Blocked", Status(records[p])));
        Assert.Equal("Ready", Status(records["scripts/ok.py"]));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scripts_WhenAPyHasANulByteOrANameIsNotUtf8_ShouldListBothBlocked(bool committed)
    {
        using var repo = new HostileRepo();
        File.WriteAllBytes(repo.Path("scripts/nul.py"), Encoding.UTF8.GetBytes("x = 1\ny = '\0'\n"));
        using (var sh = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/bin/sh", new[] { "-c", "printf 'x = 1\\n' > \"$(printf 'scripts/bad\\377.py')\"" }) { WorkingDirectory = repo.Root })!)
        {
            sh.WaitForExit();
        }

        var r = RunCli(repo.Case("11-nul-and-bad-name", committed), "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Equal("Blocked", Status(records["scripts/nul.py"]));
        Assert.Contains(Findings(records["scripts/nul.py"]), f => f.Location == "scripts/nul.py:2");
        var bad = Assert.Single(records, kv => kv.Key.StartsWith("scripts/bad", StringComparison.Ordinal));
        Assert.Equal("Blocked", Status(bad.Value));
        Assert.Contains(Findings(bad.Value), f => f.Rule == "file.name-not-utf8");
        if (committed)
        {
            Assert.Equal("scripts/bad\\xFF.py", bad.Key);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Scripts_WhenEntriesCannotBeOpened_ShouldListEachBlockedWithTheReason(bool committed)
    {
        using var repo = new HostileRepo();
        repo.Write("scripts/ok.py", "x = 1\n");
        File.CreateSymbolicLink(repo.Path("a"), "b"); // a -> b -> a: extension-less, at the root
        File.CreateSymbolicLink(repo.Path("b"), "a");
        File.CreateSymbolicLink(repo.Path("scripts/loop.py"), "loop.py");
        File.CreateSymbolicLink(repo.Path("scripts/gone.sh"), "removed.sh");
        var r = RunCli(repo.Case("11-unopenable", committed), "scripts", repo.Root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Equal("Ready", Status(records["scripts/ok.py"]));
        foreach (var (path, reason) in new[] { ("a", "symbolic link loop"), ("b", "symbolic link loop"), ("scripts/loop.py", "symbolic link loop"), ("scripts/gone.sh", "a symbolic link to removed.sh, which does not exist") })
        {
            Assert.True(records.ContainsKey(path), $"{path} is not listed: {r}");
            Assert.Equal("Blocked", Status(records[path]));
            Assert.Contains(Findings(records[path]), f => f.Rule == "file.unreadable" && f.Message.Contains(reason, StringComparison.Ordinal) && f.Location == path + ":1");
        }

        Assert.Contains(Findings(records["a"]), f => f.Message.Contains("no extension", StringComparison.Ordinal));
    }

    // ---- 12. a folder git ignores, a shallow clone ------------------------------------------------------------

    [Fact]
    public void Scripts_WhenTheParentRepositoryIgnoresTheFolder_ShouldWalkItAndSaySo()
    {
        using var repo = new HostileRepo();
        repo.Write(".gitignore", "audited/\n");
        repo.Write("audited/bqxaudit.yaml", "name: hostile\n");
        repo.Write("audited/scripts/a.py", "x = 1\n");
        repo.Commit();

        var r = RunCli("12-folder-ignored-by-parent", "scripts", repo.Path("audited"), "--format", "json");

        AssertBounded(r, 0, Canaries);
        Assert.Equal("Ready", Status(Records(r)["scripts/a.py"]));
        Assert.Contains("the audited folder is ignored by the enclosing git repository (.gitignore:1: audited/)", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenTheRepositoryIsAShallowClone_ShouldNotClaimGitForDatesBeforeItsHistory()
    {
        using var repo = new HostileRepo();
        repo.Dir.GitInitAndCommit("2024-01-01T00:00:00+00:00");
        repo.Write("scripts/changed.py", "y = 2\n");
        repo.Dir.GitCommitAll("second", "2025-06-01T00:00:00+00:00");
        repo.Write("scripts/changed.py", "y = 3\n");
        repo.Dir.GitCommitAll("third", "2025-12-01T00:00:00+00:00");
        using var clone = new Support.TempDir();
        clone.Git("clone", "-q", "--depth", "1", "file://" + repo.Root, "c");
        var root = Path.Combine(clone.Path, "c");

        var r = RunCli("12-shallow-clone", "scripts", root, "--format", "json");

        AssertBounded(r, 0, Canaries);
        var records = Records(r);
        Assert.Equal("FileSystem", records["scripts/ok.py"].GetProperty("LastModifiedSource").GetString());
        Assert.Contains("shallow clone", r.Stderr);
    }

    // ---- 13. CLI edge cases: exit 3 with a message ------------------------------------------------------------

    [Fact]
    public void Audit_WhenOutIsEmpty_ShouldExitThreeAndWriteNothingInTheCurrentFolder()
    {
        using var repo = new HostileRepo();
        using var cwd = new Support.TempDir();

        var r = HostileRun.Command("13-out-empty", "dotnet", new[] { CliDll, "audit", repo.Root, "--offline", "--out", "" }, workingDirectory: cwd.Path);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("the output folder is empty", r.Stderr);
        Assert.Empty(Directory.EnumerateFileSystemEntries(cwd.Path));
    }

    [Fact]
    public void Scripts_WhenPathIsEmpty_ShouldExitThreeWithAMessage()
    {
        var r = RunCli("13-path-empty", "scripts", "");

        AssertBounded(r, 3);
        Assert.Contains("PATH is empty", r.Stderr);
    }

    [Theory]
    [InlineData("audit", "--date")]
    [InlineData("readiness", "--start")]
    [InlineData("readiness", "--date")]
    public void Command_WhenADateIsYear9999_ShouldExitThreeWithAMessage(string command, string option)
    {
        using var repo = new HostileRepo();
        var args = new List<string> { command, repo.Root, "--offline", option, "9999-12-31" };
        if (command == "audit")
        {
            args.AddRange(new[] { "--out", repo.Out });
        }

        var r = RunCli($"13-{command}{option}-9999", args.ToArray());

        AssertBounded(r, 3, Canaries);
        Assert.Contains("must lie between 1900-01-01 and 9000-12-31, not 9999-12-31", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenTheProfileIndentsWithATab_ShouldReportTheTabsLineAndColumn()
    {
        using var repo = new HostileRepo();
        repo.Write("bqxaudit.yaml", "name: hostile\ninventory:\n  include:\n\t- \"scripts/**\"\n");

        var r = RunCli("13-profile-tab", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("bqxaudit.yaml:4:1: not valid YAML", r.Stderr);
    }

    [Fact]
    public void Scripts_WhenTheProfileIsNotUtf8_ShouldNameFileLineAndColumn()
    {
        using var repo = new HostileRepo();
        byte[] latin1 = [.. "name: hostile\n# caf"u8, 0xE9, .. "\n"u8];
        File.WriteAllBytes(repo.Path("bqxaudit.yaml"), latin1);

        var r = RunCli("13-profile-encoding", "scripts", repo.Root);

        AssertBounded(r, 3, Canaries);
        Assert.Contains("bqxaudit.yaml:2:6: not valid UTF-8: byte 0xE9", r.Stderr);
    }

    [Fact]
    public void Deps_WhenARequirementsFileIsAlsoInstalledByAnImage_ShouldPrintEachDiagnosticOnce()
    {
        using var repo = new HostileRepo(example: true);
        File.AppendAllText(repo.Path("requirements.txt"), "--bogus-option\n");

        var r = RunCli("13-diagnostics-once", "deps", repo.Root, "--offline");

        AssertBounded(r, 0, Canaries);
        Assert.Equal(1, CountOf(r.Stderr, "'--bogus-option' is not a requirements-file option"));
    }

    private static int CountOf(string text, string what)
    {
        var n = 0;
        for (var i = text.IndexOf(what, StringComparison.Ordinal); i >= 0; i = text.IndexOf(what, i + what.Length, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
