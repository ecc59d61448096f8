using System.CommandLine;
using BqxAudit.Checks.Infrastructure;
using BqxAudit.Cloud;
using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit infra [PATH]</c>: the infrastructure checks (project, billing, APIs, permissions, datasets, buckets, Cloud Run jobs, service account, quotas, cost monitoring; the write probe with --probe-write).</summary>
internal sealed class InfraCommand
{
    private readonly CliApp app;
    private readonly CommonOptions common = new();
    private readonly Option<InfraCheckKind[]> check = new("--check") { Description = "Only these kinds: Project, Billing, Api, Permission, BigQueryDataset, GcsBucket, CloudRunJob, ServiceAccount, Quota, CostMonitoring, WriteProbe.", AllowMultipleArgumentsPerToken = true };
    private readonly Option<bool> probeWrite = new("--probe-write") { Description = "Also run the write probe: create (1-hour expiration), rename and drop a table in gcp.scratchDataset. Writes to BigQuery; off by default." };
    private readonly Option<bool> quiet = new("--quiet", "-q") { Description = "Print only true (every check Ready) or false." };

    public InfraCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("infra", "Check the cloud project: project, billing, APIs, permissions, BigQuery datasets, Cloud Storage buckets, Cloud Run jobs, service account, quotas, cost monitoring. Read-only unless --probe-write.");
        common.AddTo(command);
        command.Options.Add(check);
        command.Options.Add(probeWrite);
        command.Options.Add(quiet);
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(common.Verbose), cancellation);
            var root = parse.GetValue(common.Path) ?? ".";
            var offline = parse.GetValue(common.Offline);
            var credentials = parse.GetValue(common.Credentials);
            var http = common.Http(parse);
            // The token round trip starts now, on another thread, while the profile loads.
            var early = offline ? null : GcpEarlyCredential.Start(credentials, Environment.GetEnvironmentVariable, http);
            var checks = new InfrastructureService(host).Run(new InfrastructureOptions
            {
                Root = root,
                Profile = common.LoadProfile(parse),
                Kinds = parse.GetValue(check),
                Offline = offline,
                CredentialPath = credentials,
                Http = http,
                EarlyCredential = early,
                ProbeWrite = parse.GetValue(probeWrite),
            });
            if (parse.GetValue(quiet))
            {
                app.Output.WriteLine(checks.All(c => c.Status == InfraCheckStatus.Ready) ? "true" : "false");
                return ExitCodes.Success;
            }

            Write(checks, parse.GetValue(common.Format));
            return ExitCodes.Success;
        }));
        return command;
    }

    private void Write(IReadOnlyList<InfraCheck> checks, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            JsonOutput.Write(app.Output, checks);
            return;
        }

        TableWriter.Write(app.Output, checks,
            ("Status", c => c.Status.ToString()),
            ("Kind", c => c.Kind.ToString()),
            ("Target", c => c.Target),
            ("Actual", c => c.Actual),
            ("Remedy", c => c.Status == InfraCheckStatus.Ready ? null : c.Remedy));
        var counts = checks.GroupBy(c => c.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}");
        app.Output.WriteLine();
        app.Output.WriteLine($"{checks.Count} checks: {string.Join(", ", counts)}");
    }
}
