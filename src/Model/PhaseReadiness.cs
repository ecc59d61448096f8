using System.Text.Json.Serialization;

namespace BqxAudit.Model;

[JsonConverter(typeof(JsonStringEnumConverter<Decision>))]
public enum Decision
{
    Go,
    ConditionalGo,
    NoGo,
}

[JsonConverter(typeof(JsonStringEnumConverter<RiskLevel>))]
public enum RiskLevel
{
    Low,
    Medium,
    High,
}

/// <summary>A range of US dollars with the basis it was computed on.</summary>
public sealed class UsdRange
{
    /// <summary>Lower bound; null when the cost was not measured (Basis says why).</summary>
    public double? MinUsd { get; set; }

    /// <summary>Upper bound; null when the cost was not measured (Basis says why).</summary>
    public double? MaxUsd { get; set; }

    /// <summary>How the range was computed (dry-run bytes × price, storage bound, budget), or why it was not.</summary>
    public string Basis { get; set; } = "";

    public bool Measured => MinUsd is not null && MaxUsd is not null;

    public override string ToString() => !Measured
        ? "not verified"
        : MinUsd == MaxUsd
            ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${MinUsd:0.##}")
            : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"${MinUsd:0.##}-{MaxUsd:0.##}");
}

/// <summary>One task of a phase: its scripts' status, what creating them would take, and its claimed vs measured scope.</summary>
public sealed class PhaseTask
{
    public string Name { get; set; } = "";

    /// <summary>The worst status among the task's scripts (Missing when none exists).</summary>
    public ScriptStatus ScriptStatus { get; set; }

    public List<string> Scripts { get; set; } = new();

    /// <summary>What the task does to tables (the profile's <c>action</c>: renameTables, createViews, validateRowCounts …).</summary>
    public string Action { get; set; } = "custom";

    /// <summary>Files that match the task's globs but do not perform its action (so they do not satisfy it).</summary>
    public List<string> NotPerforming { get; set; } = new();

    /// <summary>How the scripts perform the action, or why the task is Missing ("matches the globs but renames nothing: …").</summary>
    public string? Reason { get; set; }

    /// <summary>Hours to create the script, from the profile, when it is missing.</summary>
    public HoursRange? CreationHours { get; set; }

    /// <summary>Hours of blocker resolution on this task before it can run.</summary>
    public HoursRange DelayHours { get; set; } = new();

    public bool Parallel { get; set; }

    /// <summary>The table count the plan claims (<c>224 → 56</c> for a shape change).</summary>
    public string? ClaimedScope { get; set; }

    /// <summary>The table count measured, when a measure exists; null when not measured.</summary>
    public long? MeasuredScope { get; set; }

    /// <summary>How the scope was measured, or why it was not.</summary>
    public string? ScopeBasis { get; set; }
}

/// <summary>The answer for one phase: GO / CONDITIONAL GO / NO-GO, with the blockers and numbers behind it.</summary>
public sealed class PhaseReadiness
{
    public string Phase { get; set; } = "";
    public string PhaseName { get; set; } = "";
    public Decision Decision { get; set; }
    public RiskLevel RiskLevel { get; set; }
    public string DecisionReason { get; set; } = "";
    public List<PhaseTask> Tasks { get; set; } = new();
    public List<Blocker> Blockers { get; set; } = new();
    public HoursRange CriticalPathHours { get; set; } = new();
    public DateTimeOffset? StartDate { get; set; }
    public DateTimeOffset? EarliestStart { get; set; }

    /// <summary>Working hours per day the schedule counts (the phase's <c>workingHours.perDay</c>).</summary>
    public double WorkingHoursPerDay { get; set; } = 8;

    /// <summary>Time zone of the working day (the phase's <c>workingHours.timeZone</c>).</summary>
    public string TimeZone { get; set; } = "UTC";

    public UsdRange? Cost { get; set; }
    public UsdRange? Budget { get; set; }

    /// <summary>The directive's six critical questions, each answered from the data.</summary>
    public Dictionary<string, string> Answers { get; set; } = new();

    public override string ToString() => $"{Phase}: {Decision}";
}
