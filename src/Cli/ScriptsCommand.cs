using System.CommandLine;
using BqxAudit.Inventory;
using BqxAudit.Model;
using BqxAudit.Serialization;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit scripts [PATH]</c>: the script inventory.</summary>
internal sealed class ScriptsCommand
{
    private readonly CliApp app;
    private readonly CommonOptions common = new();
    private readonly Option<string[]> include = new("--include") { Description = "Globs of files to inventory (replace the profile's include list).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<string[]> exclude = new("--exclude") { Description = "Globs of files to leave out (added to the profile's exclude list).", AllowMultipleArgumentsPerToken = true };
    private readonly Option<ScriptKind[]> kind = new("--kind") { Description = "Only these kinds: Python, Shell, Dockerfile, CloudBuild.", AllowMultipleArgumentsPerToken = true };

    public ScriptsCommand(CliApp app) => this.app = app;

    public Command Build(CancellationToken cancellation)
    {
        var command = new Command("scripts", "Inventory the implementation files: what each imports, accepts, calls and needs, and its status.");
        common.AddTo(command);
        command.Options.Add(include);
        command.Options.Add(exclude);
        command.Options.Add(kind);
        command.SetAction(parse => app.Guard(() =>
        {
            var host = new CliHost(app.Error, parse.GetValue(common.Verbose), cancellation);
            var result = new InventoryService(host).Run(new InventoryOptions
            {
                Root = parse.GetValue(common.Path) ?? ".",
                Profile = common.LoadProfile(parse),
                Include = parse.GetValue(include),
                Exclude = parse.GetValue(exclude),
                Kinds = parse.GetValue(kind),
            });
            Write(result.Records, parse.GetValue(common.Format));
            return ExitCodes.Success;
        }));
        return command;
    }

    private void Write(IReadOnlyList<ScriptRecord> records, OutputFormat format)
    {
        if (format == OutputFormat.Json)
        {
            JsonOutput.WriteArray(app.Output, records);
            return;
        }

        TableWriter.Write(app.Output, records,
            ("Status", r => r.Status.ToString()),
            ("Kind", r => r.Kind.ToString()),
            ("Category", r => r.Category),
            ("Lines", r => r.Status == ScriptStatus.Missing ? "" : r.Lines.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            ("Path", r => r.Path),
            ("Note", r => r.Status == ScriptStatus.Ready ? r.Purpose : r.Recommendation));
        var counts = records.GroupBy(r => r.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}");
        app.Output.WriteLine();
        app.Output.WriteLine($"{records.Count} scripts: {string.Join(", ", counts)}");
    }
}
