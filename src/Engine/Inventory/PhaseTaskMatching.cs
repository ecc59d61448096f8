using System.Globalization;
using BqxAudit.Configuration;
using BqxAudit.Model;

namespace BqxAudit.Inventory;

/// <summary>How the files that match a task's globs stand against the task's action.</summary>
public sealed record TaskJudgement(
    bool Satisfied,
    IReadOnlyList<ScriptRecord> Performing,
    IReadOnlyList<(ScriptRecord Script, string Why)> NotPerforming,
    string Reason);

/// <summary>
/// Matches phase tasks by what scripts do, not by their names: a file that matches a task's globs satisfies it only
/// when its operations (<see cref="ScriptRecord.Operations"/>) perform the task's <c>action</c>; several files satisfy
/// it together when their operations do (a copy in one and the delete in another make a rename). A task with action
/// <c>custom</c> is satisfied by any matching file. Destructive operations of a performing script get a finding with
/// their count and lines, a Warning when no script of the task backs the tables up first.
/// </summary>
public static class PhaseTaskMatching
{
    /// <summary>Finding of a phase script that drops or deletes, with no backup or rollback step in the task (Warning).</summary>
    public const string DestructiveNoBackupRule = "bigquery.destructive-no-backup";

    /// <summary>Finding of a phase script that drops or deletes after a backup step of its task (Info).</summary>
    public const string DestructiveRule = "bigquery.destructive";

    private static readonly OperationKind[] Changes =
    {
        OperationKind.Rename, OperationKind.Copy, OperationKind.CreateTable, OperationKind.CreateView, OperationKind.Drop, OperationKind.DeleteRows, OperationKind.Backup,
    };

    /// <summary>The judgement of one task over the files that match its globs.</summary>
    public static TaskJudgement Judge(TaskProfile task, IReadOnlyList<ScriptRecord> matched)
    {
        var action = task.Action;
        if (action == TaskActions.Custom)
        {
            return new TaskJudgement(matched.Count > 0, matched, Array.Empty<(ScriptRecord, string)>(),
                matched.Count > 0 ? "the task's action is custom: the files matching its globs implement it" : NoMatch(task));
        }

        var relevant = Relevant(action);
        var performing = matched.Where(s => s.Operations.Any(o => relevant.Contains(o.Kind))).ToList();
        var kinds = performing.SelectMany(s => s.Operations).Select(o => o.Kind).ToHashSet();
        var satisfied = action switch
        {
            TaskActions.RenameTables => kinds.Contains(OperationKind.Rename) || (kinds.Contains(OperationKind.Copy) && kinds.Contains(OperationKind.Drop)),
            TaskActions.ConsolidateTables => kinds.Contains(OperationKind.Copy) || kinds.Contains(OperationKind.CreateTable),
            _ => performing.Count > 0,
        };
        if (!satisfied)
        {
            performing.Clear();
        }

        var notPerforming = matched.Where(s => !performing.Contains(s))
            .Select(s => (s, $"{s.Path} matches the globs but {Nothing(action)}: {Describe(s)}"))
            .ToList();
        string reason;
        if (satisfied)
        {
            reason = $"{Verb(action)} by " + string.Join("; ", performing.Select(s => $"{s.Path} ({Lines(s, relevant)})"));
            if (notPerforming.Count > 0)
            {
                reason += "; not by " + string.Join("; ", notPerforming.Select(n => $"{n.s.Path} ({Describe(n.s)})"));
            }
        }
        else
        {
            reason = matched.Count == 0 ? NoMatch(task) : string.Join("; ", notPerforming.Select(n => n.Item2));
        }

        return new TaskJudgement(satisfied, performing, notPerforming, reason);
    }

    /// <summary>The destructive finding of each performing script (count, lines, and whether the task backs the tables up first).</summary>
    public static void AddDestructiveFindings(TaskJudgement judgement, PhaseProfile phase, TaskProfile task)
    {
        var backup = judgement.Performing.SelectMany(s => s.Operations).Where(o => o.Kind is OperationKind.Backup or OperationKind.Copy).ToList();
        foreach (var script in judgement.Performing)
        {
            var destructive = script.Operations.Where(o => o.Destructive).ToList();
            if (destructive.Count == 0 || script.Findings.Any(f => f.Rule is DestructiveRule or DestructiveNoBackupRule))
            {
                continue;
            }

            var drops = destructive.Count(o => o.Kind == OperationKind.Drop);
            var deletes = destructive.Count - drops;
            var what = string.Join(" and ", new[]
            {
                drops > 0 ? Count(drops, "drop statement") : null,
                deletes > 0 ? Count(deletes, "row-delete statement") : null,
            }.Where(x => x is not null));
            var lines = string.Join(", ", destructive.Select(o => o.Line.ToString(CultureInfo.InvariantCulture)).Distinct());
            var stated = destructive.Select(o => o.StatedCount).FirstOrDefault(n => n is not null);
            var statedText = stated is { } n ? $"; its docstring says it deletes {n.ToString("N0", CultureInfo.InvariantCulture)} tables" : "";
            var first = destructive[0];
            var at = $"{what} at line{(destructive.Count == 1 ? "" : "s")} {lines} ({first.Detail}){statedText}";
            var message = backup.Count > 0
                ? $"destroys data as task '{task.Name}' of {phase.Name ?? phase.Id}: {at}; backed up first by {backup[0].Detail} (line {backup[0].Line})"
                : $"destroys data as task '{task.Name}' of {phase.Name ?? phase.Id}: {at}; no backup or rollback step: nothing in the task copies, snapshots or exports the tables before they are dropped";
            script.Findings.Add(new Finding(backup.Count > 0 ? DestructiveRule : DestructiveNoBackupRule,
                backup.Count > 0 ? FindingSeverity.Info : FindingSeverity.Warning, message, $"{script.Path}:{first.Line}"));
        }
    }

    /// <summary>What a script does, in words, for the reasons above: "it only reads BigQuery and writes local files (report.md)".</summary>
    public static string Describe(ScriptRecord s)
    {
        var ops = s.Operations;
        var files = ops.Where(o => o.Kind == OperationKind.WriteFile).Select(o => o.Target ?? o.Detail).Distinct(StringComparer.Ordinal).ToList();
        var fileText = files.Count == 0 ? "" : $" ({string.Join(", ", files.Take(3))}{(files.Count > 3 ? $" and {files.Count - 3} more" : "")})";
        var changes = ops.Where(o => Changes.Contains(o.Kind)).GroupBy(o => o.Kind).ToList();
        if (changes.Count > 0)
        {
            return "it " + string.Join(" and ", changes.Select(g => $"{Does(g.Key)} (line{(g.Count() == 1 ? "" : "s")} {string.Join(", ", g.Select(o => o.Line.ToString(CultureInfo.InvariantCulture)).Distinct().Take(5))})"));
        }

        var reads = ops.Any(o => o.Kind is OperationKind.Read or OperationKind.RowCount);
        if (reads)
        {
            return files.Count > 0 ? $"it only reads BigQuery and writes local files{fileText}" : "it only reads BigQuery";
        }

        if (s.LocalFilesOnly)
        {
            return files.Count > 0 ? $"it only reads and writes local files{fileText}" : "it only reads local files";
        }

        return files.Count > 0 ? $"it only writes local files{fileText}" : "it performs no BigQuery operation the audit can see";
    }

    private static HashSet<OperationKind> Relevant(string action) => action switch
    {
        TaskActions.RenameTables => new() { OperationKind.Rename, OperationKind.Copy, OperationKind.Drop },
        TaskActions.CreateViews => new() { OperationKind.CreateView },
        TaskActions.ValidateRowCounts => new() { OperationKind.RowCount },
        TaskActions.ConsolidateTables => new() { OperationKind.Copy, OperationKind.CreateTable },
        TaskActions.DropTables => new() { OperationKind.Drop },
        TaskActions.Report => new() { OperationKind.WriteFile },
        _ => new(),
    };

    private static string Lines(ScriptRecord s, HashSet<OperationKind> relevant)
    {
        var ops = s.Operations.Where(o => relevant.Contains(o.Kind)).ToList();
        var first = ops[0];
        return $"{first.Detail} at line {first.Line}" + (ops.Count > 1 ? $", and {Count(ops.Count - 1, "more statement")}" : "");
    }

    private static string NoMatch(TaskProfile task) =>
        task.ScriptGlobs.Count == 0 ? "the task names no scriptGlobs" : $"no inventoried file matches {string.Join(", ", task.ScriptGlobs)}";

    private static string Nothing(string action) => action switch
    {
        TaskActions.RenameTables => "renames nothing",
        TaskActions.CreateViews => "creates no view",
        TaskActions.ValidateRowCounts => "counts no rows",
        TaskActions.ConsolidateTables => "consolidates nothing",
        TaskActions.DropTables => "drops nothing",
        TaskActions.Report => "writes no report",
        _ => "does not perform the task",
    };

    private static string Verb(string action) => action switch
    {
        TaskActions.RenameTables => "renamed",
        TaskActions.CreateViews => "views created",
        TaskActions.ValidateRowCounts => "rows counted",
        TaskActions.ConsolidateTables => "consolidated",
        TaskActions.DropTables => "dropped",
        TaskActions.Report => "reported",
        _ => "performed",
    };

    private static string Does(OperationKind kind) => kind switch
    {
        OperationKind.Rename => "renames tables",
        OperationKind.Copy => "copies tables",
        OperationKind.CreateTable => "creates tables",
        OperationKind.CreateView => "creates views",
        OperationKind.Drop => "drops tables",
        OperationKind.DeleteRows => "deletes rows",
        OperationKind.Backup => "backs tables up",
        _ => kind.ToString(),
    };

    private static string Count(int n, string singular) => $"{n.ToString("N0", CultureInfo.InvariantCulture)} {singular}{(n == 1 ? "" : "s")}";
}
