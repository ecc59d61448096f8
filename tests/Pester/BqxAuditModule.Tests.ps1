#Requires -Version 7.4
# Pester 5 tests of the staged module as a whole (out/BqxAudit/). They run where pwsh exists and
# mirror xunit tests that run everywhere: tests/Unit/PowerShell/ManifestTests.cs,
# CmdletMetadataTests.cs and DependencyLoadContextTests.cs.

BeforeAll {
    $manifestPath = Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1'
    $module = Import-Module $manifestPath -Force -PassThru -ErrorAction Stop
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe 'BqxAudit module' {
    It 'has a valid manifest for PowerShell 7.4 Core' {
        $info = Test-ModuleManifest -Path $manifestPath -ErrorAction Stop

        $info.PowerShellVersion | Should -Be ([version]'7.4')
        $info.CompatiblePSEditions -join ',' | Should -Be 'Core'
    }

    It 'exports exactly the cmdlets it compiles' {
        $compiled = $module.ImplementingAssembly.GetExportedTypes() |
            ForEach-Object { $_.GetCustomAttributes([System.Management.Automation.CmdletAttribute], $false) } |
            ForEach-Object { '{0}-{1}' -f $_.VerbName, $_.NounName } |
            Sort-Object
        $exported = $module.ExportedCmdlets.Keys | Sort-Object
        $declared = (Import-PowerShellDataFile -LiteralPath $manifestPath).CmdletsToExport | Sort-Object

        $exported -join ',' | Should -Be ($compiled -join ',')
        $declared -join ',' | Should -Be ($compiled -join ',')
    }

    It 'uses approved verbs and declares an OutputType on every cmdlet' {
        foreach ($command in Get-Command -Module BqxAudit) {
            Get-Verb -Verb $command.Verb | Should -Not -BeNullOrEmpty -Because "$($command.Name) needs an approved verb"
            $command.OutputType.Count | Should -BeGreaterThan 0 -Because "$($command.Name) needs [OutputType]"
        }
    }

    It 'gives Get-BqxScriptInventory its parameters and the common BqxAudit ones' {
        $parameters = (Get-Command -Name Get-BqxScriptInventory).Parameters.Keys

        foreach ($name in @('Path', 'LiteralPath', 'Include', 'Exclude', 'Kind', 'Profile', 'Offline', 'ProjectId', 'CredentialPath')) {
            $parameters | Should -Contain $name
        }
        (Get-Command -Name Get-BqxScriptInventory).Parameters['Offline'].SwitchParameter | Should -BeTrue
    }

    It 'loads the engine and YamlDotNet from Dependencies/ into its own load context' {
        # An empty root with the embedded default profile (read with YamlDotNet): six Missing records.
        $empty = New-Item -ItemType Directory -Path (Join-Path $TestDrive 'empty') -Force
        $records = @(Get-BqxScriptInventory -LiteralPath $empty.FullName -Profile bqx-ml-v3)
        $records.Count | Should -Be 6
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'BqxAudit.Dependencies'

        $context | Should -Not -BeNullOrEmpty
        $dependencies = Join-Path $module.ModuleBase 'Dependencies'
        $engine = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'BqxAudit.Engine' }
        $engine.Location | Should -Be (Join-Path $dependencies 'BqxAudit.Engine.dll')
        $yaml = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'YamlDotNet' }
        $yaml.Location | Should -Be (Join-Path $dependencies 'YamlDotNet.dll')
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
