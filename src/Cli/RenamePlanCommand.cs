using System.CommandLine;
using BqxAudit.Checks.Naming;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit rename-plan [PATH] [--tables FILE] [--sql FILE] [--csv FILE]</c>: the DDL to reach the naming standard, executing nothing.</summary>
internal sealed class RenamePlanCommand
{
    private readonly CliApp app;
    private readonly CommonOptions common = new();
    private readonly Option<string?> tables = new("--tables") { Description = "File of names (default: the profile's table listings)." };
    private readonly Option<string?> mandate = new("--mandate") { Description = "Naming mandate id (default: the profile's first)." };
    private readonly Option<string?> sql = new("--sql") { Description = "Write the plan as a SQL script to this file." };
    private readonly Option<string?> csv = new("--csv") { Description = "Write the plan as CSV to this file." };
    private readonly Option<bool> force = new("--force") { Description = "Overwrite existing --sql/--csv files." };

    public RenamePlanCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("rename-plan", "Plan renames to the naming standard (ALTER TABLE … RENAME TO plus a grace view); collisions are refused. Executes nothing.");
        common.AddTo(command);
        foreach (var o in new Option[] { tables, mandate, sql, csv, force })
        {
            command.Options.Add(o);
        }

        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(common.Verbose), cancellation);
            var audit = new NamingAudit(host);
            var request = NamingCommand.Request(parse, common, null, tables, mandate);
            var plan = audit.Plan(request);
            if (parse.GetValue(sql) is { } sqlPath)
            {
                RenamePlanWriter.WriteSql(plan, sqlPath, host, parse.GetValue(force), audit.Mandate(request).Id);
            }

            if (parse.GetValue(csv) is { } csvPath)
            {
                RenamePlanWriter.WriteCsv(plan, csvPath, host, parse.GetValue(force));
            }

            // Bad input (an absent or unreadable listing, a bad line) was reported on standard error: exit 3, as for any input error.
            var exit = host.ErrorCount > 0 ? ExitCodes.UsageOrInput : ExitCodes.Success;
            if (parse.GetValue(common.Format) == OutputFormat.Json)
            {
                JsonOutput.WriteArray(app.Output, plan);
                return exit;
            }

            TableWriter.Write(app.Output, plan,
                ("Action", p => p.Action.ToString()),
                ("Source", p => p.Source),
                ("Target", p => p.Target),
                ("Note", p => p.CollidesWith is { } c ? $"collides with {c}" : p.Reason));
            app.Output.WriteLine();
            app.Output.WriteLine($"{plan.Count} tables: " + string.Join(", ", plan.GroupBy(p => p.Action).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
            return exit;
        }));
        return command;
    }
}
