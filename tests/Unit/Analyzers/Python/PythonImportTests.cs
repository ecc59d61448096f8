using BqxAudit.Inventory.Analyzers.Python;
using BqxAudit.Model;

namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonImportTests
{
    [Theory]
    [InlineData("os")]
    [InlineData("sys")]
    [InlineData("json")]
    [InlineData("__future__")]
    [InlineData("concurrent.futures")]
    [InlineData("xml.etree.ElementTree")]
    [InlineData("tomllib")]
    [InlineData("zoneinfo")]
    [InlineData("graphlib")]
    [InlineData("distutils.core")]
    [InlineData("imp")]
    [InlineData("asyncore")]
    [InlineData("asynchat")]
    [InlineData("smtpd")]
    [InlineData("cgi")]
    [InlineData("cgitb")]
    [InlineData("crypt")]
    [InlineData("telnetlib")]
    [InlineData("formatter")]
    [InlineData("binhex")]
    [InlineData("_pydatetime")]
    public void IsStdlib_WhenModuleShippedWithPython38To313_ShouldBeTrue(string module)
    {
        Assert.True(PythonModuleData.IsStdlib(module));
    }

    [Theory]
    [InlineData("pandas")]
    [InlineData("google")]
    [InlineData("yaml")]
    [InlineData("test")]
    [InlineData("setuptools")]
    public void IsStdlib_WhenModuleIsNotPartOfPython_ShouldBeFalse(string module)
    {
        Assert.False(PythonModuleData.IsStdlib(module));
    }

    [Theory]
    [InlineData("google.cloud.bigquery", "google-cloud-bigquery")]
    [InlineData("google.cloud.bigquery.job", "google-cloud-bigquery")]
    [InlineData("google.cloud.storage", "google-cloud-storage")]
    [InlineData("google.cloud.run_v2", "google-cloud-run")]
    [InlineData("google.cloud.bigquery_storage", "google-cloud-bigquery-storage")]
    [InlineData("google.cloud.bigquery_storage_v1.types", "google-cloud-bigquery-storage")]
    [InlineData("google.cloud.aiplatform", "google-cloud-aiplatform")]
    [InlineData("google.cloud.secretmanager", "google-cloud-secret-manager")]
    [InlineData("google.cloud.pubsub_v1", "google-cloud-pubsub")]
    [InlineData("google.cloud.logging", "google-cloud-logging")]
    [InlineData("google.cloud.monitoring_v3", "google-cloud-monitoring")]
    [InlineData("google.cloud.exceptions", "google-cloud-core")]
    [InlineData("google.auth.transport.requests", "google-auth")]
    [InlineData("google.oauth2.service_account", "google-auth")]
    [InlineData("google.api_core.exceptions", "google-api-core")]
    [InlineData("googleapiclient.discovery", "google-api-python-client")]
    [InlineData("vertexai", "google-cloud-aiplatform")]
    [InlineData("sklearn.ensemble", "scikit-learn")]
    [InlineData("yaml", "PyYAML")]
    [InlineData("cv2", "opencv-python")]
    [InlineData("PIL.Image", "pillow")]
    [InlineData("bs4", "beautifulsoup4")]
    [InlineData("dateutil.parser", "python-dateutil")]
    [InlineData("dotenv", "python-dotenv")]
    [InlineData("pyarrow.parquet", "pyarrow")]
    [InlineData("polars", "polars")]
    [InlineData("duckdb", "duckdb")]
    [InlineData("pandas", "pandas")]
    [InlineData("numpy.typing", "numpy")]
    [InlineData("joblib", "joblib")]
    [InlineData("tqdm.auto", "tqdm")]
    [InlineData("attr", "attrs")]
    [InlineData("jwt", "PyJWT")]
    [InlineData("grpc", "grpcio")]
    public void DistributionOf_WhenImportIsMapped_ShouldUseTheLongestListedPrefix(string module, string distribution)
    {
        Assert.Equal(distribution, PythonModuleData.DistributionOf(module));
    }

    [Theory]
    [InlineData("somepkg", "somepkg")]
    [InlineData("somepkg.sub.mod", "somepkg")]
    [InlineData("rich.console", "rich")]
    public void DistributionOf_WhenImportIsNotMapped_ShouldFallBackToTheTopLevelName(string module, string distribution)
    {
        Assert.Equal(distribution, PythonModuleData.DistributionOf(module));
    }

    [Fact]
    public void DataTables_WhenLoaded_ShouldBeLargeWellFormedAndDisjoint()
    {
        var map = PythonModuleData.DistributionMap;
        var stdlib = PythonModuleData.StdlibModules;

        Assert.True(map.Count >= 60, $"only {map.Count} import → distribution entries");
        Assert.True(stdlib.Count >= 300, $"only {stdlib.Count} stdlib modules");
        Assert.All(map, e => Assert.Matches(@"^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*$", e.Key));
        Assert.All(map, e => Assert.Matches(@"^[A-Za-z0-9][A-Za-z0-9._-]*$", e.Value));
        Assert.All(map.Keys, k => Assert.False(PythonModuleData.IsStdlib(k), $"{k} is a stdlib module"));
        Assert.True(map.Keys.Count(k => k.StartsWith("google.cloud.", StringComparison.Ordinal)) >= 20);
    }

    [Fact]
    public void Analyze_WhenImportingGoogleCloudSubpackages_ShouldRecordEachWithItsDistribution()
    {
        var record = Py.Analyze(Py.Lines(
            "import os, sys as system",
            "from google.cloud import bigquery, storage",
            "from google.cloud.bigquery import Client, QueryJobConfig",
            "import pandas as pd",
            "import google.auth",
            "from sklearn.ensemble import RandomForestClassifier"));

        Assert.Equal(
            new[]
            {
                ("os", ImportKind.Stdlib, (string?)null, 1),
                ("sys", ImportKind.Stdlib, null, 1),
                ("google.cloud.bigquery", ImportKind.ThirdParty, "google-cloud-bigquery", 2),
                ("google.cloud.storage", ImportKind.ThirdParty, "google-cloud-storage", 2),
                ("google.cloud.bigquery", ImportKind.ThirdParty, "google-cloud-bigquery", 3),
                ("pandas", ImportKind.ThirdParty, "pandas", 4),
                ("google.auth", ImportKind.ThirdParty, "google-auth", 5),
                ("sklearn.ensemble", ImportKind.ThirdParty, "scikit-learn", 6),
            },
            record.Imports.Select(i => (i.Module, i.Kind, i.Distribution, i.Line)));
        Assert.Equal(new[] { "google-auth", "google-cloud-bigquery", "google-cloud-storage", "pandas", "scikit-learn" }, record.Distributions);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenModuleIsUnknownAndNotInTheTree_ShouldBeThirdPartyUnderItsOwnName()
    {
        var record = Py.Analyze("import somepkg.client\n");

        var import = record.Import("somepkg.client");
        Assert.Equal(ImportKind.ThirdParty, import.Kind);
        Assert.Equal("somepkg", import.Distribution);
        Assert.Equal(new[] { "somepkg" }, record.Distributions);
    }

    [Fact]
    public void Analyze_WhenModulesLiveOnTheImportPath_ShouldBeLocal()
    {
        var record = Py.Analyze(
            Py.Lines("import helpers", "from common.bq import run_query", "from pipelines import training", "import core.naming"),
            "scripts/helpers.py", "common/__init__.py", "common/bq.py", "pipelines/training/__init__.py", "src/core/__init__.py", "src/core/naming.py");

        Assert.Equal(
            new[] { ("helpers", ImportKind.Local), ("common.bq", ImportKind.Local), ("pipelines.training", ImportKind.Local), ("core.naming", ImportKind.Local) },
            record.Imports.Select(i => (i.Module, i.Kind)));
        Assert.All(record.Imports, i => Assert.Null(i.Distribution));
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenLocalPackageLacksTheSubmodule_ShouldBeUnresolvedError()
    {
        var record = Py.Analyze("from common.missing import thing\n", "common/__init__.py", "common/bq.py");

        Assert.Equal(ImportKind.Unresolved, record.Import("common.missing").Kind);
        var finding = Assert.Single(record.Findings);
        Assert.Equal("python.unresolved-import", finding.Rule);
        Assert.Equal(FindingSeverity.Error, finding.Severity);
        Assert.Equal("scripts/job.py:1", finding.Location);
        Assert.Contains("common/missing.py", finding.Message);
    }

    [Fact]
    public void Analyze_WhenRelativeImportsResolveOrNot_ShouldClassifyEach()
    {
        var record = Py.AnalyzeAt("pkg/sub/job.py",
            Py.Lines("from . import utils", "from .models import Model", "from ..shared import config", "from .gone import x", "from . import nothing_here"),
            "pkg/sub/utils.py", "pkg/sub/models/__init__.py", "pkg/shared.py");

        Assert.Equal(
            new[] { (".utils", ImportKind.Local), (".models", ImportKind.Local), ("..shared", ImportKind.Local), (".gone", ImportKind.Unresolved), (".nothing_here", ImportKind.Unresolved) },
            record.Imports.Select(i => (i.Module, i.Kind)));
        Assert.Equal(new[] { "pkg/sub/job.py:4", "pkg/sub/job.py:5" }, record.Findings.Select(f => f.Location));
        Assert.All(record.Findings, f => Assert.Equal(FindingSeverity.Error, f.Severity));
    }

    [Fact]
    public void Analyze_WhenRelativeNameMayComeFromInit_ShouldBeLocal()
    {
        var record = Py.AnalyzeAt("pkg/job.py", "from . import VERSION\n", "pkg/__init__.py");

        Assert.Equal(ImportKind.Local, record.Import(".").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenModuleExistsElsewhereInTheTree_ShouldBeUnresolvedNamingWhereItIs()
    {
        var record = Py.Analyze("import bq_common\n", "lib/bq_common.py");

        Assert.Equal(ImportKind.Unresolved, record.Import("bq_common").Kind);
        var finding = Assert.Single(record.Findings);
        Assert.Contains("lib/bq_common.py", finding.Message);
    }

    [Fact]
    public void Analyze_WhenTheFileEditsSysPath_ShouldTrustModulesFoundElsewhere()
    {
        var record = Py.Analyze(Py.Lines(
            "import sys, os",
            "sys.path.insert(0, os.path.join(os.path.dirname(__file__), '..', 'lib'))",
            "import bq_common"), "lib/bq_common.py");

        Assert.Equal(ImportKind.Local, record.Import("bq_common").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenImportIsGuardedByExceptImportError_ShouldBeOptionalAndNotBlock()
    {
        var record = Py.Analyze(Py.Lines(
            "try:",
            "    import ujson as json",
            "    from .speedups import fast",
            "except ImportError:",
            "    import json",
            "try: from .other import thing",
            "except (ModuleNotFoundError, AttributeError): thing = None",
            "try:",
            "    from .strict import must",
            "except ValueError:",
            "    pass",
            "from typing import TYPE_CHECKING",
            "if TYPE_CHECKING:",
            "    from .types_only import T",
            "def work():",
            "    import polars as pl",
            "    return pl"));

        Assert.True(record.Import("ujson").Optional);
        Assert.True(record.Import(".speedups").Optional);
        Assert.False(record.Import("json").Optional);
        Assert.True(record.Import(".other").Optional);
        Assert.False(record.Import(".strict").Optional);
        Assert.True(record.Import(".types_only").Optional);
        Assert.Equal(16, record.Import("polars").Line);
        Assert.False(record.Import("polars").Optional);

        Assert.Equal(
            new[] { ("scripts/job.py:3", FindingSeverity.Info), ("scripts/job.py:6", FindingSeverity.Info), ("scripts/job.py:9", FindingSeverity.Error), ("scripts/job.py:14", FindingSeverity.Info) },
            record.Findings.Select(f => (f.Location, f.Severity)));
    }

    [Fact]
    public void Analyze_WhenTryBlocksNest_ShouldLetTheOuterHandlerMakeInnerImportsOptional()
    {
        var record = Py.Analyze(Py.Lines(
            "try:",
            "    try:",
            "        import fastparquet",
            "    finally:",
            "        pass",
            "except ImportError:",
            "    fastparquet = None"));

        Assert.True(record.Import("fastparquet").Optional);
    }
}
