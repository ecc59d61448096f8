using BqxAudit.Cli;

namespace BqxAudit.Tests.Support;

/// <summary>Runs the bqx-audit CLI in process, capturing standard output and standard error.</summary>
public static class CliRunner
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = new CliApp(output, error).Run(args);
        return (code, output.ToString(), error.ToString());
    }
}
