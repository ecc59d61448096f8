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

        // The phase's blockers: those raised for it or touching what it runs (the audit decides that; see PhaseScope).
        var blockers = input.Blockers.Where(b => b.AffectedPhase == phase.Id).ToList();
        var result = new PhaseReadiness
        {
            Phase = phase.Id,
            PhaseName = phase.Name ?? phase.Id,
            Blockers = blockers,
            Cost = input.Cost,
            Budget = phase.BudgetUsd is { } b ? new UsdRange { MinUsd = b.Min, MaxUsd = b.Max, Basis = "profile budgetUsd" } : null,
        };

        // Each blocker's delay counts once: on the first task it is raised on, else once for the phase; blockers
        // that one action resolves (ResolvedBy: one measured run) count once together, as their longest delay.
        var counted = new HashSet<string>(StringComparer.Ordinal);
        var urgent = blockers.Where(x => x.Priority <= Priority.P1).ToList();
        foreach (var task in phase.Tasks)
        {
            var scripts = input.Scripts.Where(s => s.PhaseTasks.Any(t => t.Phase == phase.Id && t.Task == task.Name)).ToList();
            var present = scripts.Where(s => s.Status != ScriptStatus.Missing).ToList();
            var missingRecord = scripts.FirstOrDefault(s => s.Status == ScriptStatus.Missing);
            var status = present.Count == 0 ? ScriptStatus.Missing : present.Max(s => s.Status);
            var taskKey = $"{phase.Id}/{task.Name}";
            var taskKeys = new HashSet<string>(present.Select(s => s.Path), StringComparer.Ordinal) { taskKey };
            // A missing script's blocker carries the creation hours, which the task counts once as CreationHours.
            foreach (var x in urgent.Where(x => status == ScriptStatus.Missing && x.Rule == "script.missing-phase-task" && x.Source.Target == taskKey))
            {
                counted.Add(x.Id);
            }

            var delay = Sum(urgent.Where(x => taskKeys.Contains(x.Source.Target) && counted.Add(x.Id)).Select(x => x.EstimatedDelay));
            input.Scope.TryGetValue(task.Name, out var measure);
            result.Tasks.Add(new PhaseTask
            {
                Name = task.Name,
                Action = task.Action,
                ScriptStatus = status,
                Scripts = present.Select(s => s.Path).ToList(),
                NotPerforming = NotPerforming(input.Scripts, phase, task),
                Reason = missingRecord?.Evidence.FirstOrDefault(e => e.Source == "profile")?.Detail
                         ?? (present.Count > 0 && task.Action != TaskActions.Custom ? Performed(present, task, input.Scripts, phase) : null),
                CreationHours = status == ScriptStatus.Missing && task.CreationHours is { } h ? new HoursRange { Min = h.Min, Max = h.Max } : null,
                DelayHours = delay,
                Parallel = task.Parallel,
                ClaimedScope = task.Tables?.ToString(),
                MeasuredScope = measure?.Count,
                ScopeBasis = measure?.Basis ?? (task.Tables is null ? null : "not measured: no measure of this task's tables ran"),
            });
        }

        var global = new HoursRange();
        foreach (var group in urgent.Where(x => !counted.Contains(x.Id)).GroupBy(x => x.ResolvedBy ?? x.Id, StringComparer.Ordinal))
        {
            var longest = new HoursRange { Min = group.Max(x => x.EstimatedDelay?.Min ?? 0), Max = group.Max(x => x.EstimatedDelay?.Max ?? 0) };
            global = Add(global, longest);
        }

        result.CriticalPathHours = Add(global, CriticalPath(result.Tasks));
        var (decision, reason) = Decide(blockers);
        result.Decision = decision;
        result.DecisionReason = reason;
        result.RiskLevel = decision switch { Decision.NoGo => RiskLevel.High, Decision.ConditionalGo => RiskLevel.Medium, _ => RiskLevel.Low };
        var zone = TimeZone(phase.WorkingHours.TimeZone);
        result.StartDate = input.StartDate ?? PlannedStart(phase) ?? NextWorkingStart(input.Now, zone);
        result.EarliestStart = AddWorkingHours(result.StartDate.Value, result.CriticalPathHours.Min, phase.WorkingHours.PerDay, zone);
        result.WorkingHoursPerDay = phase.WorkingHours.PerDay;
        result.TimeZone = phase.WorkingHours.TimeZone;
        result.Answers = Answers(result);
        return result;
    }

    /// <summary>The files that match a task's globs but do not perform its action (their evidence says so).</summary>
    private static List<string> NotPerforming(IReadOnlyList<ScriptRecord> scripts, PhaseProfile phase, TaskProfile task)
    {
        var location = $"phases[{phase.Id}].tasks[{task.Name}]";
        return scripts.Where(s => s.Status != ScriptStatus.Missing && s.Evidence.Any(e => e.Source == "profile" && e.Location == location && e.Detail.StartsWith("does not implement", StringComparison.Ordinal)))
            .Select(s => s.Path).ToList();
    }

    /// <summary>How the task's scripts perform its action: the first statement of each, with its line.</summary>
    private static string Performed(IReadOnlyList<ScriptRecord> present, TaskProfile task, IReadOnlyList<ScriptRecord> all, PhaseProfile phase)
    {
        var kinds = task.Action switch
        {
            TaskActions.RenameTables => new[] { OperationKind.Rename, OperationKind.Copy, OperationKind.Drop },
            TaskActions.CreateViews => new[] { OperationKind.CreateView },
            TaskActions.ValidateRowCounts => new[] { OperationKind.RowCount },
            TaskActions.ConsolidateTables => new[] { OperationKind.Copy, OperationKind.CreateTable },
            TaskActions.DropTables => new[] { OperationKind.Drop },
            TaskActions.Report => new[] { OperationKind.WriteFile },
            _ => Array.Empty<OperationKind>(),
        };
        // The statement that performs the action itself comes first (a rename before the drops that go with it).
        var parts = present.Select(s => (s.Path, Op: s.Operations.Where(o => kinds.Contains(o.Kind)).OrderBy(o => Array.IndexOf(kinds, o.Kind)).ThenBy(o => o.Line).FirstOrDefault()))
            .Where(x => x.Op is not null).Select(x => $"{x.Path}:{x.Op!.Line} ({x.Op.Detail})").ToList();
        var text = parts.Count == 0 ? $"{task.Action}: performed by {string.Join(", ", present.Select(s => s.Path))}" : $"{task.Action}: " + string.Join("; ", parts);
        var location = $"phases[{phase.Id}].tasks[{task.Name}]";
        var others = all.SelectMany(s => s.Evidence.Where(e => e.Source == "profile" && e.Location == location && e.Detail.StartsWith("does not implement", StringComparison.Ordinal)))
            .Select(e => e.Detail[(e.Detail.IndexOf(": ", StringComparison.Ordinal) + 2)..]).ToList();
        return others.Count == 0 ? text : $"{text}; not satisfied by: {string.Join("; ", others)}";
    }

    private static (Decision, string) Decide(IReadOnlyList<Blocker> blockers)
    {
        var p0 = blockers.Where(b => b.Priority == Priority.P0).ToList();
        var p1 = blockers.Where(b => b.Priority == Priority.P1).ToList();
        if (p0.Count > 0)
        {
            return (Decision.NoGo, $"{p0.Count} P0 blocker{S(p0.Count)} prevent{(p0.Count == 1 ? "s" : "")} execution: {Listing(p0.Select(b => b.Title), 240)}");
        }

        if (p1.Count > 0)
        {
            return (Decision.ConditionalGo, $"no P0 blocker; {p1.Count} P1 blocker{S(p1.Count)} must be resolved or accepted: {Listing(p1.Select(b => b.Title), 240)}");
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

    /// <summary>The phase's <c>plannedStart</c>: a date at 09:00 of its working day's time zone, or the time given; null when unset or not a date.</summary>
    public static DateTimeOffset? PlannedStart(PhaseProfile phase)
    {
        if (string.IsNullOrWhiteSpace(phase.PlannedStart))
        {
            return null;
        }

        var zone = TimeZone(phase.WorkingHours.TimeZone);
        var value = phase.PlannedStart.Trim();
        if (DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            var morning = date.ToDateTime(new TimeOnly(9, 0));
            return new DateTimeOffset(morning, zone.GetUtcOffset(morning));
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : null;
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
        var missing = r.Tasks.Where(t => t.ScriptStatus == ScriptStatus.Missing).ToList();
        var infra = r.Blockers.Where(b => b.Category is "Infrastructure" && b.Priority <= Priority.P1).ToList();
        var deps = r.Blockers.Where(b => b.Category is "Dependency" or "Security").ToList();
        var likely = r.Blockers.Where(b => b.Priority <= Priority.P1).ToList();
        var missingTotal = Sum(missing.Select(t => t.CreationHours));
        var notDoing = r.Tasks.SelectMany(t => t.NotPerforming.Select(p => $"{p} ({t.Name})")).ToList();
        return new Dictionary<string, string>
        {
            [QuestionZeroDelay] = r.Decision == Decision.Go
                ? $"Yes: no P0 or P1 blocker; {r.PhaseName} can start {start}."
                : $"No: {r.DecisionReason}. The earliest start is {Format(r.EarliestStart)}, after {Hours(r.CriticalPathHours)} of resolution work.",
            [QuestionMissingScripts] = missing.Count == 0
                ? "None: a script performs every task."
                : $"{missing.Count} missing ({Hours(missingTotal)} to create): {Listing(missing.Select(t => $"{t.Name} ({(t.CreationHours is { } h ? Hours(h) : "no estimate")})"), 200)}."
                  + (notDoing.Count == 0 ? "" : $" Matching the globs without doing the task: {Listing(notDoing, 160)}."),
            [QuestionInfrastructure] = infra.Count == 0
                ? "None found in the measured checks."
                : $"{infra.Count}: {Listing(infra.Select(b => $"{b.Priority} {b.Title}"), 260)}.",
            [QuestionDependencies] = deps.Count == 0
                ? "None touch the phase's scripts."
                : $"{deps.Count}: {Listing(deps.Select(b => $"{b.Priority} {b.Title}"), 260)}.",
            [QuestionRisk] = $"{r.RiskLevel.ToString().ToUpperInvariant()}: {r.DecisionReason}.",
            [QuestionLikelyBlockers] = likely.Count == 0
                ? "None at P0/P1."
                : $"{Listing(likely.Select(b => $"{b.Id} {b.Priority} {b.Title}"), 300)}.",
        };
    }

    /// <summary>
    /// Items joined with "; " while they fit in <paramref name="budget"/> characters, then "and N more": shortened by
    /// listing fewer items, never by cutting one (the first is always whole).
    /// </summary>
    internal static string Listing(IEnumerable<string> items, int budget)
    {
        var all = items.ToList();
        var shown = new List<string>();
        var length = 0;
        foreach (var item in all)
        {
            if (shown.Count > 0 && length + item.Length + 2 > budget)
            {
                break;
            }

            shown.Add(item);
            length += item.Length + 2;
        }

        var rest = all.Count - shown.Count;
        return string.Join("; ", shown) + (rest > 0 ? $"; and {rest} more" : "");
    }

    /// <summary><c>5.75-12 hours</c>, <c>2 hours</c> (invariant, up to two decimals).</summary>
    private static string Hours(HoursRange h) => h.Min == h.Max
        ? string.Create(CultureInfo.InvariantCulture, $"{h.Min:0.##} hours")
        : string.Create(CultureInfo.InvariantCulture, $"{h.Min:0.##}-{h.Max:0.##} hours");

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
