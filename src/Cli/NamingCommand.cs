using System.CommandLine;
using BqxAudit.Checks.Naming;
using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit naming [PATH] [--tables FILE | NAME…] [--summary]</c>: table names against the naming mandate.</summary>
internal sealed class NamingCommand
{
    private readonly CliApp app;
    private readonly CommonOptions common = new();
    private readonly Argument<string[]> names = new("NAME") { Description = "Table names to check (table, dataset.table, project.dataset.table, project:dataset.table).", Arity = ArgumentArity.ZeroOrMore };
    private readonly Option<string?> tables = new("--tables") { Description = "File of names: one per line, a CSV with a name column, or 'bq ls --format=json' output." };
    private readonly Option<string?> mandate = new("--mandate") { Description = "Naming mandate id (default: the profile's first)." };
    private readonly Option<bool> summary = new("--summary") { Description = "Print counts by family × status × violation instead of one row per name." };

    public NamingCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("naming", "Check table names against the profile's naming mandate: family, violations, suggested name.");
        common.AddTo(command);
        command.Arguments.Add(names);
        command.Options.Add(tables);
        command.Options.Add(mandate);
        command.Options.Add(summary);
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(common.Verbose), cancellation);
            var audit = new NamingAudit(host);
            var request = Request(parse, common, names, tables, mandate);
            var results = audit.Classify(request).ToList();
            if (parse.GetValue(summary))
            {
                var s = audit.Summarize(results, request);
                if (parse.GetValue(common.Format) == OutputFormat.Json)
                {
                    JsonOutput.Write(app.Output, s);
                }
                else
                {
                    app.Output.Write(s.ToText());
                }
            }
            else if (parse.GetValue(common.Format) == OutputFormat.Json)
            {
                JsonOutput.WriteArray(app.Output, results);
            }
            else
            {
                TableWriter.Write(app.Output, results,
                    ("Status", r => r.Status.ToString()),
                    ("Family", r => r.Family),
                    ("Violations", r => string.Join(",", r.Violations)),
                    ("Table", r => r.Dataset is null ? r.TableName : $"{r.Dataset}.{r.TableName}"),
                    ("Suggested", r => r.SuggestedName ?? (r.Status == NamingStatus.NonCompliant ? "(none: " + r.Reason + ")" : "")));
                app.Output.WriteLine();
                app.Output.WriteLine($"{results.Count} names: " + string.Join(", ", results.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
            }

            // Bad input (an absent or unreadable listing, a bad line) was reported on standard error: exit 3, as for any input error.
            return host.ErrorCount > 0 ? ExitCodes.UsageOrInput : ExitCodes.Success;
        }));
        return command;
    }

    internal static NamingRequest Request(ParseResult parse, CommonOptions common, Argument<string[]>? names, Option<string?> tables, Option<string?> mandate) => new()
    {
        Root = parse.GetValue(common.Path) ?? ".",
        Profile = common.LoadProfile(parse),
        TableNames = names is null ? null : parse.GetValue(names),
        TableFile = parse.GetValue(tables),
        MandateId = parse.GetValue(mandate),
        Live = parse.GetValue(common.Offline) ? null : new LiveListingOptions { CredentialPath = parse.GetValue(common.Credentials), Http = common.Http(parse) },
    };
}
