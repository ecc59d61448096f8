#Requires -Version 7.4
# The cmdlets online, against the fake GCP server (tests/Unit/FakeGcp) run as a process on 127.0.0.1:
# every API's endpoint replaced through BQXAUDIT_GCP_ENDPOINT, a service-account key file whose token_uri
# is the fake, as the xunit tests do. Nothing leaves the machine.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    . (Join-Path $PSScriptRoot 'FakeGcp.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $fake = Start-FakeGcp -Folder (Join-Path $TestDrive 'fake')
    $saved = @{ BQXAUDIT_GCP_ENDPOINT = $env:BQXAUDIT_GCP_ENDPOINT; NO_GCE_CHECK = $env:NO_GCE_CHECK; GOOGLE_APPLICATION_CREDENTIALS = $env:GOOGLE_APPLICATION_CREDENTIALS }
    $env:BQXAUDIT_GCP_ENDPOINT = $fake.Endpoint
    $env:NO_GCE_CHECK = 'true'
    $env:GOOGLE_APPLICATION_CREDENTIALS = $null
    $key = $fake.KeyFile
    $example = Copy-Example (Join-Path $TestDrive 'example')
}

AfterAll {
    foreach ($name in $saved.Keys) { Set-Item -Path "env:$name" -Value $saved[$name] -ErrorAction SilentlyContinue }
    if ($fake) { Stop-FakeGcp $fake }
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Test-BqxInfrastructure against the fake' {
    It 'measures every kind of check, Ready where the fake project is, and streams them with their evidence' {
        $checks = @(Test-BqxInfrastructure -Path $example -CredentialPath $key)

        $checks.Count | Should -BeGreaterThan 15
        ($checks.Kind | Select-Object -Unique | ForEach-Object ToString) | Should -Contain 'BigQueryDataset'
        @($checks | Where-Object Status -EQ Ready).Count | Should -BeGreaterThan 15
        $checks | ForEach-Object { $_.Evidence.Count | Should -BeGreaterThan 0; $_.Root | Should -Be $example }
        ($checks | Where-Object { $_.Kind -eq 'Project' -and $_.Target -eq 'project:bqx-ml' }).Actual | Should -Match 'ACTIVE'
    }

    It 'checks only -Check kinds, -ThrottleLimit at a time, from -LiteralPath' {
        $checks = @(Test-BqxInfrastructure -LiteralPath $example -CredentialPath $key -Check Project, Billing -ThrottleLimit 1)

        ($checks.Kind | ForEach-Object ToString | Sort-Object -Unique) | Should -Be @('Billing', 'Project')
        $checks.Status | Select-Object -Unique | Should -Be Ready
    }

    It 'returns one $true with -Quiet when every check asked for is Ready, and $false when one is not' {
        Test-BqxInfrastructure -Path $example -CredentialPath $key -Check Project, Billing -Quiet | Should -Be $true
        Test-BqxInfrastructure -Path $example -CredentialPath $key -Quiet | Should -Be $false -Because 'the fake key is older than 90 days: Partial'
    }

    It 'checks the project -ProjectId names (the fake denies any other)' {
        $check = Test-BqxInfrastructure -Path $example -CredentialPath $key -Check Project -ProjectId other-project

        $check.Target | Should -Be 'project:other-project'
        $check.Status | Should -Be Blocked
    }

    It 'reads -Profile, offline too' {
        $checks = @(Test-BqxInfrastructure -Path $example -Profile bqx-ml-v3 -Offline -Check Quota)

        $checks.Status | Should -Be NotVerified
        $checks.Remedy | Should -Match '^Run without -Offline to measure it'
    }

    It 'runs the write probe only after ShouldProcess: -WhatIf writes nothing, -Confirm:$false creates, renames and drops' {
        $none = @(Test-BqxInfrastructure -Path $example -CredentialPath $key -Check WriteProbe -ProbeWrite -WhatIf)
        $probe = @(Test-BqxInfrastructure -Path $example -CredentialPath $key -Check WriteProbe -ProbeWrite -Confirm:$false)

        $none | Should -BeNullOrEmpty
        $probe.Count | Should -Be 3
        $probe.Status | Select-Object -Unique | Should -Be Ready
        $probe[2].Actual | Should -Match 'nothing is left behind'
    }

    It 'warns, in the PowerShell spelling, that WriteProbe needs -ProbeWrite' {
        $checks = @(Test-BqxInfrastructure -Path $example -CredentialPath $key -Check WriteProbe -WarningVariable warned -WarningAction SilentlyContinue)

        $checks | Should -BeNullOrEmpty
        "$warned" | Should -Match 'run only with -ProbeWrite;'
    }

    It 'rejects a -ThrottleLimit out of range before it runs' {
        { Test-BqxInfrastructure -Path $example -Offline -ThrottleLimit 0 } | Should -Throw -ErrorId 'ParameterArgumentValidationError,BqxAudit.Cmdlets.TestBqxInfrastructureCommand'
    }

    It 'writes BqxAudit.InputInvalid naming a key file that does not exist, and goes on to the next root' {
        $nowhere = Join-Path $TestDrive 'no-key.json'

        $out = @(Test-BqxInfrastructure -Path $example -CredentialPath $nowhere -Check Project -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.InputInvalid,BqxAudit.Cmdlets.TestBqxInfrastructureCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidArgument'
        $problems[0].TargetObject | Should -Be $nowhere
    }

    It 'takes a folder through -InputObject' {
        @(Test-BqxInfrastructure -InputObject ([pscustomobject]@{ PSPath = $example }) -CredentialPath $key -Check Billing).Status | Should -Be Ready
    }
}

Describe 'The other cmdlets online' {
    It 'Test-BqxNamingCompliance lists the datasets live with -CredentialPath' {
        $results = @(Test-BqxNamingCompliance -Path $example -CredentialPath $key -Verbose 4>&1)
        $verbose = $results | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }
        $names = @($results | Where-Object { $_ -is [BqxAudit.Model.NamingResult] })

        "$verbose" | Should -Match 'naming: listing .* live'
        $names.Count | Should -BeGreaterThan 1000 -Because 'the fake serves the three datasets at their expected sizes'
    }

    It 'Get-BqxRenamePlan plans the live listing with -LiteralPath and -CredentialPath' {
        $plan = @(Get-BqxRenamePlan -LiteralPath $example -CredentialPath $key -Mandate M008)

        $plan.Count | Should -BeGreaterThan 1000
    }

    It 'Get-BqxDependency measures APIs and data online' {
        $records = @(Get-BqxDependency -Path $example -CredentialPath $key -ProjectId bqx-ml -Type Api, Data)

        @($records | Where-Object { $_.Type -eq 'Data' -and $_.Status -eq 'Ready' }).Count | Should -BeGreaterThan 0
        $records | Where-Object Type -EQ Api | ForEach-Object { $_.Status | Should -Be Ready -Because "the fake enables $($_.Name)" }
    }

    It 'Get-BqxBlocker finds no unverified-infrastructure blocker online' {
        $blockers = @(Get-BqxBlocker -Path $example -CredentialPath $key -ProjectId bqx-ml -Profile (Join-Path $example 'bqxaudit.yaml'))

        $blockers.Rule | Should -Not -Contain 'infra.not-verified'
        $blockers.Rule | Should -Contain 'script.missing-phase-task'
    }

    It 'Test-BqxPhaseReadiness is GO for a ready phase online (exit code 0, -Quiet $true) and CONDITIONAL GO with a P1 (exit code 1)' {
        $go = New-ScriptFixture -Root (Join-Path $TestDrive 'go')
        $conditional = New-ScriptFixture -Root (Join-Path $TestDrive 'conditional') -Interactive

        $readiness = Test-BqxPhaseReadiness -Path $go -CredentialPath $key
        $readiness.Decision | Should -Be Go
        $readiness.ExitCode | Should -Be 0
        Test-BqxPhaseReadiness -Path $go -CredentialPath $key -ProjectId bqx-ml -Quiet | Should -Be $true
        (Test-BqxPhaseReadiness -Path $conditional -CredentialPath $key).ExitCode | Should -Be 1
        Test-BqxPhaseReadiness -Path $go, $conditional -CredentialPath $key -Quiet | Should -Be $false -Because 'one root is not Go'
    }

    It 'Invoke-BqxAudit names the principal it ran as' {
        $result = Invoke-BqxAudit -Path $example -CredentialPath $key -ProjectId bqx-ml

        $result.Run.Principal | Should -Be 'codespace-bqx-ml@bqx-ml.iam.gserviceaccount.com'
        $result.Run.Offline | Should -BeFalse
        $result.Run.NotMeasured | Where-Object { $_ -like 'Infrastructure*' } | Should -BeNullOrEmpty
    }
}

Describe '-TimeoutSec: the deadline of the cloud phase' {
    BeforeAll {
        # A listener that accepts connections and never answers: only the deadline can end the calls.
        $silent = [System.Net.Sockets.TcpListener]::new([System.Net.IPAddress]::Loopback, 0)
        $silent.Start()
        $accepted = [System.Collections.Generic.List[object]]::new()
        $silentEndpoint = 'http://127.0.0.1:{0}/' -f $silent.LocalEndpoint.Port
    }

    AfterAll {
        $silent.Stop()
    }

    # The audits report the live table listing that the deadline cut short as an error of that call (naming
    # that call) and go on: hence -ErrorAction SilentlyContinue where the test reads the result.
    It 'ends <Name> within the deadline when the endpoint never answers, the cloud facts NotVerified' -ForEach @(
        @{ Name = 'Get-BqxBlocker'; Call = { param($root, $key) Get-BqxBlocker -Path $root -CredentialPath $key -TimeoutSec 2 -ErrorAction SilentlyContinue }; Check = { param($out) $out.Rule | Should -Contain 'infra.not-verified' } }
        @{ Name = 'Test-BqxPhaseReadiness'; Call = { param($root, $key) Test-BqxPhaseReadiness -Path $root -CredentialPath $key -TimeoutSec 2 -ErrorAction SilentlyContinue }; Check = { param($out) "$($out.Decision)" | Should -Be 'NoGo' } }
        @{ Name = 'Invoke-BqxAudit'; Call = { param($root, $key) Invoke-BqxAudit -Path $root -CredentialPath $key -TimeoutSec 2 -ErrorAction SilentlyContinue }; Check = { param($out) $out.Infrastructure | Where-Object Kind -EQ BigQueryDataset | ForEach-Object { "$($_.Status)" | Should -BeIn @('NotVerified', 'Error'); $_.Actual | Should -Match 'deadline' } } }
        @{ Name = 'Get-BqxDependency'; Call = { param($root, $key) Get-BqxDependency -Path $root -CredentialPath $key -TimeoutSec 2 -Type Api }; Check = { param($out) $out.Status | ForEach-Object ToString | Select-Object -Unique | Should -Not -Contain 'Ready' } }
        @{ Name = 'Test-BqxNamingCompliance'; Call = { param($root, $key) Test-BqxNamingCompliance -Path $root -CredentialPath $key -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable failures; $failures }; Check = { param($out) "$out" | Should -Match 'bigquery.tables.list: the cloud deadline of 2 s passed' } }
        @{ Name = 'Get-BqxRenamePlan'; Call = { param($root, $key) Get-BqxRenamePlan -Path $root -CredentialPath $key -TimeoutSec 2 -ErrorAction SilentlyContinue -ErrorVariable failures; $failures }; Check = { param($out) "$out" | Should -Match 'bigquery.tables.list: the cloud deadline of 2 s passed' } }
    ) {
        $env:BQXAUDIT_GCP_ENDPOINT = $silentEndpoint
        try {
            $watch = [System.Diagnostics.Stopwatch]::StartNew()
            $out = & $Call $example $key
            $watch.Stop()
        }
        finally {
            $env:BQXAUDIT_GCP_ENDPOINT = $fake.Endpoint
        }

        $watch.Elapsed.TotalSeconds | Should -BeLessThan 30 -Because 'the 2 s deadline bounds the cloud phase (the default is 60 s)'
        & $Check $out
    }
}
