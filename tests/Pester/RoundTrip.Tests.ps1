#Requires -Version 7.4
# Every output type survives the ecosystem: ConvertTo-Json (enums as names, string keys), Export-Csv
# (no type names where values belong) and Export-Clixml, and back again.

BeforeDiscovery {
    $types = @(
        @{ Type = 'ScriptRecord'; Key = 'Path'; Enum = 'Status' }
        @{ Type = 'NamingResult'; Key = 'TableName'; Enum = 'Status' }
        @{ Type = 'RenamePlanItem'; Key = 'Source'; Enum = 'Action' }
        @{ Type = 'InfraCheck'; Key = 'Target'; Enum = 'Status' }
        @{ Type = 'DependencyRecord'; Key = 'Name'; Enum = 'Status' }
        @{ Type = 'Blocker'; Key = 'Id'; Enum = 'Priority' }
        @{ Type = 'PhaseReadiness'; Key = 'Phase'; Enum = 'Decision' }
        @{ Type = 'AuditResult'; Key = 'Phase'; Enum = 'Decision' }
    )
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $folder = Copy-Example (Join-Path $TestDrive 'example')
    $audit = Invoke-BqxAudit -LiteralPath $folder -Offline -Date 2025-12-13
    $objects = @{
        ScriptRecord = $audit.Scripts; NamingResult = $audit.Naming; RenamePlanItem = $audit.RenamePlan; InfraCheck = $audit.Infrastructure
        DependencyRecord = $audit.Dependencies; Blocker = $audit.Blockers; PhaseReadiness = @($audit.Readiness); AuditResult = @($audit)
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Invoke-BqxAudit | ConvertTo-Json -Depth 8' {
    It 'succeeds, writes enums as names, and has the report''s JSON property names' {
        $json = Invoke-BqxAudit -Path $folder -Offline -Date 2025-12-13 | ConvertTo-Json -Depth 8 -WarningVariable warnings -ErrorAction Stop
        $back = $json | ConvertFrom-Json -Depth 64

        $back.Readiness.Decision | Should -Be 'NoGo'
        $back.Decision | Should -Be 'NoGo'
        $back.ExitCode | Should -Be 2
        $back.Blockers[0].Priority | Should -Be 'P0'
        $back.Scripts[0].Kind | Should -BeIn 'Python', 'Shell', 'Dockerfile', 'CloudBuild'
        $back.NamingSummary.ByStatus.NonCompliant | Should -Be $audit.NamingSummary.StatusCount('NonCompliant')
        $back.Readiness.Answers.ZeroDelay | Should -Match '^No:'
        $back.Readiness.Questions.ZeroDelay | Should -Be '1. Can the phase start on the planned date with zero delays?'
        $json | Should -Not -Match '"(Priority|Status|Decision|Kind)": \d'

        $report = Get-Content -Raw -LiteralPath ($audit | Export-BqxAuditReport -OutputPath (Join-Path $TestDrive 'json') -Format Json).FullName | ConvertFrom-Json
        foreach ($name in $report.PSObject.Properties.Name) { $back.PSObject.Properties.Name | Should -Contain $name }
        foreach ($name in $report.Readiness.PSObject.Properties.Name) { $back.Readiness.PSObject.Properties.Name | Should -Contain $name }
        $report.PSObject.Properties.Name | Should -Not -Contain 'Root' -Because 'PowerShell-only properties stay out of the report'
        $report.Readiness.Answers.ZeroDelay | Should -Be $back.Readiness.Answers.ZeroDelay
    }
}

Describe '<Type> round trips' -ForEach $types {
    BeforeAll {
        $items = @($objects[$Type])
    }

    It 'through ConvertTo-Json, with <Enum> as a name' {
        $items.Count | Should -BeGreaterThan 0
        $back = @($items | ConvertTo-Json -Depth 8 -AsArray -WarningAction SilentlyContinue -ErrorAction Stop | ConvertFrom-Json -Depth 64)

        $back.Count | Should -Be $items.Count
        for ($i = 0; $i -lt $items.Count; $i++) {
            $back[$i].$Key | Should -Be $items[$i].$Key
            $back[$i].$Enum | Should -BeOfType string
            $back[$i].$Enum | Should -Be $items[$i].$Enum.ToString()
            $back[$i].Root | Should -Be $folder
        }
    }

    It 'through Export-Csv: values, never type names' {
        $csv = Join-Path $TestDrive "$Type.csv"
        $items | Export-Csv -LiteralPath $csv

        $rows = @(Import-Csv -LiteralPath $csv)
        $rows.Count | Should -Be $items.Count
        $rows[0].$Key | Should -Be "$($items[0].$Key)"
        $rows[0].$Enum | Should -Be $items[0].$Enum.ToString()
        $rows[0].Root | Should -Be $folder
        # The lists a row holds are flattened into *Text columns; the nested values read as text.
        $flat = $rows[0].PSObject.Properties.Name -like '*Text'
        if ($Type -notin 'RenamePlanItem', 'AuditResult') { $flat | Should -Not -BeNullOrEmpty }
        foreach ($column in $flat) { $rows.$column -join '' | Should -Not -Match 'System\.Collections|BqxAudit\.Model' }
    }

    It 'through Export-Clixml' {
        $xml = Join-Path $TestDrive "$Type.clixml"
        $items | Export-Clixml -LiteralPath $xml -Depth 4

        $back = @(Import-Clixml -LiteralPath $xml)
        $back.Count | Should -Be $items.Count
        $back[0].PSObject.TypeNames[0] | Should -Be "Deserialized.BqxAudit.Model.$Type"
        $back[0].$Key | Should -Be $items[0].$Key
        $back[0].$Enum.ToString() | Should -Be $items[0].$Enum.ToString() -Because 'a deserialized enum keeps its name in ToString()'
        $back[0].Root | Should -Be $folder
    }
}

Describe 'Deserialized objects in the pipeline' {
    It 'are errors naming their type, not findings: Get-BqxBlocker cannot evaluate what it cannot read' {
        $xml = Join-Path $TestDrive 'blockers.clixml'
        $audit.Scripts | Export-Clixml -LiteralPath $xml

        $out = @(Import-Clixml -LiteralPath $xml | Get-BqxBlocker -Path $folder -ErrorVariable problems -ErrorAction SilentlyContinue)

        $out | Should -BeNullOrEmpty
        $problems.Count | Should -Be $audit.Scripts.Count
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.InputNotSupported,BqxAudit.Cmdlets.GetBqxBlockerCommand'
        $problems[0].Exception.Message | Should -Match 'Deserialized\.BqxAudit\.Model\.ScriptRecord'
    }
}
