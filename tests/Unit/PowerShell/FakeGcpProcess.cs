using BqxAudit.Tests.Cloud;
using BqxAudit.Tests.FakeGcp;

namespace BqxAudit.Tests.PowerShell;

/// <summary>
/// The test assembly's entry point. Run as a test it does nothing special (the test host calls no Main);
/// run as a program with <c>serve-fake-gcp</c> it starts the fake GCP server on 127.0.0.1, port 0, seeded
/// like the embedded profile's project (<see cref="CloudTestKit.SeedDefault"/>), writes a key file for the
/// pipeline account into the given folder, prints one line <c>ENDPOINT=… KEY=…</c> on standard output and
/// serves until its standard input closes. The Pester tests start it this way (tests/Pester/FakeGcp.ps1)
/// to point the module at it through BQXAUDIT_GCP_ENDPOINT and -CredentialPath, as the xunit tests do.
///
///   dotnet tests/Unit/bin/Release/net10.0/BqxAudit.Tests.dll serve-fake-gcp FOLDER
/// </summary>
public static class FakeGcpProcess
{
    public static async Task<int> Main(string[] args)
    {
        if (args is not ["serve-fake-gcp", var folder])
        {
            await Console.Error.WriteLineAsync("usage: BqxAudit.Tests serve-fake-gcp FOLDER (serves the fake GCP server until standard input closes)");
            return 3;
        }

        Directory.CreateDirectory(folder);
        await using var server = await FakeGcpServer.StartAsync(CloudTestKit.SeedDefault());
        server.State.AddDataset("bqx_audit_scratch");
        var key = server.WriteKeyFile(folder, server.Auth.CreateServiceAccount(CloudTestKit.PipelineAccount));
        Console.Out.WriteLine($"ENDPOINT={server.BaseUri} KEY={Path.GetFullPath(key)}");
        Console.Out.Flush();
        await Console.In.ReadToEndAsync();
        Console.Out.WriteLine($"REQUESTS={server.Log.Entries.Count}");
        return 0;
    }
}
