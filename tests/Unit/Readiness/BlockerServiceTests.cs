using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;

namespace BqxAudit.Tests.Readiness;

public class BlockerServiceTests
{
    private static readonly AuditProfile Profile = ProfileLoader.LoadEmbedded("bqx-ml-v3");

    private static ScriptRecord Missing(string task) => new()
    {
        Name = task, Path = "scripts/*x*", Status = ScriptStatus.Missing,
        PhaseTasks = { new PhaseTaskRef { Phase = "M008-4C", Task = task } },
        Evidence = { new Evidence("profile", "phases[M008-4C]", "no inventoried file matches scripts/*x*") },
    };

    [Fact]
    public void Evaluate_WhenPhaseTaskMissing_ShouldRaiseP0WithTheTasksCreationEstimate()
    {
        var blocker = Assert.Single(new BlockerService(Profile).Evaluate(new object[] { Missing("LAG rename") }));

        Assert.Equal(Priority.P0, blocker.Priority);
        Assert.Equal("script.missing-phase-task", blocker.Rule);
        Assert.Equal("LAG rename script missing", blocker.Title);
        Assert.Equal("M008-4C", blocker.AffectedPhase);
        Assert.Equal(2, blocker.EstimatedDelay!.Min);
        Assert.Equal(4, blocker.EstimatedDelay.Max);
        Assert.Equal("no inventoried file matches scripts/*x*", blocker.Description);
        Assert.Contains("M008 Phase 4C", blocker.Impact);
        Assert.NotEmpty(blocker.Evidence);
        Assert.Matches("^BQX-[0-9A-F]{8}$", blocker.Id);
    }

    [Fact]
    public void Evaluate_WhenTheTaskDeclaresPriorityIfMissing_ShouldRaiseTheMissingScriptAtThatPriority()
    {
        // View creation declares priorityIfMissing: P1 in the embedded profile; it used to come out P0.
        var blocker = Assert.Single(new BlockerService(Profile).Evaluate(new object[] { Missing("View creation (30-day grace period)") }));

        Assert.Equal(Priority.P1, blocker.Priority);
        Assert.Equal("script.missing-phase-task", blocker.Rule);
    }

    [Fact]
    public void Evaluate_WhenAPhaseScriptDropsTablesWithoutABackup_ShouldRaiseP1WithTheStatementsAsEvidence()
    {
        var script = new ScriptRecord
        {
            Path = "scripts/remediate.py", Status = ScriptStatus.Partial,
            PhaseTasks = { new PhaseTaskRef { Phase = "M008-4C", Task = "Primary violations" } },
            Operations = { new ScriptOperation { Kind = OperationKind.Drop, Line = 40, Via = "sql", Detail = "DROP TABLE `p.ds.{name}`" } },
            Findings =
            {
                new Finding(BqxAudit.Inventory.PhaseTaskMatching.DestructiveNoBackupRule, FindingSeverity.Warning,
                    "destroys data as task 'Primary violations' of M008 Phase 4C: 1 drop statement at line 40 (DROP TABLE `p.ds.{name}`); no backup or rollback step", "scripts/remediate.py:40"),
            },
        };

        var blocker = Assert.Single(new BlockerService(Profile).Evaluate(new object[] { script }));

        Assert.Equal("script.destructive-phase-task", blocker.Rule);
        Assert.Equal(Priority.P1, blocker.Priority);
        Assert.Equal("M008-4C", blocker.AffectedPhase);
        Assert.Equal("Destructive phase script without a backup: scripts/remediate.py", blocker.Title);
        Assert.Contains(blocker.Evidence, e => e.Location == "scripts/remediate.py:40" && e.Detail.StartsWith("Drop: DROP TABLE", StringComparison.Ordinal));
    }

    [Fact]
    public void StableId_WhenSameRuleAndTarget_ShouldNeverChange()
    {
        Assert.Equal(BlockerService.StableId("script.missing-phase-task", "M008-4C/LAG consolidation"),
                     BlockerService.StableId("script.missing-phase-task", "M008-4C/LAG consolidation"));
        Assert.NotEqual(BlockerService.StableId("a", "b"), BlockerService.StableId("a", "c"));
        // Pinned: a change here changes every blocker id users have filed.
        Assert.Equal("BQX-" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData("a\nb"u8.ToArray()))[..8], BlockerService.StableId("a", "b"));
    }

    [Fact]
    public void Evaluate_WhenScriptsHaveFindings_ShouldPrioritiseByPhaseAndKind()
    {
        var phaseBlocked = new ScriptRecord
        {
            Path = "scripts/execute.py", Status = ScriptStatus.Blocked,
            PhaseTasks = { new PhaseTaskRef { Phase = "M008-4C", Task = "Primary violations" } },
            Findings = { new Finding("python.unresolved-import", FindingSeverity.Error, "import m008_rules does not resolve", "scripts/execute.py:7") },
        };
        var interactive = new ScriptRecord
        {
            Path = "scripts/rename_cov.py", Status = ScriptStatus.Partial, Interactive = true,
            PhaseTasks = { new PhaseTaskRef { Phase = "M008-4C", Task = "COV rename" } },
            Findings = { new Finding("python.interactive-in-phase", FindingSeverity.Warning, "calls input()", "scripts/rename_cov.py:1") },
        };
        var outside = new ScriptRecord
        {
            Path = "scripts/merge_only.sh", Status = ScriptStatus.Partial,
            Findings =
            {
                new Finding("shell.no-errexit", FindingSeverity.Warning, "no set -e", "scripts/merge_only.sh:1"),
                new Finding("shell.unknown-flag", FindingSeverity.Warning, "passes --dry-run", "scripts/merge_only.sh:4"),
            },
        };

        var blockers = new BlockerService(Profile).Evaluate(new object[] { outside, interactive, phaseBlocked });

        Assert.Equal(new[] { Priority.P0, Priority.P1, Priority.P2, Priority.P3 }, blockers.Select(b => b.Priority));
        Assert.Equal("script.blocked-phase-task", blockers[0].Rule);
        Assert.Contains("m008_rules", blockers[0].Description);
        Assert.Equal("script.interactive-phase-task", blockers[1].Rule);
        Assert.Equal("script.partial", blockers[2].Rule);
        Assert.Null(blockers[2].AffectedPhase);
        Assert.Equal("script.style", blockers[3].Rule);
    }

    [Fact]
    public void Evaluate_WhenSameFindingTwice_ShouldMergeIntoOneBlockerWithBothEvidence()
    {
        var a = new DependencyRecord { Name = "polars", Type = DependencyType.PythonPackage, Status = DependencyStatus.VersionConflict, Evidence = { new Evidence("file", "requirements.txt:4", "polars==0.20.3") } };
        var b = new DependencyRecord { Name = "polars", Type = DependencyType.PythonPackage, Status = DependencyStatus.VersionConflict, Evidence = { new Evidence("file", "Dockerfile.merge:5", "polars==0.19") } };

        var blocker = Assert.Single(new BlockerService(Profile).Evaluate(new object[] { a, b }));

        Assert.Equal(2, blocker.Evidence.Count);
        Assert.Equal(Priority.P2, blocker.Priority);
    }

    [Theory]
    [InlineData(DependencyStatus.Exposed, DependencyType.Secret, false, "secret.committed", Priority.P1)]
    [InlineData(DependencyStatus.Undeclared, DependencyType.PythonPackage, true, "dependency.undeclared-phase", Priority.P1)]
    [InlineData(DependencyStatus.Undeclared, DependencyType.PythonPackage, false, "dependency.undeclared", Priority.P2)]
    [InlineData(DependencyStatus.Missing, DependencyType.Api, true, "api.disabled", Priority.P0)]
    [InlineData(DependencyStatus.Unused, DependencyType.PythonPackage, false, "dependency.unused", Priority.P3)]
    [InlineData(DependencyStatus.InconsistentPins, DependencyType.PythonPackage, false, "dependency.inconsistent-pins", Priority.P3)]
    public void Evaluate_WhenDependencyFinding_ShouldApplyTheDefaultTable(DependencyStatus status, DependencyType type, bool critical, string rule, Priority priority)
    {
        var d = new DependencyRecord { Name = "x", Type = type, Status = status, Critical = critical, Location = "a/.env:3" };
        var blocker = Assert.Single(new BlockerService(Profile).Evaluate(new object[] { d }));
        Assert.Equal(rule, blocker.Rule);
        Assert.Equal(priority, blocker.Priority);
    }

    [Fact]
    public void Evaluate_WhenReadyThingsOnly_ShouldRaiseNothing()
    {
        var ready = new ScriptRecord { Path = "a.py", Status = ScriptStatus.Ready };
        var dep = new DependencyRecord { Name = "pandas", Status = DependencyStatus.Ready };
        Assert.Empty(new BlockerService(Profile).Evaluate(new object[] { ready, dep, "not a finding" }));
    }

    [Fact]
    public void Constructor_WhenOverrideGiven_ShouldReplaceOnlyTheFieldsGiven()
    {
        var service = new BlockerService(Profile, new[] { new BlockerRuleOverride { Rule = "script.style", Priority = "P2", DelayMinHours = 1, DelayMaxHours = 3 } });
        var rule = service.Rules.Single(r => r.Id == "script.style");
        Assert.Equal(Priority.P2, rule.Priority);
        Assert.Equal(3, rule.EstimatedDelay!.Max);
        Assert.Equal("Script", rule.Category);
    }

    [Fact]
    public void Constructor_WhenOverrideNamesUnknownRule_ShouldRefuseNamingTheKnownOnes()
    {
        var e = Assert.Throws<BqxException>(() => new BlockerService(Profile, new[] { new BlockerRuleOverride { Rule = "nope" } }));
        Assert.Contains("script.style", e.Message);
    }

    [Fact]
    public void DefaultRules_WhenListed_ShouldHaveUniqueIdsAndEveryPriority()
    {
        var ids = DefaultBlockerRules.All.Select(r => r.Id).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal(new[] { Priority.P0, Priority.P1, Priority.P2, Priority.P3 }, DefaultBlockerRules.All.Select(r => r.Priority).Distinct().OrderBy(p => p));
    }
}
