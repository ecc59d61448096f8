#Requires -Version 7.4
# The suite itself: every cmdlet, every parameter set and every parameter (WhatIf and Confirm included)
# is used at least once by the Pester files, as PowerShell's static binder reads their commands. A
# parameter counts when it is bound by name or by position; a set counts when some call binds a parameter
# only that set has (or, without one, the default set). Pipeline-only binding does not count: each
# pipeline parameter is also called by name somewhere.

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $skip = [System.Management.Automation.Cmdlet]::CommonParameters + @('UseTransaction')
    $commands = @(Get-Command -Module BqxAudit)

    $uses = foreach ($file in Get-ChildItem -LiteralPath $PSScriptRoot -Filter '*.ps1') {
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($file.FullName, [ref] $null, [ref] $null)
        foreach ($call in $ast.FindAll({ $args[0] -is [System.Management.Automation.Language.CommandAst] }, $true)) {
            $name = $call.GetCommandName()
            if ($name -notmatch '^[A-Za-z]+-Bqx' -or -not ($command = $commands | Where-Object Name -EQ $name)) { continue }
            $binding = [System.Management.Automation.Language.StaticParameterBinder]::BindCommand($call, $true)
            # The binder leaves out a switch set to $false (-Confirm:$false): the names written count as well.
            $named = $call.CommandElements | Where-Object { $_ -is [System.Management.Automation.Language.CommandParameterAst] } | ForEach-Object {
                $written = $_.ParameterName
                $command.Parameters.Values | Where-Object { $_.Name -eq $written -or $_.Aliases -contains $written } | ForEach-Object Name
            }
            [pscustomobject]@{ Command = $command; Bound = @(@($binding.BoundParameters.Keys) + @($named) | Select-Object -Unique); Where = "$($file.Name):$($call.Extent.StartLineNumber)" }
        }
    }

    # The set a call selects: the one set holding every parameter it binds, else the default among those.
    function Get-CallSet($Use) {
        $sets = @($Use.Command.ParameterSets | Where-Object { $set = $_; -not ($Use.Bound | Where-Object { $_ -notin $set.Parameters.Name }) })
        if ($sets.Count -eq 1) { return $sets[0].Name }
        if ($Use.Command.DefaultParameterSet -in $sets.Name) { return $Use.Command.DefaultParameterSet }
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Coverage of the cmdlets by the Pester suite' {
    It 'reads the suite''s calls' {
        @($uses).Count | Should -BeGreaterThan 100
    }

    It 'calls every cmdlet' {
        $missing = $commands.Name | Where-Object { $_ -notin $uses.Command.Name }

        $missing -join ', ' | Should -BeNullOrEmpty
    }

    It 'passes every parameter of every cmdlet at least once' {
        $missing = foreach ($command in $commands) {
            $bound = ($uses | Where-Object { $_.Command.Name -eq $command.Name }).Bound
            $command.Parameters.Keys | Where-Object { $_ -notin $skip -and $_ -notin $bound } | ForEach-Object { "$($command.Name) -$_" }
        }

        $missing -join ', ' | Should -BeNullOrEmpty
    }

    It 'selects every parameter set of every cmdlet at least once' {
        $missing = foreach ($command in $commands) {
            $selected = $uses | Where-Object { $_.Command.Name -eq $command.Name } | ForEach-Object { Get-CallSet $_ }
            $command.ParameterSets.Name | Where-Object { $_ -notin $selected } | ForEach-Object { "$($command.Name) [$_]" }
        }

        $missing -join ', ' | Should -BeNullOrEmpty
    }

    It 'tells a set by the parameters a call binds (the check can fail)' {
        $command = Get-Command Get-BqxBlocker
        Get-CallSet ([pscustomobject]@{ Command = $command; Bound = @('LiteralPath', 'Offline') }) | Should -Be 'LiteralPath'
        Get-CallSet ([pscustomobject]@{ Command = $command; Bound = @('InputObject') }) | Should -Be 'Input'
        Get-CallSet ([pscustomobject]@{ Command = $command; Bound = @('Path', 'Offline') }) | Should -Be 'Path'
    }
}
