using System.CommandLine;
using BqxAudit.Hosting;

namespace BqxAudit.Cli;

/// <summary>
/// The <c>bqx-audit</c> command line. Output and error writers are injected so tests run it in
/// process. Each command binds its options, calls one engine service and writes the result.
/// </summary>
public sealed class CliApp
{
    private readonly TextWriter output;
    private readonly TextWriter error;

    public CliApp(TextWriter output, TextWriter error)
    {
        this.output = output;
        this.error = error;
    }

    public int Run(string[] args, CancellationToken cancellation = default)
    {
        var root = new RootCommand("bqx-audit: audits a Google Cloud data/ML pipeline project for execution readiness.");
        var commands = Commands(cancellation);
        // A run of one command builds only that command (the others' options cost the start ~15 ms); anything else
        // (help, --version, a mistyped name) gets the whole tree, so what it prints is unchanged.
        var only = args.Length > 0 ? Array.FindIndex(commands, c => c.Name == args[0]) : -1;
        if (only >= 0)
        {
            root.Subcommands.Add(commands[only].Build());
        }
        else
        {
            foreach (var command in commands)
            {
                root.Subcommands.Add(command.Build());
            }
        }

        StartupTrace.Mark("commands built");
        var parsed = root.Parse(args);
        StartupTrace.Mark("parsed");
        if (parsed.Errors.Count > 0)
        {
            foreach (var e in parsed.Errors)
            {
                error.WriteLine($"error: {e.Message}");
            }

            error.WriteLine("Run 'bqx-audit --help' for usage.");
            return ExitCodes.UsageOrInput;
        }

        return parsed.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }

    internal (string Name, Func<Command> Build)[] Commands(CancellationToken cancellation) =>
    [
        ("scripts", () => new ScriptsCommand(this).Build(cancellation)),
        ("naming", () => new NamingCommand(this).Build(cancellation)),
        ("rename-plan", () => new RenamePlanCommand(this).Build(cancellation)),
        ("infra", () => new InfraCommand(this).Build(cancellation)),
        ("deps", () => new DepsCommand(this).Build(cancellation)),
        ("blockers", () => new BlockersCommand(this).Build(cancellation)),
        ("readiness", () => new ReadinessCommand(this).Build(cancellation)),
        ("audit", () => new AuditCommand(this).Build(cancellation)),
        ("profile-schema", () => new SchemaCommand(this).Build()),
    ];

    internal TextWriter Output => output;

    internal TextWriter Error => error;

    /// <summary>The environment the commands read (PATH for the tools and ShellCheck); tests hand a controlled one.</summary>
    public Func<string, string?> Environment { get; init; } = System.Environment.GetEnvironmentVariable;

    /// <summary>The system-tool probe; null: the tools on <see cref="Environment"/>'s PATH, really asked for <c>--version</c>.</summary>
    public BqxAudit.Checks.Dependencies.ToolProbe? Tools { get; init; }

    /// <summary>Runs a command body, mapping engine errors to exit codes (3 for input, 4 for bugs, 130 for Ctrl+C).</summary>
    internal int Guard(Func<int> body)
    {
        try
        {
            return body();
        }
        catch (BqxException e)
        {
            error.WriteLine($"error: {e.Error.Message} [{e.Error.ErrorId}]");
            return e.IsUserError ? ExitCodes.UsageOrInput : ExitCodes.Internal;
        }
        catch (OperationCanceledException)
        {
            error.WriteLine("cancelled");
            return ExitCodes.Cancelled;
        }
        catch (Exception e)
        {
            error.WriteLine($"internal error: {e.GetType().Name}: {e.Message} [{ErrorIds.Internal}]");
            error.WriteLine(e.StackTrace);
            return ExitCodes.Internal;
        }
    }
}
