using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Cloud.CloudRun;
using BqxAudit.Configuration;
using BqxAudit.Hosting;
using BqxAudit.Model;
using BqxAudit.Tests.FakeGcp;
using BqxAudit.Tests.Support;
using static BqxAudit.Tests.Cloud.CloudTestKit;

namespace BqxAudit.Tests.Cloud;

public class RunJobCheckTests
{
    private static readonly InfraCheckKind[] Jobs = { InfraCheckKind.CloudRunJob };

    private static InfraCheck Job(IEnumerable<InfraCheck> checks, string target) => Assert.Single(checks, c => c.Target == target);

    [Fact]
    public async Task Run_WhenBothJobsAreDeployedAndRan_ShouldReportImageAccountAndLatestExecutionTimes()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Jobs);

        Assert.Equal(new[] { "run:us-central1/bqx-ml-extract", "run:us-central1/bqx-ml-merge" }, checks.Select(c => c.Target));
        var extract = checks[0];
        Assert.Equal(InfraCheckStatus.Ready, extract.Status);
        Assert.Equal("us-central1-docker.pkg.dev/bqx-ml/pipeline/bqx-ml-extract:v3", extract.Details["Image"]);
        Assert.Equal(PipelineAccount, extract.Details["ServiceAccount"]);
        Assert.Equal("CONDITION_SUCCEEDED", extract.Details["TerminalCondition"]);
        Assert.Equal(true, extract.Details["Required"]);
        Assert.Equal(new List<string> { "M008-4C" }, extract.Details["RequiredBy"]);
        var latest = Assert.IsType<Dictionary<string, object>>(extract.Details["LatestExecution"]);
        var seeded = server.State.RunJobs[0].Executions[0];
        Assert.Equal("Succeeded", latest["Status"]);
        Assert.Equal(seeded.StartTime, latest["StartTime"]);
        Assert.Equal(seeded.CompletionTime, latest["CompletionTime"]);
        Assert.Equal((long)(seeded.CompletionTime!.Value - seeded.StartTime!.Value).TotalMilliseconds, latest["DurationMs"]);
        Assert.Contains(extract.Evidence, e => e.Location == "GET run.projects.locations.jobs.executions.get 200" && e.Detail.Contains("Succeeded", StringComparison.Ordinal));
        // One jobs.get and one executions.get per job, nothing else.
        Assert.Equal(2, server.Log.Count("run.projects.locations.jobs.get"));
        Assert.Equal(2, server.Log.Count("run.projects.locations.jobs.executions.get"));
        Assert.Equal(4, server.Log.ApiRequests.Count);
    }

    [Fact]
    public async Task Run_WhenAJobThePhaseNeedsIsMissing_ShouldReportItMissingWithTheDeployCommand()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs.RemoveAll(j => j.Name == "bqx-ml-merge");
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Jobs);

        var merge = Job(checks, "run:us-central1/bqx-ml-merge");
        Assert.Equal(InfraCheckStatus.Missing, merge.Status);
        Assert.Equal("not deployed in us-central1 (required by M008-4C)", merge.Actual);
        Assert.StartsWith($"gcloud run jobs deploy bqx-ml-merge --region us-central1 --image IMAGE --service-account {PipelineAccount}", merge.Remedy);
        Assert.Equal(true, merge.Details["Required"]);
        Assert.Equal(new List<string> { "M008-4C" }, merge.Details["RequiredBy"]);
        Assert.Contains(merge.Evidence, e => e.Location == "GET run.projects.locations.jobs.get 404");
        Assert.Equal(InfraCheckStatus.Ready, Job(checks, "run:us-central1/bqx-ml-extract").Status);
    }

    [Fact]
    public async Task Run_WhenAJobNoPhaseNeedsIsMissing_ShouldStillBeMissingButNotRequired()
    {
        await using var server = await StartDefaultAsync();
        using var home = new TempDir();
        var profile = Profile("name: t\ngcp: { project: bqx-ml, region: us-central1 }\ncloudRunJobs: [ { name: bqx-ml-backfill } ]\n");

        var job = Assert.Single(Run(server, home, profile, Jobs));

        Assert.Equal(("run:us-central1/bqx-ml-backfill", InfraCheckStatus.Missing), (job.Target, job.Status));
        Assert.Equal(false, job.Details["Required"]);
        Assert.Contains("no phase or task requires it", job.Actual);
    }

    public static TheoryData<string, string> RegionFaults() => new()
    {
        { "Forbidden accessDenied", nameof(InfraCheckStatus.Blocked) },
        { "ServerError 503", nameof(InfraCheckStatus.NotVerified) },
        { "Timeout", nameof(InfraCheckStatus.NotVerified) },
        { "Forbidden SERVICE_DISABLED", nameof(InfraCheckStatus.Blocked) },
    };

    [Theory]
    [MemberData(nameof(RegionFaults))]
    public async Task Run_WhenOneRegionIsDeniedOrDown_ShouldStillReportTheJobsOfTheOtherRegion(string faultName, string expected)
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs.Add(new FakeRunJob("bqx-ml-score", "europe-west1") { ServiceAccount = PipelineAccount });
        var fault = faultName switch
        {
            "Forbidden accessDenied" => Fault.Forbidden("accessDenied"),
            "Forbidden SERVICE_DISABLED" => Fault.Forbidden("SERVICE_DISABLED"),
            "ServerError 503" => Fault.Server(503),
            _ => Fault.Timeout(),
        };
        server.Faults.Add("run.projects.locations.jobs.get", fault, int.MaxValue, r => r.RawPath.Contains("/locations/europe-west1/", StringComparison.Ordinal));
        using var home = new TempDir();
        var profile = Profile($"name: t\ngcp: {{ project: bqx-ml, region: us-central1, serviceAccount: {PipelineAccount} }}\n"
            + "cloudRunJobs: [ { name: bqx-ml-extract }, { name: bqx-ml-score, region: europe-west1 }, { name: bqx-ml-merge } ]\n");

        var checks = Run(server, home, profile, Jobs, http: Fast(attemptTimeout: TimeSpan.FromMilliseconds(200)));

        var score = Job(checks, "run:europe-west1/bqx-ml-score");
        Assert.Equal(Enum.Parse<InfraCheckStatus>(expected), score.Status);
        Assert.NotNull(score.Remedy);
        Assert.Equal("europe-west1", score.Details["Region"]);
        Assert.Contains(score.Evidence, e => e.Source == "api" && e.Location.StartsWith("GET run.projects.locations.jobs.get", StringComparison.Ordinal));
        if (faultName == "Forbidden accessDenied")
        {
            Assert.Contains("run.jobs.get", score.Actual);
            Assert.Contains("roles/run.viewer", score.Remedy);
        }

        Assert.All(checks.Where(c => c != score), c => Assert.Equal(InfraCheckStatus.Ready, c.Status));
    }

    [Fact]
    public async Task Run_WhenTheTemplateNamesNoServiceAccount_ShouldSayTheProjectDefaultAndFlagTheMismatch()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs[0] = server.State.RunJobs[0] with { ServiceAccount = null };
        server.State.RunJobs[0].Executions.Clear();
        using var home = new TempDir();

        var extract = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-extract");

        Assert.Equal(InfraCheckStatus.Partial, extract.Status);
        Assert.Equal(CloudRunJobCheck.ProjectDefault, extract.Details["ServiceAccount"]);
        Assert.Contains($"runs as the project's default service account, not {PipelineAccount}", extract.Actual);
        Assert.Contains($"gcloud run jobs update bqx-ml-extract --region us-central1 --service-account {PipelineAccount}", extract.Remedy);
        Assert.Contains(extract.Evidence, e => e.Detail.Contains("service account absent, so the project's default", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Run_WhenTheLatestExecutionFailed_ShouldBePartialWithItsTimesAndLogs()
    {
        await using var server = await StartDefaultAsync();
        var failedAt = NewestCheckpoint.AddMinutes(30);
        server.State.RunJobs[1].Executions.Add(new FakeRunExecution("bqx-ml-merge-f00d1", NewestCheckpoint)
        {
            StartTime = NewestCheckpoint.AddSeconds(15),
            CompletionTime = failedAt,
            SucceededCount = 0,
            FailedCount = 1,
        });
        using var home = new TempDir();

        var merge = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-merge");

        Assert.Equal(InfraCheckStatus.Partial, merge.Status);
        var latest = Assert.IsType<Dictionary<string, object>>(merge.Details["LatestExecution"]);
        Assert.Equal(("bqx-ml-merge-f00d1", "Failed", 1), ((string)latest["Name"], (string)latest["Status"], (int)latest["FailedCount"]));
        Assert.Equal(failedAt, latest["CompletionTime"]);
        Assert.Contains("latest execution bqx-ml-merge-f00d1 failed", merge.Actual);
        Assert.Contains("logs", merge.Remedy);
        Assert.Contains((string)latest["LogUri"], merge.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheTerminalConditionFailed_ShouldBeBlockedWithTheReason()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs[0] = server.State.RunJobs[0] with
        {
            ReadyState = "CONDITION_FAILED",
            ReadyReason = "CONTAINER_MISSING",
            ReadyMessage = "Image 'us-central1-docker.pkg.dev/bqx-ml/pipeline/bqx-ml-extract:v3' not found.",
        };
        using var home = new TempDir();

        var extract = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-extract");

        Assert.Equal(InfraCheckStatus.Blocked, extract.Status);
        Assert.Equal("CONDITION_FAILED", extract.Details["TerminalCondition"]);
        Assert.Contains("not ready: CONTAINER_MISSING: Image", extract.Actual);
        Assert.Contains("gcloud run jobs describe bqx-ml-extract --region us-central1", extract.Remedy);
    }

    [Fact]
    public async Task Run_WhenTheJobIsStillDeploying_ShouldBePartial()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs[0] = server.State.RunJobs[0] with { ReadyState = "CONDITION_RECONCILING" };
        using var home = new TempDir();

        var extract = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-extract");

        Assert.Equal(InfraCheckStatus.Partial, extract.Status);
        Assert.Contains("not settled: terminal condition CONDITION_RECONCILING", extract.Actual);
    }

    [Fact]
    public async Task Run_WhenTheJobNeverRan_ShouldBeReadyAndSaySoWithoutAskingForExecutions()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs.ForEach(j => j.Executions.Clear());
        using var home = new TempDir();

        var checks = Run(server, home, kinds: Jobs);

        Assert.All(checks, c =>
        {
            Assert.Equal(InfraCheckStatus.Ready, c.Status);
            Assert.Contains("latest execution: never executed", c.Actual);
            Assert.False(c.Details.ContainsKey("LatestExecution"));
            Assert.Equal(0, c.Details["ExecutionCount"]);
        });
        Assert.Equal(0, server.Log.Count("run.projects.locations.jobs.executions.get"));
    }

    [Fact]
    public async Task Run_WhenTheExecutionCannotBeRead_ShouldKeepTheJobFactsAndBePartial()
    {
        await using var server = await StartDefaultAsync();
        server.Faults.Add("run.projects.locations.jobs.executions.get", Fault.Forbidden("IAM_PERMISSION_DENIED"), int.MaxValue);
        using var home = new TempDir();

        var extract = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-extract");

        Assert.Equal(InfraCheckStatus.Partial, extract.Status);
        Assert.Equal("us-central1-docker.pkg.dev/bqx-ml/pipeline/bqx-ml-extract:v3", extract.Details["Image"]);
        var latest = Assert.IsType<Dictionary<string, object>>(extract.Details["LatestExecution"]);
        Assert.Equal("NotVerified", latest["Status"]);
        Assert.Equal(server.State.RunJobs[0].Executions[0].CompletionTime, latest["CompletionTime"]); // from the job's reference
        Assert.Contains("roles/run.viewer", extract.Remedy);
        Assert.Contains(extract.Evidence, e => e.Location == "GET run.projects.locations.jobs.executions.get 403");
    }

    [Fact]
    public async Task Run_WhenTheJobRunsNow_ShouldReportTheExecutionRunning()
    {
        await using var server = await StartDefaultAsync();
        server.State.RunJobs[0].Executions.Add(new FakeRunExecution("bqx-ml-extract-live1", Now.AddMinutes(-2)) { StartTime = Now.AddMinutes(-1), RunningCount = 1, SucceededCount = 0 });
        using var home = new TempDir();

        var extract = Job(Run(server, home, kinds: Jobs), "run:us-central1/bqx-ml-extract");

        Assert.Equal(InfraCheckStatus.Ready, extract.Status);
        var latest = Assert.IsType<Dictionary<string, object>>(extract.Details["LatestExecution"]);
        Assert.Equal(("bqx-ml-extract-live1", "Running"), ((string)latest["Name"], (string)latest["Status"]));
        Assert.False(latest.ContainsKey("CompletionTime"));
    }

    [Theory]
    [InlineData(null, null, null, 0, 0, 0, "Pending")]
    [InlineData(null, "2025-12-12T10:00:00Z", null, 0, 0, 1, "Running")]
    [InlineData(null, null, null, 0, 0, 1, "Running")]
    [InlineData(null, "2025-12-12T10:00:00Z", "2025-12-12T10:30:00Z", 1, 0, 0, "Succeeded")]
    [InlineData(null, "2025-12-12T10:00:00Z", "2025-12-12T10:30:00Z", 0, 1, 0, "Failed")]
    [InlineData("CONDITION_FAILED", "2025-12-12T10:00:00Z", "2025-12-12T10:30:00Z", 1, 0, 0, "Failed")]
    [InlineData("CONDITION_SUCCEEDED", "2025-12-12T10:00:00Z", null, 0, 0, 0, "Succeeded")]
    [InlineData("CONDITION_PENDING", "2025-12-12T10:00:00Z", null, 0, 0, 1, "Running")]
    public void ExecutionStatus_WhenGivenConditionsAndCounts_ShouldPreferTheCompletedCondition(string? completed, string? start, string? end, int succeeded, int failed, int running, string expected)
    {
        var execution = new GoogleCloudRunV2Execution
        {
            StartTime = start,
            CompletionTime = end,
            SucceededCount = succeeded,
            FailedCount = failed,
            RunningCount = running,
        };
        if (completed is not null)
        {
            execution.Conditions.Add(new GoogleCloudRunV2Condition { Type = "Completed", State = completed });
        }

        Assert.Equal(expected, CloudRunJobCheck.ExecutionStatus(execution));
    }

    [Fact]
    public void ExecutionStatus_WhenTheCompletedConditionSaysCancelled_ShouldSayCancelled()
    {
        var execution = new GoogleCloudRunV2Execution { CompletionTime = "2025-12-12T10:30:00Z", CancelledCount = 1 };
        Assert.Equal("Cancelled", CloudRunJobCheck.ExecutionStatus(execution));
        execution.Conditions.Add(new GoogleCloudRunV2Condition { Type = "Completed", State = "CONDITION_FAILED", ExecutionReason = "CANCELLED" });
        Assert.Equal("Cancelled", CloudRunJobCheck.ExecutionStatus(execution));
    }

    [Theory]
    [InlineData("2025-12-12T10:00:00.123456789Z", "2025-12-12T10:00:00.1234567+00:00")]
    [InlineData("2025-12-12T10:00:00Z", "2025-12-12T10:00:00.0000000+00:00")]
    [InlineData("2025-12-12T12:00:00.5+02:00", "2025-12-12T10:00:00.5000000+00:00")]
    public void GoogleTimeParse_WhenGivenRfc3339WithUpToNineDigits_ShouldReadItInUtc(string text, string expected)
    {
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), GoogleTime.Parse(text));
        Assert.Equal(TimeSpan.Zero, GoogleTime.Parse(text)!.Value.Offset);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("yesterday")]
    public void GoogleTimeParse_WhenNotATime_ShouldReturnNull(string? text)
    {
        Assert.Null(GoogleTime.Parse(text));
    }

    [Theory]
    [InlineData("gcp: { project: p }\ncloudRunJobs: [ { name: j1 } ]\n", "test.yaml:3:17: 'cloudRunJobs[0]': no region, and gcp.region is not set")]
    [InlineData("gcp: { project: p, region: us-central1 }\ncloudRunJobs: [ { name: j1, requiredBy: [ M999 ] } ]\n", "test.yaml:3:43: 'cloudRunJobs[0].requiredBy[0]': 'M999' is neither a phase id nor a task name")]
    [InlineData("gcp: { project: p, region: us-central1 }\ncloudRunJobs: [ { name: j1 }, { name: j1, region: us-central1 } ]\n", "'cloudRunJobs[1].name': duplicate Cloud Run job 'j1' in us-central1")]
    [InlineData("cloudRunJobs: [ { name: Bad_Name, region: us-central1 } ]\n", "'cloudRunJobs[0].name' must match")]
    [InlineData("cloudRunJobs: [ { name: j1, region: US } ]\n", "'cloudRunJobs[0].region' must match")]
    [InlineData("quotas: { queryUsagePerDayTiB: 0 }\n", "'quotas.queryUsagePerDayTiB': must be a number greater than 0")]
    [InlineData("quotas: { queryUsagePerDayTiB: lots }\n", "quotas.queryUsagePerDayTiB")]
    [InlineData("quotas: { queryUsagePerDayTB: 1 }\n", "queryUsagePerDayTB")]
    [InlineData("gcp: { scratchDataset: 'bad-name' }\n", "'gcp.scratchDataset' must match")]
    public void Parse_WhenACloudKeyOfThisIssueIsWrong_ShouldNameFileLineAndColumn(string yaml, string message)
    {
        var e = Assert.Throws<BqxException>(() => ProfileLoader.Parse("name: t\n" + yaml, "test.yaml"));
        Assert.Equal(ErrorIds.ProfileInvalid, e.Error.ErrorId);
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void Parse_WhenRequiredByNamesATaskAndTheRegionComesFromGcp_ShouldLoad()
    {
        var profile = ProfileLoader.Parse(
            "name: t\ngcp: { region: europe-west4 }\nphases: [ { id: P1, tasks: [ { name: Load } ] } ]\ncloudRunJobs: [ { name: loader, requiredBy: [ Load, P1 ] } ]\nquotas: { queryUsagePerDayTiB: 0.25 }\n",
            "test.yaml");

        var job = Assert.Single(profile.CloudRunJobs);
        Assert.Null(job.Region);
        Assert.Equal(new[] { "Load", "P1" }, job.RequiredBy);
        Assert.Equal(0.25, profile.Quotas.QueryUsagePerDayTiB);
    }

    [Fact]
    public void LoadEmbedded_WhenDefault_ShouldCarryBothJobsRequiredByThePhaseAndTheOneTiBPlan()
    {
        var profile = DefaultProfile();

        Assert.Equal(new[] { "bqx-ml-extract", "bqx-ml-merge" }, profile.CloudRunJobs.Select(j => j.Name));
        Assert.All(profile.CloudRunJobs, j =>
        {
            Assert.Equal("us-central1", j.Region);
            Assert.Equal(new[] { "M008-4C" }, j.RequiredBy);
        });
        Assert.Equal(1, profile.Quotas.QueryUsagePerDayTiB);
        Assert.Equal("bqx_audit_scratch", profile.Gcp.ScratchDataset);
    }
}
