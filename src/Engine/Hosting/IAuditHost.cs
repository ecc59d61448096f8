namespace BqxAudit.Hosting;

/// <summary>
/// What the engine needs from whoever runs it (a cmdlet or the CLI): a place for
/// diagnostics and progress, a ShouldProcess gate, cancellation, and the dialect the
/// user speaks. The engine never touches PowerShell or the console directly.
/// Every member may be called from any thread; the host makes that safe (the cmdlets'
/// host forwards to the pipeline thread, the CLI's host locks).
/// </summary>
public interface IAuditHost
{
    CancellationToken Cancellation { get; }

    /// <summary>
    /// How the user spells our commands and options (<c>-Offline</c> or <c>--offline</c>): every text that
    /// tells the user to run one goes through it (see <see cref="CommandDialect"/>). No default: a host that
    /// wraps another passes the inner host's on, so a wrapped cmdlet host never speaks the CLI's flags.
    /// </summary>
    CommandDialect Dialect { get; }

    void WriteVerbose(string message);

    /// <summary>Details for whoever debugs a run (-Debug): options, decisions, timings. Default: dropped.</summary>
    void WriteDebug(string message)
    {
    }

    void WriteWarning(string message);

    /// <summary>A non-terminating problem with one item: the run goes on.</summary>
    void WriteError(BqxError error);

    void WriteProgress(ProgressInfo progress);

    bool ShouldProcess(string target, string action);
}

/// <summary>
/// A progress report: <see cref="Completed"/> closes the bar. Each activity is one bar; an activity reported
/// while another is open is its child (the cmdlets' host gives it its own id with the open one as parent),
/// so an engine step that reports its own progress (the inventory inside the audit) never closes its parent's bar.
/// </summary>
public sealed record ProgressInfo(string Activity, string Status, int PercentComplete, bool Completed = false);

/// <summary>A host that drops diagnostics and approves everything (tests, library use).</summary>
public sealed class NullHost : IAuditHost
{
    public static readonly NullHost Instance = new();

    public CancellationToken Cancellation => CancellationToken.None;

    public CommandDialect Dialect => CommandDialect.Cli;

    public void WriteVerbose(string message) { }

    public void WriteWarning(string message) { }

    public void WriteError(BqxError error) { }

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action) => true;
}

/// <summary>A host that records everything it is told (tests, and the CLI before it prints).</summary>
public sealed class RecordingHost : IAuditHost
{
    private readonly object gate = new();

    public RecordingHost(CancellationToken cancellation = default, CommandDialect? dialect = null)
    {
        Cancellation = cancellation;
        Dialect = dialect ?? CommandDialect.Cli;
    }

    public CancellationToken Cancellation { get; }

    public CommandDialect Dialect { get; }

    public List<string> Verbose { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<BqxError> Errors { get; } = new();

    public void WriteVerbose(string message) { lock (gate) Verbose.Add(message); }

    public void WriteWarning(string message) { lock (gate) Warnings.Add(message); }

    public void WriteError(BqxError error) { lock (gate) Errors.Add(error); }

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action) => true;
}

/// <summary>
/// A host that passes everything on to another: the base of a wrapper that changes how some messages are told
/// (override the members it changes). Forwarding every member here keeps a wrapper from silently dropping one.
/// </summary>
internal abstract class DelegatingHost : IAuditHost
{
    protected DelegatingHost(IAuditHost inner) => Inner = inner;

    protected IAuditHost Inner { get; }

    public CancellationToken Cancellation => Inner.Cancellation;

    public CommandDialect Dialect => Inner.Dialect;

    public virtual void WriteVerbose(string message) => Inner.WriteVerbose(message);

    public virtual void WriteDebug(string message) => Inner.WriteDebug(message);

    public virtual void WriteWarning(string message) => Inner.WriteWarning(message);

    public virtual void WriteError(BqxError error) => Inner.WriteError(error);

    public virtual void WriteProgress(ProgressInfo progress) => Inner.WriteProgress(progress);

    public virtual bool ShouldProcess(string target, string action) => Inner.ShouldProcess(target, action);
}
