using System.Text.Json;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Serialization;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

public class DependencyServiceTests
{
    private static AuditProfile Profile(string extra = "") => ProfileLoader.Parse("name: t\ngcp: { project: p }\n" + extra, "t.yaml");

    private static IReadOnlyList<DependencyRecord> Analyze(string root, AuditProfile? profile = null, string? sitePackages = null, ToolProbe? tools = null,
        ICloudDependencyFacts? cloud = null, IReadOnlyList<ScriptRecord>? scripts = null, DependencyType[]? types = null, RecordingHost? host = null) =>
        new DependencyService(host ?? new RecordingHost()).Analyze(new DependencyOptions
        {
            Root = root,
            Profile = profile ?? Profile(),
            SitePackages = sitePackages,
            Tools = tools ?? new ToolProbe(_ => "", TimeSpan.FromSeconds(1)),
            Cloud = cloud,
            Offline = cloud is null,
            Scripts = scripts,
            Types = types,
        });

    [Fact]
    public void Analyze_WhenRunOnTheExample_ShouldFindEachKindOfPackageFinding()
    {
        var records = Analyze(RepoPaths.Example, ProfileLoader.LoadFile(Path.Combine(RepoPaths.Example, "bqxaudit.yaml")), types: new[] { DependencyType.PythonPackage });

        var tabulate = Assert.Single(records, r => r.Name == "tabulate");
        Assert.Equal(DependencyStatus.Undeclared, tabulate.Status);
        Assert.True(tabulate.Critical); // the row-count parity script, a phase task's, imports it too
        Assert.Equal("scripts/validate_m008_column_compliance.py:9", tabulate.Location);

        // requirements.txt and the merge image are installed separately: different pins there are inconsistent, not a conflict.
        var polars = Assert.Single(records, r => r.Name == "polars" && r.Status == DependencyStatus.InconsistentPins);
        Assert.Contains("requirements.txt:5", polars.DeclaredIn);
        Assert.Contains("Dockerfile.merge:5", polars.DeclaredIn);
        Assert.Equal(DependencyStatus.NotVerified, Assert.Single(records, r => r.Name == "polars" && r.Status != DependencyStatus.InconsistentPins).Status);

        // db-dtypes is what BigQuery's to_dataframe needs at run time.
        var dbDtypes = Assert.Single(records, r => r.Name == "db-dtypes");
        Assert.Equal(DependencyStatus.NotVerified, dbDtypes.Status);
        Assert.StartsWith("used at run time by BigQuery to_dataframe", dbDtypes.Purpose);
        Assert.Equal(DependencyStatus.Unresolved, Assert.Single(records, r => r.Name == "bqx_common.m008_rules").Status);
        var bigquery = Assert.Single(records, r => r.Name == "google-cloud-bigquery");
        Assert.Equal(DependencyStatus.NotVerified, bigquery.Status);
        Assert.Contains(bigquery.Evidence, e => e.Detail.Contains("installation not checked"));
    }

    [Fact]
    public void Analyze_WhenTheRequirementsFileCannotBeRead_ShouldNotCallAnImportUndeclared()
    {
        using var dir = new TempDir();
        dir.Write("job.py", "import requests\nprint(requests.__version__)\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "requirements.txt"), "requirements.txt"); // a loop: ELOOP on open
        var host = new RecordingHost();

        var records = Analyze(dir.Path, types: new[] { DependencyType.PythonPackage }, host: host);

        var requests = Assert.Single(records, r => r.Name == "requests");
        Assert.Equal(DependencyStatus.NotVerified, requests.Status); // it was Undeclared: "no requirements file … declares it"
        Assert.Contains(requests.Evidence, e => e.Location == "requirements.txt" && e.Detail.Contains("requirements.txt could not be read, so whether it is declared was not measured"));
        Assert.Contains(host.Errors, e => e.Target == "requirements.txt");
    }

    [Fact]
    public void Analyze_WhenImageRunsAScriptWhosePackageItDoesNotInstall_ShouldReportItUndeclaredInThatImage()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "polars==0.20.3\n");
        dir.Write("job.py", "import polars\nprint(polars.__version__)\n");
        dir.Write("run.sh", "#!/bin/bash\nset -euo pipefail\npython3 job.py\n");
        dir.Write("Dockerfile", "FROM python:3.11-slim\nRUN pip install --no-cache-dir pandas==2.1.0\nCOPY job.py run.sh ./\nENTRYPOINT [\"bash\", \"run.sh\"]\n");

        var records = Analyze(dir.Path, types: new[] { DependencyType.PythonPackage });

        var inImage = Assert.Single(records, r => r.Name == "polars" && r.Location == "Dockerfile");
        Assert.Equal(DependencyStatus.Undeclared, inImage.Status);
        Assert.Contains(inImage.Evidence, e => e.Detail.Contains("job.py") && e.Detail.Contains("pip installs do not include polars"));
        Assert.Equal(DependencyStatus.NotVerified, Assert.Single(records, r => r.Name == "polars" && r.Location != "Dockerfile").Status);
        Assert.Equal(DependencyStatus.Unused, Assert.Single(records, r => r.Name == "pandas").Status);
    }

    [Fact]
    public void Analyze_WhenSitePackagesGiven_ShouldCompareInstalledVersionsWithTheSpecifiers()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "polars==0.20.3\npandas>=2.0\nduckdb\n");
        dir.Write("a.py", "import polars\nimport pandas\nimport duckdb\n");
        dir.Write("site/polars-0.20.3.dist-info/METADATA", "Metadata-Version: 2.1\nName: polars\nVersion: 0.20.3\n");
        dir.Write("site/pandas-1.5.3.dist-info/METADATA", "Metadata-Version: 2.1\nName: pandas\nVersion: 1.5.3\n");

        var records = Analyze(dir.Path, sitePackages: Path.Combine(dir.Path, "site"), types: new[] { DependencyType.PythonPackage })
            .ToDictionary(r => r.Name);

        Assert.Equal(DependencyStatus.Ready, records["polars"].Status);
        Assert.Equal("0.20.3", records["polars"].VersionInstalled);
        Assert.Equal(DependencyStatus.VersionConflict, records["pandas"].Status);
        Assert.Contains(records["pandas"].Evidence, e => e.Detail.Contains("1.5.3 does not satisfy >=2.0"));
        Assert.Equal(DependencyStatus.Missing, records["duckdb"].Status);
    }

    [Fact]
    public void Analyze_WhenSitePackagesFolderMissing_ShouldRefuseNamingIt()
    {
        using var dir = new TempDir();
        var e = Assert.Throws<BqxException>(() => Analyze(dir.Path, sitePackages: "/nonexistent/site"));
        Assert.Equal(ErrorIds.PathNotFound, e.Error.ErrorId);
    }

    [Fact]
    public void Analyze_WhenToolsProbed_ShouldReportFoundWithVersionMissingAndHanging()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake tools are shell scripts
        }

        using var dir = new TempDir();
        var bin = Path.Combine(dir.Path, "bin");
        var other = Path.Combine(dir.Path, "other");
        dir.Write("bin/gcloud", "#!/bin/sh\necho 'Google Cloud SDK 999.0.0'\n");
        dir.Write("other/gsutil", "#!/bin/sh\nsleep 30\n"); // not in gcloud's SDK folder: probed on its own
        File.SetUnixFileMode(Path.Combine(bin, "gcloud"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        File.SetUnixFileMode(Path.Combine(other, "gsutil"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        dir.Write("repo/run.sh", "#!/bin/bash\nset -euo pipefail\ngcloud config list\ngsutil ls gs://b/\nbq ls\n");
        var probe = new ToolProbe(v => v == "PATH" ? bin + Path.PathSeparator + other : null, TimeSpan.FromMilliseconds(500));

        var started = DateTime.UtcNow;
        var records = Analyze(Path.Combine(dir.Path, "repo"), Profile("tools: [ docker ]\n" + RunPhase), tools: probe, types: new[] { DependencyType.SystemTool })
            .ToDictionary(r => r.Name);

        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10));
        Assert.Equal(DependencyStatus.Ready, records["gcloud"].Status);
        Assert.Equal("Google Cloud SDK 999.0.0", records["gcloud"].VersionInstalled);
        Assert.Equal(new[] { "run.sh" }, records["gcloud"].UsedBy);
        Assert.Contains(records["gsutil"].Evidence, e => e.Detail.Contains("did not answer"));
        Assert.Equal(DependencyStatus.Missing, records["bq"].Status);
        Assert.Equal(DependencyStatus.Missing, records["docker"].Status);
        Assert.Empty(records["docker"].UsedBy);
    }

    private const string RunPhase = "phases:\n  - id: P1\n    tasks: [ { name: run, scriptGlobs: [ \"run.sh\" ] } ]\n";

    [Fact]
    public void Analyze_WhenAToolIsUsedByNoPhaseScriptNorTheProfile_ShouldLocateItWithoutRunningIt()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the fake tools are shell scripts
        }

        using var dir = new TempDir();
        var bin = Path.Combine(dir.Path, "bin");
        var ran = Path.Combine(dir.Path, "ran.log");
        foreach (var tool in new[] { "gcloud", "rclone", "jq" })
        {
            dir.Write($"bin/{tool}", $"#!/bin/sh\necho {tool} >> '{ran}'\necho '{tool} 1.0'\n");
            File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        dir.Write("repo/run.sh", "#!/bin/bash\nset -euo pipefail\nrclone ls remote:\n");
        dir.Write("repo/tools/adhoc.sh", "#!/bin/bash\nset -euo pipefail\njq . x.json\n");
        var probe = new ToolProbe(v => v == "PATH" ? bin : null, TimeSpan.FromSeconds(2));

        var records = Analyze(Path.Combine(dir.Path, "repo"), Profile("tools: [ gcloud ]\n" + RunPhase), tools: probe, types: new[] { DependencyType.SystemTool })
            .ToDictionary(r => r.Name);

        Assert.Equal(new[] { "gcloud", "rclone" }, File.ReadAllLines(ran).OrderBy(l => l, StringComparer.Ordinal));
        Assert.Equal(("gcloud 1.0", "rclone 1.0"), (records["gcloud"].VersionInstalled, records["rclone"].VersionInstalled));
        Assert.Equal((DependencyStatus.Ready, (string?)null), (records["jq"].Status, records["jq"].VersionInstalled));
        var located = Assert.Single(records["jq"].Evidence);
        Assert.Equal("PATH lookup jq", located.Location);
        Assert.Contains("its version was not asked", located.Detail);
    }

    /// <summary>A Google Cloud SDK folder with these three programs in its bin/ (executable); returns that bin/.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static string FakeSdk(TempDir dir, string gcloud, string bq, string gsutil)
    {
        var bin = Path.Combine(dir.Path, "sdk", "bin");
        foreach (var (tool, script) in new[] { ("gcloud", gcloud), ("bq", bq), ("gsutil", gsutil) })
        {
            dir.Write($"sdk/bin/{tool}", script);
            File.SetUnixFileMode(Path.Combine(bin, tool), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return bin;
    }

    [Fact]
    public void ProbeAll_WhenBqAndGsutilLiveInGcloudsSdk_ShouldTakeTheirVersionsFromOneGcloudRun()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var bin = FakeSdk(dir, "#!/bin/sh\nprintf 'Google Cloud SDK 528.0.0\\nbq 2.1.18\\ncore 2025.06.20\\ngsutil 5.34\\n'\n",
            "#!/bin/sh\necho 'FATAL Flags parsing error: Unknown command line flag version' >&2\nexit 1\n", "#!/bin/sh\nsleep 30\n");

        var found = new ToolProbe(v => v == "PATH" ? bin : null, TimeSpan.FromSeconds(2)).ProbeAll(new[] { "gcloud", "bq", "gsutil" }, CancellationToken.None);

        Assert.Equal("Google Cloud SDK 528.0.0", found["gcloud"].Version);
        Assert.Equal("bq 2.1.18", found["bq"].Version);
        Assert.Equal("gsutil 5.34", found["gsutil"].Version);
    }

    [Fact]
    public void ProbeAll_WhenTheSdkHoldsItsVersionFiles_ShouldReadThemWithoutRunningGcloud()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var ran = Path.Combine(dir.Path, "ran.txt");
        var bin = FakeSdk(dir, $"#!/bin/sh\necho gcloud >> '{ran}'\necho 'Google Cloud SDK 1.0.0'\n", "#!/bin/sh\nexit 1\n", "#!/bin/sh\nexit 1\n");
        dir.Write("sdk/lib/googlecloudsdk/core/config.json", "{ \"project_name\": \"Google Cloud SDK\", \"version\": \"528.0.0\" }\n");
        dir.Write("sdk/platform/bq/VERSION", "2.1.18\n");
        dir.Write("sdk/platform/gsutil/VERSION", "5.34\n");

        var found = new ToolProbe(v => v == "PATH" ? bin : null, TimeSpan.FromSeconds(2)).ProbeAll(new[] { "gcloud", "bq", "gsutil" }, CancellationToken.None);

        Assert.False(File.Exists(ran));
        Assert.Equal("Google Cloud SDK 528.0.0", found["gcloud"].Version);
        Assert.Contains(Path.Combine("lib", "googlecloudsdk", "core", "config.json"), found["gcloud"].Detail);
        Assert.Equal("bq 2.1.18", found["bq"].Version);
        Assert.Equal("gsutil 5.34", found["gsutil"].Version);
    }

    [Theory]
    [InlineData("{ \"version\": \"528.0.0\" }", null)] // gsutil's VERSION missing
    [InlineData("{ \"version\": 528 }", "5.34")]
    [InlineData("[ \"528.0.0\" ]", "5.34")]
    [InlineData("{ \"version\": \"$(rm -rf ~)\" }", "5.34")]
    [InlineData("{ \"version\": ", "5.34")]
    public void ProbeAll_WhenAnSdkVersionFileIsMissingOrOdd_ShouldRunGcloudInstead(string config, string? gsutilVersion)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var dir = new TempDir();
        var bin = FakeSdk(dir, "#!/bin/sh\nprintf 'Google Cloud SDK 999.0.0\\nbq 9.9\\ngsutil 9.8\\n'\n", "#!/bin/sh\nexit 1\n", "#!/bin/sh\nexit 1\n");
        dir.Write("sdk/lib/googlecloudsdk/core/config.json", config);
        dir.Write("sdk/platform/bq/VERSION", "2.1.18\n");
        if (gsutilVersion is not null)
        {
            dir.Write("sdk/platform/gsutil/VERSION", gsutilVersion);
        }

        var found = new ToolProbe(v => v == "PATH" ? bin : null, TimeSpan.FromSeconds(2)).ProbeAll(new[] { "gcloud", "bq", "gsutil" }, CancellationToken.None);

        Assert.Equal(("Google Cloud SDK 999.0.0", "bq 9.9", "gsutil 9.8"), (found["gcloud"].Version, found["bq"].Version, found["gsutil"].Version));
    }

    [Fact]
    public void Analyze_WhenSecretCommitted_ShouldReportItExposedWithoutTheValue()
    {
        using var dir = new TempDir();
        dir.Write("deploy/.env", "PROJECT=p\nBQ_API_KEY=s3cr3t-value-123\n");

        var records = Analyze(dir.Path, types: new[] { DependencyType.Secret });

        var secret = Assert.Single(records);
        Assert.Equal(DependencyStatus.Exposed, secret.Status);
        Assert.Equal("deploy/.env:2", secret.Location);
        Assert.DoesNotContain("s3cr3t-value-123", JsonOutput.Serialize(records));
    }

    [Fact]
    public void Analyze_WhenScriptsArePiped_ShouldUseThemWithoutParsingAgain()
    {
        using var dir = new TempDir();
        dir.Write("a.py", "print('no imports here')\n");
        var piped = new ScriptRecord
        {
            Path = "a.py", Kind = ScriptKind.Python, Status = ScriptStatus.Ready,
            Imports = { new ImportRecord { Module = "yaml", Kind = ImportKind.ThirdParty, Distribution = "PyYAML", Line = 3 } },
        };

        var records = Analyze(dir.Path, scripts: new[] { piped }, types: new[] { DependencyType.PythonPackage });

        var yaml = Assert.Single(records);
        Assert.Equal("pyyaml", yaml.Name);
        Assert.Equal(DependencyStatus.Undeclared, yaml.Status);
        Assert.Equal("a.py:3", yaml.Location);
    }

    [Fact]
    public void Analyze_WhenCloudFactsGiven_ShouldTakeApiAndDataStatesFromThem()
    {
        using var dir = new TempDir();
        dir.Write("a.py", "from google.cloud import bigquery, storage\nc = bigquery.Client()\nc.query('SELECT * FROM `p.ds.present`').result()\nc.query('SELECT * FROM `p.ds.gone`').result()\n");
        var cloud = new FakeCloud();

        var records = Analyze(dir.Path, cloud: cloud, types: new[] { DependencyType.Api, DependencyType.Data }).ToDictionary(r => r.Name);

        Assert.Equal(DependencyStatus.Ready, records["bigquery.googleapis.com"].Status);
        Assert.Equal(DependencyStatus.Missing, records["storage.googleapis.com"].Status);
        Assert.Contains("gcloud services enable storage.googleapis.com", records["storage.googleapis.com"].Fallback);
        Assert.Equal(DependencyStatus.Ready, records["p.ds.present"].Status);
        Assert.Equal(DependencyStatus.Missing, records["p.ds.gone"].Status);
    }

    [Fact]
    public void Analyze_WhenOffline_ShouldMarkCloudDependenciesNotVerifiedWithTheReason()
    {
        using var dir = new TempDir();
        dir.Write("a.py", "from google.cloud import bigquery\nbigquery.Client().query('SELECT 1 FROM `p.ds.t`')\n");

        var records = Analyze(dir.Path, types: new[] { DependencyType.Api, DependencyType.Data, DependencyType.Credential });

        Assert.All(records, r => Assert.Equal(DependencyStatus.NotVerified, r.Status));
        Assert.Contains(records, r => r.Type == DependencyType.Credential);
        Assert.All(records.Where(r => r.Type != DependencyType.Credential), r => Assert.Contains(r.Evidence, e => e.Detail.Contains("offline")));
    }

    [Fact]
    public void Analyze_WhenOutputSorted_ShouldOrderByTypeThenName()
    {
        var records = Analyze(RepoPaths.Example, ProfileLoader.LoadFile(Path.Combine(RepoPaths.Example, "bqxaudit.yaml")));
        var keys = records.Select(r => ((int)r.Type, r.Name)).ToList();
        Assert.Equal(keys.OrderBy(k => k.Item1).ThenBy(k => k.Name, StringComparer.Ordinal), keys);
    }

    private sealed class FakeCloud : ICloudDependencyFacts
    {
        public (bool? Enabled, string Evidence) ApiState(string api) => (api == "bigquery.googleapis.com", $"GET serviceusage.services.batchGet 200: {api}");

        public (bool? Exists, string Evidence) TableExists(string project, string dataset, string table) => (table == "present", $"{dataset} listing");

        public (bool? Exists, string Evidence) DatasetExists(string project, string dataset) => (true, "listed");

        public (bool? Exists, string Evidence) GcsPrefixExists(string bucket, string prefix) => (true, "listed");

        public IEnumerable<DependencyRecord> Credentials() => Array.Empty<DependencyRecord>();
    }
}
