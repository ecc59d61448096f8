#Requires -Version 7.4
# Pester 5 tests of Invoke-BqxAudit and Export-BqxAuditReport on the example repository, in the staged
# module. Mirrored by xunit tests that run everywhere: tests/Unit/Reporting/ReportExporterTests.cs (writes,
# -WhatIf, -Force) and tests/Unit/Readiness/AuditServiceTests.cs (the offline decision).

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1') -Force -ErrorAction Stop
    $example = Join-Path $PSScriptRoot '../../examples/bqx-ml-v3'
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Invoke-BqxAudit | Export-BqxAuditReport' {
    It 'writes the six deliverables and the JSON result' {
        $out = Join-Path $TestDrive 'reports'
        $files = @(Invoke-BqxAudit -Path $example -Offline -Date '2025-12-13' | Export-BqxAuditReport -OutputPath $out)

        $files.Count | Should -Be 7
        $files[0].GetType().FullName | Should -Be 'System.IO.FileInfo'
        $files.Name | Should -Contain 'BA_AUDIT_SUMMARY_20251213.md'
        $files.Name | Should -Contain 'AUDIT_RESULT_20251213.json'
    }

    It 'writes nothing with -WhatIf' {
        $out = Join-Path $TestDrive 'whatif'
        Invoke-BqxAudit -Path $example -Offline | Export-BqxAuditReport -OutputPath $out -WhatIf | Out-Null

        @(Get-ChildItem -LiteralPath $out -ErrorAction SilentlyContinue).Count | Should -Be 0
    }

    It 'refuses to overwrite without -Force' {
        $out = Join-Path $TestDrive 'twice'
        $result = Invoke-BqxAudit -Path $example -Offline -Date '2025-12-13'
        $result | Export-BqxAuditReport -OutputPath $out | Out-Null

        { $result | Export-BqxAuditReport -OutputPath $out -ErrorAction Stop } | Should -Throw -ErrorId 'BqxAudit.OutputExists*'
        @($result | Export-BqxAuditReport -OutputPath $out -Force).Count | Should -Be 7
    }

    It 'says NO-GO offline' {
        (Invoke-BqxAudit -Path $example -Offline).Readiness.Decision.ToString() | Should -Be 'NoGo'
    }
}
