#Requires -Version 7.4
# The README's module quick start, pasted into a new pwsh as a user would, from a folder holding the
# repository's examples/ and out/ (so the reports it writes land in the test's own folder). Its first line,
# ./build.ps1, is the build the test run has just made (tools/test.sh builds before Pester): it is checked
# to be there and not run again while this process holds the staged module.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $readme = Get-Content -LiteralPath (Join-Path $RepoRoot 'README.md')
    $start = [array]::IndexOf($readme, '## Quick start: the module')
    $open = $start + ($readme[$start..($readme.Count - 1)] | Select-String -Pattern '^```powershell$' | Select-Object -First 1).LineNumber - 1
    $close = $open + ($readme[($open + 1)..($readme.Count - 1)] | Select-String -Pattern '^```$' | Select-Object -First 1).LineNumber
    $block = $readme[($open + 1)..($close - 1)]
}

Describe 'The README''s module quick start' {
    It 'starts with the build' {
        $start | Should -BeGreaterThan 0
        $block[0] | Should -Match '^\./build\.ps1\s+#'
        $block.Count | Should -BeGreaterThan 4
    }

    It 'runs in a new pwsh without an error and does what it says' {
        $folder = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'quick') -Force
        New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'examples') -Target (Join-Path $RepoRoot 'examples') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $folder 'out') -Target (Join-Path $RepoRoot 'out') | Out-Null
        $script = Join-Path $folder 'quick-start.ps1'
        # Each line as if typed at the prompt: its output formatted on its own (Out-Default), as pwsh does line by line.
        Set-Content -LiteralPath $script -Value (@('$ErrorActionPreference = ''Stop''') + ($block | Select-Object -Skip 1 | ForEach-Object { ". { $_ } | Out-Default" }))

        $pwshDll = Join-Path $PSHOME 'pwsh.dll'
        $start = [System.Diagnostics.ProcessStartInfo]::new()
        if (Test-Path -LiteralPath $pwshDll) { $start.FileName = 'dotnet'; $start.ArgumentList.Add($pwshDll) } else { $start.FileName = Join-Path $PSHOME 'pwsh' }
        foreach ($a in '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $script) { $start.ArgumentList.Add($a) }
        $start.WorkingDirectory = $folder.FullName
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.Environment['NO_COLOR'] = '1'
        $process = [System.Diagnostics.Process]::Start($start)
        $stdout = $process.StandardOutput.ReadToEndAsync()
        $stderr = $process.StandardError.ReadToEnd()
        $process.WaitForExit()
        $out = $stdout.Result

        $process.ExitCode | Should -Be 0 -Because "stderr: $stderr"
        $stderr | Should -BeNullOrEmpty
        $out | Should -Match 'Status\s+Kind\s+Category\s+Lines\s+Path'
        $out | Should -Match 'Priority: P0'
        $out | Should -Match 'Decision\s+: NO-GO'
        $out | Should -Match 'Priority\s+Id\s+Category\s+Title'
        $out | Should -Match 'exit code 2'
        $out | Should -Match 'about_BqxAudit'
        @(Get-ChildItem -LiteralPath (Join-Path $folder 'reports') -Filter '*.html').Count | Should -Be 6
        @(Get-ChildItem -LiteralPath (Join-Path $folder 'reports') -Filter '*.md').Count | Should -Be 6
    }
}
