#Requires -Version 7.4
# Pester 5 tests of the packages the engine is built on, in the staged module: they load in the module's own
# AssemblyLoadContext (BqxAudit.Dependencies), never clash with another copy loaded first into the session,
# and a hostile pyproject.toml (nesting 10,000 deep) does not take the session down. Mirrored in xunit by
# tests/Unit/Dependencies/PyprojectParserTests.cs (the nesting bound) and tests/Unit/Cloud/HostileEndpointTests.cs.

BeforeAll {
    $manifest = Join-Path $PSScriptRoot '../../out/BqxAudit/BqxAudit.psd1'
    Import-Module $manifest -Force -ErrorAction Stop
    $ours = Join-Path $PSScriptRoot '../../out/BqxAudit/Dependencies'

    # A repository with a pyproject.toml Tomlyn reads, and a closed port as every API's endpoint: the storage
    # check then builds Google.Cloud.Storage.V1's StorageClient and fails fast (connection refused).
    function New-Repository([string] $Path, [string] $Pyproject) {
        New-Item -ItemType Directory -Path (Join-Path $Path 'scripts') -Force | Out-Null
        Set-Content -LiteralPath (Join-Path $Path 'pyproject.toml') -Value $Pyproject -NoNewline
        Set-Content -LiteralPath (Join-Path $Path 'scripts/run.py') -Value "import requests`n"
        Set-Content -LiteralPath (Join-Path $Path 'bqxaudit.yaml') -Value @'
name: libraries
gcp: { project: bqx-ml, endpoints: { storage: "http://127.0.0.1:9/" } }
buckets: [ { name: bqx-ml-staging, prefixes: [ checkpoints/ ] } ]
'@
        $Path
    }

    # The packages' versions come from the NuGet global folder Pester itself was restored into.
    $packages = (Get-Module Pester).ModuleBase | Split-Path | Split-Path | Split-Path
    $olderGoogleApis = Join-Path $packages 'google.apis/1.68.0/lib/net6.0/Google.Apis.dll'
}

AfterAll {
    Remove-Module BqxAudit -ErrorAction SilentlyContinue
}

Describe "The module's load context" {
    It 'holds Google.Cloud.Storage.V1, Google.Apis.Storage.v1, Gax and Tomlyn from Dependencies/, not the default context' {
        $repo = New-Repository (Join-Path $TestDrive 'repo') "[project]`ndependencies = [`"requests>=2`"]`n"
        $env:STORAGE_EMULATOR_HOST = '127.0.0.1:9'
        try {
            $bucket = Test-BqxInfrastructure -Path $repo -Check GcsBucket -TimeoutSec 1
            $deps = @(Get-BqxDependency -Path $repo -Offline)
        }
        finally {
            Remove-Item Env:STORAGE_EMULATOR_HOST
        }

        $bucket.Status | Should -Be 'NotVerified'            # measured against a closed port: no answer
        $deps.Name | Should -Contain 'requests'              # read from pyproject.toml by Tomlyn
        $context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'BqxAudit.Dependencies'
        $context | Should -Not -BeNullOrEmpty
        $loaded = $context.Assemblies | ForEach-Object { $_.GetName().Name }
        foreach ($name in 'Google.Cloud.Storage.V1', 'Google.Apis.Storage.v1', 'Google.Api.Gax.Rest', 'Google.Apis', 'Tomlyn') {
            $loaded | Should -Contain $name
            $assembly = $context.Assemblies | Where-Object { $_.GetName().Name -eq $name }
            (Split-Path $assembly.Location) | Should -Be (Resolve-Path $ours).Path
        }

        $default = [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | ForEach-Object { $_.GetName().Name }
        $default | Should -Not -Contain 'Google.Cloud.Storage.V1'
        $default | Should -Not -Contain 'Tomlyn'
    }

    It 'works after another module loaded an older Google.Apis into the session first' {
        Test-Path -LiteralPath $olderGoogleApis | Should -BeTrue -Because 'tests/Unit restores Google.Apis 1.68.0 as a PackageDownload'
        $repo = New-Repository (Join-Path $TestDrive 'clash') "[project]`ndependencies = [`"requests>=2`"]`n"
        $script = Join-Path $TestDrive 'clash.ps1'
        Set-Content -LiteralPath $script -Value @'
param($Older, $Manifest, $Repo)
$ErrorActionPreference = 'Stop'
Add-Type -LiteralPath $Older                     # what another module would bring: Google.Apis 1.68 in the default context
Import-Module $Manifest
$env:STORAGE_EMULATOR_HOST = '127.0.0.1:9'
$bucket = Test-BqxInfrastructure -Path $Repo -Check GcsBucket -TimeoutSec 1
$context = [System.Runtime.Loader.AssemblyLoadContext]::All | Where-Object Name -eq 'BqxAudit.Dependencies'
$ours = $context.Assemblies | Where-Object { $_.GetName().Name -eq 'Google.Apis' }
$theirs = [System.Runtime.Loader.AssemblyLoadContext]::Default.Assemblies | Where-Object { $_.GetName().Name -eq 'Google.Apis' }
'{0}|{1}|{2}' -f $bucket.Status, $ours.GetName().Version, $theirs.GetName().Version
'@
        # A fresh session of the same pwsh (a .NET tool here: dotnet runs pwsh.dll).
        $host_ = [Environment]::ProcessPath
        $pwsh = if ((Split-Path -Leaf $host_) -like 'dotnet*') { @($host_, (Join-Path $PSHOME 'pwsh.dll')) } else { @($host_) }
        $output = & $pwsh[0] @($pwsh | Select-Object -Skip 1) -NoLogo -NoProfile -NonInteractive -File $script -Older $olderGoogleApis -Manifest (Resolve-Path $manifest).Path -Repo $repo 2>&1

        $LASTEXITCODE | Should -Be 0 -Because ($output -join "`n")
        $status, $oursVersion, $theirsVersion = ($output | Select-Object -Last 1) -split '\|'
        $status | Should -Be 'NotVerified'
        $oursVersion | Should -BeLike '1.78.*'
        $theirsVersion | Should -BeLike '1.68.*'
    }
}

Describe 'A hostile pyproject.toml' {
    It 'nested 10,000 deep is a diagnostic, and the session survives Get-BqxDependency' -TestCases @(
        @{ Opener = '[ ' }
        @{ Opener = '{ x = ' }
    ) {
        $deep = "[project]`ndependencies = [`"requests>=2`"]`n[tool.x]`ndeep = " + ($Opener * 10000) + "`n"
        $repo = New-Repository (Join-Path $TestDrive "deep$($Opener.Length)") $deep

        $deps = @(Get-BqxDependency -Path $repo -Offline -ErrorVariable problems -ErrorAction SilentlyContinue)

        $deps.Name | Should -Contain 'requests'
        ($problems | ForEach-Object { $_.Exception.Message }) -join "`n" | Should -Match 'nested deeper than 32 levels'
        # Still here: the same session goes on to the next command.
        (Get-BqxDependency -Path $repo -Offline -ErrorAction SilentlyContinue | Measure-Object).Count | Should -BeGreaterThan 0
    }
}
