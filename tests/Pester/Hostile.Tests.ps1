#Requires -Version 7.4
# Hostile repositories through the cmdlets (issue 15; the corpus is described in tests/hostile/README.md).
# Each case runs the cmdlet in a child pwsh (so a hang, a stack overflow or an out-of-memory kills the case, not
# this session), measured like the xunit cases: exit code, wall time, peak resident memory (GNU time's %M, or the
# child's VmHWM), and no trace of the canary files outside the root, or of the child's environment, in the
# records, errors or warnings the child prints. BQX_HOSTILE_MODULE names another module manifest (the "before"
# build); BQX_HOSTILE_REPORT a file each result is appended to.

BeforeAll {
    $script:Module = if ($env:BQX_HOSTILE_MODULE) { $env:BQX_HOSTILE_MODULE } else { Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1' }
    $script:Pwsh = Join-Path $PSHOME 'pwsh.dll'
    $script:Canary = 'BQXCANARY-5c1e9f'
    $script:EnvCanary = 'BQXCANARYENV-77d2'
    $script:MaxRssKb = 512 * 1024
    $script:KillAfterSec = if ($env:BQX_HOSTILE_KILL_SECONDS) { [int]$env:BQX_HOSTILE_KILL_SECONDS } else { 90 }
    $script:MaxWallSec = 60

    # A root with a one-phase profile and two scripts, and beside it a folder of canary files that must never be read.
    function New-HostileRepo {
        param([Parameter(Mandatory)][string]$Name)
        $base = Join-Path $TestDrive $Name
        $root = Join-Path $base 'repo'
        $outside = Join-Path $base 'outside'
        New-Item -ItemType Directory -Path (Join-Path $root 'scripts'), (Join-Path $outside 'etc') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $root 'bqxaudit.yaml') -Value "name: hostile`nphases:`n  - id: P1`n    name: Hostile Phase 1`n    tasks:`n      - name: Run`n        scriptGlobs: [scripts/ok.py]" -NoNewline
        Set-Content -LiteralPath (Join-Path $root 'scripts/ok.py') -Value "import os`n`nprint(os.getcwd())"
        Set-Content -LiteralPath (Join-Path $outside 'passwd') -Value "root:x:0:0:$Canary-passwd:/root:/bin/bash"
        Set-Content -LiteralPath (Join-Path $outside 'etc/tool.py') -Value "print('$Canary')"
        Set-Content -LiteralPath (Join-Path $outside 'etc/.env') -Value "DB_PASSWORD=${Canary}x9Qz"
        [pscustomobject]@{ Root = $root; Outside = $outside; Base = $base }
    }

    # Runs $Body (a script block's text using $Root) in a child pwsh with the module imported; the child prints one
    # JSON line: the records (Path, Status, Rules, Messages), the errors (message and id) and the warnings.
    function Invoke-Hostile {
        param([Parameter(Mandatory)][string]$Name, [Parameter(Mandatory)][string]$Root, [Parameter(Mandatory)][string]$Body)
        $child = Join-Path $TestDrive "$Name.child.ps1"
        $text = @'
$ErrorActionPreference = 'Continue'
$WarningPreference = 'Continue'
Import-Module -Name '__MODULE__' -Force -ErrorAction Stop
$Root = '__ROOT__'
$all = @()
$terminating = @()
try {
    $all = @(& { __BODY__ } 2>&1 3>&1)
} catch {
    $terminating = @($_)
}
$errs = @($all | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }) + $terminating
[pscustomobject]@{
    Records  = @($all | Where-Object { $_ -is [BqxAudit.Model.ScriptRecord] } | ForEach-Object {
        [pscustomobject]@{ Path = $_.Path; Status = "$($_.Status)"; Rules = @($_.Findings.Rule); Messages = @($_.Findings.Message); Locations = @($_.Findings.Location) } })
    Other    = @($all | Where-Object { $_ -isnot [BqxAudit.Model.ScriptRecord] -and $_ -isnot [System.Management.Automation.ErrorRecord] -and $_ -isnot [System.Management.Automation.WarningRecord] } | ForEach-Object { "$_" })
    Errors   = @($errs | ForEach-Object { "$_" })
    ErrorIds = @($errs | ForEach-Object { $_.FullyQualifiedErrorId })
    Warnings = @($all | Where-Object { $_ -is [System.Management.Automation.WarningRecord] } | ForEach-Object { "$_" })
} | ConvertTo-Json -Depth 6 -Compress
'@
        $text = $text.Replace('__MODULE__', $Module).Replace('__ROOT__', $Root).Replace('__BODY__', $Body)
        Set-Content -LiteralPath $child -Value $text

        $timeFile = Join-Path $TestDrive "$Name.time"
        $gnuTime = Test-Path -LiteralPath '/usr/bin/time'
        $start = [System.Diagnostics.ProcessStartInfo]::new($(if ($gnuTime) { '/usr/bin/time' } else { 'dotnet' }))
        if ($gnuTime) { foreach ($a in '-f', '%x %M', '-o', $timeFile, 'dotnet') { $start.ArgumentList.Add($a) } }
        foreach ($a in $Pwsh, '-NoLogo', '-NoProfile', '-NonInteractive', '-File', $child) { $start.ArgumentList.Add($a) }
        $start.RedirectStandardOutput = $true
        $start.RedirectStandardError = $true
        $start.UseShellExecute = $false
        $start.WorkingDirectory = $TestDrive
        $start.Environment['BQX_CANARY'] = $EnvCanary
        $watch = [System.Diagnostics.Stopwatch]::StartNew()
        $p = [System.Diagnostics.Process]::Start($start)
        $stdout = $p.StandardOutput.ReadToEndAsync()
        $stderr = $p.StandardError.ReadToEndAsync()
        $timedOut = -not $p.WaitForExit($KillAfterSec * 1000)
        if ($timedOut) { $p.Kill($true); $p.WaitForExit() }
        $watch.Stop()
        $code = $p.ExitCode
        $rss = 0
        if ($gnuTime -and (Test-Path -LiteralPath $timeFile)) {
            $last = @(Get-Content -LiteralPath $timeFile)[-1] -split ' '
            if ($last.Count -eq 2) { $rss = [long]$last[1]; if (-not $timedOut) { $code = [int]$last[0] } }
        }
        $o = $stdout.Result
        $result = [pscustomobject]@{
            Name = $Name; ExitCode = $(if ($timedOut) { -1 } else { $code }); TimedOut = $timedOut
            WallSec = $watch.Elapsed.TotalSeconds; PeakRssKb = $rss; Stdout = $o; Stderr = $stderr.Result
            Json = $(try { ($o -split "`n" | Where-Object { $_.StartsWith('{') } | Select-Object -Last 1) | ConvertFrom-Json } catch { $null })
        }
        if ($env:BQX_HOSTILE_REPORT) {
            Add-Content -LiteralPath $env:BQX_HOSTILE_REPORT -Value ("pwsh:{0}`t{1}`t{2:0.00}`t{3}`t{4}" -f $Name, $result.ExitCode, $result.WallSec, [int]($rss / 1024), $(if ($timedOut) { 'killed' } else { '' }))
        }
        $result
    }

    # The bounds every case shares.
    function Assert-Bounded {
        param([Parameter(Mandatory)]$Result)
        $Result.TimedOut | Should -BeFalse -Because "$($Result.Name) must finish (killed after $KillAfterSec s)"
        $Result.ExitCode | Should -Be 0 -Because "the session survives: $($Result.Stderr)"
        $Result.WallSec | Should -BeLessThan $MaxWallSec
        $Result.PeakRssKb | Should -BeLessThan $MaxRssKb
        $Result.Json | Should -Not -BeNullOrEmpty -Because "the child printed its summary: $($Result.Stdout) $($Result.Stderr)"
        "$($Result.Stdout)$($Result.Stderr)" | Should -Not -Match $Canary
        "$($Result.Stdout)$($Result.Stderr)" | Should -Not -Match $EnvCanary
    }
}

Describe 'Cmdlets on hostile repositories' {
    It 'Get-BqxScriptInventory lists FIFOs instead of hanging on them (item 3)' {
        $repo = New-HostileRepo -Name 'fifo'
        & mkfifo (Join-Path $repo.Root 'scripts/x.py') (Join-Path $repo.Root 'scripts/runner')

        $r = Invoke-Hostile -Name 'fifo' -Root $repo.Root -Body 'Get-BqxScriptInventory -Path $Root'

        Assert-Bounded $r
        $x = $r.Json.Records | Where-Object Path -eq 'scripts/x.py'
        $x.Status | Should -Be 'Blocked'
        $x.Rules | Should -Contain 'file.not-regular'
        ($r.Json.Warnings -join "`n") | Should -Match 'scripts/runner: not read: a FIFO'
    }

    It 'Get-BqxScriptInventory does not read links to devices or out of the root (items 2 and 7)' {
        $repo = New-HostileRepo -Name 'links'
        New-Item -ItemType SymbolicLink -Path (Join-Path $repo.Root 'scripts/zero.py') -Target '/dev/zero' | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $repo.Root 'scripts/evil.sh') -Target (Join-Path $repo.Outside 'passwd') | Out-Null
        New-Item -ItemType SymbolicLink -Path (Join-Path $repo.Root 'etcdir') -Target (Join-Path $repo.Outside 'etc') | Out-Null

        $r = Invoke-Hostile -Name 'links' -Root $repo.Root -Body 'Get-BqxScriptInventory -Path $Root'

        Assert-Bounded $r
        ($r.Json.Records | Where-Object Path -eq 'scripts/zero.py').Status | Should -Be 'Blocked'
        ($r.Json.Records | Where-Object Path -eq 'scripts/evil.sh').Rules | Should -Contain 'file.symlink-outside-root'
        @($r.Json.Records | Where-Object { $_.Path -like 'etcdir/*' }).Count | Should -Be 0
    }

    It 'Get-BqxDependency refuses requirements includes that leave the root (item 7)' {
        $repo = New-HostileRepo -Name 'includes'
        Set-Content -LiteralPath (Join-Path $repo.Root 'requirements.txt') -Value "requests`n-r $(Join-Path $repo.Outside 'passwd')`n-r /proc/self/environ`n-r /dev/zero"

        $r = Invoke-Hostile -Name 'includes' -Root $repo.Root -Body 'Get-BqxDependency -Path $Root -Offline'

        Assert-Bounded $r
        @($r.Json.Errors | Where-Object { $_ -match 'leads outside the audited root; not read' }).Count | Should -Be 3
    }

    It 'Get-BqxScriptInventory stops on a nested or alias-bombed profile with an error at file:line:column (items 1 and 5)' {
        $deep = New-HostileRepo -Name 'deep'
        Set-Content -LiteralPath (Join-Path $deep.Root 'bqxaudit.yaml') -Value ("name: hostile`ninventory: " + ('[' * 100000) + (']' * 100000))
        $bomb = New-HostileRepo -Name 'bomb'
        $globs = (0..1999 | ForEach-Object { '"s/*g{0:D4}*"' -f $_ }) -join ', '
        $categories = (0..1999 | ForEach-Object { "    c{0:D4}: *a" -f $_ }) -join "`n"
        Set-Content -LiteralPath (Join-Path $bomb.Root 'bqxaudit.yaml') -Value "name: hostile`ninventory:`n  categories:`n    anchor: &a [$globs]`n$categories"

        $r = Invoke-Hostile -Name 'deep-profile' -Root $deep.Root -Body 'Get-BqxScriptInventory -Path $Root'
        $b = Invoke-Hostile -Name 'alias-bomb' -Root $bomb.Root -Body 'Get-BqxScriptInventory -Path $Root'

        Assert-Bounded $r
        ($r.Json.Errors -join "`n") | Should -Match 'bqxaudit.yaml:2:\d+: nesting deeper than 64 levels'
        ($r.Json.ErrorIds -join ' ') | Should -Match 'BqxAudit\.ProfileInvalid'
        Assert-Bounded $b
        ($b.Json.Errors -join "`n") | Should -Match 'aliases expand the document beyond 200,000 nodes'
    }

    It 'Get-BqxScriptInventory blocks Python 2 syntax, an open shell quote and a NUL byte at their lines (item 11)' {
        $repo = New-HostileRepo -Name 'syntax'
        Set-Content -LiteralPath (Join-Path $repo.Root 'scripts/p2.py') -Value "import os`nprint `"x`""
        Set-Content -LiteralPath (Join-Path $repo.Root 'scripts/q.sh') -Value "#!/bin/bash`nset -e`necho `"open"
        [System.IO.File]::WriteAllBytes((Join-Path $repo.Root 'scripts/nul.py'), [byte[]](0x78, 0x3D, 0x31, 0x0A, 0x00))

        $r = Invoke-Hostile -Name 'syntax' -Root $repo.Root -Body 'Get-BqxScriptInventory -Path $Root'

        Assert-Bounded $r
        ($r.Json.Records | Where-Object Path -eq 'scripts/p2.py').Locations | Should -Contain 'scripts/p2.py:2'
        ($r.Json.Records | Where-Object Path -eq 'scripts/q.sh').Rules | Should -Contain 'shell.unterminated-quote'
        ($r.Json.Records | Where-Object Path -eq 'scripts/nul.py').Status | Should -Be 'Blocked'
    }

    It 'Invoke-BqxAudit refuses an empty or file -OutputPath before auditing, writing nothing (items 10 and 13)' {
        $repo = New-HostileRepo -Name 'output'
        $file = Join-Path $repo.Base 'a-file'
        Set-Content -LiteralPath $file -Value 'x'

        $empty = Invoke-Hostile -Name 'output-empty' -Root $repo.Root -Body 'Set-Location (Split-Path $Root); Invoke-BqxAudit -Path $Root -Offline -OutputPath ""'
        $onFile = Invoke-Hostile -Name 'output-file' -Root $repo.Root -Body "Invoke-BqxAudit -Path `$Root -Offline -OutputPath '$file'"

        Assert-Bounded $empty
        ($empty.Json.Errors -join "`n") | Should -Match 'the output folder is empty'
        @(Get-ChildItem -LiteralPath $repo.Base -Filter '*.md').Count | Should -Be 0
        Assert-Bounded $onFile
        ($onFile.Json.Errors -join "`n") | Should -Match 'is a file, not a folder'
        @($onFile.Json.Other).Count | Should -Be 0 -Because 'no AuditResult: the audit did not run'
    }

    It 'Test-BqxPhaseReadiness refuses a start date in year 9999 with a message (item 13)' {
        $repo = New-HostileRepo -Name 'dates'

        $r = Invoke-Hostile -Name 'start-9999' -Root $repo.Root -Body 'Test-BqxPhaseReadiness -Path $Root -Offline -StartDate ([datetime]"9999-12-31")'

        Assert-Bounded $r
        ($r.Json.Errors -join "`n") | Should -Match 'must lie between 1900-01-01 and 9000-12-31'
    }
}
