#Requires -Version 7.4
# Pester 5 tests of Test-BqxNamingCompliance, Get-BqxRenamePlan and Get-BqxDependency on the example
# repository, in the staged module. Mirrored by xunit tests that run everywhere:
# tests/Unit/Cli/NamingCommandTests.cs and tests/Unit/Dependencies/DependencyServiceTests.cs.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1') -Force -ErrorAction Stop
    $example = Join-Path $PSScriptRoot '../../examples/bqx-ml-v3'
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Test-BqxNamingCompliance' {
    It 'classifies the profile table listing of the example' {
        $results = @(Test-BqxNamingCompliance -Path $example)

        $results.Count | Should -Be 135
        $results[0].GetType().FullName | Should -Be 'BqxAudit.Model.NamingResult'
        @($results | Where-Object Status -eq 'NonCompliant').Count | Should -BeGreaterThan 0
    }

    It 'takes names from the pipeline and suggests the sorted pair order' {
        $result = 'bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd' | Test-BqxNamingCompliance -Path $example

        $result.Status.ToString() | Should -Be 'NonCompliant'
        $result.SuggestedName | Should -Be 'cov_agg_idx_eurusd_gbpusd'
    }
}

Describe 'Get-BqxRenamePlan' {
    It 'refuses colliding renames and names the other table' {
        $plan = @(Test-BqxNamingCompliance -Path $example | Get-BqxRenamePlan -Path $example)
        $collision = $plan | Where-Object Source -eq 'cov_mom_idx_gbpusd_eurusd'

        $collision.Action.ToString() | Should -Be 'Collision'
        $collision.CollidesWith | Should -Match 'cov_mom_idx_eurusd_gbpusd'
    }

    It 'writes nothing with -WhatIf' {
        $sql = Join-Path $TestDrive 'plan.sql'
        Get-BqxRenamePlan -Path $example -SqlPath $sql -WhatIf | Out-Null

        Test-Path -LiteralPath $sql | Should -BeFalse
    }
}

Describe 'Get-BqxDependency' {
    It 'reuses piped script records and finds the undeclared import of a phase script' {
        $records = @(Get-BqxScriptInventory -Path $example | Get-BqxDependency -Path $example -Type PythonPackage)
        $tabulate = $records | Where-Object Name -eq 'tabulate'

        $tabulate.Status.ToString() | Should -Be 'Undeclared'
        $tabulate.Critical | Should -BeTrue
    }
}
