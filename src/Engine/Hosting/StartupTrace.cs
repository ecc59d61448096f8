using System.Diagnostics;

namespace BqxAudit.Hosting;

/// <summary>
/// A timeline of one run for whoever measures it: with <c>BQXAUDIT_TRACE_TIMINGS=1</c> each mark writes
/// <c>[bqx-trace] 123.4 ms (+5.6) jit 812 methods 210 ms  what</c> to standard error (time since the
/// process started, methods the JIT compiled so far and its time, garbage collections of generations 0/1/2 so far
/// and their pauses). Off by default; a mark then costs one static field read.
/// </summary>
public static class StartupTrace
{
    public const string EnvironmentVariable = "BQXAUDIT_TRACE_TIMINGS";

    private static readonly bool On = Environment.GetEnvironmentVariable(EnvironmentVariable) is "1" or "true";
    private static readonly object Gate = new();
    private static double last;

    public static bool Enabled => On;

    /// <summary>With <c>BQXAUDIT_TRACE_JIT=FILE</c>, the name of every method the JIT compiles is appended to FILE
    /// (the methods ReadyToRun did not cover), each after the time since the process started and the managed thread
    /// that asked for it. Diagnostics only.</summary>
    public static void StartJitLog()
    {
        var file = Environment.GetEnvironmentVariable("BQXAUDIT_TRACE_JIT");
        if (!string.IsNullOrEmpty(file))
        {
            jitLog = new JitLog(file);
        }
    }

    private static JitLog? jitLog;

    private sealed class JitLog : System.Diagnostics.Tracing.EventListener
    {
        private readonly StreamWriter writer;

        public JitLog(string file)
        {
            writer = new StreamWriter(file, append: true) { AutoFlush = true };
            foreach (var source in System.Diagnostics.Tracing.EventSource.GetSources())
            {
                Consider(source);
            }
        }

        protected override void OnEventSourceCreated(System.Diagnostics.Tracing.EventSource eventSource) => Consider(eventSource);

        private void Consider(System.Diagnostics.Tracing.EventSource source)
        {
            if (source.Name == "Microsoft-Windows-DotNETRuntime" && writer is not null)
            {
                EnableEvents(source, System.Diagnostics.Tracing.EventLevel.Verbose, (System.Diagnostics.Tracing.EventKeywords)0x10);
            }
        }

        protected override void OnEventWritten(System.Diagnostics.Tracing.EventWrittenEventArgs e)
        {
            if (e.EventName == "MethodJittingStarted_V1" && e.Payload is { Count: > 5 } p && writer is not null)
            {
                lock (writer)
                {
                    writer.WriteLine($"{SinceStart(),8:0.0} [{Environment.CurrentManagedThreadId,2}] {p[4]}::{p[5]} {p[6]}");
                }
            }
        }
    }

    private static double SinceStart()
    {
        try
        {
            return (DateTime.Now - Process.GetCurrentProcess().StartTime).TotalMilliseconds;
        }
        catch (InvalidOperationException)
        {
            return Environment.TickCount64;
        }
    }

    public static void Mark(string what)
    {
        if (!On)
        {
            return;
        }

        var ms = SinceStart();
        lock (Gate)
        {
            var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
            var jitMs = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
            var gc = $"gc {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)} {GC.GetTotalPauseDuration().TotalMilliseconds:0} ms";
            Console.Error.WriteLine($"[bqx-trace] {ms,8:0.0} ms (+{ms - last,6:0.0}) jit {jit,5} methods {jitMs,6:0} ms  {gc}  [{Environment.CurrentManagedThreadId,2}] {what}");
            last = ms;
        }
    }
}
