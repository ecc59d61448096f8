using System.Management.Automation;
using BqxAudit.Hosting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// What every BqxAudit cmdlet shares: Ctrl+C → cancellation, the engine's host (<see cref="CmdletHost"/>),
/// the mapping of engine errors to ErrorRecords, and the error for piped objects a cmdlet cannot use.
/// </summary>
public abstract class BqxCmdlet : PSCmdlet, IDisposable
{
    private readonly CancellationTokenSource stopping = new();

    protected CancellationToken Cancellation => stopping.Token;

    protected override void StopProcessing()
    {
        try
        {
            stopping.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Ctrl+C after this cmdlet finished: nothing of ours is running.
        }
    }

    /// <summary>PowerShell disposes a cmdlet after its pipeline ends; only then is the token source released.</summary>
    public void Dispose()
    {
        stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Resolves a user path through the session's provider (so <c>~</c>, relative paths and PSDrives work). Pipeline thread only.</summary>
    protected string ResolveLiteral(string path) => SessionState.Path.GetUnresolvedProviderPathFromPSPath(path);

    /// <summary>A path parameter resolved on the pipeline thread, or null when not given.</summary>
    protected string? ResolveOptional(string? path) => path is null ? null : ResolveLiteral(path);

    /// <summary>
    /// Runs one unit of work — one root, one batch of piped findings — through a new host. An engine error
    /// about what the user gave (a bad profile, a missing root) is a non-terminating error naming that unit,
    /// so the other units go on; <c>-ErrorAction Stop</c> stops there. Returns false when the unit failed.
    /// A bug (any other exception) stops the command with <c>BqxAudit.Internal</c>.
    /// </summary>
    private protected bool RunUnit(object? target, Action<CmdletHost> body)
    {
        using var host = new CmdletHost(this, Cancellation);
        try
        {
            host.Execute(() => body(host));
            return true;
        }
        catch (BqxException e)
        {
            host.CompleteProgress();
            WriteError(ErrorRecords.From(e.Error, e, e.Error.Target ?? target));
            return false;
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            // Ctrl+C: PowerShell is already stopping the pipeline.
            throw new PipelineStoppedException();
        }
        catch (Exception e) when (e is not RuntimeException) // PowerShell's own (a stopped pipeline, -ErrorAction Stop) pass through
        {
            host.CompleteProgress();
            var error = new BqxError(ErrorIds.Internal, BqxErrorCategory.NotSpecified, $"internal error: {e.GetType().Name}: {e.Message}", target?.ToString());
            ThrowTerminatingError(ErrorRecords.From(error, e, target));
            return false;
        }
    }

    /// <summary>
    /// The non-terminating error for a piped object this cmdlet cannot use: a silent zero would read as
    /// "nothing found". The message names the object's type and what the cmdlet takes instead.
    /// </summary>
    private protected void WriteUnusable(PSObject item, string takes)
    {
        var type = TypeName(item);
        var error = new BqxError(ErrorIds.InputNotSupported, BqxErrorCategory.InvalidType,
            $"{MyInvocation.MyCommand.Name} cannot use a {type} from the pipeline: it takes {takes}.");
        WriteError(ErrorRecords.From(error, new PSArgumentException(error.Message), item));
    }

    /// <summary>The type a person would name: the .NET type, or a custom object's first type name (<c>Deserialized.BqxAudit.Model.Blocker</c>, CSV rows' <c>System.Management.Automation.PSCustomObject</c>).</summary>
    internal static string TypeName(PSObject item) =>
        item.BaseObject is PSCustomObject ? item.TypeNames.FirstOrDefault() ?? typeof(PSCustomObject).FullName! : item.BaseObject.GetType().FullName!;

    /// <summary>Writes a debug line now (pipeline thread).</summary>
    private protected void Debug(string message) => WriteDebug(CommandDialect.PowerShell.Format(message));
}
