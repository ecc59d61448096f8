#Requires -Version 7.4
# What scripts and scheduled tasks rely on: the about topic's gate script under pwsh -File exits 0/1/2/3
# like the CLI; Tab completes -Phase, -Profile and -Mandate; progress nests (parent and child ids) and
# reaches the pipeline thread from the engine's workers; -Verbose and -Debug say what happens; remedies
# speak the caller's dialect.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    . (Join-Path $PSScriptRoot 'FakeGcp.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $example = Copy-Example (Join-Path $TestDrive 'example')
    $fake = Start-FakeGcp -Folder (Join-Path $TestDrive 'fake')

    # pwsh itself, as a new process: the .NET tool runs as "dotnet pwsh.dll".
    $pwshDll = Join-Path $PSHOME 'pwsh.dll'
    function Invoke-Pwsh {
        param([string[]] $Arguments, [hashtable] $Environment = @{})
        $start = [System.Diagnostics.ProcessStartInfo]::new()
        if (Test-Path -LiteralPath $pwshDll) { $start.FileName = 'dotnet'; $start.ArgumentList.Add($pwshDll) } else { $start.FileName = Join-Path $PSHOME 'pwsh' }
        foreach ($a in @('-NoLogo', '-NoProfile', '-NonInteractive') + $Arguments) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $start.Environment['PSModulePath'] = (Split-Path -Parent (Split-Path -Parent $ModuleManifest)) + [System.IO.Path]::PathSeparator + $env:PSModulePath
        foreach ($name in $Environment.Keys) { $start.Environment[$name] = $Environment[$name] }
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEnd()
        $process.WaitForExit()
        [pscustomobject]@{ ExitCode = $process.ExitCode; Out = $stdout.Result; Err = $stderr }
    }

    # Runs a script in a runspace of its own and returns its streams (progress cannot be redirected).
    function Invoke-Streams([string] $Script) {
        $ps = [powershell]::Create()
        try {
            $null = $ps.AddScript("Import-Module '$ModuleManifest'; `$env:BQXAUDIT_GCP_ENDPOINT = '$($fake.Endpoint)'; `$env:NO_GCE_CHECK = 'true'; $Script")
            $output = $ps.Invoke()
            [pscustomobject]@{ Output = $output; Progress = @($ps.Streams.Progress); Verbose = @($ps.Streams.Verbose.Message); Debug = @($ps.Streams.Debug.Message); Errors = @($ps.Streams.Error) }
        }
        finally {
            $ps.Dispose()
        }
    }
}

AfterAll {
    if ($fake) { Stop-FakeGcp $fake }
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'The scheduled-task script of about_BqxAudit, under pwsh -File' {
    BeforeAll {
        $about = Get-Content -Raw -LiteralPath (Join-Path (Split-Path -Parent $ModuleManifest) 'en-US/about_BqxAudit.help.txt')
        $block = [regex]::Match($about, '(?ms)^        # gate\.ps1\r?\n(.*?^        exit \$r\.ExitCode)\r?$').Groups[1].Value
        $gate = Join-Path $TestDrive 'gate.ps1'
        Set-Content -LiteralPath $gate -Value (($block -split "`r?`n" | ForEach-Object { $_ -replace '^        ', '' }) -join "`n")
        $onlineEnv = @{ BQXAUDIT_GCP_ENDPOINT = $fake.Endpoint; GOOGLE_APPLICATION_CREDENTIALS = $fake.KeyFile; NO_GCE_CHECK = 'true' }
    }

    It 'is in the about topic' {
        $block | Should -Match 'Test-BqxPhaseReadiness -LiteralPath \$Path'
        Get-Content -Raw -LiteralPath $gate | Should -Match '(?m)^exit \$r\.ExitCode'
    }

    It 'exits <Code> for <Case>' -ForEach @(
        @{ Case = 'GO'; Code = 0; Fixture = 'go'; Online = $true }
        @{ Case = 'CONDITIONAL GO'; Code = 1; Fixture = 'conditional'; Online = $true }
        @{ Case = 'NO-GO'; Code = 2; Fixture = 'nogo'; Online = $true }
        @{ Case = 'a path that does not exist'; Code = 3; Fixture = 'missing'; Online = $false }
        @{ Case = 'a profile that does not load'; Code = 3; Fixture = 'bad-profile'; Online = $false }
    ) {
        $root = Join-Path $TestDrive $Fixture
        switch ($Fixture) {
            'go' { New-ScriptFixture -Root $root | Out-Null }
            'conditional' { New-ScriptFixture -Root $root -Interactive | Out-Null }
            'nogo' { New-ScriptFixture -Root $root | Out-Null; Remove-Item -LiteralPath (Join-Path $root 'scripts/generate_a.py') }
            'bad-profile' { New-ScriptFixture -Root $root | Out-Null; Add-Content -LiteralPath (Join-Path $root 'bqxaudit.yaml') -Value 'bogus: 1' }
        }

        $run = Invoke-Pwsh -Arguments @('-File', $gate, '-Path', $root) -Environment $(if ($Online) { $onlineEnv } else { @{} })

        $run.ExitCode | Should -Be $Code -Because "stdout: $($run.Out) stderr: $($run.Err)"
        if ($Code -lt 3) { $run.Out | Should -Match 'P1: (Go|ConditionalGo|NoGo) - ' }
        else { $run.Err | Should -Match '^BqxAudit\.(PathNotFound|ProfileInvalid),BqxAudit\.Cmdlets\.TestBqxPhaseReadinessCommand: ' }
    }

    It 'exits 1 without the trap (what the trap is for)' {
        $bare = Join-Path $TestDrive 'bare-gate.ps1'
        Set-Content -LiteralPath $bare -Value @('param($Path)', '$ErrorActionPreference = ''Stop''', 'Import-Module BqxAudit', '$r = Test-BqxPhaseReadiness -LiteralPath $Path -Offline', 'exit $r.ExitCode')

        (Invoke-Pwsh -Arguments @('-File', $bare, '-Path', (Join-Path $TestDrive 'nowhere'))).ExitCode | Should -Be 1
    }
}

Describe 'Tab completion' {
    It 'completes -Phase from the profile at -Path' {
        $line = "Test-BqxPhaseReadiness -Path '$example' -Phase M0"
        $matches = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches

        $matches.CompletionText | Should -Be 'M008-4C'
        $matches[0].ToolTip | Should -Be 'M008-4C: M008 Phase 4C'
    }

    It 'completes -Phase of Get-BqxBlocker and Invoke-BqxAudit too, from -LiteralPath' {
        foreach ($cmdlet in 'Get-BqxBlocker', 'Invoke-BqxAudit') {
            $line = "$cmdlet -LiteralPath '$example' -Phase "
            (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'M008-4C'
        }
    }

    It 'completes -Mandate from the profile' {
        $line = "Test-BqxNamingCompliance -Path '$example' -Mandate "

        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'M008'
        $line = "Get-BqxRenamePlan -Path '$example' -Mandate M"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'M008'
    }

    It 'completes -Profile with the embedded profiles and with .yaml files and folders' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'profiles/nested') -Force
        Set-Content -LiteralPath (Join-Path $TestDrive 'profiles/team.yaml') -Value 'name: team'
        Set-Content -LiteralPath (Join-Path $TestDrive 'profiles/notes.txt') -Value 'not a profile'

        $line = 'Get-BqxBlocker -Profile bqx'
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Be 'bqx-ml-v3'
        Push-Location -LiteralPath $TestDrive
        try {
            $line = 'Test-BqxInfrastructure -Profile profiles/'
            $texts = (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText
        }
        finally { Pop-Location }
        $texts | Should -Contain 'profiles/team.yaml'
        $texts | Should -Contain ('profiles/nested' + [System.IO.Path]::DirectorySeparatorChar)
        $texts | Should -Not -Contain 'profiles/notes.txt'
    }

    It 'completes nothing, without an error, when the profile does not load' {
        $line = "Test-BqxPhaseReadiness -Path '$(Join-Path $TestDrive 'nowhere')' -Profile nope -Phase "

        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches | Where-Object ResultType -EQ ParameterValue | Should -BeNullOrEmpty
    }
}

Describe 'Progress, verbose and debug' {
    BeforeAll {
        $online = Invoke-Streams "Invoke-BqxAudit -Path '$example' -CredentialPath '$($fake.KeyFile)' -Verbose -Debug | Out-Null"
    }

    It 'gives the audit one bar, and each long step its own bar beneath it' {
        $audit = $online.Progress | Where-Object Activity -Like 'BqxAudit: auditing*'
        $infra = $online.Progress | Where-Object Activity -EQ 'Checking infrastructure'

        $audit.ActivityId | Select-Object -Unique | Should -HaveCount 1
        $audit[0].ParentActivityId | Should -Be -1
        $infra.ActivityId | Select-Object -Unique | Should -HaveCount 1
        $infra[0].ActivityId | Should -Not -Be $audit[0].ActivityId
        $infra.ParentActivityId | Select-Object -Unique | Should -Be $audit[0].ActivityId
        $infra[-1].RecordType | Should -Be 'Completed'
        $audit[-1].RecordType | Should -Be 'Completed'
        ($online.Progress | Where-Object RecordType -EQ Completed).Count | Should -BeLessOrEqual (($online.Progress.ActivityId | Select-Object -Unique).Count) -Because 'each bar closes once'
        # The child closes before the audit's later steps: closing it did not close the parent.
        $index = [array]::IndexOf($online.Progress, ($infra | Where-Object RecordType -EQ Completed))
        ($online.Progress | Select-Object -Skip ($index + 1) | Where-Object { $_.ActivityId -eq $audit[0].ActivityId -and $_.RecordType -eq 'Processing' }).Count | Should -BeGreaterThan 0
    }

    It 'forwards the progress the engine reports from its worker threads' {
        # The checks finish on worker threads; each finished check moves the bar ("n of N checks").
        $steps = $online.Progress | Where-Object { $_.Activity -eq 'Checking infrastructure' -and $_.StatusDescription -match '^(\d+) of (\d+) checks$' }
        $total = [int] ([regex]::Match($steps[0].StatusDescription, 'of (\d+)').Groups[1].Value)

        $total | Should -BeGreaterThan 10
        @($steps | Where-Object StatusDescription -Match '^[1-9]').Count | Should -Be $total
        $steps[-1].PercentComplete | Should -Be 100
    }

    It 'says with -Verbose what it audits, the API calls and the decision; with -Debug the profile, the options and the timings' {
        $online.Verbose | Should -Contain "Invoke-BqxAudit: auditing $example"
        ($online.Verbose -match '^GET bigquery\.datasets\.get 200 ').Count | Should -BeGreaterThan 0
        ($online.Verbose -match ': M008-4C (Go|ConditionalGo|NoGo); \d+ blockers').Count | Should -Be 1
        ($online.Debug -match "profile bqx-ml-v3 from .*bqxaudit\.yaml; project bqx-ml").Count | Should -Be 1
        ($online.Debug -match '^offline False; .*key file').Count | Should -Be 1
        ($online.Debug -match 'done in \d+ ms$').Count | Should -Be 1
        $online.Errors | Should -BeNullOrEmpty
    }

    It 'writes nothing from a worker thread itself: a run with -Verbose -Debug in a runspace keeps its streams in order' {
        $run = Invoke-Streams "Get-BqxScriptInventory -Path '$example' -Verbose -Debug"

        $run.Output.Count | Should -Be @(Get-BqxScriptInventory -Path $example).Count
        $run.Errors | Should -BeNullOrEmpty
        $run.Verbose[0] | Should -Be "Get-BqxScriptInventory: auditing $example"
    }
}

Describe 'Stopping' {
    It 'stops a long inventory within seconds when the pipeline is stopped (Ctrl+C), and writes nothing after' {
        $big = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'big/scripts') -Force
        foreach ($i in 1..4000) { [System.IO.File]::WriteAllText((Join-Path $big "job_$i.py"), "import os`nimport sys`nprint(os.getcwd(), sys.argv)`n") }
        $ps = [powershell]::Create()
        $null = $ps.AddScript("Import-Module '$ModuleManifest'; Get-BqxScriptInventory -Path '$(Split-Path -Parent $big)' -Profile bqx-ml-v3")
        $output = [System.Management.Automation.PSDataCollection[psobject]]::new()
        $async = $ps.BeginInvoke([System.Management.Automation.PSDataCollection[psobject]]::new(), $output)
        $deadline = [DateTime]::UtcNow.AddSeconds(60)
        while (-not ($ps.Streams.Progress | Where-Object StatusDescription -Match '^\d+ of \d+ files$') -and -not $async.IsCompleted -and [DateTime]::UtcNow -lt $deadline) { Start-Sleep -Milliseconds 20 }

        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $ps.Stop()
        $watch.Stop()
        $state = $ps.InvocationStateInfo.State
        $ps.Dispose()

        $state | Should -Be 'Stopped' -Because 'the inventory was still running when it was stopped'
        $watch.Elapsed.TotalSeconds | Should -BeLessThan 5
        $output.Count | Should -BeLessThan 4000
    }
}

Describe 'Remedies in the caller''s dialect' {
    It 'names cmdlets and parameters in PowerShell, commands and flags in the CLI' {
        $pwsh = Get-BqxBlocker -Path $example -Offline | Where-Object Rule -EQ 'infra.not-verified' | Select-Object -First 1
        $cli = & dotnet (Join-Path $RepoRoot 'src/Cli/bin/Release/net8.0/bqx-audit.dll') blockers $example --offline --format json | ConvertFrom-Json |
            Where-Object Rule -EQ 'infra.not-verified' | Select-Object -First 1

        $pwsh.RecommendedAction | Should -Match 'then Invoke-BqxAudit without -Offline$'
        $cli.RecommendedAction | Should -Match 'then bqx-audit audit without --offline$'
        $pwsh.Id | Should -Be $cli.Id -Because 'the dialect changes the words, never the cause or the Id'
        $check = Test-BqxInfrastructure -Path $example -Offline -Check Project
        $check.Remedy | Should -Match 'Run without -Offline to measure it'
        $check.Remedy | Should -Not -Match '--'
        $cliCheck = & dotnet (Join-Path $RepoRoot 'src/Cli/bin/Release/net8.0/bqx-audit.dll') infra $example --offline --check Project --format json | ConvertFrom-Json
        $cliCheck.Remedy | Should -Match 'Run without --offline to measure it'
    }

    It 'speaks PowerShell in the dependency evidence and in the errors too' {
        $record = Get-BqxDependency -Path $example -Offline -Type PythonPackage | Where-Object Status -EQ NotVerified | Select-Object -First 1

        "$($record.Evidence)" | Should -Match 'pass -PythonPath or -SitePackages'
        "$($record.Evidence)" | Should -Not -Match '--python'
    }
}
