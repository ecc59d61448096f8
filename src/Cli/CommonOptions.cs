using System.CommandLine;
using BqxAudit.Configuration;

namespace BqxAudit.Cli;

/// <summary>Output format of a command.</summary>
internal enum OutputFormat
{
    Table,
    Json,
}

/// <summary>The options every command takes (DESIGN.md "Commands and exit codes").</summary>
internal sealed class CommonOptions
{
    public Option<string?> Profile { get; } = new("--profile") { Description = "Profile file (path or .yaml) or embedded profile name (default: bqxaudit.yaml at PATH, else bqx-ml-v3)." };
    public Option<OutputFormat> Format { get; } = new("--format") { Description = "Output format: table (for people) or json.", DefaultValueFactory = _ => OutputFormat.Table };
    public Option<bool> Offline { get; } = new("--offline") { Description = "Make no cloud calls; cloud facts are NotVerified." };
    public Option<string?> Project { get; } = new("--project") { Description = "Google Cloud project id (overrides the profile and BQXAUDIT_PROJECT)." };
    public Option<string?> Credentials { get; } = new("--credentials") { Description = "Service-account key file (else Application Default Credentials)." };
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "Write what the tool does to standard error." };
    public Option<double?> Timeout { get; } = new("--timeout") { Description = "Deadline of the cloud phase in seconds (default 60); what is not measured by then is NotVerified." };

    public Argument<string> Path { get; } = new("PATH") { Description = "The audited root (default: the current folder).", DefaultValueFactory = _ => ".", Arity = ArgumentArity.ZeroOrOne };

    public void AddTo(Command command, bool withPath = true)
    {
        if (withPath)
        {
            // An unknown option would otherwise be taken for PATH and reported as a missing folder.
            Path.Validators.Add(r =>
            {
                var value = r.Tokens.Count > 0 ? r.Tokens[0].Value : null;
                if (value is not null && string.IsNullOrWhiteSpace(value))
                {
                    r.AddError("PATH is empty; name the folder to audit (. for the current one)");
                }
                else if (value is { Length: > 1 } && value[0] == '-' && !Directory.Exists(value))
                {
                    r.AddError($"unknown option '{value}'");
                }
            });
            command.Arguments.Add(Path);
        }

        command.Options.Add(Profile);
        command.Options.Add(Format);
        command.Options.Add(Offline);
        command.Options.Add(Project);
        command.Options.Add(Credentials);
        command.Options.Add(Verbose);
        command.Options.Add(Timeout);
    }

    /// <summary>Cloud timing with the <c>--timeout</c> deadline.</summary>
    public BqxAudit.Cloud.GcpHttpOptions Http(ParseResult result) => BqxAudit.Cloud.GcpHttpOptions.Default.WithDeadline(result.GetValue(Timeout));

    /// <summary>Loads the profile the options name for the audited root.</summary>
    public AuditProfile LoadProfile(ParseResult result)
    {
        BqxAudit.Hosting.StartupTrace.Mark("profile: loading");
        var profile = ProfileLoader.Load(new ProfileRequest
        {
            Profile = result.GetValue(Profile),
            Root = result.GetValue(Path) ?? ".",
            ProjectId = result.GetValue(Project),
        });
        BqxAudit.Hosting.StartupTrace.Mark("profile: loaded");
        return profile;
    }
}
