namespace BqxAudit.Configuration;

// The profile (bqxaudit.yaml) as plain classes. Keys are the camelCase of the property
// names; ProfileBinder maps YAML onto these and rejects anything else with file, line
// and column. ProfileSchema generates the shipped JSON schema from the same classes.

/// <summary>The audit configuration of one project: what to inventory, what the cloud should hold, the phases.</summary>
public sealed class AuditProfile
{
    [ProfileKey(Required = true, Description = "Profile name, e.g. bqx-ml-v3.")]
    public string Name { get; set; } = "";

    [ProfileKey(Description = "Google Cloud project facts.")]
    public GcpProfile Gcp { get; set; } = new();

    [ProfileKey(Description = "Which files are implementation files and how they are categorised.")]
    public InventoryProfile Inventory { get; set; } = new();

    [ProfileKey(Description = "BigQuery datasets the phases work on.")]
    public List<DatasetProfile> Datasets { get; set; } = new();

    [ProfileKey(Description = "Mandates the project's tables follow (kind naming: the table-naming standard).")]
    public List<MandateProfile> Mandates { get; set; } = new();

    [ProfileKey(Description = "Phases and their tasks.")]
    public List<PhaseProfile> Phases { get; set; } = new();

    [ProfileKey(Description = "Report options.")]
    public ReportsProfile Reports { get; set; } = new();

    [ProfileKey(Description = "System tools the pipeline needs on PATH besides those the scripts are seen to run (gcloud, bq, gsutil …).")]
    public List<string> Tools { get; set; } = new();

    [ProfileKey(Description = "Prices used for cost estimates.")]
    public PricingProfile Pricing { get; set; } = new();

    [ProfileKey(Description = "Changes to the default blocker rules (priority, texts, delay), one entry per rule id.")]
    public List<BlockerRuleOverride> BlockerRules { get; set; } = new();

    [ProfileKey(Description = "Cloud Storage buckets the pipeline reads and writes, with the prefixes to inspect.")]
    public List<BucketProfile> Buckets { get; set; } = new();

    [ProfileKey(Description = "Cloud Run jobs the pipeline runs: each is looked up in its region (image, service account, latest execution); requiredBy names the phases or tasks that need it.")]
    public List<CloudRunJobProfile> CloudRunJobs { get; set; } = new();

    [ProfileKey(Description = "Planned usage the project's quotas must allow. Top level: quotas are project facts and the infrastructure check is not phase-scoped; give the busiest day of the phases.")]
    public QuotasProfile Quotas { get; set; } = new();

    [ProfileKey(Description = "Services that must be enabled (e.g. bigquery.googleapis.com); those the scripts imply are added.", Pattern = @"^[a-z][a-z0-9-]*(\.[a-z0-9-]+)+$")]
    public List<string> Apis { get; set; } = new();

    [ProfileKey(Description = "IAM permissions the caller needs (e.g. bigquery.tables.create); tested on the project, the buckets and one table per dataset.", Pattern = @"^[a-z][a-zA-Z0-9]*\.[a-zA-Z0-9]+\.[a-zA-Z0-9]+$")]
    public List<string> Permissions { get; set; } = new();

    /// <summary>Where the profile came from: a file path or <c>embedded:NAME</c>. Not a YAML key.</summary>
    [ProfileIgnore]
    public string Source { get; set; } = "";

    /// <summary>The folder relative paths in the profile (tableListFile) resolve against; null for embedded profiles.</summary>
    [ProfileIgnore]
    public string? BaseDirectory { get; set; }
}

public sealed class GcpProfile
{
    [ProfileKey(Description = "Project id.")]
    public string? Project { get; set; }

    [ProfileKey(Description = "Default region, e.g. us-central1.")]
    public string? Region { get; set; }

    [ProfileKey(Description = "The service account the pipeline runs as.")]
    public string? ServiceAccount { get; set; }

    [ProfileKey(Description = "Dataset the opt-in write probe (-ProbeWrite / --probe-write) creates, renames and drops a table in.", Pattern = "^[A-Za-z0-9_]{1,1024}$")]
    public string? ScratchDataset { get; set; }

    [ProfileKey(Description = "Root URL overrides per API (bigquery, storage, run, …).")]
    public Dictionary<string, string> Endpoints { get; set; } = new();
}

public sealed class InventoryProfile
{
    [ProfileKey(Description = "Globs of files to inventory (default: every implementation file).", Glob = true)]
    public List<string> Include { get; set; } = new();

    [ProfileKey(Description = "Globs of files to leave out.", Glob = true)]
    public List<string> Exclude { get; set; } = new();

    [ProfileKey(Description = "Category name → globs; a file takes the first category whose globs match it.", Glob = true)]
    public Dictionary<string, List<string>> Categories { get; set; } = new();
}

public sealed class DatasetProfile
{
    [ProfileKey(Required = true, Description = "Dataset id.")]
    public string Name { get; set; } = "";

    [ProfileKey(Description = "What the dataset is for (features, training, …).")]
    public string? Role { get; set; }

    [ProfileKey(Description = "Table count the plan expects.")]
    public int? ExpectedTables { get; set; }

    [ProfileKey(Description = "Offline listing of the dataset's table names, relative to the profile's folder.")]
    public string? TableListFile { get; set; }
}

public sealed class PhaseProfile
{
    [ProfileKey(Required = true, Description = "Phase id, e.g. M008-4C.")]
    public string Id { get; set; } = "";

    [ProfileKey(Description = "Display name.")]
    public string? Name { get; set; }

    [ProfileKey(Description = "Budget for the phase's cloud cost.")]
    public UsdBudget? BudgetUsd { get; set; }

    [ProfileKey(Description = "Working hours used for estimates.")]
    public WorkingHoursProfile WorkingHours { get; set; } = new();

    [ProfileKey(Description = "The date the plan starts the phase (YYYY-MM-DD, at 09:00 of the working day's time zone, or an ISO 8601 time); the start when no --start / -StartDate is given (else the next working morning).",
        Pattern = @"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?$")]
    public string? PlannedStart { get; set; }

    [ProfileKey(Description = "Where the phase's scripts run: local (the machine that runs the audit, the default: a tool missing there blocks the phase) or image (inside the repository's container images: each script needs its tools in the image that runs it).", Pattern = "^(local|image)$")]
    public string? RunsOn { get; set; }

    [ProfileKey(Description = "The phase's tasks.")]
    public List<TaskProfile> Tasks { get; set; } = new();
}

public sealed class UsdBudget
{
    [ProfileKey(Description = "Lower bound, USD.")]
    public double Min { get; set; }

    [ProfileKey(Description = "Upper bound, USD.")]
    public double Max { get; set; }
}

public sealed class WorkingHoursProfile
{
    [ProfileKey(Description = "Working hours per day.")]
    public double PerDay { get; set; } = 8;

    [ProfileKey(Description = "Time zone of the working day (IANA or UTC).")]
    public string TimeZone { get; set; } = "UTC";
}

public sealed class HoursEstimate
{
    [ProfileKey(Description = "Lower bound, hours.")]
    public double Min { get; set; }

    [ProfileKey(Description = "Upper bound, hours.")]
    public double Max { get; set; }
}

public sealed class TaskProfile
{
    [ProfileKey(Required = true, Description = "Task name.")]
    public string Name { get; set; } = "";

    [ProfileKey(Description = "What the task does to tables: renameTables, createViews, validateRowCounts, consolidateTables, dropTables, report, or custom (default: any script matching the globs satisfies it). A script that matches the globs but does not perform the action does not satisfy the task.",
        Pattern = "^(" + TaskActions.Pattern + ")$")]
    public string Action { get; set; } = TaskActions.Custom;

    [ProfileKey(Description = "Tables the task claims: a number, or { from, to } when the count changes shape.")]
    public TableScope? Tables { get; set; }

    [ProfileKey(Description = "Globs of the scripts that implement the task.", Glob = true)]
    public List<string> ScriptGlobs { get; set; } = new();

    [ProfileKey(Description = "Hours to create the script when it is missing.")]
    public HoursEstimate? CreationHours { get; set; }

    [ProfileKey(Description = "Priority of the blocker when no script performs the task (P0–P3).", Pattern = "^P[0-3]$")]
    public string PriorityIfMissing { get; set; } = "P0";

    [ProfileKey(Description = "True when the task runs in parallel with the one before it.")]
    public bool Parallel { get; set; }

    [ProfileKey(Description = "How the naming audit measures the task's scope, to compare with the claimed tables.")]
    public ScopeMeasureProfile? Measure { get; set; }
}

/// <summary>The values of a task's <c>action</c>.</summary>
public static class TaskActions
{
    public const string RenameTables = "renameTables";
    public const string CreateViews = "createViews";
    public const string ValidateRowCounts = "validateRowCounts";
    public const string ConsolidateTables = "consolidateTables";
    public const string DropTables = "dropTables";
    public const string Report = "report";
    public const string Custom = "custom";

    /// <summary>The alternatives of the schema pattern.</summary>
    public const string Pattern = "renameTables|createViews|validateRowCounts|consolidateTables|dropTables|report|custom";
}

/// <summary>Which naming results count as a task's scope: a family, optionally only names of one status.</summary>
public sealed class ScopeMeasureProfile
{
    [ProfileKey(Description = "Naming mandate id (default: the profile's first).")]
    public string? Mandate { get; set; }

    [ProfileKey(Required = true, Description = "Family id of the mandate, e.g. cov.")]
    public string Family { get; set; } = "";

    [ProfileKey(Description = "Only names of this status (Compliant, NonCompliant, Exempt); all names of the family when absent.", Pattern = "^(Compliant|NonCompliant|Exempt)$")]
    public string? Status { get; set; }
}

/// <summary>A table count: a number, or <c>{ from, to }</c> for a task that changes the count (224 → 56).</summary>
public sealed class TableScope : IProfileScalar
{
    [ProfileKey(Description = "Tables before the task.")]
    public int? From { get; set; }

    [ProfileKey(Description = "Tables after the task.")]
    public int? To { get; set; }

    /// <summary>The plain count when the task keeps the shape.</summary>
    [ProfileIgnore]
    public int? Count { get; set; }

    /// <summary>The number of tables the task touches.</summary>
    public int Touched => Count ?? From ?? To ?? 0;

    public bool TrySetScalar(string value)
    {
        if (int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n))
        {
            Count = n;
            return true;
        }

        return false;
    }

    public override string ToString() => Count is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{From} → {To}";
}

public sealed class BucketProfile
{
    [ProfileKey(Required = true, Description = "Bucket name (without gs://).", Pattern = @"^[a-z0-9][a-z0-9._-]*[a-z0-9]$")]
    public string Name { get; set; } = "";

    [ProfileKey(Description = "Object prefixes to inspect (e.g. checkpoints/): object count and newest update under each.")]
    public List<string> Prefixes { get; set; } = new();
}

public sealed class CloudRunJobProfile
{
    [ProfileKey(Required = true, Description = "Job name (Cloud Run v2), e.g. bqx-ml-extract.", Pattern = "^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$")]
    public string Name { get; set; } = "";

    [ProfileKey(Description = "Region the job is deployed in (default: gcp.region).", Pattern = "^[a-z]+-[a-z]+[0-9]+$")]
    public string? Region { get; set; }

    [ProfileKey(Description = "Phase ids or task names that need the job; a missing job they need is a finding against them.")]
    public List<string> RequiredBy { get; set; } = new();
}

public sealed class QuotasProfile
{
    [ProfileKey(Description = "BigQuery bytes the pipeline plans to scan on its busiest day, in TiB; compared with the project's query-usage-per-day limit.")]
    public double? QueryUsagePerDayTiB { get; set; }
}

public sealed class ReportsProfile
{
    [ProfileKey(Description = "File name stem of the executive summary.")]
    public string SummaryName { get; set; } = "AUDIT_SUMMARY";
}

/// <summary>Marks a profile key: its description (for the schema) and its constraints.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProfileKeyAttribute : Attribute
{
    public bool Required { get; set; }
    public string Description { get; set; } = "";

    /// <summary>The string values (or list items) are globs and are validated as such.</summary>
    public bool Glob { get; set; }

    /// <summary>A regular expression the value must match.</summary>
    public string? Pattern { get; set; }
}

/// <summary>A property that is not a YAML key.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class ProfileIgnoreAttribute : Attribute
{
}

/// <summary>A profile type that also accepts a plain scalar in place of its mapping.</summary>
public interface IProfileScalar
{
    bool TrySetScalar(string value);
}

/// <summary>A per-profile change to one blocker rule (<c>blockerRules</c>): only the fields given replace the default's.</summary>
public sealed class BlockerRuleOverride
{
    [ProfileKey(Required = true, Description = "Rule id, e.g. script.style (see the rule table in DESIGN.md).")]
    public string Rule { get; set; } = "";

    [ProfileKey(Description = "New priority.", Pattern = "^P[0-3]$")]
    public string? Priority { get; set; }

    [ProfileKey(Description = "New category.")]
    public string? Category { get; set; }

    [ProfileKey(Description = "New mitigation text.")]
    public string? Mitigation { get; set; }

    [ProfileKey(Description = "New workaround text.")]
    public string? Workaround { get; set; }

    [ProfileKey(Description = "New recommended action.")]
    public string? RecommendedAction { get; set; }

    [ProfileKey(Description = "Estimated delay, lower bound in hours.")]
    public double? DelayMinHours { get; set; }

    [ProfileKey(Description = "Estimated delay, upper bound in hours.")]
    public double? DelayMaxHours { get; set; }
}

public sealed class PricingProfile
{
    [ProfileKey(Description = "On-demand query price in USD per TiB scanned (default 6.25).")]
    public double QueryUsdPerTiB { get; set; } = 6.25;
}
