#Requires -Version 7.4
# Get-BqxBlocker and Test-BqxPhaseReadiness on a copy of the example repository, offline.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $example = Copy-Example (Join-Path $TestDrive 'example')
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Get-BqxBlocker' {
    It 'finds P0 blockers in the example, with stable ids, P0 first' {
        $blockers = @(Get-BqxBlocker -Path $example -Offline)
        $p0 = @($blockers | Where-Object Priority -EQ P0)

        $p0.Count | Should -BeGreaterThan 0
        $p0[0].GetType().FullName | Should -Be 'BqxAudit.Model.Blocker'
        $p0.Id | ForEach-Object { $_ | Should -Match '^BQX-[0-9A-F]{8}$' }
        $blockers[0].Priority | Should -Be P0
        @(Get-BqxBlocker -LiteralPath $example -Offline -Phase M008-4C).Id | Should -Be $blockers.Id
    }

    It 'turns piped script records into blockers, with the profile of their root' {
        $blockers = @(Get-BqxScriptInventory -Path $example | Where-Object Status -NE Ready | Get-BqxBlocker -Path $example)

        $blockers.Rule | Should -Contain 'script.missing-phase-task'
        $blockers.Root | Select-Object -Unique | Should -Be $example
    }

    It 'applies -Profile and -ProjectId to piped findings' {
        $checks = @(Test-BqxInfrastructure -Path $example -Offline -Check Api)

        $blockers = @(Get-BqxBlocker -InputObject $checks -Profile bqx-ml-v3 -ProjectId other-project)

        $blockers.Rule | Should -Be 'infra.not-verified'
        $blockers.RecommendedAction | Should -Be 'gcloud auth application-default login (or set GOOGLE_APPLICATION_CREDENTIALS), then Invoke-BqxAudit without -Offline'
    }

    It 'stops with BqxAudit.InputInvalid for a phase the profile does not have' {
        $record = { Get-BqxBlocker -Path $example -Offline -Phase NOPE -ErrorAction Stop } | Should -Throw -PassThru

        $record.FullyQualifiedErrorId | Should -BeLike 'BqxAudit.*,BqxAudit.Cmdlets.GetBqxBlockerCommand'
        $record.Exception.Message | Should -Match 'NOPE'
    }
}

Describe 'Test-BqxPhaseReadiness' {
    It 'says NO-GO offline, because the unverified cloud is a P0 blocker, with exit code 2' {
        $readiness = Test-BqxPhaseReadiness -Path $example -Offline

        $readiness.Decision.ToString() | Should -Be 'NoGo'
        $readiness.ExitCode | Should -Be 2
        $readiness.Answers.Keys | Should -Be @('ZeroDelay', 'MissingScripts', 'Infrastructure', 'Dependencies', 'Risk', 'LikelyBlockers')
        $readiness.Questions.MissingScripts | Should -Be '2. Which scripts are missing, and how long to create them?'
        $readiness.TasksText | Should -Be ($readiness.Tasks -join '; ')
        $readiness.TasksText | Should -Match ([regex]::Escape($readiness.Tasks[0].Name) + ': (Ready|Partial|Missing|Blocked)')
        $readiness.BlockersText | Should -Match 'BQX-[0-9A-F]{8} P0'
    }

    It 'returns only $false with -Quiet when the phase is not Go' {
        $quiet = @(Test-BqxPhaseReadiness -LiteralPath $example -Offline -Quiet)

        $quiet | Should -Be @($false)
        $quiet[0] | Should -BeOfType bool
    }

    It 'plans from -StartDate for the -Phase asked' {
        $readiness = Test-BqxPhaseReadiness -Path $example -Offline -Phase M008-4C -StartDate '2025-12-15T09:00:00+00:00'

        $readiness.StartDate | Should -Be ([DateTimeOffset] '2025-12-15T09:00:00+00:00')
        $readiness.EarliestStart | Should -BeGreaterThan $readiness.StartDate
    }

    It 'reads -Profile and -ProjectId' {
        $readiness = Test-BqxPhaseReadiness -Path $example -Offline -Profile bqx-ml-v3 -ProjectId other-project

        $readiness.Phase | Should -Be 'M008-4C'
    }

    It 'takes a folder through -InputObject' {
        (Test-BqxPhaseReadiness -InputObject ([pscustomobject]@{ FullName = $example }) -Offline).Root | Should -Be $example
    }
}
