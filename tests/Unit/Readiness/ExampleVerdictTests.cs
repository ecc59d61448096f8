using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;
using BqxAudit.Reporting;
using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.Support;

namespace BqxAudit.Tests.Readiness;

/// <summary>
/// The Phase 4C judgement on the example repository: tasks matched by what their scripts do, the destructive script,
/// variant-less twins, one blocker per cause, phase blockers apart from repository findings, and the planned start.
/// </summary>
public class ExampleVerdictTests
{
    private static readonly Lazy<AuditResult> Result = new(() => new AuditService(new RecordingHost()).Run(new AuditOptions
    {
        Root = RepoPaths.Example,
        Profile = ProfileLoader.LoadFile(Path.Combine(RepoPaths.Example, "bqxaudit.yaml")),
        Offline = true,
        Date = new DateOnly(2025, 12, 13),
    }));

    private static PhaseTask Task(string name) => Assert.Single(Result.Value.Readiness.Tasks, t => t.Name == name);

    private static RenamePlanItem Plan(string source) => Assert.Single(Result.Value.RenamePlan, i => i.Source == source);

    [Fact]
    public void Readiness_WhenAReportOnlyScriptMatchesTheLagRenameGlob_ShouldLeaveTheTaskMissingWithTheReason()
    {
        var lag = Task("LAG rename");

        Assert.Equal(TaskActions.RenameTables, lag.Action);
        Assert.Equal(ScriptStatus.Missing, lag.ScriptStatus);
        Assert.Empty(lag.Scripts);
        Assert.Equal(new[] { "scripts/generate_lag_rename_mapping.py" }, lag.NotPerforming);
        Assert.Equal("scripts/generate_lag_rename_mapping.py matches the globs but renames nothing: it only reads BigQuery and writes local files (LAG_RENAME_MAPPING.csv)", lag.Reason);
        var blocker = Assert.Single(Result.Value.Blockers, b => b.Source.Target == "M008-4C/LAG rename" && b.Rule == "script.missing-phase-task");
        Assert.Equal(Priority.P0, blocker.Priority);
        Assert.Equal(lag.Reason, blocker.Description);
        Assert.Empty(Assert.Single(Result.Value.Scripts, s => s.Path == "scripts/generate_lag_rename_mapping.py").PhaseTasks);
    }

    [Fact]
    public void Readiness_WhenARenameScriptAndAReportOnlyScriptMatch_ShouldBeReadyThroughTheRenameScriptOnly()
    {
        var var = Task("VAR rename");

        Assert.Equal(ScriptStatus.Ready, var.ScriptStatus);
        Assert.Equal(new[] { "scripts/rename_var_tables.py" }, var.Scripts);
        Assert.Equal(new[] { "scripts/assess_var_rename_strategy.py" }, var.NotPerforming);
        Assert.Contains("scripts/rename_var_tables.py:24 (ALTER TABLE", var.Reason);
        // Its report carries ALTER TABLE … RENAME TO text, written with f.write: written, not run.
        var assess = Assert.Single(Result.Value.Scripts, s => s.Path == "scripts/assess_var_rename_strategy.py");
        Assert.DoesNotContain(assess.Operations, o => o.Kind == OperationKind.Rename);
        Assert.Contains(assess.Operations, o => o.Kind == OperationKind.WriteFile && o.Target == "VAR_RENAME_STRATEGY.md");
    }

    [Fact]
    public void Readiness_WhenTheColumnCheckCountsNoRows_ShouldBeValidatedByTheRowCountParityScript()
    {
        var validation = Task("Validation (row counts, schemas)");

        Assert.Equal(TaskActions.ValidateRowCounts, validation.Action);
        Assert.Equal(new[] { "scripts/validate_row_count_parity.py" }, validation.Scripts);
        Assert.Equal(new[] { "scripts/validate_m008_column_compliance.py" }, validation.NotPerforming);
        var column = Assert.Single(Result.Value.Scripts, s => s.Path == "scripts/validate_m008_column_compliance.py");
        Assert.True(column.LocalFilesOnly);
        Assert.Contains("counts no rows: it only reads and writes local files (M008_COLUMN_REPORT.md)", validation.Reason);
    }

    [Fact]
    public void Readiness_WhenAPhaseScriptDropsTablesWithoutABackup_ShouldRaiseAP1WithTheCountAndShowItInTheReports()
    {
        var script = Assert.Single(Result.Value.Scripts, s => s.Path == "scripts/execute_m008_table_remediation.py");
        var drop = Assert.Single(script.Operations, o => o.Kind == OperationKind.Drop);
        Assert.Equal(25, drop.Line);
        Assert.Equal(12, drop.StatedCount);
        var finding = Assert.Single(script.Findings, f => f.Rule == BqxAudit.Inventory.PhaseTaskMatching.DestructiveNoBackupRule);
        Assert.Equal("scripts/execute_m008_table_remediation.py:25", finding.Location);
        var blocker = Assert.Single(Result.Value.Readiness.Blockers, b => b.Rule == "script.destructive-phase-task");
        Assert.Equal(Priority.P1, blocker.Priority);
        Assert.Contains("1 drop statement at line 25", blocker.Description);
        Assert.Contains("its docstring says it deletes 12 tables", blocker.Description);

        var readiness = MarkdownReportWriter.Write(Result.Value, Deliverable.PhaseReadiness);
        Assert.Contains("| `scripts/execute_m008_table_remediation.py` | Primary violations | DROP TABLE `bqx-ml.bqx_ml_v3_features_v2.{name}` | 25 | 12 | no ❌ |", readiness);
        Assert.Contains($"`{blocker.Id}` Destructive phase script without a backup: scripts/execute_m008_table_remediation.py", MarkdownReportWriter.Write(Result.Value, Deliverable.Summary));
    }

    [Fact]
    public void Readiness_WhenViewCreationIsMissing_ShouldHonourItsPriorityIfMissing()
    {
        Assert.Equal(ScriptStatus.Missing, Task("View creation (30-day grace period)").ScriptStatus);
        Assert.Equal(Priority.P1, Assert.Single(Result.Value.Blockers, b => b.Source.Target == "M008-4C/View creation (30-day grace period)").Priority);
    }

    [Fact]
    public void RenamePlan_WhenVariantlessTablesHaveTwins_ShouldPlanDuplicatesNeverRenamesOntoExistingTables()
    {
        var names = Result.Value.Naming.Select(n => n.TableName).ToHashSet(StringComparer.Ordinal);

        Assert.DoesNotContain(Result.Value.RenamePlan, i => i.Action == RenameAction.Rename && names.Contains(i.Target!));
        Assert.Equal(7, Result.Value.RenamePlan.Count(i => i.Action == RenameAction.Duplicate));
        // cov: the generator writes bqx without a marker, and the bqx twin exists.
        var cov = Plan("cov_agg_eurusd_gbpusd");
        Assert.Equal(RenameAction.Duplicate, cov.Action);
        Assert.Equal("cov_agg_bqx_eurusd_gbpusd", cov.CollidesWith);
        Assert.StartsWith("scripts/generate_cov_tables.py:", cov.VariantEvidence);
        // var_corr_usd: corr is no VAR feature type, but its idx twin (the generator's unmarked variant) exists.
        Assert.Equal(RenameAction.Duplicate, Plan("var_corr_usd").Action);
        Assert.Equal("var_corr_idx_usd", Plan("var_corr_usd").CollidesWith);
        // lag: no generator says; the idx twin exists.
        Assert.Equal(RenameAction.Duplicate, Plan("lag_eurusd_90").Action);
        Assert.Equal(RenameAction.Manual, Plan("lag_gbpusd_720").Action);
        Assert.Equal(RenameAction.Duplicate, Plan("mkt_sentiment").Action);
        Assert.Equal(RenameAction.Manual, Plan("csi_agg_bqx_aud").Action);
        Assert.Equal(NamingStatus.NoRule, Assert.Single(Result.Value.Naming, n => n.TableName == "csi_agg_bqx_aud").Status);
    }

    [Fact]
    public void RenamePlan_WhenAGeneratorShowsTheUnmarkedVariant_ShouldRenameToItCitingTheLine()
    {
        var item = Plan("var_agg_usd");

        Assert.Equal(RenameAction.Rename, item.Action);
        Assert.Equal("var_agg_idx_usd", item.Target);
        Assert.Equal("scripts/generate_var_tables.py:24 writes var_{feature_type}_{currency} without a variant marker when args.variant == 'idx' (line 23)", item.VariantEvidence);
        Assert.Equal("cov_agg_bqx_audusd_eurgbp", Plan("cov_agg_audusd_eurgbp").Target);
    }

    [Fact]
    public void Blockers_WhenAFindingTouchesNothingThePhaseRuns_ShouldBeARepositoryFinding()
    {
        var r = Result.Value;

        var style = Assert.Single(r.Blockers, b => b.Rule == "script.style");
        Assert.Null(style.AffectedPhase);
        Assert.DoesNotContain(style, r.Readiness.Blockers);
        Assert.All(r.Readiness.Blockers, b => Assert.Equal("M008-4C", b.AffectedPhase));
        Assert.Contains(r.Readiness.Blockers, b => b.Rule == "dependency.undeclared-phase"); // tabulate, imported by the parity script
        Assert.Contains(r.Readiness.Blockers, b => b.Rule == "rename.collision");
    }

    [Fact]
    public void Readiness_WhenNoStartIsGiven_ShouldStartOnTheDirectivesPlannedDate()
    {
        Assert.Equal(new DateTimeOffset(2025, 12, 14, 9, 0, 0, TimeSpan.Zero), Result.Value.Readiness.StartDate);
    }

    [Fact]
    public void Audit_WhenTheTableListingIsAbsent_ShouldSayItInEveryReportAndBlockThePhasesRenames()
    {
        using var copy = new TempDir();
        CopyExample(copy.Path);
        File.Delete(Path.Combine(copy.Path, "tables.txt"));
        var host = new RecordingHost();

        var result = new AuditService(host).Run(new AuditOptions
        {
            Root = copy.Path,
            Profile = ProfileLoader.LoadFile(Path.Combine(copy.Path, "bqxaudit.yaml")),
            Offline = true,
            Date = new DateOnly(2025, 12, 13),
        });

        Assert.Empty(result.Naming);
        var gap = Assert.Single(result.Run.NotMeasured, n => n.StartsWith("Naming bqx_ml_v3_features_v2: not measured", StringComparison.Ordinal));
        Assert.Contains("tables.txt is absent", gap);
        var blocker = Assert.Single(result.Readiness.Blockers, b => b.Rule == "naming.listing-unavailable");
        Assert.Equal(Priority.P1, blocker.Priority);
        Assert.Equal("Rename collisions not checked: no table listing for bqx_ml_v3_features_v2", blocker.Title);
        Assert.Contains(result.Run.ProfileMismatches, m => m == "dataset bqx_ml_v3_features_v2: its table list file tables.txt is absent");
        foreach (var document in MarkdownReportWriter.BuildAll(result))
        {
            Assert.Contains("Naming bqx_ml_v3_features_v2: not measured", document.Markdown);
        }

        // The audit reports the gap as a finding: the user is told once, as a warning, not as an error of the run.
        Assert.DoesNotContain(host.Errors, e => e.Message.Contains("tableListFile", StringComparison.Ordinal));
        Assert.Single(host.Warnings, w => w.Contains("tableListFile of dataset 'bqx_ml_v3_features_v2' not found", StringComparison.Ordinal));
    }

    [Fact]
    public void Audit_WhenTheRootHasNoProfile_ShouldSayTheEmbeddedProfileWasAppliedAndWhatDoesNotFit()
    {
        using var copy = new TempDir();
        CopyExample(copy.Path);
        File.Delete(Path.Combine(copy.Path, "bqxaudit.yaml"));
        File.Delete(Path.Combine(copy.Path, "tables.txt"));

        var result = new AuditService(new RecordingHost()).Run(new AuditOptions
        {
            Root = copy.Path,
            Profile = ProfileLoader.Load(new ProfileRequest { Root = copy.Path, Environment = _ => null }),
            Offline = true,
            Date = new DateOnly(2025, 12, 13),
        });

        Assert.True(result.Run.EmbeddedProfileApplied);
        Assert.Contains("task 'View creation (30-day grace period)' of M008-4C: no file matches its globs (scripts/*view*, scripts/*grace*)", result.Run.ProfileMismatches);
        foreach (var document in MarkdownReportWriter.BuildAll(result))
        {
            Assert.Contains("the embedded profile bqx-ml-v3", document.Markdown);
            Assert.Contains("View creation (30-day grace period)", document.Markdown);
        }
    }

    internal static void CopyExample(string target)
    {
        foreach (var file in Directory.EnumerateFiles(RepoPaths.Example, "*", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(RepoPaths.Example, file);
            var destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination);
        }
    }
}
