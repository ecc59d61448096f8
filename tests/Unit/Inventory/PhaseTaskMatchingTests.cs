using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Inventory;

/// <summary>Phase tasks are satisfied by scripts that perform their action, not by scripts whose names match.</summary>
public class PhaseTaskMatchingTests
{
    private static AuditProfile Profile(string action, string globs) => ProfileLoader.Parse(
        $"name: t\nphases:\n  - id: P\n    name: Phase P\n    tasks:\n      - {{ name: T, action: {action}, scriptGlobs: [ {globs} ], creationHours: {{ min: 1, max: 2 }} }}\n", "t.yaml");

    private static IReadOnlyList<ScriptRecord> Run(TempDir dir, AuditProfile profile) =>
        new InventoryService(new RecordingHost()).Run(new InventoryOptions { Root = dir.Path, Profile = profile }).Records;

    private const string Client = "from google.cloud import bigquery\nclient = bigquery.Client()\n";

    [Fact]
    public void Run_WhenTheOnlyGlobMatchWritesAReport_ShouldLeaveTheTaskMissingSayingWhy()
    {
        using var dir = new TempDir();
        dir.Write("scripts/assess_var_rename.py", Client +
            "rows = client.query('SELECT table_id FROM `p.ds.__TABLES__`').result()\n" +
            "with open('VAR.md', 'w') as f:\n    for r in rows:\n        f.write(f'ALTER TABLE p.ds.{r.table_id} RENAME TO x;')\n");

        var records = Run(dir, Profile("renameTables", "\"scripts/*var*rename*\""));

        var missing = Assert.Single(records, r => r.Status == ScriptStatus.Missing);
        Assert.Equal("scripts/assess_var_rename.py matches the globs but renames nothing: it only reads BigQuery and writes local files (VAR.md)", missing.Evidence[0].Detail);
        var assess = Assert.Single(records, r => r.Path == "scripts/assess_var_rename.py");
        Assert.Empty(assess.PhaseTasks);
        Assert.Contains(assess.Evidence, e => e.Detail.StartsWith("does not implement task 'T'", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_WhenOneScriptCopiesAndAnotherDrops_ShouldBeSatisfiedByBothTogether()
    {
        using var dir = new TempDir();
        dir.Write("scripts/lag_rename_copy.py", Client + "client.copy_table('p.ds.lag_a', 'p.ds.lag_idx_a')\n");
        dir.Write("scripts/lag_rename_drop.py", Client + "client.query('DROP TABLE p.ds.lag_a').result()\n");
        dir.Write("scripts/lag_rename_notes.py", "with open('notes.md', 'w') as f:\n    f.write('done')\n");

        var records = Run(dir, Profile("renameTables", "\"scripts/lag_rename_*\""));

        Assert.DoesNotContain(records, r => r.Status == ScriptStatus.Missing);
        Assert.Equal(new[] { "scripts/lag_rename_copy.py", "scripts/lag_rename_drop.py" }, records.Where(r => r.PhaseTasks.Count > 0).Select(r => r.Path));
        // The drop is backed up by the copy the task makes first: an Info finding, no Warning.
        var drop = Assert.Single(records, r => r.Path == "scripts/lag_rename_drop.py");
        Assert.Equal(FindingSeverity.Info, Assert.Single(drop.Findings, f => f.Rule.StartsWith("bigquery.destructive", StringComparison.Ordinal)).Severity);
    }

    [Fact]
    public void Run_WhenACopyHasNoDelete_ShouldNotCountAsARename()
    {
        using var dir = new TempDir();
        dir.Write("scripts/rename_x.py", Client + "client.copy_table('p.ds.a', 'p.ds.b')\n");

        var records = Run(dir, Profile("renameTables", "\"scripts/rename_*\""));

        Assert.Contains("renames nothing: it copies tables (line 3)", Assert.Single(records, r => r.Status == ScriptStatus.Missing).Evidence[0].Detail);
    }

    [Fact]
    public void Run_WhenAPhaseScriptDropsWithoutABackup_ShouldAddAWarningWithTheCountAndLines()
    {
        using var dir = new TempDir();
        dir.Write("scripts/cleanup.py", "\"\"\"Drop 40 stale tables.\"\"\"\n" + Client + "for t in STALE:\n    client.query(f'DROP TABLE p.ds.{t}').result()\n");

        var records = Run(dir, Profile("dropTables", "\"scripts/cleanup.py\""));

        var script = Assert.Single(records, r => r.Path == "scripts/cleanup.py");
        var finding = Assert.Single(script.Findings, f => f.Rule == PhaseTaskMatching.DestructiveNoBackupRule);
        Assert.Equal(FindingSeverity.Warning, finding.Severity);
        Assert.Equal("scripts/cleanup.py:5", finding.Location);
        Assert.Contains("1 drop statement at line 5 (DROP TABLE p.ds.{t}); its docstring says it deletes 40 tables; no backup or rollback step", finding.Message);
        Assert.Equal(ScriptStatus.Partial, script.Status);
    }

    [Theory]
    [InlineData("createViews", "\"scripts/v.py\"", "client.query('CREATE VIEW p.ds.old AS SELECT * FROM p.ds.new')", true)]
    [InlineData("createViews", "\"scripts/v.py\"", "client.query('SELECT 1')", false)]
    [InlineData("validateRowCounts", "\"scripts/v.py\"", "print(client.get_table('p.ds.t').num_rows)", true)]
    [InlineData("validateRowCounts", "\"scripts/v.py\"", "print(client.get_table('p.ds.t').schema)", false)]
    [InlineData("custom", "\"scripts/v.py\"", "print(1)", true)]
    public void Run_WhenTheTaskHasAnAction_ShouldBeSatisfiedOnlyByAScriptThatPerformsIt(string action, string globs, string line, bool satisfied)
    {
        using var dir = new TempDir();
        dir.Write("scripts/v.py", Client + line + "\n");

        var records = Run(dir, Profile(action, globs));

        Assert.Equal(!satisfied, records.Any(r => r.Status == ScriptStatus.Missing));
    }
}
