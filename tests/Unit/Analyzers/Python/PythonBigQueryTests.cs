namespace BqxAudit.Tests.Analyzers.Python;

public sealed class PythonBigQueryTests
{
    [Fact]
    public void Analyze_WhenSqlCreatesFromJoinedTables_ShouldSplitWrittenAndReadAndSkipCtes()
    {
        var record = Py.Analyze(Py.Lines(
            "QUERY = '''",
            "-- rebuild the table",
            "CREATE OR REPLACE TABLE `bqx-ml.bqx_ml_v3_features_v2.cov_agg_eurusd_gbpusd` AS",
            "WITH base AS (SELECT * FROM bqx-ml.bqx_bq_uscen1_v2.eurusd),",
            "     other AS (SELECT * FROM `bqx-ml`.bqx_bq_uscen1_v2.gbpusd)",
            "SELECT EXTRACT(YEAR FROM b.ts) AS y, b.*",
            "FROM base b",
            "JOIN other o USING (ts)",
            "LEFT JOIN bqx_ml_v3_features_v2.calendar c ON c.d = DATE(b.ts)",
            "WHERE b.ts IN (SELECT ts FROM ds.keep)",
            "'''"));

        Assert.Equal(new[] { "bqx-ml.bqx_ml_v3_features_v2.cov_agg_eurusd_gbpusd" }, record.TablesWritten);
        Assert.Equal(new[] { "bqx-ml.bqx_bq_uscen1_v2.eurusd", "bqx-ml.bqx_bq_uscen1_v2.gbpusd", "bqx_ml_v3_features_v2.calendar", "ds.keep" }, record.TablesRead);
        var sql = Assert.Single(record.SqlStatements);
        Assert.StartsWith("-- rebuild the table\nCREATE OR REPLACE TABLE", sql);
        Assert.EndsWith("(SELECT ts FROM ds.keep)", sql);
    }

    [Theory]
    [InlineData("INSERT INTO ds.target (a) SELECT a FROM ds.source", "ds.target", "ds.source")]
    [InlineData("MERGE ds.target t USING ds.staging s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a WHEN NOT MATCHED THEN DELETE", "ds.target", "ds.staging")]
    [InlineData("ALTER TABLE IF EXISTS proj.ds.cov_old RENAME TO cov_new", "proj.ds.cov_new", "proj.ds.cov_old")]
    [InlineData("DROP TABLE IF EXISTS `proj.ds.tmp`", "proj.ds.tmp", "")]
    [InlineData("DROP VIEW ds.v_old", "ds.v_old", "")]
    [InlineData("DELETE FROM ds.t WHERE d < '2020-01-01'", "ds.t", "")]
    [InlineData("UPDATE ds.t SET a = 1 WHERE b IN (SELECT b FROM ds.u)", "ds.t", "ds.u")]
    [InlineData("TRUNCATE TABLE ds.t", "ds.t", "")]
    [InlineData("CREATE VIEW IF NOT EXISTS ds.v AS SELECT * FROM ds.t, ds.u AS x, UNNEST(x.arr) a", "ds.v", "ds.t,ds.u")]
    [InlineData("CREATE TABLE ds.copy CLONE ds.original", "ds.copy", "ds.original")]
    [InlineData("select a from ds.lower_case", "", "ds.lower_case")]
    [InlineData("SELECT * FROM ML.PREDICT(MODEL ds.m, TABLE ds.t)", "", "")]
    [InlineData("CREATE SCHEMA ds_new", "", "")]
    [InlineData("SELECT * FROM [proj:ds.legacy]", "", "proj.ds.legacy")]
    public void Analyze_WhenSqlStatementChangesTables_ShouldListWhatItWritesAndReads(string statement, string written, string read)
    {
        var record = Py.Analyze($"sql = \"{statement}\"\n");

        Assert.Equal(written.Split(',', StringSplitOptions.RemoveEmptyEntries), record.TablesWritten);
        Assert.Equal(read.Split(',', StringSplitOptions.RemoveEmptyEntries), record.TablesRead);
        Assert.Equal(statement, Assert.Single(record.SqlStatements));
    }

    [Theory]
    [InlineData("Select the model to train")]
    [InlineData("Create tables for each pair")]
    [InlineData("Update the table names where needed and set flags")]
    [InlineData("delete tables?")]
    [InlineData("WITH care")]
    [InlineData("selected 5 tables")]
    [InlineData("SELECTION")]
    public void Analyze_WhenStringIsProse_ShouldNotTakeItForSql(string text)
    {
        var record = Py.Analyze($"print(\"{text}\")\n");

        Assert.Empty(record.SqlStatements);
        Assert.Empty(record.TablesWritten);
    }

    [Fact]
    public void Analyze_WhenSqlIsAnFStringTemplate_ShouldKeepPlaceholdersAndResolveLoopValues()
    {
        var record = Py.Analyze(Py.Lines(
            "PROJECT = 'bqx-ml'",
            "DATASET = 'bqx_ml_v3_features_v2'",
            "PAIRS = ['eurusd', 'gbpusd']",
            "FEATURE_TYPES = ('agg', 'mom')",
            "def build(client):",
            "    for ft in FEATURE_TYPES:",
            "        for pair in PAIRS:",
            "            sql = f\"\"\"",
            "            CREATE OR REPLACE TABLE `{PROJECT}.{DATASET}.cov_{ft}_{pair}_{pair.upper()}` AS",
            "            SELECT * FROM `{PROJECT}.bqx_bq_uscen1_v2.{pair}`",
            "            \"\"\"",
            "            client.query(sql).result()"));

        Assert.Equal(new[] { "{PROJECT}.{DATASET}.cov_{ft}_{pair}_{}" }, record.TablesWritten);
        Assert.Equal(new[] { "{PROJECT}.bqx_bq_uscen1_v2.{pair}" }, record.TablesRead);
        var cov = record.Template("{PROJECT}.{DATASET}.cov_{ft}_{pair}_{pair.upper()}");
        Assert.Equal(8, cov.Line);
        Assert.Equal(new[] { "bqx-ml" }, cov.Values["PROJECT"]);
        Assert.Equal(new[] { "bqx_ml_v3_features_v2" }, cov.Values["DATASET"]);
        Assert.Equal(new[] { "agg", "mom" }, cov.Values["ft"]);
        Assert.Equal(new[] { "eurusd", "gbpusd" }, cov.Values["pair"]);
        Assert.False(cov.Values.ContainsKey("pair.upper()"));
        Assert.Contains("CREATE OR REPLACE TABLE `{PROJECT}.{DATASET}.cov_{ft}_{pair}_{pair.upper()}` AS", Assert.Single(record.SqlStatements));
    }

    [Fact]
    public void Analyze_WhenTemplateUsesFormat_ShouldKeepPositionalPlaceholdersKeyedByIndex()
    {
        var record = Py.Analyze(Py.Lines(
            "from itertools import product",
            "TYPES = ['agg', 'mom']",
            "WINDOWS = ['45', '90']",
            "for t, w in product(TYPES, WINDOWS):",
            "    q = 'DROP TABLE ds.cov_{}_{}_{}_{}'.format(t, w, a, b)",
            "    q2 = 'SELECT * FROM ds.%s_%s' % (t, w)"));

        Assert.Equal(new[] { "ds.cov_{}_{}_{}_{}" }, record.TablesWritten);
        var cov = record.Template("ds.cov_{}_{}_{}_{}");
        Assert.Equal(new[] { "agg", "mom" }, cov.Values["0"]);
        Assert.Equal(new[] { "45", "90" }, cov.Values["1"]);
        Assert.False(cov.Values.ContainsKey("2"));
        Assert.Equal(new[] { "ds.{}_{}" }, record.TablesRead);
        Assert.DoesNotContain(record.NameTemplates, t => t.Template == "ds.{}_{}"); // read, not generated
    }

    [Fact]
    public void Analyze_WhenLoopValuesComeFromComprehensionsEnumerateZipAndDicts_ShouldResolveThem()
    {
        var record = Py.Analyze(Py.Lines(
            "from itertools import combinations",
            "PAIRS = ['eurusd', 'gbpusd', 'usdjpy']",
            "WINDOWS = {'w45': 45, 'w90': 90}",
            "VARIANT = 'bqx'",
            "drops = [f'DROP TABLE ds.lag_{p}_{VARIANT}' for p in sorted(PAIRS) if p]",
            "for i, p in enumerate(PAIRS):",
            "    s1 = f'DROP TABLE ds.idx_{p}_{i}'",
            "for w in WINDOWS:",
            "    s2 = f'DROP TABLE ds.win_{w}'",
            "for p1, p2 in combinations(PAIRS, 2):",
            "    s3 = f'DROP TABLE ds.corr_{p1}_{p2}'",
            "for a, b in [('x', 'y'), ('z', 'w')]:",
            "    s4 = f'DROP TABLE ds.pair_{a}_{b}'"));

        var lag = record.Template("ds.lag_{p}_{VARIANT}");
        Assert.Equal(new[] { "eurusd", "gbpusd", "usdjpy" }, lag.Values["p"]);
        Assert.Equal(new[] { "bqx" }, lag.Values["VARIANT"]);
        var idx = record.Template("ds.idx_{p}_{i}");
        Assert.Equal(new[] { "eurusd", "gbpusd", "usdjpy" }, idx.Values["p"]);
        Assert.False(idx.Values.ContainsKey("i"));
        Assert.Equal(new[] { "w45", "w90" }, record.Template("ds.win_{w}").Values["w"]);
        Assert.Empty(record.Template("ds.corr_{p1}_{p2}").Values);
        var pair = record.Template("ds.pair_{a}_{b}");
        Assert.Equal(new[] { "x", "z" }, pair.Values["a"]);
        Assert.Equal(new[] { "y", "w" }, pair.Values["b"]);
    }

    [Fact]
    public void Analyze_WhenClientMethodsTakeTables_ShouldRecordWhatTheyWriteAndRead()
    {
        var record = Py.Analyze(Py.Lines(
            "from google.cloud import bigquery",
            "client = bigquery.Client(project='bqx-ml')",
            "PROJECT = 'bqx-ml'",
            "TABLES = ['ds.a', 'ds.b']",
            "client.create_table(bigquery.Table('bqx-ml.ds.new', schema=SCHEMA))",
            "client.delete_table(f'{PROJECT}.ds.old_{suffix}', not_found_ok=True)",
            "src = client.get_table('bqx-ml.ds.source')",
            "for t in TABLES:",
            "    client.delete_table(t)",
            "client.copy_table(['ds.c1', 'ds.c2'], destination='ds.c_all')",
            "client.load_table_from_uri('gs://bqx-ml-staging/x/*.parquet', 'ds.loaded', job_config=cfg)",
            "job_config = bigquery.QueryJobConfig(destination='ds.query_out')",
            "job_config.destination = f'{PROJECT}.ds.out2'",
            "rows = client.list_rows(table=src)",
            "df.to_gbq('ds.from_pandas', project_id=PROJECT)"));

        Assert.Equal(
            new[] { "bqx-ml.ds.new", "ds.a", "ds.b", "ds.c_all", "ds.from_pandas", "ds.loaded", "ds.query_out", "{PROJECT}.ds.old_{suffix}", "{PROJECT}.ds.out2" },
            record.TablesWritten);
        Assert.Equal(new[] { "bqx-ml.ds.source", "ds.c1", "ds.c2" }, record.TablesRead);
        Assert.Equal(new[] { "gs://bqx-ml-staging/x/*.parquet" }, record.GcsUris);
        Assert.Equal(new[] { "bqx-ml" }, record.Template("{PROJECT}.ds.old_{suffix}").Values["PROJECT"]);
    }

    [Fact]
    public void Analyze_WhenMethodNamesAppearWithoutBigQuery_ShouldIgnoreThem()
    {
        var record = Py.Analyze(Py.Lines("import sqlite3", "db = connect()", "db.create_table('not_bq')", "cache.get_table('x.y')"));

        Assert.Empty(record.TablesWritten);
        Assert.Empty(record.TablesRead);
    }

    [Fact]
    public void Analyze_WhenTableNameIsBuiltInAVariableAndUsedLater_ShouldRecordTheTemplateWhereItIsBuilt()
    {
        var record = Py.Analyze(Py.Lines(
            "from google.cloud import bigquery",
            "DATASET = 'bqx_ml_v3_features_v2'",
            "PAIRS = ['eurusd', 'gbpusd']",
            "def rename(client, old):",
            "    for pair in PAIRS:",
            "        target_id = f'{DATASET}.cov_{pair}'",
            "        client.query(f'ALTER TABLE `{DATASET}.{old}` RENAME TO `{target_id}`')",
            "        dest = f'{DATASET}.lag_{pair}'",
            "        client.create_table(dest)"));

        Assert.Equal(new[] { "{DATASET}.cov_{pair}", "{DATASET}.lag_{pair}" }, record.TablesWritten);
        Assert.Equal(new[] { "{DATASET}.{old}" }, record.TablesRead); // renamed away: it must exist, and is not a generated name
        Assert.DoesNotContain(record.NameTemplates, t => t.Template.EndsWith("{old}", StringComparison.Ordinal));
        var cov = record.Template("{DATASET}.cov_{pair}");
        Assert.Equal(6, cov.Line);
        Assert.Equal(new[] { "eurusd", "gbpusd" }, cov.Values["pair"]);
        Assert.Equal(new[] { "bqx_ml_v3_features_v2" }, cov.Values["DATASET"]);
        Assert.Equal(8, record.Template("{DATASET}.lag_{pair}").Line);
    }

    [Fact]
    public void Analyze_WhenVariableNamesATableButIsNotUsed_ShouldStillRecordTheTemplate()
    {
        var record = Py.Analyze(Py.Lines(
            "PAIRS = ['eurusd']",
            "for p in PAIRS:",
            "    table_name = f'cov_agg_{p}'",
            "    log_file = f'run_{p}.log'",
            "    message = f'created {p}'",
            "    run_id = f'job_{p}'",
            "def lag_table(pair, window):",
            "    return f'lag_{pair}_{window}'"));

        Assert.Equal(new[] { "cov_agg_{p}", "lag_{pair}_{window}" }, record.NameTemplates.Select(t => t.Template));
        Assert.Equal(new[] { "eurusd" }, record.Template("cov_agg_{p}").Values["p"]);
        Assert.Empty(record.TablesWritten);
    }

    [Fact]
    public void Analyze_WhenBqCliRunsThroughSubprocess_ShouldRecordToolsTablesAndSql()
    {
        var record = Py.Analyze(Py.Lines(
            "import os, subprocess",
            "from subprocess import check_output as co",
            "PROJECT = 'bqx-ml'",
            "DS = 'bqx-ml:bqx_ml_v3_features_v2'",
            "for name in ['cov_a', 'cov_b']:",
            "    subprocess.run(['bq', 'rm', '-f', '-t', f'{PROJECT}:bqx_ml_v3_features_v2.{name}'], check=True)",
            "cmd = ['bq', '--location', 'US', 'cp', '-f', 'ds.src1,ds.src2', 'ds.dst']",
            "subprocess.check_call(cmd)",
            "os.system(f\"bq query --use_legacy_sql=false 'SELECT * FROM ds.q_src' > /dev/null 2>&1 && gsutil ls gs://bqx-ml-staging/\")",
            "co('bq mk --dataset bqx-ml:new_ds', shell=True)",
            "subprocess.run('bq load --source_format=PARQUET ds.loaded gs://b/x.parquet', shell=True)",
            "subprocess.run(['bq', 'query', '--destination_table=ds.q_dest', '--replace', sql])",
            "subprocess.run(['bq', 'mk', '--view', 'SELECT a FROM ds.base', 'ds.v'])",
            "os.system(f'bq rm -f {DS}.{name}')"));

        Assert.Equal(new[] { "bq", "gsutil" }, record.ToolsInvoked);
        Assert.Equal(new[] { "ds.dst", "ds.loaded", "ds.q_dest", "ds.v", "{DS}.{name}", "{PROJECT}.bqx_ml_v3_features_v2.{name}" }, record.TablesWritten);
        Assert.Equal(new[] { "bqx-ml.bqx_ml_v3_features_v2" }, record.Template("{DS}.{name}").Values["DS"]);
        var rm = record.Template("{PROJECT}.bqx_ml_v3_features_v2.{name}");
        Assert.Equal(6, rm.Line);
        Assert.Equal(new[] { "cov_a", "cov_b" }, rm.Values["name"]);
        Assert.Equal(new[] { "bqx-ml" }, rm.Values["PROJECT"]);
        Assert.Equal(new[] { "ds.base", "ds.q_src", "ds.src1", "ds.src2" }, record.TablesRead);
        Assert.Equal(new[] { "SELECT * FROM ds.q_src", "SELECT a FROM ds.base" }, record.SqlStatements);
        Assert.Equal(new[] { "gs://b/x.parquet", "gs://bqx-ml-staging/" }, record.GcsUris);
    }

    [Fact]
    public void Analyze_WhenOtherToolsRun_ShouldListThemAndResolvePythonScripts()
    {
        var record = Py.Analyze(Py.Lines(
            "import subprocess, sys, asyncio",
            "subprocess.run([sys.executable, 'scripts/validate.py', '--table', t, '--workers=4'])",
            "subprocess.Popen(['python3', '-u', 'merge.py', '--pair', p])",
            "subprocess.run('gcloud run jobs execute bqx-ml-extract --region us-central1', shell=True)",
            "subprocess.run(['/usr/bin/docker', 'build', '.'])",
            "subprocess.run('echo done; rm -rf /tmp/x', shell=True)",
            "subprocess.run(['bash', '-c', 'gsutil -m cp a b'])",
            "await asyncio.create_subprocess_exec('kubectl', 'get', 'pods')",
            "subprocess.run(tool_from_config)"),
            "scripts/validate.py", "scripts/merge.py");

        Assert.Equal(new[] { "bash", "docker", "gcloud", "gsutil", "kubectl", "python", "python3" }, record.ToolsInvoked);
        var validate = record.Invocations.Single(i => i.Tool == "python");
        Assert.Equal("scripts/validate.py", validate.Script);
        Assert.Equal("scripts/validate.py", validate.ResolvedScript);
        Assert.Equal(new[] { "--table", "--workers" }, validate.Flags);
        Assert.Equal(2, validate.Line);
        var merge = record.Invocations.Single(i => i.Tool == "python3");
        Assert.Equal("merge.py", merge.Script);
        Assert.Equal("scripts/merge.py", merge.ResolvedScript);
        Assert.Equal(new[] { "--pair" }, merge.Flags);
    }

    [Fact]
    public void Analyze_WhenStringsHoldGcsUris_ShouldListThemWithTemplatesKept()
    {
        var record = Py.Analyze(Py.Lines(
            "BUCKET = 'bqx-ml-staging'",
            "CHECKPOINTS = 'gs://bqx-ml-staging/checkpoints/'",
            "uri = f'gs://{BUCKET}/checkpoints/{pair}/{date:%Y%m%d}.parquet'",
            "other = 'gs://' + BUCKET + '/merged/' + name + '.parquet'",
            "note = 'see gs://docs-bucket/readme.txt for details'",
            "prefix = 'gs://'"));

        Assert.Equal(
            new[] { "gs://bqx-ml-staging/checkpoints/", "gs://docs-bucket/readme.txt", "gs://{BUCKET}/checkpoints/{pair}/{date}.parquet", "gs://{BUCKET}/merged/{name}.parquet" },
            record.GcsUris);
    }

    [Fact]
    public void Analyze_WhenATableNameIsKeptOnSelf_ShouldResolveItInOtherMethods()
    {
        var record = Py.Analyze(Py.Lines(
            "from google.cloud import bigquery",
            "class Renamer:",
            "    def __init__(self, pair):",
            "        self.client = bigquery.Client()",
            "        self.target = f'bqx_ml_v3_features_v2.cov_{pair}'",
            "    def run(self):",
            "        self.client.delete_table(self.target)",
            "        self.client.query(f'CREATE TABLE `{self.target}` AS SELECT 1')"));

        Assert.Equal(new[] { "bqx_ml_v3_features_v2.cov_{pair}" }, record.TablesWritten);
        Assert.Equal(5, record.Template("bqx_ml_v3_features_v2.cov_{pair}").Line);
    }

    [Fact]
    public void Analyze_WhenFormatTakesKeywords_ShouldKeyValuesByKeyword()
    {
        var record = Py.Analyze(Py.Lines(
            "TEMPLATE = '{dataset}.mkt_{kind}_{pair}'",
            "PAIRS = ['eurusd']",
            "for p in PAIRS:",
            "    client.create_table(TEMPLATE.format(dataset='ds', kind=k, pair=p))"));

        Assert.Equal(new[] { "{dataset}.mkt_{kind}_{pair}" }, record.TablesWritten);
        var template = record.Template("{dataset}.mkt_{kind}_{pair}");
        Assert.Equal(new[] { "eurusd" }, template.Values["pair"]);
        Assert.Equal(new[] { "ds" }, template.Values["dataset"]);
        Assert.False(template.Values.ContainsKey("kind"));
    }
}
