#Requires -Version 7.4
# Invoke-BqxAudit and Export-BqxAuditReport on a copy of the example repository, offline.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $example = Copy-Example (Join-Path $TestDrive 'example')
    $result = Invoke-BqxAudit -Path $example -Offline -Date '2025-12-13'
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Invoke-BqxAudit | Export-BqxAuditReport' {
    It 'writes the six deliverables and the JSON result' {
        $out = Join-Path $TestDrive 'reports'
        $files = @($result | Export-BqxAuditReport -OutputPath $out)

        $files.Count | Should -Be 7
        $files[0].GetType().FullName | Should -Be 'System.IO.FileInfo'
        $files.Name | Should -Contain 'BA_AUDIT_SUMMARY_20251213.md'
        $files.Name | Should -Contain 'AUDIT_RESULT_20251213.json'
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'whatif'
        $result | Export-BqxAuditReport -OutputPath $out -WhatIf | Out-Null

        @(Get-ChildItem -LiteralPath $out -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'asks before writing with -Confirm (here nobody can answer, so it stops and writes nothing)' {
        $out = Join-Path $TestDrive 'confirm'

        { $result | Export-BqxAuditReport -OutputPath $out -Confirm -ErrorAction Stop } | Should -Throw
        @(Get-ChildItem -LiteralPath $out -Filter *.md -ErrorAction SilentlyContinue).Count | Should -Be 0
        @($result | Export-BqxAuditReport -OutputPath $out -Confirm:$false).Count | Should -Be 7
    }

    It 'refuses to overwrite without -Force, in the PowerShell spelling' {
        $out = Join-Path $TestDrive 'twice'
        $result | Export-BqxAuditReport -OutputPath $out | Out-Null

        $record = { $result | Export-BqxAuditReport -OutputPath $out -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.OutputExists,BqxAudit.Cmdlets.ExportBqxAuditReportCommand' -PassThru
        $record.CategoryInfo.Category | Should -Be 'WriteError'
        "$record" | Should -Match 'Use -Force to replace them'
        "$record" | Should -Not -Match '--force'
        @($result | Export-BqxAuditReport -OutputPath $out -Force).Count | Should -Be 7
    }

    It 'writes -Format and names the files by -Date' {
        $files = @(Export-BqxAuditReport -InputObject $result -OutputPath (Join-Path $TestDrive 'formats') -Format Sarif, JUnit -Date '2026-01-02')

        $files.Name | Sort-Object | Should -Be @('AUDIT_20260102.junit.xml', 'AUDIT_20260102.sarif')
    }

    It 'says NO-GO offline, exit code 2' {
        $result.Readiness.Decision.ToString() | Should -Be 'NoGo'
        $result.Decision | Should -Be ([BqxAudit.Model.Decision]::NoGo)
        $result.ExitCode | Should -Be 2
        $result.Root | Should -Be $example
    }
}

Describe 'Invoke-BqxAudit' {
    It 'writes the reports itself with -OutputPath, -Format and -Force, and asks ShouldProcess' {
        $out = Join-Path $TestDrive 'direct'
        Invoke-BqxAudit -LiteralPath $example -Offline -Date '2025-12-13' -OutputPath $out -Format Markdown, Html -WhatIf | Out-Null
        @(Get-ChildItem -LiteralPath $out -ErrorAction SilentlyContinue).Count | Should -Be 0

        Invoke-BqxAudit -LiteralPath $example -Offline -Date '2025-12-13' -OutputPath $out -Format Markdown, Html -Confirm:$false | Out-Null
        Invoke-BqxAudit -LiteralPath $example -Offline -Date '2025-12-13' -OutputPath $out -Format Markdown, Html -Force | Out-Null

        @(Get-ChildItem -LiteralPath $out -Filter *.html).Count | Should -Be 6
        @(Get-ChildItem -LiteralPath $out -Filter *.md).Count | Should -Be 6
    }

    It 'decides the -Phase asked from -StartDate, and reads installed packages from -SitePackages or -PythonPath' {
        $site = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'site/polars-0.20.3.dist-info') -Force
        Set-Content -LiteralPath (Join-Path $site 'METADATA') -Value @('Metadata-Version: 2.1', 'Name: polars', 'Version: 0.20.3')
        $python = Join-Path $TestDrive 'fake-python'
        Set-Content -LiteralPath $python -Value @('#!/bin/sh', 'cat <<''JSON''', '{"executable": "/x/python", "environment": {"python_version": "3.12"}, "distributions": [{"name": "polars", "version": "0.20.3", "path": "/sp/polars.dist-info"}]}', 'JSON')
        [System.IO.File]::SetUnixFileMode($python, 'UserRead, UserWrite, UserExecute')

        $bySite = Invoke-BqxAudit -Path $example -Offline -Phase M008-4C -StartDate '2025-12-15T09:00:00Z' -SitePackages (Join-Path $TestDrive 'site')
        $byPython = Invoke-BqxAudit -Path $example -Offline -PythonPath $python -Profile bqx-ml-v3 -ProjectId bqx-ml

        $bySite.Readiness.StartDate | Should -Be ([DateTimeOffset] '2025-12-15T09:00:00Z')
        ($bySite.Dependencies | Where-Object Name -EQ polars).VersionInstalled | Should -Contain '0.20.3'
        ($byPython.Dependencies | Where-Object Name -EQ polars).VersionInstalled | Should -Contain '0.20.3'
    }

    It 'refuses -PythonPath with -SitePackages before it audits' {
        { Invoke-BqxAudit -Path $example -Offline -PythonPath x -SitePackages y -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.InputInvalid,BqxAudit.Cmdlets.InvokeBqxAuditCommand'
    }

    It 'takes a folder through -InputObject, and repeats exactly with -Date' {
        $a = Invoke-BqxAudit -InputObject ([pscustomobject]@{ LiteralPath = $example }) -Offline -Date '2025-12-13'

        ($a | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue) | Should -Be ($result | ConvertTo-Json -Depth 8 -WarningAction SilentlyContinue)
    }
}
