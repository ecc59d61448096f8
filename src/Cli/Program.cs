namespace BqxAudit.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        using var cancel = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true; // let the engine stop at its next cancellation check and exit cleanly
            cancel.Cancel();
        };
        return new CliApp(Console.Out, Console.Error).Run(args, cancel.Token);
    }
}
