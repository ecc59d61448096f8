#Requires -Version 7.4
# Pipeline binding and roots: folders bind -LiteralPath by property name, every piped object a cmdlet
# cannot use is a non-terminating error naming its type (never a silent zero), -Path takes several roots
# and wildcards, one error per bad root while the others go on, and every output names its Root.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $repos = Join-Path $TestDrive 'repos'
    $a = New-ScriptFixture -Root (Join-Path $repos 'a')
    $b = New-ScriptFixture -Root (Join-Path $repos 'b')
    $missing = Join-Path $TestDrive 'missing'
    $folder = Copy-Example (Join-Path $TestDrive 'example')
    $naming = @(Test-BqxNamingCompliance -Path $folder -Offline)

    function Assert-Unusable($Errors, [string] $Cmdlet, [string] $TypeName, [int] $Count = 1) {
        $Errors.Count | Should -Be $Count
        foreach ($e in $Errors) {
            $e.FullyQualifiedErrorId | Should -Be "BqxAudit.InputNotSupported,BqxAudit.Cmdlets.$($Cmdlet -replace '-', '')Command"
            $e.CategoryInfo.Category | Should -Be 'InvalidType'
            $e.Exception.Message | Should -Match ([regex]::Escape("$Cmdlet cannot use a $TypeName from the pipeline"))
            $e.TargetObject | Should -Not -BeNullOrEmpty
        }
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Folders from the pipeline' {
    It 'bind -LiteralPath of Get-BqxBlocker by property name: Get-Item $repo | Get-BqxBlocker audits it' {
        $piped = @(Get-Item -LiteralPath $folder | Get-BqxBlocker -Offline)
        $direct = @(Get-BqxBlocker -Path $folder -Offline)

        $piped.Count | Should -BeGreaterThan 0
        $piped.Id | Should -Be $direct.Id
        $piped.Root | Select-Object -Unique | Should -Be $folder
    }

    It 'audit each folder Get-ChildItem -Directory gives' {
        $readiness = @(Get-ChildItem -LiteralPath $repos -Directory | Test-BqxPhaseReadiness -Offline)

        $readiness.Count | Should -Be 2
        $readiness.Root | Should -Be @($a, $b)
    }

    It 'come from custom objects too: Import-Csv rows with a FullName column' {
        $csv = Join-Path $TestDrive 'roots.csv'
        Get-ChildItem -LiteralPath $repos -Directory | Select-Object FullName | Export-Csv -LiteralPath $csv

        $records = @(Import-Csv -LiteralPath $csv | Get-BqxScriptInventory)

        $records.Root | Select-Object -Unique | Should -Be @($a, $b)
    }

    It 'of the wrong kind are errors naming the file: Export-BqxAuditReport output is not a folder' {
        $file = Get-Item -LiteralPath (Join-Path $a 'bqxaudit.yaml')

        $out = @($file | Get-BqxScriptInventory -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand'
        $problems[0].Exception.Message | Should -Match 'not a folder'
    }
}

Describe 'Objects a cmdlet cannot use' {
    It 'Get-BqxBlocker: strings are one error each, naming System.String, and no blocker' {
        $out = @('x', 'y' | Get-BqxBlocker -Path $a -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        Assert-Unusable $problems 'Get-BqxBlocker' 'System.String' 2
        $problems.TargetObject | Should -Be @('x', 'y')
    }

    It 'Get-BqxBlocker: a NamingResult is an error that says where it goes instead' {
        $out = @($naming[0] | Get-BqxBlocker -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        Assert-Unusable $problems 'Get-BqxBlocker' 'BqxAudit.Model.NamingResult'
        $problems[0].Exception.Message | Should -Match 'Get-BqxRenamePlan'
    }

    It 'Get-BqxBlocker: Import-Csv rows are errors naming PSCustomObject' {
        $csv = Join-Path $TestDrive 'blockers.csv'
        Get-BqxBlocker -Path $a -Offline | Export-Csv -LiteralPath $csv

        $rows = @(Import-Csv -LiteralPath $csv)
        $out = @($rows | Get-BqxBlocker -Path $a -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        Assert-Unusable $problems 'Get-BqxBlocker' 'System.Management.Automation.PSCustomObject' $rows.Count
    }

    It 'Get-BqxBlocker: findings still go on between the bad items' {
        $records = @(Get-BqxScriptInventory -Path $folder | Where-Object Status -EQ Missing)

        $out = @(@('bad') + $records | Get-BqxBlocker -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out.Rule | Should -Contain 'script.missing-phase-task'
        $out.Root | Select-Object -Unique | Should -Be $folder
        Assert-Unusable $problems 'Get-BqxBlocker' 'System.String'
    }

    It 'Get-BqxBlocker -InputObject: blockers, phase readiness and audits pass through by id' {
        $readiness = Test-BqxPhaseReadiness -Path $a -Offline
        $blockers = @(Get-BqxBlocker -InputObject $readiness)

        $blockers.Id | Should -Be $readiness.Blockers.Id
    }

    It 'Test-BqxNamingCompliance: a custom object''s Name is the table name, never "@{Name=…}"' {
        $result = [pscustomobject]@{ Name = 'bqx_ml_v3_features_v2.cov_agg_idx_gbpusd_eurusd' } | Test-BqxNamingCompliance -Path $folder

        $result.TableName | Should -Be 'cov_agg_idx_gbpusd_eurusd'
        $result.Dataset | Should -Be 'bqx_ml_v3_features_v2'
        $result.Status | Should -Be NonCompliant
    }

    It 'Test-BqxNamingCompliance: Import-Csv rows bind by their TableName column; NamingResults by TableName' {
        $csv = Join-Path $TestDrive 'names.csv'
        $naming | Select-Object -First 5 | Export-Csv -LiteralPath $csv

        $fromCsv = @(Import-Csv -LiteralPath $csv | Test-BqxNamingCompliance -Path $folder)
        $fromResults = @($naming | Select-Object -First 5 | Test-BqxNamingCompliance -Path $folder)

        $fromCsv.TableName | Should -Be ($naming | Select-Object -First 5).TableName
        $fromResults.TableName | Should -Be $fromCsv.TableName
    }

    It 'Test-BqxNamingCompliance: a ScriptRecord or a hashtable is an error naming its type' {
        $record = Get-BqxScriptInventory -Path $a | Select-Object -First 1

        $out = @($record, @{ TableName = 'x' } | Test-BqxNamingCompliance -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems.Count | Should -Be 2
        $problems[0].Exception.Message | Should -Match 'cannot use a BqxAudit\.Model\.ScriptRecord'
        $problems[1].Exception.Message | Should -Match 'cannot use a System\.Collections\.Hashtable'
    }

    It '<Cmdlet>: a string is an error naming System.String' -ForEach @(
        @{ Cmdlet = 'Get-BqxScriptInventory'; Run = { 'x' | Get-BqxScriptInventory -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Test-BqxInfrastructure'; Run = { 'x' | Test-BqxInfrastructure -Offline -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Test-BqxPhaseReadiness'; Run = { 'x' | Test-BqxPhaseReadiness -Offline -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Invoke-BqxAudit'; Run = { 'x' | Invoke-BqxAudit -Offline -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Get-BqxDependency'; Run = { 'x' | Get-BqxDependency -Path $a -Offline -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Get-BqxRenamePlan'; Run = { 'x' | Get-BqxRenamePlan -Path $folder -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
        @{ Cmdlet = 'Export-BqxAuditReport'; Run = { 'x' | Export-BqxAuditReport -OutputPath (Join-Path $TestDrive 'none') -ErrorVariable script:problems -ErrorAction SilentlyContinue } }
    ) {
        $script:problems = $null
        $out = @(& $Run)

        $out | Should -BeNullOrEmpty
        Assert-Unusable $script:problems $Cmdlet 'System.String'
        Join-Path $TestDrive 'none' | Should -Not -Exist
    }
}

Describe 'Several roots' {
    It '-Path takes several roots and names each record''s Root' {
        $records = @(Get-BqxScriptInventory -Path $a, $b)

        $records.Count | Should -Be 4
        ($records | Group-Object Root).Name | Should -Be @($a, $b)
        $records | ForEach-Object { Join-Path $_.Root $_.Path | Should -Exist }
    }

    It '-Path expands wildcards into one audit per folder' {
        $checks = @(Test-BqxInfrastructure -Path (Join-Path $repos '*') -Offline -Check Project)

        $checks.Root | Should -Be @($a, $b)
    }

    It 'writes one error for a root that does not exist, and the others go on (-ErrorAction Continue)' {
        $records = @(Get-BqxScriptInventory -Path $a, $missing, $b -ErrorVariable problems -ErrorAction Continue 2>$null)

        ($records | Group-Object Root).Name | Should -Be @($a, $b)
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $problems[0].TargetObject | Should -Be $missing
    }

    It 'writes one error for a wildcard that matches no folder' {
        $out = @(Get-BqxBlocker -Path (Join-Path $TestDrive 'nothing-*') -Offline -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.GetBqxBlockerCommand'
        $problems[0].Exception.Message | Should -Match 'no folder matches'
    }

    It 'stops at the first bad root with -ErrorAction Stop' {
        { Test-BqxPhaseReadiness -Path $missing, $a -Offline -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.TestBqxPhaseReadinessCommand'
    }

    It 'treats a profile that does not load as one root''s error' {
        $bad = New-ScriptFixture -Root (Join-Path $TestDrive 'bad-profile')
        Set-Content -LiteralPath (Join-Path $bad 'bqxaudit.yaml') -Value @('name: x', 'bogus: 1')

        $readiness = @(Test-BqxPhaseReadiness -Path $a, $bad, $b -Offline -ErrorVariable problems -ErrorAction SilentlyContinue)

        $readiness.Root | Should -Be @($a, $b)
        $problems.Count | Should -Be 1
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.ProfileInvalid,BqxAudit.Cmdlets.TestBqxPhaseReadinessCommand'
        $problems[0].CategoryInfo.Category | Should -Be 'InvalidData'
        $problems[0].Exception.Message | Should -Match 'bqxaudit\.yaml:2:1'
    }

    It '-LiteralPath takes a folder whose name has wildcard characters as it is' {
        $odd = New-ScriptFixture -Root (Join-Path $TestDrive 'odd[1]')

        @(Get-BqxScriptInventory -LiteralPath $odd).Count | Should -Be 2
        @(Get-BqxScriptInventory -LP $odd).Root | Select-Object -Unique | Should -Be $odd
    }

    It 'groups piped records by their Root: Get-BqxDependency over two roots answers for each' {
        $records = @(Get-BqxScriptInventory -Path $a, $folder)

        $dependencies = @($records | Get-BqxDependency -Offline)

        ($dependencies | Group-Object Root).Name | Sort-Object | Should -Be (@($a, $folder) | Sort-Object)
        ($dependencies | Where-Object Name -EQ tabulate).Root | Should -Be $folder
    }
}

Describe 'Root on every output' {
    It '<Cmdlet> sets Root' -ForEach @(
        @{ Cmdlet = 'Get-BqxScriptInventory'; Run = { Get-BqxScriptInventory -Path $folder } }
        @{ Cmdlet = 'Test-BqxNamingCompliance'; Run = { Test-BqxNamingCompliance -Path $folder -TableName cov_agg_idx_eurusd_gbpusd } }
        @{ Cmdlet = 'Get-BqxRenamePlan'; Run = { Get-BqxRenamePlan -Path $folder -Offline } }
        @{ Cmdlet = 'Test-BqxInfrastructure'; Run = { Test-BqxInfrastructure -Path $folder -Offline } }
        @{ Cmdlet = 'Get-BqxDependency'; Run = { Get-BqxDependency -Path $folder -Offline } }
        @{ Cmdlet = 'Get-BqxBlocker'; Run = { Get-BqxBlocker -Path $folder -Offline } }
        @{ Cmdlet = 'Test-BqxPhaseReadiness'; Run = { Test-BqxPhaseReadiness -Path $folder -Offline } }
        @{ Cmdlet = 'Invoke-BqxAudit'; Run = { Invoke-BqxAudit -Path $folder -Offline } }
    ) {
        Push-Location -LiteralPath $TestDrive
        try { $out = @(& $Run) } finally { Pop-Location }

        $out.Count | Should -BeGreaterThan 0
        $out | ForEach-Object { $_.Root | Should -Be $folder }
    }

    It 'Invoke-BqxAudit sets Root on everything the result holds' {
        $audit = Invoke-BqxAudit -Path $a -Offline

        foreach ($list in $audit.Scripts, $audit.Infrastructure, $audit.Dependencies, $audit.Blockers, @($audit.Readiness)) {
            $list | ForEach-Object { $_.Root | Should -Be $a }
        }
    }
}
