using System.Text.Json.Serialization;

namespace BqxAudit.Model;

/// <summary>Facts about one audit run: what ran, on what, with which profile, when.</summary>
public sealed class AuditRun
{
    public string ToolVersion { get; set; } = "";
    public string ProfileName { get; set; } = "";

    /// <summary>The summary report's name from the profile (<c>reports.summaryName</c>, e.g. <c>BA_AUDIT_SUMMARY</c>).</summary>
    public string SummaryName { get; set; } = "AUDIT_SUMMARY";

    /// <summary>The profile file, or <c>embedded:NAME</c>.</summary>
    public string ProfileSource { get; set; } = "";

    /// <summary>True when the root had no bqxaudit.yaml and no profile was named, so the embedded profile was applied.</summary>
    public bool EmbeddedProfileApplied { get; set; }

    /// <summary>What of the profile does not fit the audited root: task globs that match no file, table list files that are absent.</summary>
    public List<string> ProfileMismatches { get; set; } = new();

    /// <summary>The audited root as given (relative paths stay relative so reports are portable).</summary>
    public string Root { get; set; } = "";

    /// <summary>The HEAD commit of the work tree the root is in; null outside git.</summary>
    public string? Commit { get; set; }

    public string? ProjectId { get; set; }

    /// <summary>The principal the cloud checks ran as; null offline or when unknown.</summary>
    public string? Principal { get; set; }

    public bool Offline { get; set; }

    /// <summary>The date the reports carry (<c>--date</c>, else today), ISO <c>yyyy-MM-dd</c>.</summary>
    public string ReportDate { get; set; } = "";

    /// <summary>
    /// True when <c>--date</c> fixed the report date: wall-clock times are then left out (null), so a
    /// second run over the same inputs writes byte-identical files.
    /// </summary>
    public bool Reproducible { get; set; }

    public DateTimeOffset? Start { get; set; }
    public DateTimeOffset? End { get; set; }
    public long? DurationMs { get; set; }

    /// <summary>Areas not measured in this run, each with the reason (e.g. "Infrastructure: offline").</summary>
    public List<string> NotMeasured { get; set; } = new();

    public override string ToString() =>
        $"{ProfileName} on {Root}{(Commit is null ? "" : " @" + Commit[..Math.Min(8, Commit.Length)])}, {ReportDate}{(Offline ? ", offline" : "")}";
}

/// <summary>Everything one audit measured and decided: the object Export-BqxAuditReport writes and the JSON report is.</summary>
public sealed class AuditResult
{
    public AuditRun Run { get; set; } = new();

    /// <summary>The phase decision: GO / CONDITIONAL GO / NO-GO with its blockers, tasks, critical path and answers.</summary>
    public PhaseReadiness Readiness { get; set; } = new();

    public List<Blocker> Blockers { get; set; } = new();
    public List<ScriptRecord> Scripts { get; set; } = new();
    public List<InfraCheck> Infrastructure { get; set; } = new();
    public List<DependencyRecord> Dependencies { get; set; } = new();

    /// <summary>The naming mandate's results over the profile's table listings (or the live datasets online).</summary>
    public List<NamingResult> Naming { get; set; } = new();

    /// <summary>Counts of the naming results by family, status and violation.</summary>
    public NamingSummary? NamingSummary { get; set; }

    public List<RenamePlanItem> RenamePlan { get; set; } = new();

    /// <summary>The audited root (full path); set by the cmdlets, not in the JSON (the JSON has Run.Root, as given).</summary>
    [JsonIgnore]
    public string? Root { get; set; }

    /// <summary>The phase decided (Readiness.Phase).</summary>
    [JsonIgnore]
    public string Phase => Readiness.Phase;

    /// <summary>The decision (Readiness.Decision).</summary>
    [JsonIgnore]
    public Decision Decision => Readiness.Decision;

    /// <summary>0 Go, 1 ConditionalGo, 2 NoGo: what <c>bqx-audit audit</c> exits with (<c>exit $result.ExitCode</c>).</summary>
    [JsonIgnore]
    public int ExitCode => Readiness.ExitCode;

    public override string ToString() => $"{Run.ProfileName} {Readiness.Phase}: {Readiness.Decision}";
}
