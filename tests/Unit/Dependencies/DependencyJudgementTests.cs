using BqxAudit.Checks.Dependencies;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Dependencies;

/// <summary>What a dependency's status means: run-time needs, conflicts per deployable, where a tool must be, which distribution an import is.</summary>
public sealed class DependencyJudgementTests
{
    private static AuditProfile Profile(string extra = "") => ProfileLoader.Parse("name: t\ngcp: { project: p }\n" + extra, "t.yaml");

    private static IReadOnlyList<DependencyRecord> Analyze(string root, AuditProfile? profile = null, string? sitePackages = null, ToolProbe? tools = null,
        params DependencyType[] types) =>
        new DependencyService(new RecordingHost()).Analyze(new DependencyOptions
        {
            Root = root,
            Profile = profile ?? Profile(),
            SitePackages = sitePackages,
            Tools = tools ?? new ToolProbe(_ => "", TimeSpan.FromSeconds(1)),
            Offline = true,
            Types = types.Length == 0 ? null : types,
        });

    [Fact]
    public void Analyze_WhenADeclaredPackageIsOnlyNeededAtRunTime_ShouldBeUsedAtRunTimeNotUnused()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "pandas\ngoogle-cloud-bigquery\npyarrow==14.0.1\nfastparquet\ndb-dtypes\ntabulate\n");
        dir.Write("jobs/export.py", string.Join("\n",
            "import pandas as pd",
            "from google.cloud import bigquery",
            "frame = bigquery.Client().query('SELECT 1').to_dataframe()",
            "frame.to_parquet('out.parquet')",
            "again = pd.read_parquet('out.parquet')") + "\n");

        var records = Analyze(dir.Path, types: DependencyType.PythonPackage).ToDictionary(r => r.Name);

        foreach (var name in new[] { "pyarrow", "fastparquet", "db-dtypes" })
        {
            Assert.Equal(DependencyStatus.NotVerified, records[name].Status);
            Assert.StartsWith("used at run time by ", records[name].Purpose);
            Assert.Equal(new[] { "jobs/export.py" }, records[name].UsedBy);
        }

        Assert.Contains("pandas DataFrame.to_parquet", records["fastparquet"].Purpose);
        Assert.Contains(records["db-dtypes"].Evidence, e => e.Location == "jobs/export.py:3" && e.Detail == "BigQuery to_dataframe needs db-dtypes at run time");
        Assert.Equal(DependencyStatus.Unused, records["tabulate"].Status);
    }

    [Fact]
    public void Analyze_WhenOneImageInstallsTwoPinsThatCannotBothHold_ShouldBeAVersionConflict()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "pandas==2.0.3\n");
        dir.Write("job.py", "import pandas\n");
        dir.Write("Dockerfile", "FROM python:3.11-slim\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\nRUN pip install pandas==2.1.3\nCOPY job.py .\nCMD [\"python3\", \"job.py\"]\n");

        var records = Analyze(dir.Path, types: DependencyType.PythonPackage);

        var pandas = Assert.Single(records, r => r.Name == "pandas" && r.Location != "Dockerfile");
        Assert.Equal(DependencyStatus.VersionConflict, pandas.Status);
        Assert.Contains(pandas.Evidence, e => e.Detail == "both are installed by the image of Dockerfile");
        Assert.DoesNotContain(records, r => r.Status == DependencyStatus.InconsistentPins);
    }

    [Fact]
    public void Analyze_WhenARequirementsFileIncludesAnotherWithAnotherPin_ShouldBeAVersionConflictOfThatSet()
    {
        using var dir = new TempDir();
        dir.Write("requirements-base.txt", "polars==0.19.19\n");
        dir.Write("requirements.txt", "-r requirements-base.txt\npolars==0.20.3\n");
        dir.Write("job.py", "import polars\n");

        var polars = Assert.Single(Analyze(dir.Path, types: DependencyType.PythonPackage), r => r.Name == "polars");

        Assert.Equal(DependencyStatus.VersionConflict, polars.Status);
        Assert.Contains(polars.Evidence, e => e.Detail == "both are installed by requirements.txt (with what it includes)");
    }

    [Fact]
    public void Analyze_WhenSeparatelyBuiltImagesPinDifferently_ShouldReportInconsistentPinsNotAConflict()
    {
        using var dir = new TempDir();
        dir.Write("job.py", "import pandas\n");
        dir.Write("Dockerfile.extract", "FROM python:3.11-slim\nRUN pip install pandas==2.1.3\nCOPY job.py .\nCMD [\"python3\", \"job.py\"]\n");
        dir.Write("Dockerfile.merge", "FROM python:3.11-slim\nRUN pip install pandas==2.0.3\nCOPY job.py .\nCMD [\"python3\", \"job.py\"]\n");

        var records = Analyze(dir.Path, types: DependencyType.PythonPackage);

        var pins = Assert.Single(records, r => r.Status == DependencyStatus.InconsistentPins);
        Assert.Equal("pandas", pins.Name);
        Assert.Equal(new[] { "Dockerfile.extract:2", "Dockerfile.merge:2" }, pins.DeclaredIn.OrderBy(d => d));
        Assert.DoesNotContain(records, r => r.Status == DependencyStatus.VersionConflict);
        Assert.False(pins.Critical);
    }

    [Fact]
    public void Analyze_WhenTheRepositoryDeclaresTheDistributionOfAnUnlistedImport_ShouldTakeItAsThatImportsDistribution()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "zorblax-framework==3.1\n");
        dir.Write("job.py", "import zorblax\n");

        var records = Analyze(dir.Path, types: DependencyType.PythonPackage);

        var zorblax = Assert.Single(records);
        Assert.Equal(("zorblax-framework", DependencyStatus.NotVerified), (zorblax.Name, zorblax.Status));
    }

    [Fact]
    public void Analyze_WhenTheEnvironmentSaysWhichDistributionProvidesAModule_ShouldWinOverTheTable()
    {
        using var dir = new TempDir();
        dir.Write("requirements.txt", "pyyaml-ft==8.0\n");
        dir.Write("job.py", "import yaml\n");
        dir.Write("site/pyyaml_ft-8.0.dist-info/METADATA", "Metadata-Version: 2.1\nName: pyyaml-ft\nVersion: 8.0\n");
        dir.Write("site/pyyaml_ft-8.0.dist-info/RECORD", "yaml/__init__.py,sha256=x,10\nyaml/loader.py,sha256=y,20\npyyaml_ft-8.0.dist-info/METADATA,,\n");

        var withEnv = Analyze(dir.Path, sitePackages: Path.Combine(dir.Path, "site"), types: DependencyType.PythonPackage);
        var withoutEnv = Analyze(dir.Path, types: DependencyType.PythonPackage);

        var yaml = Assert.Single(withEnv);
        Assert.Equal(("pyyaml-ft", DependencyStatus.Ready, "8.0"), (yaml.Name, yaml.Status, yaml.VersionInstalled));
        Assert.Equal(DependencyStatus.Undeclared, Assert.Single(withoutEnv, r => r.Name == "pyyaml").Status);
    }

    [Fact]
    public void Analyze_WhenAnImportIsNeitherInTheRepositoryNorAKnownDistribution_ShouldBeUnresolvedNotAnUndeclaredPackage()
    {
        using var dir = new TempDir();
        dir.Write("scripts/train.py", "from airtable_updater_local import AirTableUpdater\nimport pyairtable\n");

        var records = Analyze(dir.Path, types: DependencyType.PythonPackage);

        var local = Assert.Single(records, r => r.Name == "airtable-updater-local");
        Assert.Equal(DependencyStatus.Unresolved, local.Status);
        Assert.Contains("restore the module", local.Fallback);
        Assert.Equal(DependencyStatus.Undeclared, Assert.Single(records, r => r.Name == "pyairtable").Status);
    }

    [Fact]
    public void Analyze_WhenALocalToolIsMissing_ShouldBlockOnlyAPhaseThatRunsOnThisMachine()
    {
        using var dir = new TempDir();
        dir.Write("scripts/rename_cov.sh", "#!/bin/bash\nset -euo pipefail\nrclone copy a b\n");
        var tools = new ToolProbe(v => v == "PATH" ? Path.Combine(dir.Path, "no-bin") : null, TimeSpan.FromSeconds(1));
        const string phase = "phases:\n  - id: P1\n    runsOn: {0}\n    tasks: [ {{ name: COV rename, scriptGlobs: [ \"scripts/rename_cov*\" ] }} ]\n";

        var local = Analyze(dir.Path, Profile(string.Format(phase, "local")), tools: tools, types: DependencyType.SystemTool).Single(r => r.Name == "rclone");
        var image = Analyze(dir.Path, Profile(string.Format(phase, "image")), tools: tools, types: DependencyType.SystemTool).Single(r => r.Name == "rclone");

        Assert.Equal((DependencyStatus.Missing, true), (local.Status, local.Critical));
        Assert.Equal((DependencyStatus.Missing, false), (image.Status, image.Critical));
    }

    [Fact]
    public void Analyze_WhenAScriptRunsInsideAnImage_ShouldNeedItsToolsInThatImage()
    {
        using var dir = new TempDir();
        dir.Write("scripts/extract.sh", "#!/bin/bash\nset -euo pipefail\nsize=$(echo \"1 / 3\" | bc -l)\ngsutil ls gs://b/\njq . x.json\n");
        dir.Write("Dockerfile", string.Join("\n",
            "FROM python:3.11-slim",
            "RUN apt-get update && apt-get install -y \\",
            "    jq curl \\",
            "    && rm -rf /var/lib/apt/lists/*",
            "RUN curl -sSL https://sdk.cloud.google.com | bash",
            "COPY scripts/ /app/scripts/",
            "ENTRYPOINT [\"bash\", \"/app/scripts/extract.sh\"]") + "\n");
        var profile = Profile("phases:\n  - id: P1\n    runsOn: image\n    tasks: [ { name: extract, scriptGlobs: [ \"scripts/extract.sh\" ] } ]\n");

        var records = Analyze(dir.Path, profile, types: DependencyType.SystemTool).Where(r => r.Location == "Dockerfile").ToList();

        var bc = Assert.Single(records);
        Assert.Equal(("bc", DependencyStatus.Missing, true), (bc.Name, bc.Status, bc.Critical));
        Assert.Equal(new[] { "scripts/extract.sh" }, bc.UsedBy);
        Assert.Contains(bc.Evidence, e => e.Location == "scripts/extract.sh:3");
        Assert.Contains(bc.Evidence, e => e.Detail.Contains("python:3.11-slim"));
    }

    [Theory]
    [InlineData("ibis", "ibis-framework", "ibis-framework")]
    [InlineData("kerastuner", "keras-tuner", "keras-tuner")]
    [InlineData("psycopg2", "psycopg2-binary", "psycopg2-binary")]
    [InlineData("dateutil", "python-dateutil", "python-dateutil")]
    [InlineData("widget", "widget-core widget-extras", null)]
    [InlineData("widget", "gadget", null)]
    public void Match_WhenDeclaredNamesAreCompared_ShouldTakeOnlyAnUnambiguousMatch(string import, string declared, string? expected)
    {
        Assert.Equal(expected, ImportDistributions.Match(import, declared.Split(' ')));
    }
}
