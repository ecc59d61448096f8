using System.Text.Json.Serialization;

namespace BqxAudit.Model;

[JsonConverter(typeof(JsonStringEnumConverter<Decision>))]
public enum Decision : long
{
    Go,
    ConditionalGo,
    NoGo,
}

[JsonConverter(typeof(JsonStringEnumConverter<RiskLevel>))]
public enum RiskLevel : long
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

    public override string ToString()
    {
        var scripts = Scripts.Count == 0 ? "" : " (" + string.Join(", ", Scripts) + ")";
        var create = CreationHours is null ? "" : $", create {CreationHours}";
        var delay = DelayHours.Max > 0 ? $", delay {DelayHours}" : "";
        return $"{Name}: {ScriptStatus}{scripts}{create}{delay}";
    }
}

/// <summary>
/// The directive's six critical questions: the short stable ids that key <see cref="PhaseReadiness.Answers"/>,
/// in the directive's order, with the question each stands for. Scripts key on the ids; reports print the text.
/// </summary>
public static class ReadinessQuestions
{
    public const string ZeroDelay = "ZeroDelay";
    public const string MissingScripts = "MissingScripts";
    public const string Infrastructure = "Infrastructure";
    public const string Dependencies = "Dependencies";
    public const string Risk = "Risk";
    public const string LikelyBlockers = "LikelyBlockers";

    /// <summary>Every question, in the directive's order: (id, question).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> All { get; } = new KeyValuePair<string, string>[]
    {
        new(ZeroDelay, "1. Can the phase start on the planned date with zero delays?"),
        new(MissingScripts, "2. Which scripts are missing, and how long to create them?"),
        new(Infrastructure, "3. Are there infrastructure blockers (quotas, permissions, …)?"),
        new(Dependencies, "4. Are there dependency issues (missing packages, API access)?"),
        new(Risk, "5. What is the risk level of the phase?"),
        new(LikelyBlockers, "6. If it starts on the planned date, what are the likely execution blockers?"),
    };

    /// <summary>The question an id stands for; an unknown key is its own text.</summary>
    public static string Text(string id)
    {
        foreach (var (key, question) in All)
        {
            if (key == id)
            {
                return question;
            }
        }

        return id;
    }

    /// <summary>The answers as (question, answer) in the directive's order; keys that are not ids follow, ordinally.</summary>
    public static IEnumerable<KeyValuePair<string, string>> Ordered(IReadOnlyDictionary<string, string> answers)
    {
        var known = All.Select(q => q.Key).ToHashSet(StringComparer.Ordinal);
        foreach (var (id, question) in All)
        {
            if (answers.TryGetValue(id, out var answer))
            {
                yield return new(question, answer);
            }
        }

        foreach (var (key, answer) in answers.Where(kv => !known.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            yield return new(key, answer);
        }
    }
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

    /// <summary>The directive's six critical questions, each answered from the data, keyed by <see cref="ReadinessQuestions"/> id (<c>ZeroDelay</c> …).</summary>
    public Dictionary<string, string> Answers { get; set; } = new();

    /// <summary>The question each key of <see cref="Answers"/> stands for (id → question).</summary>
    public Dictionary<string, string> Questions => Answers.Keys.ToDictionary(k => k, ReadinessQuestions.Text, StringComparer.Ordinal);

    /// <summary>0 Go, 1 ConditionalGo, 2 NoGo: what <c>bqx-audit readiness</c> exits with, so a scheduled task ends with <c>exit $r.ExitCode</c>.</summary>
    [JsonIgnore]
    public int ExitCode => Decision switch
    {
        Decision.Go => 0,
        Decision.ConditionalGo => 1,
        _ => 2,
    };

    /// <summary>The audited root (full path); set by the cmdlets, not in the JSON.</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>The tasks on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string TasksText => Flat.Join(Tasks);

    /// <summary>The blockers' ids and priorities on one line (Export-Csv, tickets).</summary>
    [JsonIgnore]
    public string BlockersText => Flat.Join(Blockers.Select(b => $"{b.Id} {b.Priority}"));

    public override string ToString() => $"{Phase}: {Decision}";
}
