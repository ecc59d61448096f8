#Requires -Version 7.4
# The staged module (out/BqxAudit/) as pwsh 7.6.9 loads it: the manifest, what it exports, the cmdlets'
# conventions (approved verbs, singular Bqx nouns, SwitchParameter, sets, positions, output types), and
# the load context (the engine and its packages isolated, the model types in the default context).

BeforeAll {
    . (Join-Path $PSScriptRoot 'TestKit.ps1')
    $module = Import-Module $ModuleManifest -Force -PassThru -ErrorAction Stop
    $commands = @(Get-Command -Module BqxAudit)
    $common = [System.Management.Automation.Cmdlet]::CommonParameters + [System.Management.Automation.Cmdlet]::OptionalCommonParameters
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'BqxAudit module' {
    It 'has a valid manifest for PowerShell 7.4 Core whose version is the assembly''s' {
        $info = Test-ModuleManifest -Path $ModuleManifest -ErrorAction Stop

        $info.PowerShellVersion | Should -Be ([version]'7.4')
        $info.CompatiblePSEditions -join ',' | Should -Be 'Core'
        $module.ImplementingAssembly.GetName().Version.ToString(3) | Should -Be $info.Version.ToString(3)
    }

    It 'is the repository''s manifest, with explicit export lists and every file it names staged' {
        (Get-FileHash -LiteralPath $ModuleManifest).Hash | Should -Be (Get-FileHash -LiteralPath (Join-Path $RepoRoot 'BqxAudit.psd1')).Hash
        $data = Import-PowerShellDataFile -LiteralPath $ModuleManifest

        foreach ($key in 'CmdletsToExport', 'FunctionsToExport', 'AliasesToExport', 'VariablesToExport') {
            @($data[$key]) -match '\*' | Should -BeNullOrEmpty -Because "$key lists names, no wildcards"
        }
        foreach ($file in @($data.RootModule) + $data.RequiredAssemblies + $data.FormatsToProcess + $data.TypesToProcess) {
            Join-Path $module.ModuleBase $file | Should -Exist
        }
    }

    It 'exports exactly the cmdlets it compiles' {
        $compiled = $module.ImplementingAssembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName } |
            Sort-Object
        $exported = $module.ExportedCmdlets.Keys | Sort-Object
        $declared = (Import-PowerShellDataFile -LiteralPath $ModuleManifest).CmdletsToExport | Sort-Object

        $compiled.Count | Should -Be 9
        $exported -join ',' | Should -Be ($compiled -join ',')
        $declared -join ',' | Should -Be ($compiled -join ',')
    }

    It 'uses approved verbs and Bqx + a singular noun' {
        foreach ($command in $commands) {
            Get-Verb -Verb $command.Verb | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs an approved verb"
            $command.Noun | Should -MatchExactly '^Bqx[A-Z][A-Za-z]+$' -Because "$($command.Name): Bqx + a noun"
            $command.Noun | Should -Not -Match '[^s]s$' -Because "$($command.Name): the noun is singular (Readiness, not Blockers)"
        }
    }

    It 'declares each cmdlet in a public sealed class named after it, in a file named after the class' {
        foreach ($command in $commands) {
            $type = $command.ImplementingType
            $type.Name | Should -Be ('{0}{1}Command' -f $command.Verb, $command.Noun)
            $type.IsPublic -and $type.IsSealed | Should -BeTrue -Because "$($type.FullName) is public sealed"
            Join-Path $RepoRoot "src/Cmdlets/$($type.Name).cs" | Should -Exist
        }
        $concrete = $module.ImplementingAssembly.GetExportedTypes() | Where-Object { -not $_.IsAbstract -and $_.IsSubclassOf([System.Management.Automation.Cmdlet]) }
        @($concrete).Count | Should -Be $commands.Count -Because 'a concrete cmdlet class without [Cmdlet] is never exported'
    }

    It 'declares output types that are public sealed BqxAudit.Model classes, or the documented exceptions' {
        $exceptions = 'Export-BqxAuditReport:System.IO.FileInfo', 'Test-BqxInfrastructure:System.Boolean', 'Test-BqxPhaseReadiness:System.Boolean'
        foreach ($command in $commands) {
            $command.OutputType.Count | Should -BeGreaterThan 0 -Because "$($command.Name) needs [OutputType]"
            foreach ($type in $command.OutputType.Type) {
                if ("$($command.Name):$($type.FullName)" -in $exceptions) { continue }
                $type.Namespace | Should -Be 'BqxAudit.Model'
                $type.IsPublic -and $type.IsSealed | Should -BeTrue -Because "$($type.FullName) is an output type"
            }
        }
    }

    It 'takes switches as SwitchParameter, names every parameter and alias once, gives each position to one parameter per set' {
        foreach ($command in $commands) {
            $names = [System.Collections.Generic.List[string]]::new()
            foreach ($parameter in $command.Parameters.Values) {
                $parameter.ParameterType | Should -Not -Be ([bool]) -Because "$($command.Name) -$($parameter.Name) is a switch"
                $names.Add($parameter.Name); $names.AddRange([string[]] $parameter.Aliases)
            }
            $duplicates = $names | Group-Object | Where-Object Count -GT 1
            $duplicates | Should -BeNullOrEmpty -Because "$($command.Name) names each parameter and alias once"
            foreach ($set in $command.ParameterSets) {
                $taken = $set.Parameters | Where-Object Position -GE 0 | Group-Object Position | Where-Object Count -GT 1
                $taken | Should -BeNullOrEmpty -Because "$($command.Name) set $($set.Name) gives each position to one parameter"
            }
            if ($command.ParameterSets.Count -gt 1) {
                $command.DefaultParameterSet | Should -BeIn $command.ParameterSets.Name -Because "$($command.Name)'s default set is one of its sets"
            }
        }
    }

    It 'offers -Path with wildcards and -LiteralPath by property name on every cmdlet that audits a root' {
        foreach ($command in $commands | Where-Object Name -NE 'Export-BqxAuditReport') {
            $path = $command.Parameters['Path']
            $path.ParameterType | Should -Be ([string[]])
            $path.Attributes.Where({ $_ -is [System.Management.Automation.SupportsWildcardsAttribute] }).Count | Should -Be 1 -Because "$($command.Name) -Path takes wildcards"
            $path.Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] -and ($_.ValueFromPipeline -or $_.ValueFromPipelineByPropertyName) }).Count |
                Should -Be 0 -Because "$($command.Name) -Path never binds from the pipeline (a record's Path is relative to its root)"
            $literal = $command.Parameters['LiteralPath']
            $literal.ParameterType | Should -Be ([string[]])
            $literal.Attributes.Where({ $_ -is [System.Management.Automation.ParameterAttribute] -and $_.ValueFromPipelineByPropertyName }).Count | Should -Be 1
            $literal.Aliases | Should -Contain 'PSPath'
            $literal.Aliases | Should -Contain 'FullName'
        }
    }

    It 'offers the cloud parameters only where they act' {
        (Get-Command Export-BqxAuditReport).Parameters.Keys | Should -Not -Contain 'Offline'
        (Get-Command Export-BqxAuditReport).Parameters.Keys | Should -Not -Contain 'CredentialPath'
        (Get-Command Export-BqxAuditReport).Parameters.Keys | Should -Not -Contain 'Profile'
        (Get-Command Get-BqxScriptInventory).Parameters.Keys | Should -Not -Contain 'Offline'
        (Get-Command Get-BqxScriptInventory).Parameters.Keys | Should -Not -Contain 'ProjectId'
        (Get-Command Get-BqxBlocker).Parameters['Offline'].ParameterSets.Keys | Sort-Object | Should -Be @('LiteralPath', 'Path')
        (Get-Command Test-BqxNamingCompliance).Parameters['CredentialPath'].ParameterSets.Keys | Sort-Object | Should -Be @('LiteralPath', 'Path')
        (Get-Command Get-BqxRenamePlan).Parameters['Offline'].ParameterSets.Keys | Sort-Object | Should -Be @('LiteralPath', 'Path')
        foreach ($name in 'Test-BqxInfrastructure', 'Get-BqxDependency', 'Test-BqxPhaseReadiness', 'Invoke-BqxAudit') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'Offline'
            (Get-Command $name).Parameters['Offline'].SwitchParameter | Should -BeTrue
        }
    }

    It 'asks ShouldProcess on the cmdlets that write' {
        foreach ($name in 'Get-BqxRenamePlan', 'Test-BqxInfrastructure', 'Invoke-BqxAudit', 'Export-BqxAuditReport') {
            (Get-Command $name).Parameters.Keys | Should -Contain 'WhatIf'
            (Get-Command $name).Parameters.Keys | Should -Contain 'Confirm'
        }
        foreach ($name in 'Get-BqxScriptInventory', 'Test-BqxNamingCompliance', 'Get-BqxDependency', 'Get-BqxBlocker', 'Test-BqxPhaseReadiness') {
            (Get-Command $name).Parameters.Keys | Should -Not -Contain 'WhatIf' -Because "$name writes nothing"
        }
    }

    It 'loads the engine and YamlDotNet from Dependencies/ into its own load context' {
        $empty = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty') -Force
        $records = @(Get-BqxScriptInventory -LiteralPath $empty.FullName -Profile bqx-ml-v3)
        $records.Count | Should -Be 6
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -EQ 'BqxAudit.Dependencies'

        $context | Should -Not -BeNullOrEmpty
        $dependencies = Join-Path $module.ModuleBase 'Dependencies'
        ($context.Assemblies | Where-Object { $_.GetName().Name -eq 'BqxAudit.Engine' }).Location | Should -Be (Join-Path $dependencies 'BqxAudit.Engine.dll')
        ($context.Assemblies | Where-Object { $_.GetName().Name -eq 'YamlDotNet' }).Location | Should -Be (Join-Path $dependencies 'YamlDotNet.dll')
        [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies.GetName().Name | Should -Not -Contain 'YamlDotNet'
    }

    It 'keeps the output types in the default load context, so scripts can name them' {
        $empty = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty2') -Force
        $record = Get-BqxScriptInventory -LiteralPath $empty.FullName -Profile bqx-ml-v3 | Select-Object -First 1
        $model = $record.GetType().Assembly

        [System.Runtime.Loader.AssemblyLoadContext]::GetLoadContext($model) | Should -Be ([System.Runtime.Loader.AssemblyLoadContext]::Default)
        $model.Location | Should -Be (Join-Path $module.ModuleBase 'BqxAudit.Model.dll')
        $record -is [BqxAudit.Model.ScriptRecord] | Should -BeTrue
        [BqxAudit.Model.Priority]::P0 | Should -Be 'P0'
        $typed = { param([BqxAudit.Model.ScriptRecord] $Record) $Record.Status }
        & $typed $record | Should -Be ([BqxAudit.Model.ScriptStatus]::Missing)
    }
}
