using System.CommandLine;
using BqxAudit.Configuration;

namespace BqxAudit.Cli;

/// <summary><c>bqx-audit profile-schema</c>: prints the JSON schema of bqxaudit.yaml (the file in schemas/ is this output).</summary>
internal sealed class SchemaCommand
{
    private readonly CliApp app;

    public SchemaCommand(CliApp app) => this.app = app;

    public Command Build()
    {
        var command = new Command("profile-schema", "Print the JSON schema of the profile file (bqxaudit.yaml).");
        command.SetAction(_ => app.Guard(() =>
        {
            app.Output.Write(ProfileSchema.Generate());
            return ExitCodes.Success;
        }));
        return command;
    }
}
