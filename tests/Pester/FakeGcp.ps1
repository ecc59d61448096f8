# Starts and stops the fake GCP server (tests/Unit/FakeGcp) as a process on 127.0.0.1, port 0, for the
# Pester tests that need the cloud: the test assembly serves it (tests/Unit/PowerShell/FakeGcpProcess.cs),
# seeded like the embedded profile's project, with a key file for the pipeline account. Dot-source it.

function Start-FakeGcp {
    param([Parameter(Mandatory)] [string] $Folder)

    $assembly = Join-Path $PSScriptRoot '../Unit/bin/Release/net10.0/BqxAudit.Tests.dll'
    if (-not (Test-Path -LiteralPath $assembly)) {
        $assembly = Join-Path $PSScriptRoot '../Unit/bin/Debug/net10.0/BqxAudit.Tests.dll'
    }

    $start = [System.Diagnostics.ProcessStartInfo]::new('dotnet')
    $start.ArgumentList.Add($assembly)
    $start.ArgumentList.Add('serve-fake-gcp')
    $start.ArgumentList.Add($Folder)
    $start.RedirectStandardInput = $true
    $start.RedirectStandardOutput = $true
    $start.UseShellExecute = $false
    $process = [System.Diagnostics.Process]::Start($start)
    $line = $process.StandardOutput.ReadLine()
    if ($line -notmatch '^ENDPOINT=(?<endpoint>\S+) KEY=(?<key>.+)$') {
        $process.Kill()
        throw "the fake GCP server did not start: '$line'"
    }

    [pscustomobject]@{ Process = $process; Endpoint = $Matches.endpoint; KeyFile = $Matches.key }
}

function Stop-FakeGcp {
    param([Parameter(Mandatory)] $Fake)

    $Fake.Process.StandardInput.Close()
    if (-not $Fake.Process.WaitForExit(10000)) {
        $Fake.Process.Kill()
    }

    $Fake.Process.Dispose()
}
