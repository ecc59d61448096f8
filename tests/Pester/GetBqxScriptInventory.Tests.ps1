#Requires -Version 7.4
# Get-BqxScriptInventory in the staged module: records, kinds, globs, profiles, roots and its errors.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Get-BqxScriptInventory' {
    BeforeAll {
        $root = New-ScriptFixture -Root (Join-Path $TestDrive 'repo')
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
        $records[0].PhaseTasksText | Should -Be 'P1: Generate'
    }

    It 'audits the current location without -Path' {
        Push-Location -LiteralPath $root
        try { $records = @(Get-BqxScriptInventory) } finally { Pop-Location }

        $records.Root | Select-Object -Unique | Should -Be $root
    }

    It 'keeps only the kinds asked for with -Kind' {
        $records = @(Get-BqxScriptInventory -Path $root -Kind Shell)

        $records.Count | Should -Be 1
        $records[0].Path | Should -Be 'scripts/run.sh'
    }

    It 'inventories only -Include globs and leaves out -Exclude globs' {
        @(Get-BqxScriptInventory -Path $root -Include 'scripts/*.sh' | Where-Object Status -NE Missing).Path | Should -Be 'scripts/run.sh'
        @(Get-BqxScriptInventory -Path $root -Exclude 'scripts/*.sh').Path | Should -Be 'scripts/generate_a.py'
        # Left out of the inventory, the phase task's script counts as missing.
        (Get-BqxScriptInventory -Path $root -Exclude 'scripts/*.py' | Where-Object Status -EQ Missing).PhaseTasksText | Should -Be 'P1: Generate'
    }

    It 'binds the FullName of Get-Item output to -LiteralPath' {
        $records = @(Get-Item -LiteralPath $root | Get-BqxScriptInventory)

        $records.Path -join ',' | Should -Be 'scripts/generate_a.py,scripts/run.sh'
    }

    It 'adds a Missing record per phase task of the default profile when the root has no bqxaudit.yaml' {
        $bare = New-ScriptFixture -Root (Join-Path $TestDrive 'bare') -WithoutProfile

        $records = @(Get-BqxScriptInventory -LiteralPath $bare)
        $missing = @($records | Where-Object { $_.Status -eq 'Missing' })

        $missing.Count | Should -Be 6
        $missing.Category | Sort-Object -Unique | Should -Be 'Phase M008-4C'
        ($records | Where-Object Path -EQ 'scripts/generate_a.py').Category | Should -Be 'Generation'
    }

    It 'uses the profile -Profile names: an embedded one, or a file' {
        @(Get-BqxScriptInventory -Path $root -Profile bqx-ml-v3 | Where-Object Status -EQ Missing).Count | Should -Be 6
        $file = Join-Path $TestDrive 'other.yaml'
        Set-Content -LiteralPath $file -Value @('name: other', 'inventory:', '  categories:', '    Shell: [ "scripts/*.sh" ]')

        (Get-BqxScriptInventory -Path $root -Profile $file | Where-Object Kind -EQ Shell).Category | Should -Be 'Shell'
    }

    It 'takes an object naming a folder through -InputObject, and refuses anything else' {
        @(Get-BqxScriptInventory -InputObject ([pscustomobject]@{ LiteralPath = $root })).Count | Should -Be 2

        $out = @(Get-BqxScriptInventory -InputObject 42 -ErrorVariable problems -ErrorAction SilentlyContinue)
        $out | Should -BeNullOrEmpty
        $problems[0].FullyQualifiedErrorId | Should -Be 'BqxAudit.InputNotSupported,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand'
        $problems[0].Exception.Message | Should -Match 'cannot use a System\.Int32'
    }

    It 'stops with BqxAudit.ProfileInvalid (file, line, column) on an unknown profile key' {
        $bad = Join-Path $TestDrive 'bad-profile'
        New-Item -ItemType Directory -Path $bad -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $bad 'bqxaudit.yaml') -Value @('name: x', 'bogus: 1')

        $record = { Get-BqxScriptInventory -LiteralPath $bad -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.ProfileInvalid,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand' -PassThru
        $record.CategoryInfo.Category | Should -Be 'InvalidData'
        $record.Exception.Message | Should -Match 'bqxaudit\.yaml:2:1'
    }

    It 'writes BqxAudit.PathNotFound, naming the root, when the root does not exist' {
        $nowhere = Join-Path $TestDrive 'does-not-exist'

        $record = { Get-BqxScriptInventory -LiteralPath $nowhere -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.PathNotFound,BqxAudit.Cmdlets.GetBqxScriptInventoryCommand' -PassThru
        $record.CategoryInfo.Category | Should -Be 'ObjectNotFound'
        $record.TargetObject | Should -Be $nowhere
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
