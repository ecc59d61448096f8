#Requires -Version 7.4
# The views of BqxAudit.Format.ps1xml in the real formatter: each output type prints as a table whose
# columns are the ones chosen for it, the long types as lists, the nested types as readable text; every
# property a view names exists; FileInfo from Export-BqxAuditReport shows the usual file columns.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $folder = Copy-Example (Join-Path $TestDrive 'example')
    $audit = Invoke-BqxAudit -LiteralPath $folder -Offline -Date 2025-12-13
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Table views' {
    It '<Type> shows <Columns>' -ForEach @(
        @{ Type = 'ScriptRecord'; Columns = 'Status Kind Category Lines Path'; Get = { $audit.Scripts } }
        @{ Type = 'NamingResult'; Columns = 'Status Family Violations TableName SuggestedName'; Get = { $audit.Naming } }
        @{ Type = 'RenamePlanItem'; Columns = 'Action Source Target CollidesWith'; Get = { $audit.RenamePlan } }
        @{ Type = 'InfraCheck'; Columns = 'Status Kind Target Actual'; Get = { $audit.Infrastructure } }
        @{ Type = 'DependencyRecord'; Columns = 'Status Type Name VersionRequired VersionInstalled Critical'; Get = { $audit.Dependencies } }
        @{ Type = 'Blocker'; Columns = 'Priority Id Category Title EstimatedDelay'; Get = { $audit.Blockers } }
        @{ Type = 'PhaseReadiness'; Columns = 'Decision DecisionReason Phase Risk CriticalPath EarliestStart'; Get = { $audit.Readiness } }
        @{ Type = 'AuditResult'; Columns = 'Decision Phase P0 P1 P2 P3 Scripts Profile Root'; Get = { $audit } }
        @{ Type = 'PhaseTask'; Columns = 'Name Status Create Delay Claimed Measured Scripts'; Get = { $audit.Readiness.Tasks } }
        @{ Type = 'Evidence'; Columns = 'Source Location Detail'; Get = { $audit.Blockers[0].Evidence } }
        @{ Type = 'Finding'; Columns = 'Severity Rule Location Message'; Get = { $audit.Scripts.Findings } }
        @{ Type = 'ImportRecord'; Columns = 'Line Kind Module Distribution'; Get = { $audit.Scripts.Imports } }
        @{ Type = 'NamingSummaryRow'; Columns = 'Family Status Violation Count'; Get = { $audit.NamingSummary.Rows } }
    ) {
        $items = @(& $Get)
        $items.Count | Should -BeGreaterThan 0
        $items[0].GetType().FullName | Should -Be "BqxAudit.Model.$Type"

        ($items | Get-TableHeader) -join ' ' | Should -Be $Columns
    }

    It 'fills every column of a blocker row and groups blockers by priority, P0 first' {
        $text = $audit.Blockers | Format-Table | Out-String -Width 200
        $groups = [regex]::Matches($text, 'Priority: (P\d)') | ForEach-Object { $_.Groups[1].Value }

        $groups | Should -Be (@($audit.Blockers.Priority | Select-Object -Unique) | ForEach-Object ToString)
        $groups[0] | Should -Be 'P0'
        $first = $audit.Blockers[0]
        $text | Should -Match ([regex]::Escape($first.Id) + '\s+' + [regex]::Escape($first.Category) + '\s+\S')
        $text | Should -Match ([regex]::Escape($first.EstimatedDelay.ToString()))
    }

    It 'shows the decision for people in the readiness and audit tables' {
        ($audit.Readiness | Format-Table | Out-String -Width 200) | Should -Match 'NO-GO\s+\d+ P0 blockers prevent execution'
        ($audit | Format-Table | Out-String -Width 200) | Should -Match 'NO-GO\s+M008-4C\s+\d+\s+\d+'
    }

    It 'gives every view property that exists on its type' {
        $problems = foreach ($data in Get-FormatData -TypeName 'BqxAudit.Model.*' -PowerShellVersion $PSVersionTable.PSVersion) {
            $type = [type] $data.TypeNames[0]
            foreach ($view in $data.FormatViewDefinition) {
                $items = @($view.Control.Rows.Columns) + @($view.Control.Entries.Items) + @($view.Control.GroupBy)
                foreach ($item in $items | Where-Object { $_.DisplayEntry.ValueType -eq 'Property' }) {
                    if (-not $type.GetProperty($item.DisplayEntry.Value)) { "$($type.Name) view $($view.Name): no property $($item.DisplayEntry.Value)" }
                }
            }
        }

        $problems -join "`n" | Should -BeNullOrEmpty
    }
}

Describe 'List views' {
    It 'shows the readiness decision and its reason first, then the answers by id' {
        $lines = ($audit.Readiness | Out-String -Width 300) -split "`r?`n" | Where-Object { $_.Trim() }

        $lines[0] | Should -Match '^Decision\s+: NO-GO$'
        $lines[1] | Should -Match '^DecisionReason\s+: \d+ P0 blockers prevent execution'
        ($lines -join "`n") | Should -Match 'Answers\s+: ZeroDelay: No:'
        ($lines -join "`n") | Should -Match 'MissingScripts: (None|\d+ missing)'
        ($lines -join "`n") | Should -Match 'ExitCode\s+: 2'
    }

    It 'shows a whole blocker with its evidence, one line each' {
        $blocker = $audit.Blockers | Where-Object { $_.Evidence.Count -gt 1 } | Select-Object -First 1
        $text = $blocker | Format-List | Out-String -Width 300

        foreach ($label in 'Id', 'Priority', 'Title', 'Impact', 'EstimatedDelay', 'RecommendedAction', 'Rule', 'Source', 'Evidence', 'Root') {
            $text | Should -Match "(?m)^$label\s+: "
        }
        $text | Should -Match ([regex]::Escape($blocker.Evidence[1].ToString()))
        $text | Should -Not -Match 'BqxAudit\.Model\.'
    }

    It 'summarises a whole audit by counts' {
        $text = $audit | Format-List | Out-String -Width 300

        $text | Should -Match '(?m)^Scripts\s+: \d+ Ready, \d+ Partial'
        $text | Should -Match '(?m)^Naming\s+: \d+ Compliant, \d+ NonCompliant'
        $text | Should -Match '(?m)^Run\s+: bqx-ml-v3 on '
    }
}

Describe 'Nested values as text' {
    It '<Name> reads as <Pattern>' -ForEach @(
        @{ Name = 'BlockerSource'; Get = { $audit.Blockers[0].Source }; Pattern = '^InfraCheck \w+ \(NotVerified\)$' }
        @{ Name = 'HoursRange'; Get = { $audit.Readiness.CriticalPathHours }; Pattern = '^\d+(\.\d)?(-\d+(\.\d)?)?h$' }
        @{ Name = 'UsdRange'; Get = { $audit.Readiness.Budget }; Pattern = '^\$5-15$' }
        @{ Name = 'Evidence'; Get = { $audit.Blockers[0].Evidence[0] }; Pattern = '^api \w+: \d+ checks? not measured: api:' }
        @{ Name = 'PhaseTask'; Get = { $audit.Readiness.Tasks | Where-Object ScriptStatus -EQ Missing | Select-Object -First 1 }; Pattern = '^.+: Missing, create \d+(\.\d)?(-\d+(\.\d)?)?h' }
        @{ Name = 'AuditRun'; Get = { $audit.Run }; Pattern = '^bqx-ml-v3 on .+, 2025-12-13, offline$' }
        @{ Name = 'Finding'; Get = { ($audit.Scripts.Findings)[0] }; Pattern = '^\S+:\d+ \[[\w.-]+\] ' }
        @{ Name = 'ImportRecord'; Get = { ($audit.Scripts.Imports)[0] }; Pattern = '^\S+ \((Stdlib|Local|ThirdParty|Unresolved).*\) line \d+$' }
        @{ Name = 'Invocation'; Get = { ($audit.Scripts.Invocations)[0] }; Pattern = '^\S+.*\(line \d+\)$' }
        @{ Name = 'PhaseTaskRef'; Get = { ($audit.Scripts.PhaseTasks)[0] }; Pattern = '^M008-4C: ' }
        @{ Name = 'NamingSummaryRow'; Get = { $audit.NamingSummary.Rows[0] }; Pattern = '^\w+ \w+ \S+ \d+$' }
        @{ Name = 'NamingSummary'; Get = { $audit.NamingSummary }; Pattern = '^M008: \d+ names - Compliant \d+, NonCompliant \d+, Exempt \d+, NoRule \d+' }
        @{ Name = 'FlagRecord'; Get = { ($audit.Scripts.Flags)[0] }; Pattern = '^(--?[\w-]+(/--?[\w-]+)*|\w+)( \(required\))?$' }
        @{ Name = 'PackageInstall'; Get = { ($audit.Scripts.PipInstalls)[0] }; Pattern = '^\S.* \(line \d+\)$' }
        @{ Name = 'NameTemplate'; Get = { ($audit.Scripts.NameTemplates)[0] }; Pattern = '^\S*\{.*\}\S* \(line \d+\)$' }
    ) {
        $value = & $Get
        $value.GetType().Name | Should -Be $Name
        "$value" | Should -Match $Pattern
        ($value | Out-String) | Should -Not -Match "BqxAudit\.Model\.$Name"
    }
}

Describe 'Files written' {
    It 'show the usual file columns (mode, time, length, name), grouped by their folder' {
        $files = @($audit | Export-BqxAuditReport -OutputPath (Join-Path $TestDrive 'reports') -Format Json)
        $text = $files | Out-String -Width 200

        $files[0].PSParentPath | Should -Not -BeNullOrEmpty
        $text | Should -Match 'Directory: .*reports'
        $text | Should -Match 'LastWriteTime'
        $row = ($text -split "`r?`n") -match 'AUDIT_RESULT_20251213\.json$'
        $row | Should -Match ('^\s*[-dlrwxa]{5,}\s.*\d\d:\d\d\s+' + $files[0].Length + '\s+AUDIT_RESULT_20251213\.json$')
    }
}
