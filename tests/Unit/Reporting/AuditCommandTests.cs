using System.Text.Json;
using BqxAudit.Cli;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Reporting;

/// <summary><c>bqx-audit audit</c>, run in process.</summary>
public class AuditCommandTests
{
    internal static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CliApp(output, error).Run(args);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>A one-phase repository that audits in well under a second (offline, it is NO-GO: the cloud is unmeasured).</summary>
    private static TempDir TinyRepository()
    {
        var dir = new TempDir();
        dir.Write("scripts/build_x.py", "print('hi')\n");
        dir.Write("bqxaudit.yaml", "name: tiny\nphases:\n  - id: P1\n    name: Tiny Phase 1\n    tasks:\n      - name: Build\n        scriptGlobs: [scripts/build*.py]\n");
        return dir;
    }

    internal static Dictionary<string, byte[]> Contents(string folder) =>
        Directory.GetFiles(folder).ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);

    [Fact]
    public void Audit_WhenReportsExistWithoutForce_ShouldExitThreeAndKeepThem()
    {
        using var repo = TinyRepository();
        using var dir = new TempDir();
        var args = new[] { "audit", repo.Path, "--offline", "--date", "2025-12-13", "--out", dir.Path };

        var (code, _, _) = Run(args);
        var before = Contents(dir.Path);
        File.WriteAllText(Path.Combine(dir.Path, "AUDIT_RESULT_20251213.json"), "mine");
        var (again, stdout, stderr) = Run(args);
        var (forced, _, _) = Run(args.Append("--force").ToArray());

        Assert.Equal(ExitCodes.NoGo, code);
        Assert.Equal(8, before.Count); // six Markdown reports, the JSON, the set's manifest
        Assert.Contains(".bqx-audit-manifest-20251213.sha256", before.Keys);
        Assert.Equal(ExitCodes.UsageOrInput, again);
        Assert.Equal("", stdout);
        Assert.Contains("BqxAudit.OutputExists", stderr);
        Assert.Contains("nothing was written", stderr);
        Assert.Equal(ExitCodes.NoGo, forced);
        Assert.Equal(before["AUDIT_RESULT_20251213.json"], File.ReadAllBytes(Path.Combine(dir.Path, "AUDIT_RESULT_20251213.json")));
    }

    [Fact]
    public void Audit_WhenReportIsCommaSeparatedAndRepeated_ShouldWriteEveryFormatNamed()
    {
        using var repo = TinyRepository();
        using var dir = new TempDir();

        var (code, stdout, _) = Run("audit", repo.Path, "--offline", "--date", "2025-12-13", "--out", dir.Path, "--report", "md,json", "--report", "sarif");

        Assert.Equal(ExitCodes.NoGo, code);
        Assert.Equal(new[]
        {
            ".bqx-audit-manifest-20251213.sha256", "AUDIT_20251213.sarif", "AUDIT_RESULT_20251213.json", "AUDIT_SUMMARY_20251213.md", "DEPENDENCY_ANALYSIS_20251213.md", "EXECUTION_BLOCKER_ANALYSIS_20251213.md",
            "IMPLEMENTATION_SCRIPT_INVENTORY_20251213.md", "INFRASTRUCTURE_READINESS_REPORT_20251213.md", "TINY_PHASE1_READINESS_REPORT_20251213.md",
        }, Directory.GetFiles(dir.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Equal(8, stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Fact]
    public void Audit_WhenFormatJson_ShouldPrintTheDecisionAndTheFiles()
    {
        using var repo = TinyRepository();
        using var dir = new TempDir();

        var (code, stdout, _) = Run("audit", repo.Path, "--offline", "--date", "2025-12-13", "--out", dir.Path, "--report", "junit", "--format", "json");

        Assert.Equal(ExitCodes.NoGo, code);
        using var doc = JsonDocument.Parse(stdout);
        Assert.Equal("NoGo", doc.RootElement.GetProperty("Decision").GetString());
        Assert.Equal("P1", doc.RootElement.GetProperty("Phase").GetString());
        Assert.Equal(Path.Combine(dir.Path, "AUDIT_20251213.junit.xml"), Assert.Single(doc.RootElement.GetProperty("Files").EnumerateArray()).GetString());
    }

    [Theory]
    [InlineData("--report", "pdf")]
    [InlineData("--report", "md,docx")]
    [InlineData("--date", "13/12/2025")]
    public void Audit_WhenAnOptionIsInvalid_ShouldExitThreeAndWriteNothing(string option, string value)
    {
        using var repo = TinyRepository();
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "out");

        var (code, _, stderr) = Run("audit", repo.Path, "--offline", "--out", output, option, value);

        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains(value.Split(',')[^1], stderr);
        Assert.False(Directory.Exists(output));
    }

    [Fact]
    public void Audit_WhenOutIsMissing_ShouldExitThree()
    {
        using var repo = TinyRepository();

        var (code, _, stderr) = Run("audit", repo.Path, "--offline");

        Assert.Equal(ExitCodes.UsageOrInput, code);
        Assert.Contains("--out", stderr);
    }
}

/// <summary>
/// Two audits of the example must write identical bytes. The tools the scripts use are a controlled fake set: a
/// PATH of one folder of (never executed) fake executables and a probe runner that answers their
/// <c>--version</c> at once, so neither the machine's <c>bq</c>/<c>gcloud</c>/ShellCheck nor how fast they
/// answer on a busy machine can make the runs differ.
/// </summary>
public class ReproducibleAuditTests
{
    [Fact]
    public void Audit_WhenExampleRunTwiceOfflineWithDate_ShouldExitTwoListTheFilesAndWriteIdenticalBytes()
    {
        using var dir = new TempDir();
        using var tools = new FakeTools("bq", "gcloud", "gsutil", "python3", "docker", "curl", "jq");
        var first = Path.Combine(dir.Path, "first");
        var second = Path.Combine(dir.Path, "second");
        string[] Args(string output) => new[] { "audit", RepoPaths.Example, "--offline", "--date", "2025-12-13", "--out", output, "--report", "md,json,html,sarif,junit", "--force" };

        var (code, stdout, stderr) = tools.Run(Args(first));
        var (again, _, _) = tools.Run(Args(second));

        Assert.Equal(ExitCodes.NoGo, code);
        Assert.Equal(ExitCodes.NoGo, again);
        Assert.Contains("M008 Phase 4C: NO-GO", stderr);
        var listed = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(15, listed.Length);
        Assert.Equal(Directory.GetFiles(first).Where(f => !Path.GetFileName(f).StartsWith('.')).Order(StringComparer.Ordinal), listed.Order(StringComparer.Ordinal));
        Assert.Contains(Path.Combine(first, "BA_AUDIT_SUMMARY_20251213.md"), listed);
        Assert.Contains(Path.Combine(first, "M008_PHASE4C_READINESS_REPORT_20251213.html"), listed);

        var a = AuditCommandTests.Contents(first);
        var b = AuditCommandTests.Contents(second);
        Assert.Equal(a.Keys.Order(StringComparer.Ordinal), b.Keys.Order(StringComparer.Ordinal));
        Assert.All(a, kv => Assert.True(kv.Value.AsSpan().SequenceEqual(b[kv.Key]), $"{kv.Key} differs between the two runs: {FirstDifference(kv.Value, b[kv.Key])}"));

        // The fake set is what the reports measured: its versions, never the machine's tools.
        var json = System.Text.Encoding.UTF8.GetString(a["AUDIT_RESULT_20251213.json"]);
        Assert.NotEmpty(tools.Asked);
        Assert.Contains("9.9.9-fake", json);
        Assert.DoesNotContain("/usr/bin/", json);
        Assert.Contains("ShellCheck is not on PATH", json);
    }

    /// <summary>A folder of fake executables as the only PATH entry, and a probe runner that answers for them.</summary>
    private sealed class FakeTools : IDisposable
    {
        private readonly TempDir bin = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> asked = new();

        public FakeTools(params string[] names)
        {
            foreach (var name in names)
            {
                var path = bin.Write(name, "#!/bin/sh\nexit 99\n"); // found on PATH, never run: the runner answers
                if (!OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
                }
            }
        }

        public IReadOnlyCollection<string> Asked => asked;

        public (int Code, string Out, string Err) Run(string[] args)
        {
            var output = new StringWriter();
            var error = new StringWriter();
            var app = new CliApp(output, error)
            {
                Environment = name => name == "PATH" ? bin.Path : null,
                Tools = new BqxAudit.Checks.Dependencies.ToolProbe(name => name == "PATH" ? bin.Path : null, runner: Answer),
            };
            var code = app.Run(args);
            return (code, output.ToString(), error.ToString());
        }

        private BqxAudit.Checks.Dependencies.ToolRun? Answer(string path, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellation)
        {
            var name = Path.GetFileName(path);
            asked.Enqueue(name + " " + string.Join(' ', arguments));
            return name == "gcloud"
                ? new(0, "Google Cloud SDK 9.9.9-fake\nbq 2.9.9-fake\ngsutil 5.9.9-fake\n")
                : new(0, $"{name} 9.9.9-fake\n");
        }

        public void Dispose() => bin.Dispose();
    }

    private static string FirstDifference(byte[] a, byte[] b)
    {
        var x = System.Text.Encoding.UTF8.GetString(a).Split('\n');
        var y = System.Text.Encoding.UTF8.GetString(b).Split('\n');
        var i = Enumerable.Range(0, Math.Min(x.Length, y.Length)).FirstOrDefault(i => x[i] != y[i], -1);
        return i < 0 ? $"{x.Length} vs {y.Length} lines" : $"line {i + 1}: '{x[i]}' vs '{y[i]}'";
    }
}
