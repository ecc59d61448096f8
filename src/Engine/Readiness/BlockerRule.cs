using BqxAudit.Model;

namespace BqxAudit.Readiness;

/// <summary>
/// One row of the rule table: what a kind of finding costs (priority, category, delay) and what to
/// do about it. Text fields are templates: <c>{Target}</c>, <c>{Phase}</c>, <c>{Task}</c> and
/// <c>{Detail}</c> are filled from the finding; <c>{option:Offline}</c> and <c>{command:Audit}</c> name our
/// own options and commands in the caller's dialect (<see cref="BqxAudit.Hosting.CommandDialect"/>).
/// </summary>
public sealed record BlockerRule(
    string Id,
    Priority Priority,
    string Category,
    string Title,
    string Impact,
    string Mitigation,
    string RecommendedAction,
    string? Workaround = null,
    HoursRange? EstimatedDelay = null);

/// <summary>The default rule table (DESIGN.md "Default blocker rules"), as data.</summary>
public static class DefaultBlockerRules
{
    private static HoursRange H(double min, double max) => new() { Min = min, Max = max };

    public static IReadOnlyList<BlockerRule> All { get; } = new BlockerRule[]
    {
        // P0: prevents execution.
        new("script.missing-phase-task", Priority.P0, "Script", "{Task} script missing",
            "Cannot execute '{Task}' of {Phase}: no script implements it ({Detail})",
            "Create the script before the phase starts; pilot it on a handful of tables",
            "Create the script for '{Task}', test it with --dry-run on 5 tables, then run it",
            "Perform the task by hand with reviewed SQL", H(4, 8)),
        new("script.blocked-phase-task", Priority.P0, "Script", "{Task} script cannot run: {Target}",
            "'{Task}' of {Phase} cannot run as referenced: {Detail}",
            "Fix the blocking findings listed in the evidence",
            "Fix {Target} ({Detail}) and re-run the audit", null, H(1, 4)),
        new("api.disabled", Priority.P0, "Infrastructure", "API disabled: {Target}",
            "Every call the phase makes to {Target} fails until it is enabled",
            "Enable the API (gcloud services enable {Target})",
            "gcloud services enable {Target} --project {Detail}", null, H(0.25, 1)),
        new("permission.denied", Priority.P0, "Infrastructure", "Permission missing: {Target}",
            "The phase's writes fail with 403: {Detail}",
            "Grant the missing permission to the principal that runs the phase",
            "Grant a role that holds {Target} and re-run the audit", null, H(0.5, 4)),
        new("infra.not-verified", Priority.P0, "Infrastructure", "Cloud not measured: {Target}",
            "Readiness of the cloud areas listed is unknown, so the phase would start on unmeasured ground: {Detail}",
            "Run the audit online with credentials that can read the project",
            "gcloud auth application-default login (or set GOOGLE_APPLICATION_CREDENTIALS), then {command:Audit} without {option:Offline}",
            null, H(0.25, 1)),
        new("infra.blocked", Priority.P0, "Infrastructure", "Infrastructure check failed: {Target}",
            "{Detail}", "Resolve the failed check before the phase starts", "Resolve {Target}: {Detail}", null, H(1, 4)),
        new("rename.collision", Priority.P0, "Naming", "Rename collision: {Target}",
            "The rename would fail or overwrite an existing table: {Detail}",
            "Decide the target name by hand and exclude the pair from the automated plan",
            "Resolve the collision for {Target} before running the rename script", "Rename one of the two under a suffixed name", H(0.5, 2)),

        // P1: high risk or partial execution.
        new("script.destructive-phase-task", Priority.P1, "Script", "Destructive phase script without a backup: {Target}",
            "{Detail}; a wrong or repeated run loses tables for good",
            "Add a backup step before the drops (CREATE SNAPSHOT TABLE, bq cp or copy_table of each table) and keep it until the phase is verified",
            "Snapshot every table {Target} drops, verify row parity, then run it first with its dry-run mode",
            "Rename instead of dropping, and drop after the grace period", H(1, 3)),
        new("naming.listing-unavailable", Priority.P1, "Naming", "Rename collisions not checked: no table listing for {Target}",
            "The renames of {Phase} cannot be checked for collisions or existing twins: {Detail}",
            "Give the dataset's table listing (bq ls --max_results=100000 --format=json DATASET > FILE, then --tables FILE or datasets[].tableListFile), or run online so the dataset is listed live",
            "Export the listing of {Target} and re-run the audit with it", null, H(0.25, 0.5)),
        new("run-job.missing", Priority.P1, "Infrastructure", "Cloud Run job missing: {Target}",
            "The job the phase needs is not deployed: {Detail}", "Deploy the job from its Cloud Build config",
            "gcloud builds submit with the job's cloudbuild file, then gcloud run jobs deploy", "Run the container locally", H(1, 3)),
        new("dependency.undeclared-phase", Priority.P1, "Dependency", "Undeclared dependency: {Target}",
            "A phase script imports {Target} but no manifest that applies declares it: {Detail}",
            "Declare it in the requirements the script's image or environment installs",
            "Add {Target} to the manifest named in the evidence and rebuild the image", null, H(0.5, 1)),
        new("dependency.missing-phase", Priority.P1, "Dependency", "Missing dependency: {Target}",
            "A phase script needs {Target}, which is not available: {Detail}", "Install it where the phase runs",
            "Install {Target} and re-run the audit", null, H(0.5, 2)),
        new("script.interactive-phase-task", Priority.P1, "Script", "Interactive prompt in a phase script: {Target}",
            "{Target} waits for input() and stalls when '{Task}' runs unattended",
            "Add a --yes/--force flag and skip the prompt when it is given",
            "Replace the input() prompt in {Target} with a flag", "Run the task from an interactive shell", H(0.5, 1)),
        new("script.partial-phase-task", Priority.P1, "Script", "Phase script has findings: {Target}",
            "'{Task}' runs but with findings that risk a wrong or partial result: {Detail}",
            "Review and fix the findings before the run", "Fix the findings of {Target} listed in the evidence", null, H(0.5, 2)),
        new("secret.committed", Priority.P1, "Security", "Secret committed: {Target}",
            "A credential is in the repository ({Detail}); anyone with the code holds it",
            "Remove the file from the repository and its history, and rotate the credential",
            "Rotate the credential, delete it from the repository, add the path to .gitignore", null, H(0.5, 2)),
        new("quota.insufficient", Priority.P1, "Infrastructure", "Quota below planned usage: {Target}",
            "{Detail}", "Request a quota increase or split the phase across days",
            "Request an increase for {Target} or reschedule the phase", null, H(4, 48)),
        new("scope.mismatch", Priority.P1, "Scope", "Scope differs from the claim: {Target}",
            "{Detail}", "Re-plan the task on the measured number before it starts",
            "Confirm the measured scope of {Target} and update the plan and the profile", null, H(1, 2)),

        // P2: slows execution or raises cost.
        new("script.partial", Priority.P2, "Script", "Script has findings: {Target}",
            "{Detail}", "Fix the findings when the script is next touched", "Fix the findings of {Target} listed in the evidence", null, H(0.5, 2)),
        new("script.blocked", Priority.P2, "Script", "Script cannot run: {Target}",
            "{Target} cannot run as referenced (not needed by this phase): {Detail}",
            "Fix it before a phase needs it", "Fix {Target}: {Detail}", null, H(0.5, 2)),
        new("dependency.version-conflict", Priority.P2, "Dependency", "Version conflict: {Target}",
            "{Detail}", "Pin one version in every manifest", "Align the pins of {Target} named in the evidence", null, H(0.5, 1)),
        new("infra.partial", Priority.P2, "Infrastructure", "Infrastructure check partial: {Target}",
            "{Detail}", "Review the check's evidence and resolve what it names", "Resolve {Target}: {Detail}", null, H(0.5, 2)),
        new("dependency.undeclared", Priority.P2, "Dependency", "Undeclared dependency: {Target}",
            "{Detail}", "Declare it in the manifest that applies", "Add {Target} to the requirements", null, H(0.25, 0.5)),
        new("dependency.missing", Priority.P2, "Dependency", "Missing dependency: {Target}",
            "{Detail}", "Install it where the scripts run", "Install {Target}", null, H(0.25, 1)),
        new("cost.over-budget", Priority.P2, "Cost", "Cost estimate over budget: {Target}",
            "{Detail}", "Reduce scanned bytes (partition filters, fewer columns) or raise the budget",
            "Review the estimate of {Target} and agree a budget", null, H(1, 4)),
        new("service-account.old-key", Priority.P2, "Security", "Service-account key older than 90 days: {Target}",
            "{Detail}", "Rotate the key, or move to keyless authentication", "Rotate the key of {Target}", null, H(0.5, 1)),
        new("cost-monitoring.absent", Priority.P2, "Cost", "No budget or cost monitoring: {Target}",
            "{Detail}", "Create a budget with alert thresholds for the project", "Create a Cloud Billing budget scoped to the project", null, H(0.5, 1)),

        // P3: minor efficiency and style.
        new("dependency.unused", Priority.P3, "Dependency", "Unused dependency: {Target}",
            "{Detail}", "Remove it from the manifest, or note why it stays", "Remove {Target} from the manifest if nothing needs it", null, H(0.1, 0.25)),
        new("dependency.inconsistent-pins", Priority.P3, "Dependency", "Inconsistent pins: {Target}",
            "{Detail}", "Pin one version in every image and requirement set, or note why they differ",
            "Align the pins of {Target} named in the evidence", null, H(0.1, 0.5)),
        new("script.style", Priority.P3, "Script", "Style finding: {Target}",
            "{Detail}", "Fix when the script is next touched", "Fix {Target}: {Detail}", null, H(0.1, 0.5)),
    };
}
