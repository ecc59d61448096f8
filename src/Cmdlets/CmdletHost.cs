using System.Collections.Concurrent;
using System.Management.Automation;
using BqxAudit.Hosting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// The engine's host inside a cmdlet. PowerShell allows Write* calls only on the pipeline thread,
/// and the engine works in parallel: messages from other threads queue up and are written at the
/// next call on the pipeline thread, or at <see cref="Flush"/>.
/// </summary>
internal sealed class CmdletHost : IAuditHost
{
    private readonly PSCmdlet cmdlet;
    private readonly int pipelineThread = Environment.CurrentManagedThreadId;
    private readonly ConcurrentQueue<Action> pending = new();
    private readonly int progressId;

    public CmdletHost(PSCmdlet cmdlet, CancellationToken cancellation, int progressId = 1)
    {
        this.cmdlet = cmdlet;
        this.progressId = progressId;
        Cancellation = cancellation;
    }

    public CancellationToken Cancellation { get; }

    private bool OnPipelineThread => Environment.CurrentManagedThreadId == pipelineThread;

    public void WriteVerbose(string message) => Post(() => cmdlet.WriteVerbose(message));

    public void WriteWarning(string message) => Post(() => cmdlet.WriteWarning(message));

    public void WriteError(BqxError error) => Post(() => cmdlet.WriteError(ErrorRecords.From(error)));

    public void WriteProgress(ProgressInfo progress)
    {
        if (!OnPipelineThread)
        {
            return; // progress from a worker is stale by the time it could be written
        }

        Flush();
        var record = new ProgressRecord(progressId, progress.Activity, progress.Status)
        {
            PercentComplete = Math.Clamp(progress.PercentComplete, 0, 100),
            RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
        };
        cmdlet.WriteProgress(record);
    }

    public bool ShouldProcess(string target, string action)
    {
        if (!OnPipelineThread)
        {
            throw new InvalidOperationException("ShouldProcess must be asked on the pipeline thread");
        }

        Flush();
        return cmdlet.ShouldProcess(target, action);
    }

    /// <summary>Writes everything queued by worker threads; call on the pipeline thread.</summary>
    public void Flush()
    {
        while (pending.TryDequeue(out var write))
        {
            write();
        }
    }

    private void Post(Action write)
    {
        if (OnPipelineThread)
        {
            Flush();
            write();
        }
        else
        {
            pending.Enqueue(write);
        }
    }
}

/// <summary>Maps engine errors to PowerShell ErrorRecords with stable ids and the right category.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(BqxError error, Exception? exception = null) =>
        new(exception ?? new BqxException(error), error.ErrorId, Category(error.Category), error.Target);

    public static ErrorCategory Category(BqxErrorCategory category) => category switch
    {
        BqxErrorCategory.InvalidArgument => ErrorCategory.InvalidArgument,
        BqxErrorCategory.InvalidData => ErrorCategory.InvalidData,
        BqxErrorCategory.ObjectNotFound => ErrorCategory.ObjectNotFound,
        BqxErrorCategory.PermissionDenied => ErrorCategory.PermissionDenied,
        BqxErrorCategory.ReadError => ErrorCategory.ReadError,
        BqxErrorCategory.WriteError => ErrorCategory.WriteError,
        BqxErrorCategory.ResourceUnavailable => ErrorCategory.ResourceUnavailable,
        BqxErrorCategory.OperationStopped => ErrorCategory.OperationStopped,
        BqxErrorCategory.InvalidOperation => ErrorCategory.InvalidOperation,
        BqxErrorCategory.ConnectionError => ErrorCategory.ConnectionError,
        BqxErrorCategory.QuotaExceeded => ErrorCategory.QuotaExceeded,
        BqxErrorCategory.AuthenticationError => ErrorCategory.AuthenticationError,
        _ => ErrorCategory.NotSpecified,
    };
}
