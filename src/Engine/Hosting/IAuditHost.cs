namespace BqxAudit.Hosting;

/// <summary>
/// What the engine needs from whoever runs it (a cmdlet or the CLI): a place for
/// diagnostics and progress, a ShouldProcess gate and cancellation. The engine never
/// touches PowerShell or the console directly.
/// </summary>
public interface IAuditHost
{
    CancellationToken Cancellation { get; }

    void WriteVerbose(string message);

    void WriteWarning(string message);

    /// <summary>A non-terminating problem with one item: the run goes on.</summary>
    void WriteError(BqxError error);

    void WriteProgress(ProgressInfo progress);

    bool ShouldProcess(string target, string action);
}

/// <summary>A progress report: <see cref="Completed"/> closes the bar.</summary>
public sealed record ProgressInfo(string Activity, string Status, int PercentComplete, bool Completed = false);

/// <summary>A host that drops diagnostics and approves everything (tests, library use).</summary>
public sealed class NullHost : IAuditHost
{
    public static readonly NullHost Instance = new();

    public CancellationToken Cancellation => CancellationToken.None;

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

    public RecordingHost(CancellationToken cancellation = default) => Cancellation = cancellation;

    public CancellationToken Cancellation { get; }

    public List<string> Verbose { get; } = new();
    public List<string> Warnings { get; } = new();
    public List<BqxError> Errors { get; } = new();

    public void WriteVerbose(string message) { lock (gate) Verbose.Add(message); }

    public void WriteWarning(string message) { lock (gate) Warnings.Add(message); }

    public void WriteError(BqxError error) { lock (gate) Errors.Add(error); }

    public void WriteProgress(ProgressInfo progress) { }

    public bool ShouldProcess(string target, string action) => true;
}
