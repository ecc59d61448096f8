#Requires -Version 7.4
# Pester 5 tests of Get-BqxBlocker and Test-BqxPhaseReadiness on the example repository, in the staged
# module. Mirrored by xunit tests that run everywhere: tests/Unit/Readiness/AuditServiceTests.cs and
# tests/Unit/Readiness/BlockerServiceTests.cs.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1') -Force -ErrorAction Stop
    $example = Join-Path $PSScriptRoot '../../examples/bqx-ml-v3'
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Get-BqxBlocker' {
    It 'finds P0 blockers in the example (the canonical pipeline)' {
        $p0 = @(Get-BqxBlocker -Path $example -Offline | Where-Object Priority -eq P0)

        $p0.Count | Should -BeGreaterThan 0
        $p0[0].GetType().FullName | Should -Be 'BqxAudit.Model.Blocker'
        $p0.Id | ForEach-Object { $_ | Should -Match '^BQX-[0-9A-F]{8}$' }
    }

    It 'turns piped script records into blockers' {
        $blockers = @(Get-BqxScriptInventory -Path $example | Where-Object Status -ne Ready | Get-BqxBlocker -Path $example)

        $blockers.Rule | Should -Contain 'script.missing-phase-task'
    }
}

Describe 'Test-BqxPhaseReadiness' {
    It 'says NO-GO offline, because the unverified cloud is a P0 blocker' {
        $readiness = Test-BqxPhaseReadiness -Path $example -Offline

        $readiness.Decision.ToString() | Should -Be 'NoGo'
        $readiness.Answers.Count | Should -Be 6
    }
}
