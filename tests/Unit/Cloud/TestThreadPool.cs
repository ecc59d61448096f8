using System.Runtime.CompilerServices;

namespace BqxAudit.Tests.Cloud;

internal static class TestThreadPool
{
    /// <summary>
    /// Many tests run at once, each blocking a thread on a synchronous engine call while its fake
    /// server and HTTP calls need pool threads: start with enough threads that timers (retry delays,
    /// the 300 ms metadata probe) fire on time instead of waiting for the pool to grow.
    /// </summary>
    [ModuleInitializer]
    internal static void Initialize()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));
    }
}
