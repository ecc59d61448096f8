namespace BqxAudit.Hosting;

internal static class TaskFaults
{
    /// <summary>Marks a fault of a task nobody will await as seen (a request left in flight when its caller stopped early), so it is not rethrown as unobserved.</summary>
    public static void ObserveFaults(this Task? task) =>
        task?.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
