#Requires -Version 7.4
# PowerShell's own parser over every .ps1 and .psd1 of the repository and over the PowerShell code of the
# README and the help; and every Verb-Bqx… command those use exists, with parameters it has.

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $scripts = @(Find-PowerShellFile)
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $scripts = @(Find-PowerShellFile)

    # The powershell code fences of a Markdown file, each with the line it starts on.
    function Get-PowerShellFence([string] $Path) {
        $lines = Get-Content -LiteralPath $Path
        for ($i = 0; $i -lt $lines.Count; $i++) {
            if ($lines[$i] -match '^```(powershell|pwsh|ps1)\s*$') {
                $start = $i + 1
                $body = [System.Collections.Generic.List[string]]::new()
                for ($i++; $i -lt $lines.Count -and $lines[$i] -notmatch '^```'; $i++) { $body.Add($lines[$i]) }
                [pscustomobject]@{ Line = $start + 1; Code = $body -join "`n" }
            }
        }
    }

    # Every Verb-Bqx… command in the code, with the parameters it names that the command does not have.
    function Get-UnknownBqxUse([string] $Code, [string] $Where) {
        $ast = [System.Management.Automation.Language.Parser]::ParseInput($Code, [ref] $null, [ref] $null)
        foreach ($use in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $use.GetCommandName()
            if ($name -notmatch '^[A-Za-z]+-Bqx') { continue }
            $command = Get-Command -Name $name -Module BqxAudit -ErrorAction SilentlyContinue
            if (-not $command) { "${Where}:$($use.Extent.StartLineNumber): unknown cmdlet $name"; continue }
            $known = $command.Parameters.Values | ForEach-Object { $_.Name; $_.Aliases }
            foreach ($parameter in $use.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] }) {
                if ($parameter.ParameterName -notin $known) { "${Where}:$($parameter.Extent.StartLineNumber): $name has no parameter -$($parameter.ParameterName)" }
            }
        }
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'PowerShell files of the repository' {
    It 'finds the scripts it checks' {
        $scripts.Count | Should -BeGreaterThan 5
        $scripts.Name | Should -Contain 'BqxAudit.psd1'
        $scripts.Name | Should -Contain 'build.ps1'
    }

    It '<Name> parses without errors' -ForEach $scripts {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseFile($Path, [ref] $null, [ref] $errors) | Out-Null

        ($errors | ForEach-Object { "$($_.Extent.StartLineNumber):$($_.Extent.StartColumnNumber): $($_.Message)" }) -join "`n" | Should -BeNullOrEmpty
    }

    It 'reports a syntax error with its line and column (the check can fail)' {
        $errors = $null
        [System.Management.Automation.Language.Parser]::ParseInput("Get-Item `$x`n`$a = @(1, 2`nif (`$true) {", [ref] $null, [ref] $errors) | Out-Null

        $errors.Count | Should -BeGreaterThan 0
        $errors[0].Extent.StartLineNumber | Should -BeGreaterThan 1
    }

    It 'uses only BqxAudit cmdlets and parameters that exist (README, examples, Pester, help)' {
        $problems = [System.Collections.Generic.List[string]]::new()
        foreach ($fence in Get-PowerShellFence (Join-Path $RepoRoot 'README.md')) {
            $errors = $null
            [System.Management.Automation.Language.Parser]::ParseInput($fence.Code, [ref] $null, [ref] $errors) | Out-Null
            $errors | ForEach-Object { $problems.Add("README.md:$($fence.Line + $_.Extent.StartLineNumber - 1): $($_.Message)") }
            Get-UnknownBqxUse $fence.Code "README.md:$($fence.Line)" | ForEach-Object { $problems.Add($_) }
        }
        foreach ($script in $scripts) {
            Get-UnknownBqxUse (Get-Content -Raw -LiteralPath $script.Path) $script.Name | ForEach-Object { $problems.Add($_) }
        }
        foreach ($command in Get-Command -Module BqxAudit) {
            foreach ($example in (Get-Help $command.Name -Full).examples.example) {
                Get-UnknownBqxUse ($example.code -join "`n") "help of $($command.Name)" | ForEach-Object { $problems.Add($_) }
            }
        }

        $problems -join "`n" | Should -BeNullOrEmpty
    }

    It 'reports an unknown cmdlet and an unknown parameter with where they are (the check can fail)' {
        $problems = @(Get-UnknownBqxUse "Get-BqxScriptInventory -Path . -Kind Python -Verbose`nGet-BqxNothing -Path .`nGet-BqxScriptInventory -Bogus 1 -FullName x" 'x.ps1')

        $problems | Should -Be @('x.ps1:2: unknown cmdlet Get-BqxNothing', 'x.ps1:3: Get-BqxScriptInventory has no parameter -Bogus')
    }
}
