using System.Globalization;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>A task's measured scope: the number and how it was measured (or why it could not be).</summary>
public sealed record ScopeMeasure(long? Count, string Basis);

/// <summary>What the readiness decision is made from.</summary>
public sealed class ReadinessInput
{
    public required AuditProfile Profile { get; init; }

    /// <summary>The phase id; null for the profile's first phase.</summary>
    public string? Phase { get; init; }

    /// <summary>When the phase is meant to start; null for the next working day's start.</summary>
    public DateTimeOffset? StartDate { get; init; }

    /// <summary>"Now", for the default start date (tests fix it).</summary>
    public DateTimeOffset Now { get; init; } = DateTimeOffset.UtcNow;

    public IReadOnlyList<ScriptRecord> Scripts { get; init; } = Array.Empty<ScriptRecord>();

    public IReadOnlyList<Blocker> Blockers { get; init; } = Array.Empty<Blocker>();

    /// <summary>Measured scope per task name, where something measured it (the naming audit).</summary>
    public IReadOnlyDictionary<string, ScopeMeasure> Scope { get; init; } = new Dictionary<string, ScopeMeasure>();

    public UsdRange? Cost { get; init; }
}

/// <summary>
/// Decides GO / CONDITIONAL GO / NO-GO for a phase: NoGo on any P0 blocker, ConditionalGo on any P1,
/// else Go; computes the critical path of blocker resolution and the earliest start in working hours,
/// and answers the directive's six questions from the same data.
/// </summary>
public static class ReadinessService
{
    public const string QuestionZeroDelay = ReadinessQuestions.ZeroDelay;
    public const string QuestionMissingScripts = ReadinessQuestions.MissingScripts;
    public const string QuestionInfrastructure = ReadinessQuestions.Infrastructure;
    public const string QuestionDependencies = ReadinessQuestions.Dependencies;
    public const string QuestionRisk = ReadinessQuestions.Risk;
    public const string QuestionLikelyBlockers = ReadinessQuestions.LikelyBlockers;

    public static PhaseReadiness Evaluate(ReadinessInput input)
    {
        var profile = input.Profile;
        var phase = input.Phase is null
            ? profile.Phases.FirstOrDefault() ?? throw Invalid("the profile defines no phases")
            : profile.Phases.FirstOrDefault(p => p.Id == input.Phase) ?? throw Invalid($"no phase '{input.Phase}' in the profile (phases: {string.Join(", ", profile.Phases.Select(p => p.Id))})");

        var blockers = input.Blockers.Where(b => b.AffectedPhase is null || b.AffectedPhase == phase.Id).ToList();
        var result = new PhaseReadiness
        {
            Phase = phase.Id,
            PhaseName = phase.Name ?? phase.Id,
            Blockers = blockers,
            Cost = input.Cost,
            Budget = phase.BudgetUsd is { } b ? new UsdRange { MinUsd = b.Min, MaxUsd = b.Max, Basis = "profile budgetUsd" } : null,
        };

        foreach (var task in phase.Tasks)
        {
            var scripts = input.Scripts.Where(s => s.PhaseTasks.Any(t => t.Phase == phase.Id && t.Task == task.Name)).ToList();
            var present = scripts.Where(s => s.Status != ScriptStatus.Missing).ToList();
            var status = present.Count == 0 ? ScriptStatus.Missing : present.Max(s => s.Status);
            var taskKeys = new HashSet<string>(present.Select(s => s.Path), StringComparer.Ordinal) { $"{phase.Id}/{task.Name}" };
            // A missing script's blocker carries the creation hours, which the task counts once as CreationHours.
            var delay = Sum(blockers.Where(x => x.Priority <= Priority.P1 && x.AffectedPhase == phase.Id && taskKeys.Contains(x.Source.Target)
                                                && !(status == ScriptStatus.Missing && x.Rule == "script.missing-phase-task")).Select(x => x.EstimatedDelay));
            input.Scope.TryGetValue(task.Name, out var measure);
            result.Tasks.Add(new PhaseTask
            {
                Name = task.Name,
                ScriptStatus = status,
                Scripts = present.Select(s => s.Path).ToList(),
                CreationHours = status == ScriptStatus.Missing && task.CreationHours is { } h ? new HoursRange { Min = h.Min, Max = h.Max } : null,
                DelayHours = delay,
                Parallel = task.Parallel,
                ClaimedScope = task.Tables?.ToString(),
                MeasuredScope = measure?.Count,
                ScopeBasis = measure?.Basis ?? (task.Tables is null ? null : "not measured: no measure of this task's tables ran"),
            });
        }

        var global = Sum(blockers.Where(x => x.Priority <= Priority.P1 && x.AffectedPhase is null).Select(x => x.EstimatedDelay));
        result.CriticalPathHours = Add(global, CriticalPath(result.Tasks));
        var (decision, reason) = Decide(blockers);
        result.Decision = decision;
        result.DecisionReason = reason;
        result.RiskLevel = decision switch { Decision.NoGo => RiskLevel.High, Decision.ConditionalGo => RiskLevel.Medium, _ => RiskLevel.Low };
        var zone = TimeZone(phase.WorkingHours.TimeZone);
        result.StartDate = input.StartDate ?? NextWorkingStart(input.Now, zone);
        result.EarliestStart = AddWorkingHours(result.StartDate.Value, result.CriticalPathHours.Min, phase.WorkingHours.PerDay, zone);
        result.WorkingHoursPerDay = phase.WorkingHours.PerDay;
        result.TimeZone = phase.WorkingHours.TimeZone;
        result.Answers = Answers(result);
        return result;
    }

    private static (Decision, string) Decide(IReadOnlyList<Blocker> blockers)
    {
        var p0 = blockers.Count(b => b.Priority == Priority.P0);
        var p1 = blockers.Count(b => b.Priority == Priority.P1);
        if (p0 > 0)
        {
            return (Decision.NoGo, $"{p0} P0 blocker{S(p0)} prevent{(p0 == 1 ? "s" : "")} execution: {string.Join("; ", blockers.Where(b => b.Priority == Priority.P0).Take(3).Select(b => b.Title))}{(p0 > 3 ? "; …" : "")}");
        }

        if (p1 > 0)
        {
            return (Decision.ConditionalGo, $"no P0 blocker; {p1} P1 blocker{S(p1)} must be resolved or accepted: {string.Join("; ", blockers.Where(b => b.Priority == Priority.P1).Take(3).Select(b => b.Title))}");
        }

        return (Decision.Go, blockers.Count == 0 ? "no blockers found in any measured area" : $"only P2/P3 findings ({blockers.Count})");
    }

    /// <summary>Tasks run in sequence unless marked parallel (a parallel task runs beside the one before it).</summary>
    internal static HoursRange CriticalPath(IReadOnlyList<PhaseTask> tasks)
    {
        var total = new HoursRange();
        HoursRange? segment = null;
        foreach (var task in tasks)
        {
            var own = Add(task.CreationHours ?? new HoursRange(), task.DelayHours);
            if (segment is not null && task.Parallel)
            {
                segment = new HoursRange { Min = Math.Max(segment.Min, own.Min), Max = Math.Max(segment.Max, own.Max) };
                continue;
            }

            if (segment is not null)
            {
                total = Add(total, segment);
            }

            segment = own;
        }

        return segment is null ? total : Add(total, segment);
    }

    /// <summary>Adds working hours (Monday–Friday, from 09:00, <paramref name="perDay"/> hours a day) to a start time.</summary>
    internal static DateTimeOffset AddWorkingHours(DateTimeOffset start, double hours, double perDay, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(start, zone);
        var cursor = ClampToWorkingTime(local, perDay, zone);
        var remaining = hours;
        while (remaining > 1e-9)
        {
            var dayEnd = new DateTimeOffset(cursor.Date.AddHours(9 + perDay), cursor.Offset);
            var available = (dayEnd - cursor).TotalHours;
            if (remaining < available)
            {
                return cursor.AddHours(remaining);
            }

            remaining -= available;
            cursor = ClampToWorkingTime(dayEnd, perDay, zone);
        }

        return cursor;
    }

    internal static DateTimeOffset NextWorkingStart(DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(now, zone);
        var next = new DateTimeOffset(local.Date.AddDays(1).AddHours(9), zone.GetUtcOffset(local.Date.AddDays(1).AddHours(9)));
        while (next.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday)
        {
            next = next.AddDays(1);
        }

        return next;
    }

    private static DateTimeOffset ClampToWorkingTime(DateTimeOffset t, double perDay, TimeZoneInfo zone)
    {
        while (true)
        {
            var dayStart = new DateTimeOffset(t.Date.AddHours(9), zone.GetUtcOffset(t.Date.AddHours(9)));
            var dayEnd = dayStart.AddHours(perDay);
            if (t.DayOfWeek is DayOfWeek.Saturday or DayOfWeek.Sunday || t >= dayEnd)
            {
                var nextDay = t.Date.AddDays(1).AddHours(9);
                t = new DateTimeOffset(nextDay, zone.GetUtcOffset(nextDay));
                continue;
            }

            return t < dayStart ? dayStart : t;
        }
    }

    private static Dictionary<string, string> Answers(PhaseReadiness r)
    {
        var start = r.StartDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) ?? "the planned date";
        var p0 = r.Blockers.Where(b => b.Priority == Priority.P0).ToList();
        var missing = r.Tasks.Where(t => t.ScriptStatus == ScriptStatus.Missing).ToList();
        var infra = r.Blockers.Where(b => b.Category is "Infrastructure" && b.Priority <= Priority.P1).ToList();
        var deps = r.Blockers.Where(b => b.Category is "Dependency" or "Security").ToList();
        var likely = r.Blockers.Where(b => b.Priority <= Priority.P1).Take(5).ToList();
        var missingTotal = Sum(missing.Select(t => t.CreationHours));
        return new Dictionary<string, string>
        {
            [QuestionZeroDelay] = r.Decision == Decision.Go
                ? $"Yes: no P0 or P1 blocker; {r.PhaseName} can start {start}."
                : $"No: {r.DecisionReason}. Earliest start {Format(r.EarliestStart)} after {r.CriticalPathHours} of resolution work.",
            [QuestionMissingScripts] = missing.Count == 0
                ? "None: every task has a script."
                : $"{missing.Count} missing ({missingTotal} to create): " + string.Join("; ", missing.Select(t => $"{t.Name} ({t.CreationHours?.ToString() ?? "no estimate"})")) + ".",
            [QuestionInfrastructure] = infra.Count == 0
                ? "None found in the measured checks."
                : $"{infra.Count}: " + string.Join("; ", infra.Select(b => $"{b.Priority} {b.Title}")) + ".",
            [QuestionDependencies] = deps.Count == 0
                ? "None found."
                : $"{deps.Count}: " + string.Join("; ", deps.Take(8).Select(b => $"{b.Priority} {b.Title}")) + (deps.Count > 8 ? "; …" : "") + ".",
            [QuestionRisk] = $"{r.RiskLevel.ToString().ToUpperInvariant()}: {r.DecisionReason}.",
            [QuestionLikelyBlockers] = likely.Count == 0
                ? "None at P0/P1."
                : string.Join("; ", likely.Select(b => $"{b.Id} {b.Priority} {b.Title}")) + (r.Blockers.Count(b => b.Priority <= Priority.P1) > likely.Count ? "; …" : "") + ".",
        };
    }

    private static string Format(DateTimeOffset? t) => t?.ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture) ?? "unknown";

    private static HoursRange Sum(IEnumerable<HoursRange?> ranges)
    {
        var total = new HoursRange();
        foreach (var r in ranges)
        {
            if (r is not null)
            {
                total = Add(total, r);
            }
        }

        return total;
    }

    private static HoursRange Add(HoursRange a, HoursRange b) => new() { Min = a.Min + b.Min, Max = a.Max + b.Max };

    private static string S(int n) => n == 1 ? "" : "s";

    internal static TimeZoneInfo TimeZone(string id)
    {
        try
        {
            return id is "UTC" or "utc" ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw Invalid($"unknown time zone '{id}' in workingHours.timeZone");
        }
    }

    private static BqxAudit.Hosting.BqxException Invalid(string message) =>
        new(new BqxAudit.Hosting.BqxError(BqxAudit.Hosting.ErrorIds.InputInvalid, BqxAudit.Hosting.BqxErrorCategory.InvalidArgument, message));
}
