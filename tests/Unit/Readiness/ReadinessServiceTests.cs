using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Readiness;
using System.Text.RegularExpressions;

namespace BqxAudit.Tests.Readiness;

public class ReadinessServiceTests
{
    private static readonly AuditProfile Profile = ProfileLoader.Parse(
        "name: t\nphases:\n  - id: P\n    name: Phase P\n    workingHours: { perDay: 8, timeZone: UTC }\n    tasks:\n" +
        "      - { name: A, tables: 10, scriptGlobs: [ a.py ], creationHours: { min: 4, max: 6 } }\n" +
        "      - { name: B, scriptGlobs: [ b.py ], creationHours: { min: 2, max: 3 }, parallel: true }\n" +
        "      - { name: C, scriptGlobs: [ c.py ], creationHours: { min: 1, max: 1 } }\n", "t.yaml");

    private static readonly DateTimeOffset Monday = new(2025, 12, 15, 9, 0, 0, TimeSpan.Zero);

    private static ScriptRecord Script(string path, ScriptStatus status, string task) => new()
    {
        Path = path, Status = status, PhaseTasks = { new PhaseTaskRef { Phase = "P", Task = task } },
    };

    private static Blocker B(Priority p, string? phase = "P", string target = "x", double min = 1, double max = 2) => new()
    {
        Id = BlockerService.StableId(p.ToString(), target), Title = $"{p} thing", Priority = p, AffectedPhase = phase, Category = "Script",
        EstimatedDelay = new HoursRange { Min = min, Max = max }, Source = new BlockerSource { Target = target },
    };

    [Fact]
    public void Evaluate_WhenAnyP0_ShouldSayNoGoHighRisk()
    {
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Blockers = new[] { B(Priority.P0), B(Priority.P1, target: "y") } });
        Assert.Equal(Decision.NoGo, r.Decision);
        Assert.Equal(RiskLevel.High, r.RiskLevel);
        Assert.StartsWith("No:", r.Answers[ReadinessService.QuestionZeroDelay]);
    }

    [Fact]
    public void Evaluate_WhenOnlyP1_ShouldSayConditionalGo()
    {
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Blockers = new[] { B(Priority.P1), B(Priority.P3, target: "z") } });
        Assert.Equal(Decision.ConditionalGo, r.Decision);
        Assert.Equal(RiskLevel.Medium, r.RiskLevel);
    }

    [Fact]
    public void Evaluate_WhenOnlyP2OrOtherPhases_ShouldSayGo()
    {
        var scripts = new[] { Script("a.py", ScriptStatus.Ready, "A"), Script("b.py", ScriptStatus.Ready, "B"), Script("c.py", ScriptStatus.Ready, "C") };
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scripts = scripts, Blockers = new[] { B(Priority.P2), B(Priority.P0, phase: "OTHER") } });
        Assert.Equal(Decision.Go, r.Decision);
        Assert.Single(r.Blockers);
        Assert.Equal(0, r.CriticalPathHours.Max);
        Assert.Equal(Monday, r.EarliestStart);
        Assert.StartsWith("Yes", r.Answers[ReadinessService.QuestionZeroDelay]);
    }

    [Fact]
    public void Evaluate_WhenTasksMissing_ShouldAddCreationHoursInSequenceUnlessParallel()
    {
        // A (4-6) with B (2-3) beside it, then C (1): 5-7 hours.
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday });
        Assert.All(r.Tasks, t => Assert.Equal(ScriptStatus.Missing, t.ScriptStatus));
        Assert.Equal(5, r.CriticalPathHours.Min);
        Assert.Equal(7, r.CriticalPathHours.Max);
        Assert.Equal(Monday.AddHours(5), r.EarliestStart);
        Assert.Contains("3 missing", r.Answers[ReadinessService.QuestionMissingScripts]);
    }

    [Fact]
    public void Evaluate_WhenPhaseWideAndTaskBlockers_ShouldPutPhaseWideOnesFirstOnThePath()
    {
        var scripts = new[] { Script("a.py", ScriptStatus.Blocked, "A"), Script("b.py", ScriptStatus.Ready, "B"), Script("c.py", ScriptStatus.Ready, "C") };
        var blockers = new[] { B(Priority.P0, target: "infra", min: 1, max: 1), B(Priority.P0, target: "a.py", min: 3, max: 4), B(Priority.P0, phase: null, target: "elsewhere", min: 9, max: 9) };
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scripts = scripts, Blockers = blockers });
        Assert.Equal(ScriptStatus.Blocked, r.Tasks[0].ScriptStatus);
        Assert.Equal(3, r.Tasks[0].DelayHours.Min);
        Assert.Equal(4, r.CriticalPathHours.Min);
        Assert.Equal(5, r.CriticalPathHours.Max);
    }

    [Fact]
    public void Evaluate_WhenABlockerTouchesNothingThePhaseRuns_ShouldLeaveItOutOfTheDecisionAndThePath()
    {
        var scripts = new[] { Script("a.py", ScriptStatus.Ready, "A"), Script("b.py", ScriptStatus.Ready, "B"), Script("c.py", ScriptStatus.Ready, "C") };

        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scripts = scripts, Blockers = new[] { B(Priority.P0, phase: null, target: "repo") } });

        Assert.Equal(Decision.Go, r.Decision);
        Assert.Empty(r.Blockers);
        Assert.Equal(0, r.CriticalPathHours.Max);
    }

    [Fact]
    public void Evaluate_WhenOneRunResolvesSeveralBlockers_ShouldCountTheirDelayOnceAsTheLongest()
    {
        var scripts = new[] { Script("a.py", ScriptStatus.Ready, "A"), Script("b.py", ScriptStatus.Ready, "B"), Script("c.py", ScriptStatus.Ready, "C") };
        var run = "a measured run";
        var cloud = B(Priority.P0, target: "offline", min: 0.25, max: 1);
        cloud.ResolvedBy = run;
        var listing = B(Priority.P1, target: "features", min: 0.25, max: 0.5);
        listing.ResolvedBy = run;
        var own = B(Priority.P1, target: "cost", min: 2, max: 3);

        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scripts = scripts, Blockers = new[] { cloud, listing, own } });

        Assert.Equal(2.25, r.CriticalPathHours.Min);
        Assert.Equal(4, r.CriticalPathHours.Max);
    }

    [Fact]
    public void Evaluate_WhenNoStartIsGiven_ShouldStartOnThePhasesPlannedStart()
    {
        var profile = ProfileLoader.Parse(
            "name: t\nphases:\n  - id: P\n    plannedStart: 2025-12-16\n    workingHours: { perDay: 8, timeZone: UTC }\n    tasks:\n      - { name: A, scriptGlobs: [ a.py ], creationHours: { min: 2, max: 2 } }\n", "t.yaml");

        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = profile, Now = Monday });

        Assert.Equal(new DateTimeOffset(2025, 12, 16, 9, 0, 0, TimeSpan.Zero), r.StartDate);
        Assert.Equal(new DateTimeOffset(2025, 12, 16, 11, 0, 0, TimeSpan.Zero), r.EarliestStart);
        var given = ReadinessService.Evaluate(new ReadinessInput { Profile = profile, Now = Monday, StartDate = Monday });
        Assert.Equal(Monday, given.StartDate);
    }

    [Fact]
    public void Evaluate_WhenManyBlockers_ShouldAnswerInWholeItemsListingFewerInsteadOfCutting()
    {
        var blockers = Enumerable.Range(0, 40).Select(i => B(Priority.P0, target: $"t{i}")).Select((b, i) => { b.Title = $"Blocker number {i} with a long descriptive title"; return b; }).ToArray();

        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Blockers = blockers });

        Assert.Matches(@"; and \d+ more$", r.DecisionReason);
        Assert.All(r.Answers.Values, a => Assert.DoesNotContain("…", a));
        Assert.EndsWith(".", r.Answers[ReadinessService.QuestionLikelyBlockers]);
        Assert.All(Regex.Matches(r.DecisionReason, "Blocker number [0-9]+[^;]*").Select(m => m.Value), t => Assert.EndsWith("with a long descriptive title", t));
    }

    [Fact]
    public void Evaluate_WhenMissingScriptHasItsBlocker_ShouldCountTheCreationHoursOnce()
    {
        var missing = new Blocker
        {
            Id = "BQX-00000001", Title = "A script missing", Priority = Priority.P0, AffectedPhase = "P", Rule = "script.missing-phase-task",
            EstimatedDelay = new HoursRange { Min = 4, Max = 6 }, Source = new BlockerSource { Target = "P/A" },
        };
        var scripts = new[] { Script("b.py", ScriptStatus.Ready, "B"), Script("c.py", ScriptStatus.Ready, "C") };

        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scripts = scripts, Blockers = new[] { missing } });

        Assert.Equal(4, r.Tasks[0].CreationHours!.Min);
        Assert.Equal(0, r.Tasks[0].DelayHours.Max);
        Assert.Equal(4, r.CriticalPathHours.Min);
        Assert.Equal(6, r.CriticalPathHours.Max);
    }

    [Fact]
    public void AddWorkingHours_WhenPastTheWorkingDayOrWeekend_ShouldRollToTheNextWorkingDay()
    {
        var friday = new DateTimeOffset(2025, 12, 12, 15, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 12, 15, 11, 0, 0, TimeSpan.Zero), ReadinessService.AddWorkingHours(friday, 4, 8, TimeZoneInfo.Utc));
        var saturday = new DateTimeOffset(2025, 12, 13, 20, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 12, 15, 9, 0, 0, TimeSpan.Zero), ReadinessService.AddWorkingHours(saturday, 0, 8, TimeZoneInfo.Utc));
        Assert.Equal(new DateTimeOffset(2025, 12, 17, 9, 0, 0, TimeSpan.Zero), ReadinessService.AddWorkingHours(Monday, 16, 8, TimeZoneInfo.Utc));
    }

    [Fact]
    public void NextWorkingStart_WhenCalledOnSaturday_ShouldGiveMondayMorning()
    {
        var saturday = new DateTimeOffset(2025, 12, 13, 20, 30, 0, TimeSpan.Zero);
        Assert.Equal(new DateTimeOffset(2025, 12, 15, 9, 0, 0, TimeSpan.Zero), ReadinessService.NextWorkingStart(saturday, TimeZoneInfo.Utc));
    }

    [Fact]
    public void Evaluate_WhenScopeMeasured_ShouldShowClaimedAndMeasured()
    {
        var scope = new Dictionary<string, ScopeMeasure> { ["A"] = new(12, "naming audit: 12 NonCompliant tables in family x") };
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Scope = scope });
        Assert.Equal("10", r.Tasks[0].ClaimedScope);
        Assert.Equal(12, r.Tasks[0].MeasuredScope);
        Assert.Null(r.Tasks[1].ClaimedScope);
    }

    [Fact]
    public void Evaluate_WhenPhaseUnknown_ShouldNameTheKnownPhases()
    {
        var e = Assert.Throws<BqxException>(() => ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, Phase = "Q" }));
        Assert.Contains("phases: P", e.Message);
    }

    [Fact]
    public void Evaluate_WhenAnswered_ShouldAnswerAllSixQuestions()
    {
        var r = ReadinessService.Evaluate(new ReadinessInput { Profile = Profile, StartDate = Monday, Blockers = new[] { B(Priority.P0) } });
        Assert.Equal(6, r.Answers.Count);
        Assert.All(r.Answers.Values, a => Assert.False(string.IsNullOrWhiteSpace(a)));
    }
}
