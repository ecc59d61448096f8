using System.Diagnostics;

namespace BqxAudit.Hosting;

/// <summary>
/// A timeline of one run for whoever measures it: with <c>BQXAUDIT_TRACE_TIMINGS=1</c> each mark writes
/// <c>[bqx-trace] 123.4 ms (+5.6) jit 812 methods 210 ms  what</c> to standard error (time since the
/// process started, methods the JIT compiled so far and its time). Off by default; a mark then costs one
/// static field read.
/// </summary>
public static class StartupTrace
{
    public const string EnvironmentVariable = "BQXAUDIT_TRACE_TIMINGS";

    private static readonly bool On = Environment.GetEnvironmentVariable(EnvironmentVariable) is "1" or "true";
    private static readonly object Gate = new();
    private static double last;

    public static bool Enabled => On;

    public static void Mark(string what)
    {
        if (!On)
        {
            return;
        }

        double ms;
        try
        {
            ms = (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        }
        catch (InvalidOperationException)
        {
            ms = Environment.TickCount64;
        }

        lock (Gate)
        {
            var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
            Console.Error.WriteLine($"[bqx-trace] {ms,8:0.0} ms (+{ms - last,6:0.0}) jit {jit,5} methods {jitMs,6:0} ms  [{Environment.CurrentManagedThreadId,2}] {what}");
            last = ms;
        }
    }
}
