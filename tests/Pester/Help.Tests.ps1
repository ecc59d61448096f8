#Requires -Version 7.4
# The help the build generates (BqxAudit.dll-Help.xml, from the cmdlets' XML documentation) and
# about_BqxAudit: every cmdlet has a synopsis, a description, every parameter described, inputs, outputs,
# related links and at least two examples — and every example runs against a copy of examples/bqx-ml-v3
# and does what its text says (the checks below, one per example; an example without one fails).

BeforeDiscovery {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $cmdlets = @(Get-Command -Module BqxAudit | ForEach-Object { @{ Name = $_.Name } })
    $examples = @(foreach ($command in Get-Command -Module BqxAudit) {
            $i = 0
            foreach ($example in (Get-Help $command.Name -Full).examples.example) {
                $i++
                @{ Key = "$($command.Name)#$i"; Code = ($example.code -join "`n"); Text = ($example.remarks.Text -join ' ').Trim() }
            }
        })
}

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    Import-Module $ModuleManifest -Force -ErrorAction Stop
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters

    # What each example's text says, checked on what it returned ($Out) in its folder ($Folder).
    $checks = @{
        'Get-BqxScriptInventory#1' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_ | Should -BeOfType BqxAudit.Model.ScriptRecord; $_.Status | Should -Not -Be Ready }
            $Out.Status | Should -Contain Missing
        }
        'Get-BqxScriptInventory#2' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_.Path | Should -Match '(\.sh|Dockerfile[^/]*)$'; $_.PSObject.Properties.Name | Should -Be @('Path', 'Status', 'FindingsText') }
        }
        'Get-BqxScriptInventory#3' = { param($Out, $Folder)
            $Out.Name | Should -Contain 'Generation'
            ($Out | Measure-Object -Property Count -Sum).Sum | Should -Be @(Get-BqxScriptInventory -Path $Folder).Count
        }
        'Test-BqxNamingCompliance#1' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_.Status | Should -Be NonCompliant; $_.Violations.Count | Should -BeGreaterThan 0 }
        }
        'Test-BqxNamingCompliance#2' = { param($Out, $Folder)
            $Out.Count | Should -Be 1
            $Out[0].Status | Should -Be NonCompliant
            $Out[0].Violations | Should -Contain AlphabeticalOrder
            $Out[0].SuggestedName | Should -Be 'cov_agg_idx_eurusd_gbpusd'
        }
        'Test-BqxNamingCompliance#3' = { param($Out, $Folder)
            $Out.Name | Should -Contain 'NonCompliant'
            ($Out | Measure-Object -Property Count -Sum).Sum | Should -Be (Get-ListedNameCount (Join-Path $Folder 'tables.txt'))
        }
        'Get-BqxRenamePlan#1' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_.Action | Should -Be Collision; $_.CollidesWith | Should -Not -BeNullOrEmpty }
        }
        'Get-BqxRenamePlan#2' = { param($Out, $Folder)
            Join-Path $Folder 'plan.sql' | Should -FileContentMatch 'ALTER TABLE'
            (Import-Csv -LiteralPath (Join-Path $Folder 'plan.csv')).Count | Should -Be $Out.Count
            $Out[0] | Should -BeOfType BqxAudit.Model.RenamePlanItem
        }
        'Get-BqxRenamePlan#3' = { param($Out, $Folder)
            Join-Path $Folder 'plan.sql' | Should -Not -Exist
            $Out.Count | Should -BeGreaterThan 0
        }
        'Test-BqxInfrastructure#1' = { param($Out, $Folder)
            $Out.Count | Should -Be 3
            $Out | ForEach-Object { $_.Status | Should -Be NotVerified; $_.Remedy | Should -Match 'without -Offline'; $_.Remedy | Should -Not -Match '--offline' }
        }
        'Test-BqxInfrastructure#2' = { param($Out, $Folder)
            $Out | Should -Be 'the API and permission checks are not all Ready'
        }
        'Test-BqxInfrastructure#3' = { param($Out, $Folder)
            $text = $Out | Out-String
            $text | Should -Match 'Target\s+: project:bqx-ml'
            $text | Should -Match 'Remedy\s+: Run without -Offline'
            ([regex]::Matches($text, 'Status\s+: NotVerified')).Count | Should -Be @(Test-BqxInfrastructure -Path $Folder -Offline).Count
        }
        'Get-BqxDependency#1' = { param($Out, $Folder)
            $Out.Name | Should -Contain 'tabulate'
            $Out | ForEach-Object { $_.Status | Should -Be Undeclared; $_.Type | Should -Be PythonPackage }
        }
        'Get-BqxDependency#2' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_.PSObject.Properties.Name | Should -Be @('Name', 'Type', 'Status', 'UsedByText') }
            ($Out | Where-Object Name -EQ 'tabulate').UsedByText | Should -Match 'scripts/'
        }
        'Get-BqxBlocker#1' = { param($Out, $Folder)
            $Out.Count | Should -BeGreaterThan 0
            $Out | ForEach-Object { $_.Priority | Should -Be P0 }
            $Out.Rule | Should -Contain 'infra.not-verified'
        }
        'Get-BqxBlocker#2' = { param($Out, $Folder)
            $Out.Rule | Should -Contain 'script.missing-phase-task'
            $Out.Rule | Should -Not -Contain 'infra.not-verified'
            $Out | ForEach-Object { $_.Source.Type | Should -Be ScriptRecord }
        }
        'Get-BqxBlocker#3' = { param($Out, $Folder)
            $rows = Import-Csv -LiteralPath (Join-Path $Folder 'blockers.csv')
            $rows.Count | Should -Be @(Get-BqxBlocker -Path $Folder -Offline).Count
            $rows[0].PSObject.Properties.Name | Should -Be @('Id', 'Priority', 'Title', 'EstimatedDelay', 'RecommendedAction', 'EvidenceText')
            Get-Content -Raw -LiteralPath (Join-Path $Folder 'blockers.csv') | Should -Not -Match 'System\.|BqxAudit\.Model'
            $rows.Priority | Should -Contain 'P0'
        }
        'Test-BqxPhaseReadiness#1' = { param($Out, $Folder)
            $Out[0] | Should -Be ([BqxAudit.Model.Decision]::NoGo)
            $Out[1] | Should -Match 'P0 blockers? prevents? execution'
        }
        'Test-BqxPhaseReadiness#2' = { param($Out, $Folder)
            $missing = @((Test-BqxPhaseReadiness -Path $Folder -Offline).Tasks | Where-Object ScriptStatus -EQ Missing)
            $Out | Should -Match $(if ($missing) { "^$($missing.Count) missing \(.*\): $([regex]::Escape($missing[0].Name))" } else { '^None' })
        }
        'Test-BqxPhaseReadiness#3' = { param($Out, $Folder)
            $Out | Should -Be 'not GO'
        }
        'Invoke-BqxAudit#1' = { param($Out, $Folder)
            $Out[0] | Should -BeOfType BqxAudit.Model.PhaseReadiness
            $Out.Count | Should -BeGreaterThan 1
            $Out | Select-Object -Skip 1 | ForEach-Object { $_ | Should -BeOfType BqxAudit.Model.Blocker; $_.Priority | Should -Be P0 }
        }
        'Invoke-BqxAudit#2' = { param($Out, $Folder)
            @(Get-ChildItem -LiteralPath (Join-Path $Folder 'reports') -Filter '*_20251213.md').Count | Should -Be 6
            Join-Path $Folder 'reports/AUDIT_RESULT_20251213.json' | Should -Exist
            $json = Get-Content -Raw -LiteralPath (Join-Path $Folder 'audit.json') | ConvertFrom-Json
            $json.Readiness.Decision | Should -Be 'NoGo'
            $json.Blockers[0].Priority | Should -Be 'P0'
        }
        'Export-BqxAuditReport#1' = { param($Out, $Folder)
            $Out.Count | Should -Be 7
            $Out.Name | Should -Contain 'BA_AUDIT_SUMMARY_20251213.md'
            $Out.Name | Should -Contain 'AUDIT_RESULT_20251213.json'
            $Out | ForEach-Object { $_.DirectoryName | Should -Be (Join-Path $Folder 'reports') }
        }
        'Export-BqxAuditReport#2' = { param($Out, $Folder)
            $Out.Count | Should -Be 8
            @($Out | Where-Object Name -Like '*.html').Count | Should -Be 6
            $Out.Name | Should -Contain ((Get-ChildItem -LiteralPath (Join-Path $Folder 'reports') -Filter '*.sarif').Name)
            $Out | ForEach-Object { $_.Length | Should -BeGreaterThan 0 }
        }
        'Export-BqxAuditReport#3' = { param($Out, $Folder)
            $Out | Should -BeNullOrEmpty
            @(Get-ChildItem -LiteralPath (Join-Path $Folder 'reports') -ErrorAction SilentlyContinue).Count | Should -Be 0
        }
    }
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'Get-Help <Name> -Full' -ForEach $cmdlets {
    BeforeAll {
        $help = Get-Help $Name -Full
        $command = Get-Command $Name
    }

    It 'has a synopsis and a description' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s*\[" -Because 'a synopsis that is the syntax means the MAML was not found'
        ($help.description.Text -join ' ').Length | Should -BeGreaterThan 80
    }

    It 'describes every parameter' {
        $shown = $command.Parameters.Values | Where-Object { $_.Name -notin $common -or $_.Name -in 'WhatIf', 'Confirm' } |
            Where-Object { -not ($_.Attributes | Where-Object { $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }) }
        $described = @($help.parameters.parameter | Where-Object { ($_.description.Text -join '').Trim().Length -gt 10 }).name

        @($shown).Count | Should -BeGreaterThan 0
        foreach ($parameter in $shown) {
            $described | Should -Contain $parameter.Name -Because "-$($parameter.Name) of $Name needs a description"
        }
    }

    It 'shows a syntax line per parameter set, but for the hidden catch-all of unusable pipeline input' {
        $hidden = $command.ParameterSets | Where-Object {
            $own = @($_.Parameters | Where-Object { $_.Name -notin $common -and $command.Parameters[$_.Name].ParameterSets.Keys -notcontains '__AllParameterSets' })
            $own.Count -gt 0 -and -not ($own | Where-Object { -not $_.Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] -and $_.DontShow }) })
        }

        @($help.syntax.syntaxItem).Count | Should -Be (@($command.ParameterSets).Count - @($hidden).Count)
    }

    It 'names its inputs, outputs and related links' {
        $help.returnValues.returnValue.type.name | Should -Not -BeNullOrEmpty
        foreach ($type in $command.OutputType.Type) { $help.returnValues.returnValue.type.name | Should -Contain $type.FullName }
        $help.inputTypes.inputType.type.name | Should -Not -BeNullOrEmpty
        $help.relatedLinks.navigationLink.linkText | Should -Contain 'about_BqxAudit'
        @($help.relatedLinks.navigationLink).Count | Should -BeGreaterOrEqual 2
    }

    It 'has at least two examples, each with code and text' {
        @($help.examples.example).Count | Should -BeGreaterOrEqual 2
        foreach ($example in $help.examples.example) {
            ($example.code -join '') | Should -Match $Name
            ($example.remarks.Text -join ' ').Trim().Length | Should -BeGreaterThan 20
        }
    }
}

Describe 'Example <Key>' -ForEach $examples {
    BeforeAll {
        $folder = Copy-Example (Join-Path $TestDrive ("example-" + ($Key -replace '\W', '-')))
    }

    It 'runs in the example and does what its text says: <Text>' {
        $checks.ContainsKey($Key) | Should -BeTrue -Because "every example needs a check of what its text says ($Key has none)"
        Push-Location -LiteralPath $folder
        try {
            $out = @(& ([scriptblock]::Create($Code)))
        }
        finally {
            Pop-Location
        }

        & $checks[$Key] $out $folder
    }
}

Describe 'about_BqxAudit' {
    It 'is found by Get-Help and covers the flow, profiles, exit codes and JSON shapes' {
        $about = Get-Help about_BqxAudit | Out-String

        foreach ($section in 'THE FLOW', 'ROOTS', 'PROFILES', 'DECISIONS AND EXIT CODES', 'JSON SHAPES', 'OUTPUT OBJECTS') {
            $about | Should -Match $section
        }
        $about | Should -Match 'exit \$r\.ExitCode'
    }

    It 'is staged where pwsh looks for it, beside the MAML' {
        $base = Split-Path -Parent $ModuleManifest
        Join-Path $base 'en-US/about_BqxAudit.help.txt' | Should -Exist
        Join-Path $base 'en-US/BqxAudit.dll-Help.xml' | Should -Exist
        Join-Path $base 'BqxAudit.dll-Help.xml' | Should -Exist
    }
}
