#Requires -Version 7.4
# Test-BqxNamingCompliance, Get-BqxRenamePlan and Get-BqxDependency on a copy of the example repository
# (offline; the online paths are in Cloud.Tests.ps1).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $example = Copy-Example (Join-Path $TestDrive 'example')
    $listed = Get-ListedNameCount
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Test-BqxNamingCompliance' {
    It 'classifies the profile table listing of the example' {
        $results = @(Test-BqxNamingCompliance -Path $example -Offline)

        $results.Count | Should -Be $listed
        $results[0].GetType().FullName | Should -Be 'BqxAudit.Model.NamingResult'
        @($results | Where-Object Status -EQ 'NonCompliant').Count | Should -BeGreaterThan 0
        @(Test-BqxNamingCompliance -LiteralPath $example -Offline).Count | Should -Be $listed
    }

    It 'takes names from the pipeline and suggests the sorted pair order' {
        $result = 'bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd' | Test-BqxNamingCompliance -Path $example

        $result.Status.ToString() | Should -Be 'NonCompliant'
        $result.SuggestedName | Should -Be 'cov_agg_idx_eurusd_gbpusd'
        $result.ViolationsText | Should -Be 'AlphabeticalOrder'
    }

    It 'takes -TableName (and its alias -TableId), classifying a repeated name once' {
        $results = @(Test-BqxNamingCompliance -Path $example -TableName cov_agg_idx_eurusd_gbpusd, cov_agg_idx_eurusd_gbpusd -ErrorVariable repeated -ErrorAction SilentlyContinue)
        $byAlias = @(Test-BqxNamingCompliance -Path $example -TableId cov_agg_idx_eurusd_gbpusd)

        $repeated[0].Exception.Message | Should -Match 'is listed 2 times'
        $results.Count | Should -Be 1
        $results[0].Count | Should -Be 2
        $results[0].Status | Should -Be Compliant
        $byAlias[0].Status | Should -Be Compliant
    }

    It 'takes -InputObject: strings and objects with a TableName' {
        $results = @(Test-BqxNamingCompliance -Path $example -InputObject 'cov_agg_idx_eurusd_gbpusd', ([pscustomobject]@{ TableName = 'Cov_Agg_Idx_EURUSD_GBPUSD' }))

        $results.TableName | Should -Be @('cov_agg_idx_eurusd_gbpusd', 'Cov_Agg_Idx_EURUSD_GBPUSD')
        $results[1].Violations | Should -Contain Case
    }

    It 'reads -TableFile and checks -Mandate' {
        $file = Join-Path $TestDrive 'names.txt'
        Set-Content -LiteralPath $file -Value @('cov_agg_idx_gbpusd_eurusd', 'not_a_family_table')

        $results = @(Test-BqxNamingCompliance -Path $example -TableFile $file -Mandate M008)

        $results.Status | Should -Be @('NonCompliant', 'NoRule')
        $results[0].Source | Should -Match 'names\.txt:1'
    }

    It 'qualifies names with -ProjectId and uses another profile with -Profile' {
        $result = Test-BqxNamingCompliance -Path $example -TableName 'bqx_ml_v3_features_v2.cov_agg_idx_eurusd_gbpusd' -ProjectId other-project -Profile (Join-Path $example 'bqxaudit.yaml')

        $result.Status | Should -Be Compliant
        (Get-BqxRenamePlan -Path $example -InputObject ($result) -ProjectId other-project).Project | Should -Be 'other-project'
    }

    It 'stops with BqxAudit.InputInvalid for a mandate the profile does not have' {
        { Test-BqxNamingCompliance -Path $example -TableName x -Mandate M999 -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.*,BqxAudit.Cmdlets.TestBqxNamingComplianceCommand'
    }

    It 'writes BqxAudit.PathNotFound for a -TableFile that does not exist' {
        $nowhere = Join-Path $TestDrive 'no-names.txt'

        $out = @(Test-BqxNamingCompliance -Path $example -TableFile $nowhere -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.TestBqxNamingComplianceCommand'
        $problems[0].TargetObject | Should -Be $nowhere
    }
}

Describe 'Get-BqxRenamePlan' {
    It 'refuses colliding renames and names the other table' {
        $plan = @(Test-BqxNamingCompliance -Path $example -Offline | Get-BqxRenamePlan -Path $example)
        $collision = $plan | Where-Object Source -EQ 'cov_mom_idx_gbpusd_eurusd'

        $collision.Action.ToString() | Should -Be 'Collision'
        $collision.CollidesWith | Should -Match 'cov_mom_idx_eurusd_gbpusd'
        $plan.Root | Select-Object -Unique | Should -Be $example
    }

    It 'plans the profile listings of -LiteralPath, and a -TableFile' {
        @(Get-BqxRenamePlan -LiteralPath $example -Offline -Profile bqx-ml-v3).Count | Should -Be $listed
        $file = Join-Path $TestDrive 'plan-names.txt'
        Set-Content -LiteralPath $file -Value 'bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd'

        $item = Get-BqxRenamePlan -Path $example -TableFile $file -Mandate M008

        $item.Action | Should -Be Rename
        $item.Target | Should -Be 'cov_agg_idx_eurusd_gbpusd'
        $item.Ddl | Should -Match '^ALTER TABLE `bqx-ml\.bqx_ml_v3_features_v2\.cov_agg_idx_gbpusd_eurusd` RENAME TO cov_agg_idx_eurusd_gbpusd;'
    }

    It 'writes nothing with -WhatIf' {
        $sql = Join-Path $TestDrive 'plan.sql'
        Get-BqxRenamePlan -Path $example -Offline -SqlPath $sql -WhatIf | Out-Null

        $sql | Should -Not -Exist
    }

    It 'writes -SqlPath and -CsvPath with -Confirm:$false even when $ConfirmPreference asks for everything, and never over a file without -Force' {
        $sql = Join-Path $TestDrive 'written.sql'
        $csv = Join-Path $TestDrive 'written.csv'
        $ConfirmPreference = 'Low'
        Get-BqxRenamePlan -Path $example -Offline -SqlPath $sql -CsvPath $csv -Confirm:$false | Out-Null
        $ConfirmPreference = 'High'

        $sql | Should -FileContentMatch 'RENAME TO'
        (Import-Csv -LiteralPath $csv).Count | Should -Be $listed
        $out = @(Get-BqxRenamePlan -Path $example -Offline -SqlPath $sql -ErrorVariable problems -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.OutputExists,BqxAudit.Cmdlets.GetBqxRenamePlanCommand'
        $problems[0].Exception.Message + $problems[0].ErrorDetails.Message | Should -Not -Match '--force'
        @(Get-BqxRenamePlan -Path $example -Offline -SqlPath $sql -Force).Count | Should -Be $listed
    }

    It 'refuses piped objects that are not NamingResults' {
        $out = @(Get-BqxRenamePlan -Path $example -InputObject (Get-BqxScriptInventory -Path $example | Select-Object -First 1) -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems[0].Exception.Message | Should -Match 'cannot use a BqxAudit\.Model\.ScriptRecord.*NamingResults'
    }
}

Describe 'Get-BqxDependency' {
    It 'reuses piped script records and finds the undeclared import of a phase script' {
        $records = @(Get-BqxScriptInventory -Path $example | Get-BqxDependency -Path $example -Offline -Type PythonPackage)
        $tabulate = $records | Where-Object Name -EQ 'tabulate'

        $tabulate.Status.ToString() | Should -Be 'Undeclared'
        $tabulate.Critical | Should -BeTrue
        $records.Type | Select-Object -Unique | Should -Be PythonPackage
    }

    It 'takes -InputObject and -LiteralPath' {
        $records = @(Get-BqxScriptInventory -Path $example)

        @(Get-BqxDependency -InputObject $records -Offline -Type SystemTool).Count | Should -Be @(Get-BqxDependency -LiteralPath $example -Offline -Type SystemTool -Profile (Join-Path $example 'bqxaudit.yaml')).Count
    }

    It 'reads the installed versions from -SitePackages' {
        $site = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'site/polars-0.20.3.dist-info') -Force
        Set-Content -LiteralPath (Join-Path $site 'METADATA') -Value @('Metadata-Version: 2.1', 'Name: polars', 'Version: 0.20.3')

        $polars = Get-BqxDependency -Path $example -Offline -Type PythonPackage -SitePackages (Join-Path $TestDrive 'site') | Where-Object Name -EQ polars

        $polars.VersionInstalled | Should -Contain '0.20.3'
    }

    It 'asks the interpreter -PythonPath names for the installed versions' {
        $python = Join-Path $TestDrive 'fake-python'
        Set-Content -LiteralPath $python -Value @('#!/bin/sh', 'cat <<''JSON''', '{"executable": "/x/python", "environment": {"python_version": "3.12", "sys_platform": "linux"}, "distributions": [{"name": "polars", "version": "0.20.3", "path": "/sp/polars-0.20.3.dist-info"}]}', 'JSON')
        [System.IO.File]::SetUnixFileMode($python, 'UserRead, UserWrite, UserExecute')

        $polars = Get-BqxDependency -Path $example -Offline -Type PythonPackage -PythonPath $python | Where-Object Name -EQ polars

        $polars.VersionInstalled | Should -Contain '0.20.3'
    }

    It 'refuses -PythonPath with -SitePackages, naming both' {
        { Get-BqxDependency -Path $example -Offline -PythonPath x -SitePackages y -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.InputInvalid,BqxAudit.Cmdlets.GetBqxDependencyCommand'
    }
}
