using System.Diagnostics;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class InstalledDistributionsTests
{
    private static string FakeInterpreter(TempDir dir, string body)
    {
        if (OperatingSystem.IsWindows())
        {
            throw new PlatformNotSupportedException("the fake interpreters are POSIX shell scripts");
        }

        var path = dir.Write("bin/python", "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    [Fact]
    public void Read_WhenSitePackagesHasDistInfoAndEggInfo_ShouldReadNameAndVersionFromHeaders()
    {
        using var dir = new TempDir();
        dir.Write("site-packages/google_cloud_bigquery-3.11.4.dist-info/METADATA",
            "Metadata-Version: 2.1\nName: google-cloud-bigquery\nVersion: 3.11.4\nSummary: Google BigQuery API client library\n  continued summary\nClassifier: A\nClassifier: B\n\nName: not-a-header\nVersion: 0.0.0\n");
        dir.Write("site-packages/google_cloud_bigquery-3.11.4.dist-info/RECORD", "x");
        dir.Write("site-packages/PyYAML-6.0.1.egg-info/PKG-INFO", "Metadata-Version: 1.1\r\nName: PyYAML\r\nVersion: 6.0.1\r\n");
        dir.Write("site-packages/six-1.16.0-py3.11.egg-info", "Metadata-Version: 1.0\nName: six\nVersion: 1.16.0\n");
        dir.Write("site-packages/numpy/__init__.py", "");
        dir.Write("site-packages/README.txt", "");

        var env = SitePackagesReader.Read(Path.Combine(dir.Path, "site-packages"));

        Assert.Empty(env.Diagnostics);
        Assert.Equal(new[] { ("google-cloud-bigquery", "3.11.4"), ("pyyaml", "6.0.1"), ("six", "1.16.0") }, env.Distributions.Select(d => (d.Name, d.Version)));
        Assert.Equal("PyYAML", env.Find("pyyaml")!.RawName);
        Assert.Equal(Pep440Version.Parse("3.11.4"), env.Find("Google_Cloud.BigQuery")!.ParsedVersion);
        Assert.EndsWith("site-packages/google_cloud_bigquery-3.11.4.dist-info/METADATA", env.Distributions[0].Location);
        Assert.Null(env.MarkerEnvironment);
    }

    [Fact]
    public void Read_WhenOneMetadataIsBroken_ShouldNameTheFileAndReadTheRest()
    {
        using var dir = new TempDir();
        dir.Write("sp/good-1.0.dist-info/METADATA", "Name: good\nVersion: 1.0\n");
        dir.Write("sp/broken-2.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: broken\nthis is not a header\n");
        dir.Write("sp/empty-1.0.dist-info/RECORD", "");
        dir.WriteBytes("sp/legacy-1.0.dist-info/METADATA", new byte[] { 0x4E, 0x61, 0x6D, 0x65, 0x3A, 0x20, 0x6C, 0x65, 0x67, 0x61, 0x63, 0x79, 0x0A, 0x56, 0x65, 0x72, 0x73, 0x69, 0x6F, 0x6E, 0x3A, 0x20, 0x31, 0x2E, 0x30, 0x2D, 0x66, 0x6F, 0x6F, 0x0A });
        dir.Write("sp/zz-3.0.dist-info/METADATA", "Name: zz\nVersion: 3.0\n");

        var env = SitePackagesReader.Read(Path.Combine(dir.Path, "sp"));

        Assert.Equal(new[] { "good", "legacy", "zz" }, env.Distributions.Select(d => d.Name));
        Assert.Null(env.Find("legacy")!.ParsedVersion);
        var byFile = env.Diagnostics.Select(d => (Path.GetFileName(Path.GetDirectoryName(d.File))!, d.Line, d.Code)).ToList();
        Assert.Equal(
            new[] { ("broken-2.0.dist-info", 3, DependencyDiagnosticCode.MetadataInvalid), ("broken-2.0.dist-info", 0, DependencyDiagnosticCode.MetadataInvalid),
                    ("empty-1.0.dist-info", 0, DependencyDiagnosticCode.MetadataInvalid), ("legacy-1.0.dist-info", 2, DependencyDiagnosticCode.VersionNotPep440) },
            byFile);
        Assert.Contains("no Version:", env.Diagnostics[1].Message);
        Assert.Contains("missing", env.Diagnostics[2].Message);
        Assert.EndsWith("sp/broken-2.0.dist-info/METADATA", env.Diagnostics[0].File);
    }

    [Fact]
    public void Read_WhenFolderDoesNotExist_ShouldReportIt()
    {
        using var dir = new TempDir();
        var env = SitePackagesReader.Read(Path.Combine(dir.Path, "nope"));
        Assert.Empty(env.Distributions);
        Assert.Equal(DependencyDiagnosticCode.FileUnreadable, Assert.Single(env.Diagnostics).Code);
    }

    [Fact]
    public void Run_WhenRealPython3_ShouldListInstalledDistributionsAndMarkers()
    {
        var env = PythonEnvironmentProbe.Run("python3");

        Assert.DoesNotContain(env.Diagnostics, d => d.Severity == DependencyDiagnosticSeverity.Error);
        Assert.NotEmpty(env.Distributions);
        Assert.All(env.Distributions, d => Assert.Equal(PackageName.Normalize(d.RawName), d.Name));
        Assert.NotNull(env.MarkerEnvironment);
        Assert.StartsWith("3.", env.MarkerEnvironment!["python_version"]);
        Assert.Equal(OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsMacOS() ? "darwin" : "win32", env.MarkerEnvironment["sys_platform"]);

        // Cross-check one distribution against pip's own view, when pip is there.
        var pip = env.Find("pip");
        if (pip is not null)
        {
            var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, UseShellExecute = false };
            start.ArgumentList.Add("-c");
            start.ArgumentList.Add("import pip; print(pip.__version__)");
            using var p = Process.Start(start)!;
            var version = p.StandardOutput.ReadToEnd().Trim();
            p.WaitForExit();
            Assert.Equal(version, pip.Version);
        }
    }

    [Fact]
    public void Run_WhenInterpreterHangs_ShouldKillItAtTheTimeoutAndReport()
    {
        using var dir = new TempDir();
        var python = FakeInterpreter(dir, "echo '{\"partial\": ' \nsleep 60");
        var watch = Stopwatch.StartNew();

        var env = PythonEnvironmentProbe.Run(python, TimeSpan.FromMilliseconds(500));

        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(8), $"took {watch.Elapsed}");
        var d = Assert.Single(env.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.InterpreterTimeout, d.Code);
        Assert.Equal(python, d.File);
        Assert.Contains("0.5 s", d.Message);
        Assert.Empty(env.Distributions);
    }

    [Fact]
    public void Run_WhenInterpreterCrashes_ShouldReportExitCodeAndFirstStderrLine()
    {
        using var dir = new TempDir();
        var python = FakeInterpreter(dir, "echo 'Fatal Python error: init_fs_encoding' >&2\necho 'second line' >&2\nexit 3");

        var env = PythonEnvironmentProbe.Run(python);

        var d = Assert.Single(env.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.InterpreterFailed, d.Code);
        Assert.Contains("exit code 3", d.Message);
        Assert.Contains("Fatal Python error: init_fs_encoding", d.Message);
        Assert.DoesNotContain("second line", d.Message);
    }

    [Fact]
    public void Run_WhenInterpreterRaisesATraceback_ShouldQuoteTheExceptionLineToo()
    {
        using var dir = new TempDir();
        var python = FakeInterpreter(dir, "echo 'Traceback (most recent call last):' >&2\necho '  File \"<string>\", line 3' >&2\necho \"ImportError: cannot import name 'metadata'\" >&2\nexit 1");

        var env = PythonEnvironmentProbe.Run(python);

        var d = Assert.Single(env.Diagnostics);
        Assert.Contains("Traceback (most recent call last):", d.Message);
        Assert.Contains("ImportError: cannot import name 'metadata'", d.Message);
    }

    [Fact]
    public void Run_WhenInterpreterDoesNotExist_ShouldReportThatItCannotStart()
    {
        using var dir = new TempDir();
        var env = PythonEnvironmentProbe.Run(Path.Combine(dir.Path, "no-such-python"));
        var d = Assert.Single(env.Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.InterpreterFailed, d.Code);
        Assert.Contains("cannot start", d.Message);
    }

    [Fact]
    public void Run_WhenInterpreterPrintsSomethingElse_ShouldReportInvalidOutput()
    {
        using var dir = new TempDir();
        var python = FakeInterpreter(dir, "echo 'Python 2.7.18'");
        var d = Assert.Single(PythonEnvironmentProbe.Run(python).Diagnostics);
        Assert.Equal(DependencyDiagnosticCode.InterpreterOutputInvalid, d.Code);
        Assert.Contains("Python 2.7.18", d.Message);
    }

    [Fact]
    public void Run_WhenFakeInterpreterAnswersJson_ShouldParseDistributionsAndEnvironment()
    {
        using var dir = new TempDir();
        var python = FakeInterpreter(dir, """
            cat <<'JSON'
            {"executable": "/x/python", "environment": {"python_version": "3.12", "sys_platform": "linux"},
             "distributions": [{"name": "Requests", "version": "2.31.0", "path": "/sp/requests-2.31.0.dist-info"},
                               {"name": null, "version": null, "path": "/sp/broken.dist-info"},
                               {"name": "weird", "version": "1.0-custom", "path": null}]}
            JSON
            """);

        var env = PythonEnvironmentProbe.Run(python);

        Assert.Equal(new[] { ("requests", "2.31.0"), ("weird", "1.0-custom") }, env.Distributions.Select(d => (d.Name, d.Version)));
        Assert.Equal("3.12", env.MarkerEnvironment!["python_version"]);
        Assert.Equal(
            new[] { ("/sp/broken.dist-info", DependencyDiagnosticCode.MetadataInvalid), (python, DependencyDiagnosticCode.VersionNotPep440) },
            env.Diagnostics.Select(d => (d.File, d.Code)));
    }
}
