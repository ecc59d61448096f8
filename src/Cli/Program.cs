namespace BqxAudit.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        BqxAudit.Hosting.StartupTrace.StartJitLog();
        BqxAudit.Hosting.StartupTrace.Mark("main");
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let the engine stop at its next cancellation check and exit cleanly
            cancel.Cancel();
        };
        var code = new CliApp(Console.Out, Console.Error).Run(args, cancel.Token);
        BqxAudit.Hosting.StartupTrace.Mark("exit");
        return code;
    }
}
