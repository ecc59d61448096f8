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
        root.Subcommands.Add(new ScriptsCommand(this).Build(cancellation));
        root.Subcommands.Add(new NamingCommand(this).Build(cancellation));
        root.Subcommands.Add(new RenamePlanCommand(this).Build(cancellation));
        root.Subcommands.Add(new InfraCommand(this).Build(cancellation));
        root.Subcommands.Add(new DepsCommand(this).Build(cancellation));
        root.Subcommands.Add(new BlockersCommand(this).Build(cancellation));
        root.Subcommands.Add(new ReadinessCommand(this).Build(cancellation));
        root.Subcommands.Add(new AuditCommand(this).Build(cancellation));
        root.Subcommands.Add(new SchemaCommand(this).Build());

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
