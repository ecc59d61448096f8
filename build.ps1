#requires -Version 7.4
<#
.SYNOPSIS
    Builds BqxAudit, stages the module in out/BqxAudit/, and optionally tests or benchmarks it.
.DESCRIPTION
    The single pwsh entry point. Staging is the StageModule MSBuild target of src/Cmdlets, which
    runs after every build (and generates the help), so this script and .ci/run stage the module
    the same way.
.EXAMPLE
    ./build.ps1
    Import-Module ./out/BqxAudit/BqxAudit.psd1
    Get-BqxScriptInventory -Path ./examples/bqx-ml-v3
.EXAMPLE
    ./build.ps1 -Test
#>
[CmdletBinding()]
param(
    [ValidateSet('Debug', 'Release')]
    [string] $Configuration = 'Release',

    # Run every test through tools/test.sh: xunit, then Pester in pwsh 7.6.9 (which also parses every script).
    [switch] $Test,

    # Run the benchmarks in benchmarks/ (slow; never part of CI).
    [switch] $Bench
)

$ErrorActionPreference = 'Stop'
Set-Location -LiteralPath $PSScriptRoot

dotnet build (Join-Path $PSScriptRoot 'BqxAudit.slnx') -c $Configuration --nologo
if ($LASTEXITCODE -ne 0) { throw "dotnet build failed ($LASTEXITCODE)" }
Write-Host "Module staged in $(Join-Path $PSScriptRoot 'out/BqxAudit')"

if ($Test) {
    $env:CONFIGURATION = $Configuration
    bash (Join-Path $PSScriptRoot 'tools/test.sh')
    if ($LASTEXITCODE -ne 0) { throw "tests failed ($LASTEXITCODE)" }
}

if ($Bench) {
    bash (Join-Path $PSScriptRoot 'benchmarks/run.sh')
    if ($LASTEXITCODE -ne 0) { throw "benchmarks failed ($LASTEXITCODE)" }
}
