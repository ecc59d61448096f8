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
    [InlineData("kerastuner", "keras-tuner")]
    [InlineData("keras_tuner.tuners", "keras-tuner")]
    [InlineData("hypertune", "cloudml-hypertune")]
    [InlineData("airflow.models", "apache-airflow")]
    [InlineData("ibis", "ibis-framework")]
    [InlineData("tfx.components", "tfx")]
    [InlineData("tfx_bsl.public", "tfx-bsl")]
    [InlineData("ml_metadata.proto", "ml-metadata")]
    [InlineData("tensorflow_transform", "tensorflow-transform")]
    [InlineData("tensorflow_data_validation", "tensorflow-data-validation")]
    [InlineData("tensorflow_model_analysis", "tensorflow-model-analysis")]
    [InlineData("google_cloud_pipeline_components.v1", "google-cloud-pipeline-components")]
    [InlineData("proto", "proto-plus")]
    [InlineData("locust", "locust")]
    [InlineData("gcsfs", "gcsfs")]
    [InlineData("bigframes.pandas", "bigframes")]
    [InlineData("google.cloud.orchestration.airflow.service_v1", "google-cloud-orchestration-airflow")]
    [InlineData("google.cloud.dataflow_v1beta3", "google-cloud-dataflow-client")]
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

    [Theory]
    [InlineData("google.cloud.bigquery_analyticshub_v1", "google-cloud-bigquery-analyticshub")]
    [InlineData("google.cloud.foo_bar_v2beta1.types", "google-cloud-foo-bar")]
    [InlineData("google.cloud.websecurityscanner", "google-cloud-websecurityscanner")]
    public void DistributionOf_WhenGoogleCloudSubpackageIsNotListed_ShouldFollowGooglesNamingConvention(string module, string distribution)
    {
        Assert.Equal(distribution, PythonModuleData.DistributionOf(module));
    }

    [Fact]
    public void Analyze_WhenAPackageHasAModuleOfItsOwnName_ShouldResolveItsModulesThroughThePackage()
    {
        // tools/crawler/crawler/ is a package holding crawler/crawler.py: its modules import each other as crawler.x.
        var record = Py.AnalyzeAt("tools/crawler/crawler/fetch.py",
            Py.Lines("from crawler import extractor", "import crawler.model as model", "from crawler.crawler import run"),
            "tools/crawler/crawler/__init__.py", "tools/crawler/crawler/crawler.py", "tools/crawler/crawler/extractor.py", "tools/crawler/crawler/model.py");

        Assert.Equal(
            new[] { ("crawler.extractor", ImportKind.Local), ("crawler.model", ImportKind.Local), ("crawler.crawler", ImportKind.Local) },
            record.Imports.Select(i => (i.Module, i.Kind)));
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenTheProjectFolderIsItselfAPackage_ShouldAlsoSearchFromIt()
    {
        // project/ has an __init__.py and is run from its own folder: models.estimator is found there.
        var record = Py.AnalyzeAt("labs/project/models/estimator/model.py", "from models.estimator import features\n",
            "labs/project/__init__.py", "labs/project/models/__init__.py", "labs/project/models/estimator/__init__.py", "labs/project/models/estimator/features.py");

        Assert.Equal(ImportKind.Local, record.Import("models.estimator.features").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenAModuleOfAPackageImportsItsPackageByName_ShouldBeLocal()
    {
        var record = Py.AnalyzeAt("training/mnist/main.py", "import mnist.model as mnist\n", "training/mnist/__init__.py", "training/mnist/model.py");

        Assert.Equal(ImportKind.Local, record.Import("mnist.model").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenAFolderWithoutInitIsNamedLikeAnInstalledDistribution_ShouldNotShadowIt()
    {
        var locust = Py.AnalyzeAt("load/locust/image/task.py", Py.Lines("import locust", "from locust import HttpUser, task"),
            "load/locust/image/Dockerfile", "load/locust/tasks.py");
        var airflow = Py.AnalyzeAt("dags/pipeline.py", "from airflow import DAG\n", "samples/airflow/plugins/op.py", "airflow/dags/x.py");

        Assert.All(locust.Imports, i => Assert.Equal((ImportKind.ThirdParty, "locust"), (i.Kind, i.Distribution)));
        Assert.Equal((ImportKind.ThirdParty, "apache-airflow"), (airflow.Import("airflow").Kind, airflow.Import("airflow").Distribution));
        Assert.Empty(locust.Findings);
        Assert.Empty(airflow.Findings);
    }

    [Fact]
    public void Analyze_WhenANamespaceFolderHasNoSuchSubmodule_ShouldTakeTheNamesFromAnInstalledDistribution()
    {
        // widgets/ has no __init__.py: a namespace package has no attribute Button, so the import is not served by it.
        var record = Py.Analyze("from widgets import Button\n", "widgets/helpers.py");

        Assert.Equal((ImportKind.ThirdParty, "widgets"), (record.Import("widgets").Kind, record.Import("widgets").Distribution));
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenARegularPackageAndANamespaceFolderShareAName_ShouldResolveThroughTheRegularPackage()
    {
        // app/common/ (no __init__.py) is on the path first, but the regular package common/ at the root wins (PEP 420).
        var record = Py.AnalyzeAt("app/main.py", "from common import db\n", "app/common/notes.py", "common/__init__.py", "common/db.py");

        Assert.Equal(ImportKind.Local, record.Import("common.db").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenATestImportsTheModuleItTestsFromAnAncestorFolder_ShouldBeLocal()
    {
        var record = Py.AnalyzeAt("functions/snapshots/tests/create/test_create.py", "from create.main import handler\n",
            "functions/snapshots/create/main.py", "functions/snapshots/create/requirements.txt");

        Assert.Equal(ImportKind.Local, record.Import("create.main").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenAProjectMarkerIsAboveTheFile_ShouldSearchFromThatFolder()
    {
        var record = Py.AnalyzeAt("tools/ingest/cli/backfill.py", "from ingest_lib import main\n",
            "tools/ingest/setup.py", "tools/ingest/ingest_lib/__init__.py", "tools/ingest/ingest_lib/main.py");

        Assert.Equal(ImportKind.Local, record.Import("ingest_lib.main").Kind);
        Assert.Empty(record.Findings);
    }

    [Fact]
    public void Analyze_WhenTheModuleIsADocumentationPlaceholder_ShouldBeUnresolvedAndNotADistribution()
    {
        var record = Py.Analyze("from path.to.proto import awesome_pb2\n");

        var import = record.Import("path.to.proto");
        Assert.Equal(ImportKind.Unresolved, import.Kind);
        Assert.Null(import.Distribution);
        Assert.Empty(record.Distributions);
        Assert.Contains("placeholder", Assert.Single(record.Findings).Message);
    }

    [Fact]
    public void Analyze_WhenOnlyAFolderWithoutInitHasTheNameElsewhere_ShouldBeThirdPartyNotUnresolved()
    {
        var record = Py.Analyze("import locust_helpers\n", "tools/locust_helpers/notes.py");

        Assert.Equal(ImportKind.ThirdParty, record.Import("locust_helpers").Kind);
        Assert.Empty(record.Findings);
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
