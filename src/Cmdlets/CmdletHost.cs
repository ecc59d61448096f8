using System.Collections.Concurrent;
using System.Management.Automation;
using BqxAudit.Hosting;

namespace BqxAudit.Cmdlets;

/// <summary>
/// The engine's host inside a cmdlet. PowerShell allows Write* and ShouldProcess only on the pipeline
/// thread, and the engine works on other threads. So <see cref="Execute"/> runs the engine on a worker
/// thread while the pipeline thread drains one queue of everything the engine writes — objects, errors,
/// warnings, verbose and debug lines, progress, ShouldProcess questions — in the order it was written.
/// Nothing is ever written from another thread, and nothing a worker reports is lost.
/// </summary>
internal sealed class CmdletHost : IAuditHost, IDisposable
{
    private readonly PSCmdlet cmdlet;
    private readonly int pipelineThread = Environment.CurrentManagedThreadId;
    private readonly CancellationTokenSource abort;
    private readonly object gate = new();
    private readonly List<OpenActivity> activities = new();
    private BlockingCollection<Action>? queue;
    private int nextProgressId;

    public CmdletHost(PSCmdlet cmdlet, CancellationToken stopping)
    {
        this.cmdlet = cmdlet;
        abort = CancellationTokenSource.CreateLinkedTokenSource(stopping);
    }

    /// <summary>Ctrl+C, or the pipeline thread gave up on this run (a downstream Select-Object -First, a failed write).</summary>
    public CancellationToken Cancellation => abort.Token;

    public CommandDialect Dialect => CommandDialect.PowerShell;

    private bool OnPipelineThread => Environment.CurrentManagedThreadId == pipelineThread;

    /// <summary>
    /// Runs <paramref name="body"/> on a worker thread and writes what it reports on this (the pipeline)
    /// thread until it ends; then rethrows what it threw. Call on the pipeline thread.
    /// </summary>
    public void Execute(Action body)
    {
        if (!OnPipelineThread)
        {
            throw new InvalidOperationException("Execute must be called on the pipeline thread");
        }

        using var writes = new BlockingCollection<Action>();
        lock (gate)
        {
            queue = writes;
        }

        var worker = Task.Factory.StartNew(() =>
        {
            try
            {
                body();
            }
            finally
            {
                writes.CompleteAdding();
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        try
        {
            foreach (var write in writes.GetConsumingEnumerable(abort.Token))
            {
                write();
            }
        }
        catch
        {
            abort.Cancel(); // the engine checks the token: the worker ends soon; never leave it writing to a dead queue
            try
            {
                worker.Wait(TimeSpan.FromSeconds(10));
            }
            catch (AggregateException)
            {
                // its own failure is secondary to ours
            }

            throw;
        }
        finally
        {
            lock (gate)
            {
                queue = null;
            }
        }

        worker.GetAwaiter().GetResult();
    }

    /// <summary>Writes a result: at once on the pipeline thread, else in order through the queue.</summary>
    public void Emit(object? value) => Post(() => cmdlet.WriteObject(value));

    public void WriteVerbose(string message) => Post(() => cmdlet.WriteVerbose(Dialect.Format(message)));

    public void WriteDebug(string message) => Post(() => cmdlet.WriteDebug(Dialect.Format(message)));

    public void WriteWarning(string message) => Post(() => cmdlet.WriteWarning(Dialect.Format(message)));

    public void WriteError(BqxError error) => Post(() => cmdlet.WriteError(ErrorRecords.From(error, dialect: Dialect)));

    /// <summary>
    /// Each activity gets its own progress id; an activity that starts while another is open is its child
    /// (ParentActivityId), so the inventory's bar nests under the audit's and closing it leaves the parent open.
    /// </summary>
    public void WriteProgress(ProgressInfo progress)
    {
        ProgressRecord record;
        lock (gate)
        {
            var open = activities.FindIndex(a => a.Activity == progress.Activity);
            if (open < 0 && progress.Completed)
            {
                return; // closing a bar that was never drawn
            }

            OpenActivity activity;
            if (open < 0)
            {
                activity = new OpenActivity(progress.Activity, ++nextProgressId, activities.Count == 0 ? -1 : activities[^1].Id);
                activities.Add(activity);
            }
            else
            {
                activity = activities[open];
                if (progress.Completed)
                {
                    activities.RemoveAt(open);
                }
            }

            record = new ProgressRecord(activity.Id, progress.Activity, string.IsNullOrEmpty(progress.Status) ? "working" : progress.Status)
            {
                ParentActivityId = activity.ParentId,
                PercentComplete = Math.Clamp(progress.PercentComplete, 0, 100),
                RecordType = progress.Completed ? ProgressRecordType.Completed : ProgressRecordType.Processing,
            };
        }

        Post(() => cmdlet.WriteProgress(record));
    }

    /// <summary>Closes every bar still open (a run that failed half-way).</summary>
    public void CompleteProgress()
    {
        List<OpenActivity> open;
        lock (gate)
        {
            open = activities.ToList();
            activities.Clear();
        }

        foreach (var activity in Enumerable.Reverse(open))
        {
            var record = new ProgressRecord(activity.Id, activity.Activity, "done") { ParentActivityId = activity.ParentId, RecordType = ProgressRecordType.Completed };
            Post(() => cmdlet.WriteProgress(record));
        }
    }

    /// <summary>Asks on the pipeline thread (where -WhatIf and -Confirm are answered) and waits for the answer.</summary>
    public bool ShouldProcess(string target, string action)
    {
        if (OnPipelineThread)
        {
            return cmdlet.ShouldProcess(target, action);
        }

        var answer = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(() =>
        {
            try
            {
                answer.TrySetResult(cmdlet.ShouldProcess(target, action));
            }
            catch (Exception e)
            {
                answer.TrySetException(e);
                throw;
            }
        });
        return answer.Task.WaitAsync(abort.Token).GetAwaiter().GetResult();
    }

    public void Dispose() => abort.Dispose();

    private void Post(Action write)
    {
        if (OnPipelineThread)
        {
            write();
            return;
        }

        BlockingCollection<Action>? target;
        lock (gate)
        {
            target = queue;
        }

        try
        {
            target?.Add(write);
        }
        catch (InvalidOperationException)
        {
            // the run has ended: nobody is left to read it
        }
    }

    private sealed record OpenActivity(string Activity, int Id, int ParentId);
}

/// <summary>Maps engine errors to PowerShell ErrorRecords with stable ids and the right category.</summary>
internal static class ErrorRecords
{
    public static ErrorRecord From(BqxError error, Exception? exception = null, object? target = null, CommandDialect? dialect = null)
    {
        var record = new ErrorRecord(exception ?? new BqxException(error), error.ErrorId, Category(error.Category), target ?? error.Target);
        var message = (dialect ?? CommandDialect.PowerShell).Format(error.ToString());
        if (message != record.Exception.Message)
        {
            record.ErrorDetails = new ErrorDetails(message);
        }

        return record;
    }

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
        BqxErrorCategory.InvalidType => ErrorCategory.InvalidType,
        _ => ErrorCategory.NotSpecified,
    };
}
