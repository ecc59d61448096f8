using System.CommandLine;
using BqxAudit.Checks.Dependencies;
using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit deps [PATH] [--python P | --site-packages DIR]</c>: every dependency the scripts need, and whether it is there.</summary>
internal sealed class DepsCommand
{
    private readonly CliApp app;
    private readonly CommonOptions common = new();
    private readonly Option<string?> python = new("--python") { Description = "Interpreter to list installed distributions with (runs once, 10 s timeout)." };
    private readonly Option<string?> sitePackages = new("--site-packages") { Description = "site-packages folder to read installed distributions from, without running Python." };
    private readonly Option<DependencyType[]> type = new("--type") { Description = "Only these types: PythonPackage, SystemTool, Api, Data, Credential, Secret.", AllowMultipleArgumentsPerToken = true };

    public DepsCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("deps", "Analyze dependencies: Python packages (declared, imported, installed), system tools, APIs, data, credentials, committed secrets.");
        common.AddTo(command);
        command.Options.Add(python);
        command.Options.Add(sitePackages);
        command.Options.Add(type);
        command.Validators.Add(r =>
        {
            if (r.GetValue(python) is not null && r.GetValue(sitePackages) is not null)
            {
                r.AddError("--python and --site-packages cannot be used together");
            }
        });
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(common.Verbose), cancellation);
            var records = new DependencyService(host).Analyze(new DependencyOptions
            {
                Root = parse.GetValue(common.Path) ?? ".",
                Profile = common.LoadProfile(parse),
                PythonPath = parse.GetValue(python),
                SitePackages = parse.GetValue(sitePackages),
                Types = parse.GetValue(type),
                Offline = parse.GetValue(common.Offline),
                CredentialPath = parse.GetValue(common.Credentials),
                Http = common.Http(parse),
                Environment = app.Environment,
                Tools = app.Tools ?? new ToolProbe(app.Environment),
            });
            if (parse.GetValue(common.Format) == OutputFormat.Json)
            {
                JsonOutput.WriteArray(app.Output, records);
                return ExitCodes.Success;
            }

            TableWriter.Write(app.Output, records,
                ("Status", r => r.Status.ToString()),
                ("Type", r => r.Type.ToString()),
                ("Name", r => r.Name),
                ("Required", r => r.VersionRequired),
                ("Installed", r => r.VersionInstalled),
                ("Where", r => r.DeclaredIn.Count > 0 ? string.Join(", ", r.DeclaredIn) : r.Location),
                ("Used by", r => r.UsedBy.Count == 0 ? "" : r.UsedBy.Count == 1 ? r.UsedBy[0] : $"{r.UsedBy[0]} (+{r.UsedBy.Count - 1})"));
            app.Output.WriteLine();
            app.Output.WriteLine($"{records.Count} dependencies: " + string.Join(", ", records.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")));
            return ExitCodes.Success;
        }));
        return command;
    }
}
