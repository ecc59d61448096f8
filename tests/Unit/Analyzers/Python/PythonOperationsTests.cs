using BqxAudit.Inventory.Analyzers.Shell;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Analyzers.Python;

/// <summary>What a script does to BigQuery tables and local files (ScriptRecord.Operations), with the line of each.</summary>
public sealed class PythonOperationsTests
{
    private static IEnumerable<(OperationKind Kind, int Line)> Ops(ScriptRecord r) => r.Operations.Select(o => (o.Kind, o.Line));

    [Fact]
    public void Analyze_WhenTheClientRunsARenameBuiltInAVariable_ShouldRecordTheRenameAtTheStatementsLine()
    {
        var r = Py.Analyze(Py.Lines(
            "from google.cloud import bigquery",
            "client = bigquery.Client()",
            "for old, new in RENAMES:",
            "    sql = f'''",
            "        ALTER TABLE `p.ds.{old}`",
            "        RENAME TO {new}'''",
            "    client.query(sql).result()"));

        var rename = Assert.Single(r.Operations);
        Assert.Equal(OperationKind.Rename, rename.Kind);
        Assert.Equal(5, rename.Line);
        Assert.Equal("sql", rename.Via);
        Assert.Equal("ALTER TABLE `p.ds.{old}` RENAME TO {new}", rename.Detail);
        Assert.Equal("p.ds.{old}", rename.Target);
        Assert.False(r.LocalFilesOnly);
    }

    [Fact]
    public void Analyze_WhenRenameSqlIsOnlyWrittenToAReportOrPrinted_ShouldRecordNoRename()
    {
        var r = Py.Analyze(Py.Lines(
            "import logging",
            "from google.cloud import bigquery",
            "log = logging.getLogger()",
            "client = bigquery.Client()",
            "rows = client.query('SELECT table_id FROM `p.ds.__TABLES__`').result()",
            "with open('PLAN.md', 'w') as f:",
            "    for row in rows:",
            "        f.write(f\"ALTER TABLE `p.ds.{row.table_id}` RENAME TO x_{row.table_id};\\n\")",
            "        print(f'DROP TABLE p.ds.{row.table_id}')",
            "        log.info(f'bq rm -f p:ds.{row.table_id}')",
            "        lines.append(f'CREATE VIEW p.ds.v AS SELECT 1')",
            "        text = f'ALTER TABLE p.ds.a RENAME TO b'",
            "        print(text)",
            "        raise ValueError(f'DROP TABLE p.ds.{row.table_id} failed')"));

        Assert.Equal(new[] { (OperationKind.Read, 5), (OperationKind.WriteFile, 6) }, Ops(r));
        Assert.Equal("PLAN.md", r.Operations[1].Target);
    }

    [Fact]
    public void Analyze_WhenAFileCannotRunSql_ShouldTreatItsSqlStringsAsText()
    {
        var r = Py.Analyze(Py.Lines(
            "import json",
            "STATEMENTS = ['DROP TABLE p.ds.a', 'ALTER TABLE p.ds.b RENAME TO c']",
            "with open('catalogue.json') as f:",
            "    data = json.load(f)",
            "with open('report.md', 'w') as out:",
            "    out.write(json.dumps(STATEMENTS))"));

        Assert.Equal(new[] { (OperationKind.ReadFile, 3), (OperationKind.WriteFile, 5) }, Ops(r));
        Assert.True(r.LocalFilesOnly);
    }

    [Fact]
    public void Analyze_WhenADocstringDescribesDrops_ShouldRecordTheRunDropWithTheStatedCount()
    {
        var r = Py.Analyze(Py.Lines(
            "\"\"\"Remediation.",
            "",
            "- DELETE 285 PATTERN_VIOLATION tables (duplicates)",
            "- DROP TABLE is run once per duplicate",
            "\"\"\"",
            "from google.cloud import bigquery",
            "client = bigquery.Client()",
            "for name in duplicates:",
            "    client.query(f'DROP TABLE `p.ds.{name}`').result()",
            "    client.delete_table(f'p.ds.{name}_old', not_found_ok=True)"));

        Assert.Equal(new[] { (OperationKind.Drop, 9), (OperationKind.Drop, 10) }, Ops(r));
        Assert.All(r.Operations, o => Assert.Equal(285, o.StatedCount));
        Assert.Equal("client.delete_table(p.ds.{name}_old)", r.Operations[1].Detail);
    }

    [Theory]
    [InlineData("client.query('CREATE OR REPLACE VIEW p.ds.old AS SELECT * FROM p.ds.new')", OperationKind.CreateView)]
    [InlineData("client.query('CREATE TABLE p.ds.new AS SELECT * FROM p.ds.old')", OperationKind.Copy)]
    [InlineData("client.query('CREATE TABLE p.ds.new CLONE p.ds.old')", OperationKind.Copy)]
    [InlineData("client.query('CREATE OR REPLACE TABLE p.ds.f AS SELECT a.x, b.y FROM p.s.a JOIN p.s.b USING (t)')", OperationKind.CreateTable)]
    [InlineData("client.query('CREATE SNAPSHOT TABLE p.ds.old_snap CLONE p.ds.old')", OperationKind.Backup)]
    [InlineData("client.query('TRUNCATE TABLE p.ds.t')", OperationKind.DeleteRows)]
    [InlineData("client.query('DELETE FROM p.ds.t WHERE d < \"2020-01-01\"')", OperationKind.DeleteRows)]
    [InlineData("client.query('SELECT COUNT(*) AS n FROM p.ds.t')", OperationKind.RowCount)]
    [InlineData("client.query('SELECT table_id, row_count FROM p.ds.__TABLES__')", OperationKind.RowCount)]
    [InlineData("client.query('SELECT total_rows FROM `region-us`.INFORMATION_SCHEMA.TABLE_STORAGE')", OperationKind.RowCount)]
    [InlineData("client.query('SELECT COUNT(*) FROM p.ds.INFORMATION_SCHEMA.TABLES')", OperationKind.Read)]
    [InlineData("client.copy_table('p.ds.a', 'p.ds.b')", OperationKind.Copy)]
    [InlineData("client.extract_table('p.ds.a', 'gs://b/a-*.avro')", OperationKind.Backup)]
    [InlineData("n = client.get_table('p.ds.a').num_rows", OperationKind.RowCount)]
    [InlineData("view.view_query = 'SELECT * FROM p.ds.a'", OperationKind.CreateView)]
    public void Analyze_WhenTheClientRunsAStatement_ShouldRecordItsKind(string line, OperationKind kind)
    {
        var r = Py.Analyze(Py.Lines("from google.cloud import bigquery", "client = bigquery.Client()", line));

        Assert.Contains(r.Operations, o => o.Kind == kind && o.Line == 3);
    }

    [Theory]
    [InlineData("subprocess.run(['bq', 'mv', '-f', f'p:ds.{a}', f'p:ds.{b}'], check=True)", OperationKind.Rename)]
    [InlineData("subprocess.run(['bq', '--location=US', 'rm', '-f', '-t', 'p:ds.t'])", OperationKind.Drop)]
    [InlineData("os.system(f'bq cp p:ds.a p:ds.a_backup')", OperationKind.Copy)]
    [InlineData("subprocess.run(f'bq mk --view=\"SELECT 1\" p:ds.v', shell=True)", OperationKind.CreateView)]
    [InlineData("subprocess.check_output('bq query --use_legacy_sql=false \"SELECT COUNT(*) FROM p.ds.t\"', shell=True)", OperationKind.RowCount)]
    public void Analyze_WhenTheScriptRunsBq_ShouldRecordTheCommandsOperation(string line, OperationKind kind)
    {
        var r = Py.Analyze(Py.Lines("import os", "import subprocess", line));

        var op = Assert.Single(r.Operations);
        Assert.Equal(kind, op.Kind);
        Assert.Equal(3, op.Line);
        Assert.Equal("bq", op.Via);
    }

    [Fact]
    public void Analyze_WhenATableNameIsBuiltInAnIfElse_ShouldRecordTheBranchAndTheVariable()
    {
        var r = Py.Analyze(Py.Lines(
            "def name(kind, source_variant, p1, p2):",
            "    if source_variant == 'bqx':",
            "        table_name = f'cov_{kind}_{p1}_{p2}'",
            "    elif source_variant in ('old', \"legacy\"):",
            "        table_name = f'cov_{kind}_old_{p1}_{p2}'",
            "    else:",
            "        table_name = f'cov_{kind}_idx_{p1}_{p2}'",
            "    return table_name"));

        var bqx = r.Template("cov_{kind}_{p1}_{p2}");
        Assert.Equal("table_name", bqx.AssignedTo);
        Assert.Equal(("source_variant", false, 2), (bqx.Guard!.Variable, bqx.Guard.Negated, bqx.Guard.Line));
        Assert.Equal(new[] { "bqx" }, bqx.Guard.Values);
        Assert.Equal(new[] { "old", "legacy" }, r.Template("cov_{kind}_old_{p1}_{p2}").Guard!.Values);
        var other = r.Template("cov_{kind}_idx_{p1}_{p2}").Guard!;
        Assert.True(other.Negated);
        Assert.Equal(new[] { "bqx", "old", "legacy" }, other.Values);
        Assert.Equal(6, other.Line);
    }

    [Fact]
    public void Analyze_WhenOnlyLocalFilesAreTouched_ShouldSayLocalFilesOnly()
    {
        var r = Py.Analyze(Py.Lines(
            "import pandas as pd",
            "df = pd.read_csv('in.csv')",
            "df.to_csv('out.csv')"));

        Assert.True(r.LocalFilesOnly);
        Assert.Equal(new[] { (OperationKind.ReadFile, 2), (OperationKind.WriteFile, 3) }, Ops(r));
    }
}

/// <summary>What a shell script does to BigQuery tables and local files.</summary>
public sealed class ShellOperationsTests
{
    private static ScriptRecord Run(string text) => AnalyzerHarness.Run(new ShellAnalyzer(), "scripts/job.sh", text);

    [Fact]
    public void Analyze_WhenTheScriptRunsBqCommands_ShouldRecordEachOperationAtItsLine()
    {
        var r = Run(string.Join("\n",
            "#!/bin/bash",
            "set -euo pipefail",
            "bq ls --format=csv \"$PROJECT:$DATASET\" > /tmp/tables.txt",
            "bq cp -f p:ds.old p:ds.old_backup",
            "bq mv p:ds.old p:ds.new",
            "sudo bq rm -f -t p:ds.tmp 2>/dev/null",
            "bq mk --view='SELECT * FROM p.ds.new' p:ds.old",
            "bq query --use_legacy_sql=false 'SELECT COUNT(*) FROM p.ds.new'",
            "echo \"bq rm -f p:ds.never\"",
            "") + "\n");

        Assert.Equal(new[]
        {
            (OperationKind.Read, 3), (OperationKind.WriteFile, 3), (OperationKind.Copy, 4), (OperationKind.Rename, 5),
            (OperationKind.Drop, 6), (OperationKind.CreateView, 7), (OperationKind.RowCount, 8),
        }, r.Operations.Select(o => (o.Kind, o.Line)));
        Assert.Equal("/tmp/tables.txt", r.Operations[1].Target);
        Assert.Equal("bq rm -f -t p:ds.tmp", r.Operations[4].Detail);
        Assert.False(r.LocalFilesOnly);
    }

    [Fact]
    public void Analyze_WhenTheScriptOnlyWritesFiles_ShouldSayLocalFilesOnly()
    {
        var r = Run("#!/bin/sh\nset -e\necho header > report.csv\ncat a.txt | tee -a report.csv\n");

        Assert.True(r.LocalFilesOnly);
        Assert.All(r.Operations, o => Assert.Equal(OperationKind.WriteFile, o.Kind));
    }
}
