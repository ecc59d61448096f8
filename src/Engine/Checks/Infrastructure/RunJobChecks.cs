using BqxAudit.Cloud;
using BqxAudit.Cloud.CloudRun;
using BqxAudit.Model;

namespace BqxAudit.Checks.Infrastructure;

/// <summary>
/// CloudRunJob: the job exists in its region (run jobs.get), is Ready (terminal condition), runs the image and
/// service account it shows (<c>template.template.containers[0].image</c>, <c>template.template.serviceAccount</c>,
/// absent meaning the project's default), and how its latest execution went (executions.get on
/// <c>latestCreatedExecution</c>: status, start and completion time). Each job is its own unit, so a denied
/// or failing region never hides the jobs of another.
/// </summary>
internal sealed class CloudRunJobCheck : CheckUnit
{
    /// <summary>What Details["ServiceAccount"] says when the template names none.</summary>
    public const string ProjectDefault = "(project default)";

    private readonly string region;
    private readonly string name;
    private readonly string? expectedAccount;
    private readonly IReadOnlyList<string> requiredBy;

    public CloudRunJobCheck(string region, string name, IReadOnlyList<string> requiredBy, string? expectedAccount)
        : base(new PlannedCheck(InfraCheckKind.CloudRunJob, $"run:{region}/{name}", "job: deployed and ready, image, service account, latest execution",
            $"deployed in {region}, Ready" + (expectedAccount is { Length: > 0 } sa ? $", runs as {sa}" : ""))
        {
            MissingRemedy = $"gcloud run jobs deploy {name} --region {region} --image IMAGE" + (expectedAccount is { Length: > 0 } a ? $" --service-account {a}" : "")
                + "  (or build and deploy it from its cloudbuild file; or correct cloudRunJobs[].name / region in the profile)",
            Facts = new Dictionary<string, object>
            {
                ["Region"] = region,
                ["RequiredBy"] = requiredBy.ToList(),
                ["Required"] = requiredBy.Count > 0,
            },
        })
    {
        this.region = region;
        this.name = name;
        this.expectedAccount = expectedAccount is { Length: > 0 } e ? e : null;
        this.requiredBy = requiredBy;
    }

    public override async Task<IReadOnlyList<InfraCheck>> RunAsync(CheckContext context, CallRecorder calls)
    {
        var api = new RunApi(context.Session, calls);
        var plan = Plan[0];
        GoogleCloudRunV2Job job;
        try
        {
            job = await api.GetJobAsync(context.Project, region, name, context.Cancellation).ConfigureAwait(false);
        }
        catch (GcpNotFoundException e)
        {
            var needed = requiredBy.Count > 0 ? $" (required by {string.Join(", ", requiredBy)})" : " (no phase or task requires it)";
            var missing = plan.Row(InfraCheckStatus.Missing, $"not deployed in {region}{needed}", plan.MissingRemedy);
            missing.Evidence.Add(new Evidence("api", e.Location, CheckErrors.Describe(e)));
            return new[] { missing };
        }

        // A verdict needs the job's terminal condition and its task template: an answer without them is an error, not "unspecified".
        var task = GcpMalformedResponseException.Require(job.Template?.Template, GcpMethods.RunJobsGet, "template.template");
        var image = task.Containers.FirstOrDefault()?.Image;
        var account = task.ServiceAccount is { Length: > 0 } sa ? sa : null;
        var condition = job.TerminalCondition;
        var state = GcpMalformedResponseException.Require(condition?.State, GcpMethods.RunJobsGet, "terminalCondition.state");
        var evidence = new List<Evidence>
        {
            new("api", "GET run.projects.locations.jobs.get 200",
                $"{job.Name}: terminal condition {condition?.Type ?? "Ready"} {state}{(condition?.Reason is { } r ? $" ({r})" : "")}, image {image ?? "(none)"}, "
                + $"service account {account ?? "absent, so the project's default"}, {job.ExecutionCount ?? 0} execution(s)"),
        };

        var (execution, executionNote) = await LatestExecutionAsync(api, job, context, region, name, evidence).ConfigureAwait(false);

        var problems = new List<string>();
        var remedies = new List<string>();
        var status = InfraCheckStatus.Ready;
        void Worse(InfraCheckStatus s)
        {
            if (Rank(s) > Rank(status))
            {
                status = s;
            }
        }

        if (state == "CONDITION_FAILED")
        {
            Worse(InfraCheckStatus.Blocked);
            problems.Add($"not ready: {condition?.Reason ?? "CONDITION_FAILED"}{(condition?.Message is { Length: > 0 } m ? $": {m}" : "")}");
            remedies.Add($"`gcloud run jobs describe {name} --region {region}` shows why; redeploy it with an image and service account it can use.");
        }
        else if (state != "CONDITION_SUCCEEDED" || job.Reconciling == true)
        {
            Worse(InfraCheckStatus.Partial);
            problems.Add($"not settled: terminal condition {state}{(job.Reconciling == true ? ", reconciling" : "")}");
            remedies.Add($"Wait for the deployment to finish, then re-run the audit (`gcloud run jobs describe {name} --region {region}`).");
        }

        if (image is null)
        {
            Worse(InfraCheckStatus.Blocked);
            problems.Add("no container image in the job's template");
            remedies.Add($"gcloud run jobs update {name} --region {region} --image IMAGE");
        }

        if (expectedAccount is not null && !string.Equals(account, expectedAccount, StringComparison.OrdinalIgnoreCase))
        {
            Worse(InfraCheckStatus.Partial);
            problems.Add($"runs as {account ?? "the project's default service account"}, not {expectedAccount}");
            remedies.Add($"gcloud run jobs update {name} --region {region} --service-account {expectedAccount}  (or correct gcp.serviceAccount)");
        }

        if (executionNote.Problem is { } executionProblem)
        {
            Worse(executionNote.Status);
            problems.Add(executionProblem);
            remedies.Add(executionNote.Remedy!);
        }

        var actual = $"{state} in {region}, image {image ?? "(none)"}, runs as {account ?? "the project's default service account"}; latest execution: {executionNote.Summary}"
            + (problems.Count > 0 ? $"; {string.Join("; ", problems)}" : "");
        var row = plan.Row(status, actual, remedies.Count > 0 ? string.Join(" ", remedies) : null);
        row.Details["Image"] = image ?? "";
        row.Details["ServiceAccount"] = account ?? ProjectDefault;
        row.Details["TerminalCondition"] = state;
        row.Details["ExecutionCount"] = job.ExecutionCount ?? 0;
        if (expectedAccount is not null)
        {
            row.Details["ExpectedServiceAccount"] = expectedAccount;
        }

        if (job.UpdateTime is { } updated && GoogleTime.Parse(updated) is { } updateTime)
        {
            row.Details["UpdateTime"] = updateTime;
        }

        if (execution is not null)
        {
            row.Details["LatestExecution"] = execution;
        }

        row.Evidence.AddRange(evidence);
        return new[] { row };
    }

    /// <summary>The latest execution's facts; a failure to read it is noted, never fatal to the job's row.</summary>
    private static async Task<(Dictionary<string, object>? Facts, ExecutionNote Note)> LatestExecutionAsync(RunApi api, GoogleCloudRunV2Job job, CheckContext context,
        string region, string jobName, List<Evidence> evidence)
    {
        var reference = job.LatestCreatedExecution;
        if (reference?.Name is not { Length: > 0 } executionName)
        {
            return (null, new ExecutionNote("never executed", null, null));
        }

        var shortName = executionName[(executionName.LastIndexOf('/') + 1)..];
        GoogleCloudRunV2Execution execution;
        try
        {
            execution = await api.GetExecutionAsync(ExecutionResourceName(executionName, job.Name, context.Project, region, jobName), context.Cancellation).ConfigureAwait(false);
            if (ExecutionStatusOrNull(execution) is null)
            {
                throw GcpMalformedResponseException.Lacks(GcpMethods.RunExecutionsGet, "state", "no Completed condition, start or completion time");
            }
        }
        catch (GcpException e) when (e.Kind is not GcpErrorKind.CredentialsMissing)
        {
            evidence.Add(new Evidence("api", e.Location, $"latest execution {shortName} not read: {CheckErrors.Describe(e)}"));
            var facts = new Dictionary<string, object> { ["Name"] = shortName, ["Status"] = "NotVerified" };
            if (GoogleTime.Parse(reference.CreateTime) is { } created)
            {
                facts["CreateTime"] = created;
            }

            if (GoogleTime.Parse(reference.CompletionTime) is { } completed)
            {
                facts["CompletionTime"] = completed;
            }

            var remedy = e.Kind == GcpErrorKind.PermissionDenied
                ? $"Grant the caller {Roles.For("run.executions.get")} to read executions."
                : "Retry; the execution could not be read (see evidence).";
            if (e is GcpMalformedResponseException { Lacking: { } lacking })
            {
                // An answer that cannot be judged is an error of the row, not a guess at how the execution went.
                return (facts, new ExecutionNote($"{shortName}: response lacks {lacking}", $"latest execution {shortName}: response lacks {lacking}",
                    "The execution's answer lacks the fields its status is read from; check gcp.endpoints.run / BQXAUDIT_GCP_ENDPOINT.", InfraCheckStatus.Error));
            }

            return (facts, new ExecutionNote($"{shortName} not read ({e.Kind})", $"latest execution not read ({e.Kind})", remedy));
        }

        var status = ExecutionStatus(execution);
        var start = GoogleTime.Parse(execution.StartTime);
        var completion = GoogleTime.Parse(execution.CompletionTime);
        var result = new Dictionary<string, object>
        {
            ["Name"] = shortName,
            ["Status"] = status,
            ["TaskCount"] = execution.TaskCount ?? 0,
            ["SucceededCount"] = execution.SucceededCount ?? 0,
            ["FailedCount"] = execution.FailedCount ?? 0,
            ["CancelledCount"] = execution.CancelledCount ?? 0,
        };
        if (GoogleTime.Parse(execution.CreateTime) is { } create)
        {
            result["CreateTime"] = create;
        }

        if (start is { } s)
        {
            result["StartTime"] = s;
        }

        if (completion is { } c)
        {
            result["CompletionTime"] = c;
        }

        if (start is { } s2 && completion is { } c2 && c2 >= s2)
        {
            result["DurationMs"] = (long)(c2 - s2).TotalMilliseconds;
        }

        if (execution.LogUri is { Length: > 0 } log)
        {
            result["LogUri"] = log;
        }

        var when = $"{(start is { } st ? $"started {Format.Time(st)}" : "not started")}{(completion is { } co ? $", completed {Format.Time(co)}" : "")}";
        evidence.Add(new Evidence("api", "GET run.projects.locations.jobs.executions.get 200",
            $"{shortName}: {status}, {when}, {execution.SucceededCount ?? 0} of {execution.TaskCount ?? 0} task(s) succeeded, {execution.FailedCount ?? 0} failed"));
        var summary = $"{shortName} {status}, {when}";
        return status == "Failed"
            ? (result, new ExecutionNote(summary, $"latest execution {shortName} failed",
                $"Read the failed execution's logs{(execution.LogUri is { Length: > 0 } uri ? $" ({uri})" : $": gcloud run jobs executions describe {shortName}")} and fix the job before the phase relies on it."))
            : (result, new ExecutionNote(summary, null, null));
    }

    /// <summary>
    /// The name to GET for the job's latest execution: a full resource name as given; a short name
    /// (<c>bqx-ml-extract-7x2kq</c>) under the job's resource name, else under the profile's project, region and job
    /// (run.v2 executions.get: <c>projects/{project}/locations/{location}/jobs/{job}/executions/{execution}</c>).
    /// </summary>
    internal static string ExecutionResourceName(string reported, string? jobResourceName, string project, string region, string job)
    {
        if (reported.StartsWith("projects/", StringComparison.Ordinal))
        {
            return reported;
        }

        var parent = jobResourceName is { } n && n.StartsWith("projects/", StringComparison.Ordinal) && n.Split('/').Length == 6
            ? n
            : $"projects/{project}/locations/{region}/jobs/{job}";
        return $"{parent}/executions/{reported.Trim('/')}";
    }

    /// <summary>Succeeded, Failed, Cancelled, Running or Pending, from the Completed condition, else from the counts.</summary>
    internal static string ExecutionStatus(GoogleCloudRunV2Execution execution) =>
        ExecutionStatusOrNull(execution) ?? throw GcpMalformedResponseException.Lacks(GcpMethods.RunExecutionsGet, "state");

    /// <summary>Null when the answer holds nothing the status can be read from (no Completed condition, no start, completion or running count).</summary>
    private static string? ExecutionStatusOrNull(GoogleCloudRunV2Execution execution)
    {
        var completed = execution.Conditions.FirstOrDefault(c => c.Type == "Completed" && c.State is { Length: > 0 });
        switch (completed?.State)
        {
            case "CONDITION_SUCCEEDED":
                return "Succeeded";
            case "CONDITION_FAILED":
                return completed.ExecutionReason is "CANCELLED" or "CANCELLING" ? "Cancelled" : "Failed";
        }

        if (execution.CompletionTime is not { Length: > 0 })
        {
            if ((execution.RunningCount ?? 0) > 0 || execution.StartTime is { Length: > 0 })
            {
                return "Running";
            }

            return completed is not null || execution.RunningCount is not null ? "Pending" : null;
        }

        if ((execution.CancelledCount ?? 0) > 0)
        {
            return "Cancelled";
        }

        return (execution.FailedCount ?? 0) > 0 ? "Failed" : "Succeeded";
    }

    private static int Rank(InfraCheckStatus s) => s switch
    {
        InfraCheckStatus.Ready => 0,
        InfraCheckStatus.Partial => 1,
        _ => 2,
    };

    private sealed record ExecutionNote(string Summary, string? Problem, string? Remedy, InfraCheckStatus Status = InfraCheckStatus.Partial);
}
