#Requires -Version 7.4
# Pester 5 tests of Get-BqxScriptInventory in the staged module (out/BqxAudit/). They run where pwsh
# exists (build.ps1 -Test; .ci/run when pwsh is on PATH) and mirror the xunit tests that run
# everywhere: tests/Unit/PowerShell/ScriptInventoryMirrorTests.cs (same fixture, same expectations).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1') -Force -ErrorAction Stop

    # The fixture: two scripts; a bqxaudit.yaml naming no phases, so no Missing records are added.
    function New-InventoryFixture {
        param([Parameter(Mandatory)][string]$Root, [switch]$WithoutProfile)

        New-Item -ItemType Directory -Path (Join-Path $Root 'scripts') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $Root 'scripts/generate_a.py') -Value @('import os', '', 'print(os.getcwd())')
        Set-Content -LiteralPath (Join-Path $Root 'scripts/run.sh') -Value @('#!/bin/bash', 'set -e', 'echo hi')
        if (-not $WithoutProfile) {
            Set-Content -LiteralPath (Join-Path $Root 'bqxaudit.yaml') -Value 'name: pester'
        }
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Get-BqxScriptInventory' {
    BeforeAll {
        $root = Join-Path $TestDrive 'repo'
        New-InventoryFixture -Root $root
    }

    It 'streams one ScriptRecord per script, sorted by path' {
        $records = @(Get-BqxScriptInventory -Path $root)

        $records.Count | Should -Be 2
        $records[0].GetType().FullName | Should -Be 'BqxAudit.Model.ScriptRecord'
        $records.Path -join ',' | Should -Be 'scripts/generate_a.py,scripts/run.sh'
        $records.Kind -join ',' | Should -Be 'Python,Shell'
        $records.Status -join ',' | Should -Be 'Ready,Ready'
        $records.Category -join ',' | Should -Be 'Uncategorized,Uncategorized'
        $records[0].Lines | Should -Be 3
        $records[0].CodeLines | Should -Be 2
    }

    It 'keeps only the kinds asked for with -Kind' {
        $records = @(Get-BqxScriptInventory -Path $root -Kind Shell)

        $records.Count | Should -Be 1
        $records[0].Path | Should -Be 'scripts/run.sh'
    }

    It 'binds the FullName of Get-Item output to -LiteralPath' {
        $records = @(Get-Item -LiteralPath $root | Get-BqxScriptInventory)

        $records.Path -join ',' | Should -Be 'scripts/generate_a.py,scripts/run.sh'
    }

    It 'adds a Missing record per phase task of the default profile when the root has no bqxaudit.yaml' {
        $bare = Join-Path $TestDrive 'bare'
        New-InventoryFixture -Root $bare -WithoutProfile

        $records = @(Get-BqxScriptInventory -LiteralPath $bare)
        $missing = @($records | Where-Object { $_.Status -eq 'Missing' })

        $missing.Count | Should -Be 6
        $missing.Category | Sort-Object -Unique | Should -Be 'Phase M008-4C'
        ($records | Where-Object Path -EQ 'scripts/generate_a.py').Category | Should -Be 'Generation'
    }

    It 'stops with BqxAudit.ProfileInvalid on an unknown profile key' {
        $bad = Join-Path $TestDrive 'bad-profile'
        New-Item -ItemType Directory -Path $bad -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $bad 'bqxaudit.yaml') -Value @('name: x', 'bogus: 1')

        { Get-BqxScriptInventory -LiteralPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.ProfileInvalid,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand'
    }

    It 'stops with BqxAudit.PathNotFound when the root does not exist' {
        $nowhere = Join-Path $TestDrive 'does-not-exist'

        { Get-BqxScriptInventory -LiteralPath $nowhere -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand'
    }

    It 'shows Status first in the table view' {
        $table = Get-BqxScriptInventory -Path $root | Format-Table | Out-String

        ($table -split "`n" | Where-Object { $_.Trim() } | Select-Object -First 1).Trim() | Should -Match '^Status\s+Kind\s+Category\s+Lines\s+Path$'
    }

    It 'shows the default display property set in lists' {
        $record = Get-BqxScriptInventory -Path $root | Select-Object -First 1

        $record.PSStandardMembers.DefaultDisplayPropertySet.ReferencedPropertyNames -join ',' |
            Should -Be 'Path,Kind,Category,Status,Purpose,Lines,LastModified,Recommendation'
    }
}
