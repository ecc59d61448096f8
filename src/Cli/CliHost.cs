using BqxAudit.Hosting;

namespace BqxAudit.Cli;

/// <summary>The engine's host for the CLI: problems go to standard error, results to standard output.</summary>
internal sealed class CliHost : IAuditHost
{
    private readonly TextWriter error;
    private readonly bool verbose;
    private readonly object gate = new();

    public CliHost(TextWriter error, bool verbose, CancellationToken cancellation)
    {
        this.error = error;
        this.verbose = verbose;
        Cancellation = cancellation;
    }

    public CancellationToken Cancellation { get; }

    public int ErrorCount { get; private set; }

    public CommandDialect Dialect => CommandDialect.Cli;

    public void WriteVerbose(string message)
    {
        if (verbose)
        {
            lock (gate) error.WriteLine($"VERBOSE: {Dialect.Format(message)}");
        }
    }

    public void WriteWarning(string message)
    {
        lock (gate) error.WriteLine($"WARNING: {Dialect.Format(message)}");
    }

    public void WriteError(BqxError e)
    {
        lock (gate)
        {
            ErrorCount++;
            error.WriteLine($"ERROR: {Dialect.Format(e.ToString())} [{e.ErrorId}]");
        }
    }

    public void WriteProgress(ProgressInfo progress)
    {
    }

    public bool ShouldProcess(string target, string action) => true;
}
